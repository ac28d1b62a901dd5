import * as fs from 'fs';
import { parseConversationScripts } from '../converse/ConversationScript';
import { evaluateConversations, formatConversationEvaluation } from '../converse/evaluateConversations';

const USAGE =
    'Usage: bijli-mitra converse evaluate FILE... [--json] [--transcripts] [--only ID]\n' +
    '  FILE: JSON lines of scripted conversations (format in the README)\n';

/**
 * `bijli-mitra converse evaluate FILE... [--json] [--transcripts] [--only ID]`: plays scripted conversations
 * against the real dialogs on an in-memory database and reports success per language, per topic and per failure
 * class. Exit code 0 when every script was read (whatever the success rate), 1 for a bad line, 2 for bad usage.
 */
export async function runConverse(
    args: string[],
    output: NodeJS.WritableStream = process.stdout,
    errors: NodeJS.WritableStream = process.stderr
): Promise<number> {
    if (args[0] !== 'evaluate') {
        errors.write(USAGE);
        return 2;
    }
    const rest = args.slice(1);
    const json = rest.includes('--json');
    const transcripts = rest.includes('--transcripts');
    const onlyAt = rest.indexOf('--only');
    const only = onlyAt >= 0 ? rest[onlyAt + 1] : undefined;
    const files = rest.filter((a, i) => !a.startsWith('-') && !(onlyAt >= 0 && i === onlyAt + 1));
    const unknown = rest.filter((a) => a.startsWith('-') && !['--json', '--transcripts', '--only'].includes(a));
    if (unknown.length > 0 || files.length === 0 || (onlyAt >= 0 && !only)) {
        errors.write((unknown.length > 0 ? `Unknown option ${unknown.join(' ')}.\n` : 'Give at least one FILE.\n') + USAGE);
        return 2;
    }
    const scripts = [];
    let bad = 0;
    for (const file of files) {
        let content: string;
        try {
            content = fs.readFileSync(file, 'utf8');
        } catch (error) {
            errors.write(`Cannot read ${file}: ${(error as Error).message}\n`);
            return 2;
        }
        const parsed = parseConversationScripts(content);
        for (const e of parsed.errors) errors.write(`${file}:${e.line}: ${e.error}\n`);
        bad += parsed.errors.length;
        scripts.push(...parsed.scripts);
    }
    const chosen = only ? scripts.filter((s) => s.id === only) : scripts;
    if (chosen.length === 0) {
        errors.write(only ? `No conversation with id ${only}.\n` : 'No conversations in the given files.\n');
        return 1;
    }
    const evaluation = await evaluateConversations(chosen);
    output.write(json ? JSON.stringify(evaluation, null, 2) + '\n' : formatConversationEvaluation(evaluation, only ? 'all' : transcripts));
    return bad > 0 ? 1 : 0;
}
