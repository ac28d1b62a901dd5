import { DetectedLanguage } from './detectLanguage';
import { INTENTS, Intent, Recognizer } from './IntentRecognizer';

/** The language forms a labelled example can carry, in report order. */
export const LANGUAGES: readonly DetectedLanguage[] = ['en', 'hi', 'hi-Latn'];

/** One labelled utterance: what a consumer wrote, what it means and how it is written. */
export interface LabelledExample {
    text: string;
    intent: Intent;
    language: DetectedLanguage;
    /** 1-based line in the file it came from, when it came from a file; carried into {@link Miss}. */
    line?: number;
}

/** An example the recognizer got wrong in intent, in language or in both. */
export interface Miss {
    line?: number;
    text: string;
    expectedIntent: Intent;
    gotIntent: Intent;
    expectedLanguage: DetectedLanguage;
    gotLanguage: DetectedLanguage;
    score: number;
}

export interface LanguageStats {
    /** Examples labelled with this language. */
    n: number;
    /** Share of them whose intent was recognised correctly. */
    intentAccuracy: number;
    /** Share of them identified as this language. */
    languageAccuracy: number;
}

export interface IntentStats {
    /** Examples labelled with this intent (the support). */
    n: number;
    /** Examples the recognizer gave this intent, rightly or wrongly. */
    predicted: number;
    /** Correct / n: the same number as recall, kept under the name the report uses. */
    accuracy: number;
    /** Correct / predicted; 0 when the intent was never predicted. */
    precision: number;
    /** Correct / n; 0 when no example carries the intent. */
    recall: number;
}

