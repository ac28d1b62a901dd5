import * as readline from 'readline';
import { IntentRecognizer } from '../nlu/IntentRecognizer';

/**
 * `bijli-mitra nlu`: one JSON object per input line, `{"text": "..."}`, answered by one line
 * `{"text","intent","score","language","entities":[{"type","value"}]}`. A line that is not such JSON is answered
 * with `{"error": "..."}` so output lines stay aligned with input lines.
 */
export async function runNlu(_args: string[], input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
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
        output.write(JSON.stringify({
            text: r.text,
            intent: r.intent,
            score: r.score,
            language: r.language,
            entities: r.entities.map((e) => ({ type: e.type, value: e.value })),
        }) + '\n');
    }
    return failures > 0 ? 1 : 0;
}
