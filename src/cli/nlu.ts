import * as fs from 'fs';
import * as readline from 'readline';
import { IntentRecognizer } from '../nlu/IntentRecognizer';
import { evaluate, formatEvaluation, parseLabelledJsonl } from '../nlu/evaluateRecognizer';

const EVALUATE_USAGE = 'Usage: bijli-mitra nlu evaluate FILE [--json]\n' + '  FILE: JSON lines {"text": ..., "intent": ..., "language": "en"|"hi"|"hi-Latn"}\n';

/**
 * `bijli-mitra nlu`: one JSON object per input line, `{"text": "..."}`, answered by one line
 * `{"text","intent","score","language","entities":[{"type","value"}]}`. A line that is not such JSON is answered
 * with `{"error": "..."}` so output lines stay aligned with input lines.
 */
export async function runNlu(args: string[], input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
    if (args[0] === 'evaluate') return runNluEvaluate(args.slice(1), output);
    const recognizer = new IntentRecognizer();
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    let failures = 0;
    for await (const line of lines) {
        if (line.trim() === '') continue;
        let text: unknown;
        try {
            text = (JSON.parse(line) as { text?: unknown }).text;
        } catch {
            text = undefined;
        }
        if (typeof text !== 'string') {
            failures += 1;
            output.write(JSON.stringify({ error: 'each line must be a JSON object with a string "text"' }) + '\n');
            continue;
        }
        const r = recognizer.recognize(text);
        output.write(
            JSON.stringify({
                text: r.text,
                intent: r.intent,
                score: r.score,
                language: r.language,
                entities: r.entities.map((e) => ({ type: e.type, value: e.value })),
            }) + '\n'
        );
    }
    return failures > 0 ? 1 : 0;
}

/**
 * `bijli-mitra nlu evaluate FILE [--json]`: scores the recognizer on a labelled JSONL file and prints accuracy per
 * language and per intent, the confusion matrices and the misses (or the whole result as JSON with `--json`).
 * Every bad line is reported with its line number and the exit code is 1; a usage error exits with 2.
 */
export async function runNluEvaluate(
    args: string[],
    output: NodeJS.WritableStream = process.stdout,
    errors: NodeJS.WritableStream = process.stderr
): Promise<number> {
    const json = args.includes('--json');
    const unknown = args.filter((a) => a.startsWith('-') && a !== '--json');
    const files = args.filter((a) => !a.startsWith('-'));
    if (unknown.length > 0 || files.length !== 1) {
        errors.write((unknown.length > 0 ? `Unknown option ${unknown.join(' ')}.\n` : 'Give exactly one FILE.\n') + EVALUATE_USAGE);
        return 2;
    }
    const file = files[0];
    let content: string;
    try {
        content = fs.readFileSync(file, 'utf8');
    } catch (err) {
        errors.write(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
    const parsed = parseLabelledJsonl(content);
    if (parsed.errors.length > 0) {
        for (const e of parsed.errors) errors.write(`${file}:${e.line}: ${e.message}\n`);
        errors.write(`${parsed.errors.length} problem(s) in ${file}; nothing was evaluated.\n`);
        return 1;
    }
    if (parsed.examples.length === 0) {
        errors.write(`${file} has no labelled examples.\n`);
        return 1;
    }
    const result = evaluate(parsed.examples, new IntentRecognizer());
    output.write(json ? JSON.stringify(result, null, 2) + '\n' : `Recognizer evaluation of ${file}\n\n` + formatEvaluation(result));
    return 0;
}