export interface EvaluationResult {
    total: number;
    /** Share of examples whose intent was recognised correctly (0 for an empty set). */
    intentAccuracy: number;
    /** Share of examples whose language form was identified correctly (0 for an empty set). */
    languageAccuracy: number;
    /** Keyed by labelled language; only languages that occur in the examples. */
    perLanguage: Record<string, LanguageStats>;
    /** Keyed by intent; every intent that was expected or predicted at least once, in {@link INTENTS} order. */
    perIntent: Record<string, IntentStats>;
    /** confusion[expected][got] = count; only non-zero cells are present. */
    confusion: Record<string, Record<string, number>>;
    /** languageConfusion[expected][got] = count; only non-zero cells are present. */
    languageConfusion: Record<string, Record<string, number>>;
    /** Every example with a wrong intent or a wrong language, in input order. */
    misses: Miss[];
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

function bump(table: Record<string, Record<string, number>>, row: string, column: string): void {
    const cells = (table[row] ??= {});
    cells[column] = (cells[column] ?? 0) + 1;
}

/**
 * Runs `recognizer` over labelled `examples` and scores intent and language identification. The recognizer gets no
 * fallback language hint beyond its default, so language identification is measured on the text alone.
 */
export function evaluate(examples: readonly LabelledExample[], recognizer: Recognizer): EvaluationResult {
    const confusion: Record<string, Record<string, number>> = {};
    const languageConfusion: Record<string, Record<string, number>> = {};
    const misses: Miss[] = [];
    const lang = new Map<string, { n: number; intentOk: number; languageOk: number }>();
    const support = new Map<string, number>();
    const predicted = new Map<string, number>();
    const correct = new Map<string, number>();
    let intentOk = 0;
    let languageOk = 0;

    for (const example of examples) {
        const r = recognizer.recognize(example.text);
        const intentRight = r.intent === example.intent;
        const languageRight = r.language === example.language;
        if (intentRight) intentOk += 1;
        if (languageRight) languageOk += 1;
        bump(confusion, example.intent, r.intent);
        bump(languageConfusion, example.language, r.language);
        support.set(example.intent, (support.get(example.intent) ?? 0) + 1);
        predicted.set(r.intent, (predicted.get(r.intent) ?? 0) + 1);
        if (intentRight) correct.set(example.intent, (correct.get(example.intent) ?? 0) + 1);
        const l = lang.get(example.language) ?? { n: 0, intentOk: 0, languageOk: 0 };
        l.n += 1;
        if (intentRight) l.intentOk += 1;
        if (languageRight) l.languageOk += 1;
        lang.set(example.language, l);
        if (!intentRight || !languageRight) {
            misses.push({
                ...(example.line !== undefined ? { line: example.line } : {}),
                text: example.text,
                expectedIntent: example.intent,
                gotIntent: r.intent,
                expectedLanguage: example.language,
                gotLanguage: r.language,
                score: r.score,
            });
        }
    }

    const perLanguage: Record<string, LanguageStats> = {};
    const languageOrder = [...LANGUAGES, ...[...lang.keys()].filter((k) => !LANGUAGES.includes(k as DetectedLanguage)).sort()];
    for (const key of languageOrder) {
        const l = lang.get(key);
        if (l) perLanguage[key] = { n: l.n, intentAccuracy: ratio(l.intentOk, l.n), languageAccuracy: ratio(l.languageOk, l.n) };
    }

    const perIntent: Record<string, IntentStats> = {};
    const intentOrder = [
        ...(INTENTS as readonly string[]),
        ...[...new Set([...support.keys(), ...predicted.keys()])].filter((k) => !(INTENTS as readonly string[]).includes(k)).sort(),
    ];
    for (const intent of intentOrder) {
        const n = support.get(intent) ?? 0;
        const p = predicted.get(intent) ?? 0;
        if (n === 0 && p === 0) continue;
        const tp = correct.get(intent) ?? 0;
        perIntent[intent] = { n, predicted: p, accuracy: ratio(tp, n), precision: ratio(tp, p), recall: ratio(tp, n) };
    }

    return {
        total: examples.length,
        intentAccuracy: ratio(intentOk, examples.length),
        languageAccuracy: ratio(languageOk, examples.length),
        perLanguage,
        perIntent,
        confusion,
        languageConfusion,
        misses,
    };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** Renders rows as a plain-text table: first column left-aligned, the others right-aligned. */
function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    return rows
        .map((r) =>
            r
                .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
                .join('  ')
                .trimEnd()
        )
        .join('\n');
}

/** Renders a confusion table (rows expected, columns got) with numbered column headers and a legend. */
function matrix(labels: string[], cells: Record<string, Record<string, number>>, numbered: boolean): string {
    const head = numbered ? labels.map((_, i) => String(i + 1)) : labels;
    const rows: string[][] = [['expected \\ got', ...head]];
    labels.forEach((row, i) => {
        rows.push([numbered ? `${String(i + 1).padStart(2)} ${row}` : row, ...labels.map((col) => String(cells[row]?.[col] ?? '.'))]);
    });
    return table(rows);
}

export interface FormatOptions {
    /** How many misses to list; the rest are counted. Default 50. */
    maxMisses?: number;
}

/** A readable plain-text report of {@link evaluate}'s result: totals, per language, per intent, confusion matrices, misses. */
export function formatEvaluation(result: EvaluationResult, options: FormatOptions = {}): string {
    const maxMisses = options.maxMisses ?? 50;
    const out: string[] = [];
    const intentOk = Math.round(result.intentAccuracy * result.total);
    const languageOk = Math.round(result.languageAccuracy * result.total);
    out.push(`Examples: ${result.total}`);
    out.push(`Intent accuracy:   ${pct(result.intentAccuracy)} (${intentOk}/${result.total})`);
    out.push(`Language accuracy: ${pct(result.languageAccuracy)} (${languageOk}/${result.total})`);
    out.push('');

    out.push('Per language');
    out.push(
        table([
            ['language', 'n', 'intent', 'language-id'],
            ...Object.entries(result.perLanguage).map(([key, s]) => [key, String(s.n), pct(s.intentAccuracy), pct(s.languageAccuracy)]),
        ])
    );
    out.push('');

    out.push('Per intent');
    out.push(
        table([
            ['intent', 'n', 'predicted', 'accuracy', 'precision', 'recall'],
            ...Object.entries(result.perIntent).map(([key, s]) => [key, String(s.n), String(s.predicted), pct(s.accuracy), pct(s.precision), pct(s.recall)]),
        ])
    );
    out.push('');

    const intents = Object.keys(result.perIntent);
    out.push('Intent confusion matrix (rows: expected, columns: recognised; "." = 0)');
    out.push(matrix(intents, result.confusion, true));
    out.push('');

    const languages = [...new Set([...Object.keys(result.languageConfusion), ...Object.values(result.languageConfusion).flatMap((r) => Object.keys(r))])];
    languages.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    out.push('Language confusion matrix (rows: expected, columns: identified)');
    out.push(matrix(languages, result.languageConfusion, false));
    out.push('');

    out.push(`Misses: ${result.misses.length}`);
    for (const m of result.misses.slice(0, maxMisses)) {
        const where = m.line !== undefined ? `line ${m.line}: ` : '';
        const intent = m.expectedIntent === m.gotIntent ? m.gotIntent : `${m.expectedIntent} -> ${m.gotIntent}`;
        const language = m.expectedLanguage === m.gotLanguage ? m.gotLanguage : `${m.expectedLanguage} -> ${m.gotLanguage}`;
        out.push(`  ${where}[${intent}; ${language}] ${JSON.stringify(m.text)}`);
    }
    if (result.misses.length > maxMisses) out.push(`  ... and ${result.misses.length - maxMisses} more (use --json for all)`);
    return out.join('\n') + '\n';
}

function rank(language: string): number {
    const i = LANGUAGES.indexOf(language as DetectedLanguage);
    return i < 0 ? LANGUAGES.length : i;
}

/** A line of a labelled JSONL file that could not be used. */
export interface ParseError {
    line: number;
    message: string;
}

/**
 * Parses labelled JSONL (`{"text","intent","language"}` per line; blank lines skipped), checking every line.
 * Returns the examples, or every problem found with its 1-based line number.
 */
export function parseLabelledJsonl(content: string): { examples: LabelledExample[]; errors: ParseError[] } {
    const examples: LabelledExample[] = [];
    const errors: ParseError[] = [];
    const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
    lines.forEach((raw, index) => {
        const line = index + 1;
        if (raw.trim() === '') return;
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch (err) {
            errors.push({ line, message: `invalid JSON (${err instanceof Error ? err.message : String(err)})` });
            return;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
            errors.push({ line, message: 'expected a JSON object with "text", "intent" and "language"' });
            return;
        }
        const { text, intent, language } = value as Record<string, unknown>;
        const problems: string[] = [];
        if (typeof text !== 'string' || text.trim() === '') problems.push('"text" must be a non-empty string');
        if (typeof intent !== 'string') problems.push('"intent" is missing or not a string');
        else if (!(INTENTS as readonly string[]).includes(intent)) problems.push(`unknown intent ${JSON.stringify(intent)} (known: ${INTENTS.join(', ')})`);
        if (typeof language !== 'string') problems.push('"language" is missing or not a string');
        else if (!LANGUAGES.includes(language as DetectedLanguage))
            problems.push(`unknown language ${JSON.stringify(language)} (known: ${LANGUAGES.join(', ')})`);
        if (problems.length > 0) {
            for (const message of problems) errors.push({ line, message });
            return;
        }
        examples.push({ text: text as string, intent: intent as Intent, language: language as DetectedLanguage, line });
    });
    return { examples, errors };
}
