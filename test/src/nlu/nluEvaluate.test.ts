import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGE_ROOT } from '../../../src/paths';
import { DetectedLanguage } from '../../../src/nlu/detectLanguage';
import { INTENTS, Intent, IntentRecognizer, Recognition, Recognizer } from '../../../src/nlu/IntentRecognizer';
import { evaluate, formatEvaluation, LabelledExample, parseLabelledJsonl } from '../../../src/nlu/evaluateRecognizer';
import { CORPUS_DIR, readCorpus } from '../../../src/nlu/NaiveBayesIntentModel';

const CLI = path.join(PACKAGE_ROOT, 'bin', 'bijli-mitra.js');
const HELDOUT = path.join(PACKAGE_ROOT, 'test', 'nlu', 'heldout-6.jsonl');

/** A recognizer that answers from a fixed table, so the arithmetic can be checked by hand. */
class TableRecognizer implements Recognizer {
    constructor(private readonly answers: Record<string, [Intent, DetectedLanguage]>) {}
    recognize(text: string): Recognition {
        const [intent, language] = this.answers[text];
        return { text, intent, language, score: 1, entities: [] };
    }
}

function runCli(args: string[]) {
    return spawnSync(process.execPath, [CLI, 'nlu', 'evaluate', ...args], { encoding: 'utf8' });
}

describe('nlu evaluate: arithmetic', () => {
    // Expected → got:  a: bill.query → bill.query (en ok)      b: bill.query → bill.pay (en ok)
    //                  c: bill.pay → bill.pay (hi → hi-Latn)    d: greeting → greeting (hi-Latn ok)
    //                  e: greeting → bill.pay (hi-Latn → en)
    const examples: LabelledExample[] = [
        { text: 'a', intent: 'bill.query', language: 'en' },
        { text: 'b', intent: 'bill.query', language: 'en' },
        { text: 'c', intent: 'bill.pay', language: 'hi' },
        { text: 'd', intent: 'greeting', language: 'hi-Latn', line: 7 },
        { text: 'e', intent: 'greeting', language: 'hi-Latn', line: 9 },
    ];
    const recognizer = new TableRecognizer({
        a: ['bill.query', 'en'],
        b: ['bill.pay', 'en'],
        c: ['bill.pay', 'hi-Latn'],
        d: ['greeting', 'hi-Latn'],
        e: ['bill.pay', 'en'],
    });
    const result = evaluate(examples, recognizer);

    it('counts overall intent and language accuracy', () => {
        assert.equal(result.total, 5);
        assert.equal(result.intentAccuracy, 3 / 5);
        assert.equal(result.languageAccuracy, 3 / 5);
    });

    it('splits accuracy by labelled language', () => {
        assert.deepEqual(result.perLanguage, {
            en: { n: 2, intentAccuracy: 1 / 2, languageAccuracy: 1 },
            hi: { n: 1, intentAccuracy: 1, languageAccuracy: 0 },
            'hi-Latn': { n: 2, intentAccuracy: 1 / 2, languageAccuracy: 1 / 2 },
        });
    });

    it('computes per-intent support, precision and recall', () => {
        assert.deepEqual(Object.keys(result.perIntent), ['bill.query', 'bill.pay', 'greeting'], 'only intents that occur, in INTENTS order');
        assert.deepEqual(result.perIntent['bill.query'], { n: 2, predicted: 1, accuracy: 1 / 2, precision: 1, recall: 1 / 2 });
        assert.deepEqual(result.perIntent['bill.pay'], { n: 1, predicted: 3, accuracy: 1, precision: 1 / 3, recall: 1 });
        assert.deepEqual(result.perIntent.greeting, { n: 2, predicted: 1, accuracy: 1 / 2, precision: 1, recall: 1 / 2 });
    });

    it('fills the confusion matrices with only non-zero cells', () => {
        assert.deepEqual(result.confusion, {
            'bill.query': { 'bill.query': 1, 'bill.pay': 1 },
            'bill.pay': { 'bill.pay': 1 },
            greeting: { greeting: 1, 'bill.pay': 1 },
        });
        assert.deepEqual(result.languageConfusion, { en: { en: 2 }, hi: { 'hi-Latn': 1 }, 'hi-Latn': { 'hi-Latn': 1, en: 1 } });
    });

    it('lists every miss of intent or language with its line', () => {
        assert.deepEqual(
            result.misses.map((m) => [m.text, m.line, m.gotIntent, m.gotLanguage]),
            [
                ['b', undefined, 'bill.pay', 'en'],
                ['c', undefined, 'bill.pay', 'hi-Latn'],
                ['e', 9, 'bill.pay', 'en'],
            ]
        );
    });

    it('gives zero rather than NaN for an empty set', () => {
        const empty = evaluate([], recognizer);
        assert.deepEqual([empty.total, empty.intentAccuracy, empty.languageAccuracy, empty.misses.length], [0, 0, 0, 0]);
        assert.deepEqual(empty.perIntent, {});
    });

    it('formats a plain-text report with per-language, per-intent and confusion sections', () => {
        const text = formatEvaluation(result);
        assert.match(text, /Intent accuracy:\s+60\.0% \(3\/5\)/);
        assert.match(text, /Language accuracy:\s+60\.0% \(3\/5\)/);
        assert.match(text, /^hi-Latn\s+2\s+50\.0%\s+50\.0%$/m);
        assert.match(text, /^bill\.pay\s+1\s+3\s+100\.0%\s+33\.3%\s+100\.0%$/m);
        assert.match(text, /^ 3 greeting\s+\.\s+1\s+1$/m, 'confusion row: greeting → bill.query 0, bill.pay 1, greeting 1');
        assert.match(text, /line 9: \[greeting -> bill\.pay; hi-Latn -> en\] "e"/);
    });
});

describe('nlu evaluate: parsing labelled JSONL', () => {
    it('reports every bad line with its number and keeps good lines', () => {
        const content = [
            JSON.stringify({ text: 'bijli nahi hai', intent: 'complaint.no_supply', language: 'hi-Latn' }),
            '',
            '{"text": "oops"',
            JSON.stringify({ text: 'hello', intent: 'greetings', language: 'en' }),
            JSON.stringify({ text: 'hello', intent: 'greeting', language: 'hindi' }),
            JSON.stringify({ text: '', intent: 'greeting', language: 'en' }),
            '[1, 2]',
        ].join('\n');
        const { examples, errors } = parseLabelledJsonl(content);
        assert.equal(examples.length, 1);
        assert.equal(examples[0].line, 1);
        assert.deepEqual(
            errors.map((e) => e.line),
            [3, 4, 5, 6, 7]
        );
        assert.match(errors[0].message, /invalid JSON/);
        assert.match(errors[1].message, /unknown intent "greetings"/);
        assert.match(errors[2].message, /unknown language "hindi"/);
        assert.match(errors[3].message, /"text" must be a non-empty string/);
    });
});

describe('nlu evaluate command', () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-evaluate-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('prints accuracy per language and per intent and a confusion matrix', () => {
        const file = path.join(dir, 'good.jsonl');
        fs.writeFileSync(
            file,
            [
                { text: 'bijli nahi aa rahi', intent: 'complaint.no_supply', language: 'hi-Latn' },
                { text: 'बिजली नहीं है', intent: 'complaint.no_supply', language: 'hi' },
                { text: 'what is my bill amount', intent: 'bill.query', language: 'en' },
            ]
                .map((e) => JSON.stringify(e))
                .join('\n') + '\n'
        );
        const result = runCli([file]);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /Examples: 3/);
        assert.match(result.stdout, /Per language/);
        for (const language of ['en', 'hi', 'hi-Latn']) assert.match(result.stdout, new RegExp(`^${language}\\s+1\\s+\\d+\\.\\d%\\s+\\d+\\.\\d%$`, 'm'));
        assert.match(result.stdout, /Per intent/);
        assert.match(result.stdout, /^complaint\.no_supply\s+2\s+\d+/m);
        assert.match(result.stdout, /^bill\.query\s+1\s+\d+/m);
        assert.match(result.stdout, /Intent confusion matrix/);
    });

    it('prints the whole result as JSON with --json', () => {
        const file = path.join(dir, 'json.jsonl');
        fs.writeFileSync(file, JSON.stringify({ text: 'namaste', intent: 'greeting', language: 'hi-Latn' }) + '\n');
        const result = runCli([file, '--json']);
        assert.equal(result.status, 0, result.stderr);
        const parsed = JSON.parse(result.stdout);
        assert.equal(parsed.total, 1);
        assert.ok(parsed.perLanguage['hi-Latn']);
        assert.ok(parsed.perIntent.greeting);
        assert.ok(parsed.confusion.greeting);
    });

    it('rejects bad lines with line-numbered errors and exit code 1', () => {
        const file = path.join(dir, 'bad.jsonl');
        fs.writeFileSync(
            file,
            [
                JSON.stringify({ text: 'bijli nahi aa rahi', intent: 'complaint.no_supply', language: 'hi-Latn' }),
                'not json',
                JSON.stringify({ text: 'hi', intent: 'hello', language: 'en' }),
                JSON.stringify({ text: 'hi', intent: 'greeting', language: 'fr' }),
            ].join('\n')
        );
        const result = runCli([file]);
        assert.equal(result.status, 1);
        assert.equal(result.stdout, '', 'nothing is evaluated when the file has problems');
        assert.match(result.stderr, /bad\.jsonl:2: invalid JSON/);
        assert.match(result.stderr, /bad\.jsonl:3: unknown intent "hello"/);
        assert.match(result.stderr, /bad\.jsonl:4: unknown language "fr"/);
    });

    it('fails clearly on a missing file, an empty file and a missing argument', () => {
        const missing = runCli([path.join(dir, 'nope.jsonl')]);
        assert.equal(missing.status, 1);
        assert.match(missing.stderr, /Cannot read/);
        const emptyFile = path.join(dir, 'empty.jsonl');
        fs.writeFileSync(emptyFile, '\n\n');
        const empty = runCli([emptyFile]);
        assert.equal(empty.status, 1);
        assert.match(empty.stderr, /no labelled examples/);
        const usage = runCli([]);
        assert.equal(usage.status, 2);
        assert.match(usage.stderr, /Usage: bijli-mitra nlu evaluate FILE/);
    });
});

describe('held-out corpus (test/nlu/heldout-6.jsonl)', () => {
    const { examples, errors } = parseLabelledJsonl(fs.readFileSync(HELDOUT, 'utf8'));
    const normalise = (t: string) =>
        t
            .toLowerCase()
            .replace(/[^\p{L}\p{N}]+/gu, ' ')
            .trim();

    it('is valid, covers every intent and language form, and shares no text with the corpus the recognizer learns from', () => {
        assert.deepEqual(errors, []);
        assert.ok(examples.length >= 250, `${examples.length} examples`);
        // "subscribe" came after the set was written (blind set G, conversations), and "outage.eta" after that (issue 16);
        // a new held-out set will cover them.
        for (const intent of INTENTS.filter((i) => i !== 'subscribe' && i !== 'outage.eta')) {
            const n = examples.filter((e) => e.intent === intent).length;
            assert.ok(n >= 5, `${intent} has ${n} examples`);
        }
        for (const language of ['en', 'hi', 'hi-Latn'] as const) {
            const n = examples.filter((e) => e.language === language).length;
            assert.ok(n >= 50, `${language} has ${n} examples`);
        }
        const learned = new Set(readCorpus(CORPUS_DIR).map((e) => normalise(e.text)));
        const overlap = examples.filter((e) => learned.has(normalise(e.text))).map((e) => e.text);
        assert.deepEqual(overlap, [], 'held-out texts must not appear in src/nlu/corpus, which the lexicon was tuned on and the model learns from');
    });

    // Floors are the accuracies measured the first time the set was run (test/nlu/heldout-results.md), rounded down to
    // the whole percent: a regression fails; an improvement should raise them.
    // The set was written before "when will the power come back?" had an intent of its own; its writers labelled it
    // as the no-power report it implies, so the set is read at the granularity it was written in.
    const recognizer = new IntentRecognizer();
    const result = evaluate(examples, {
        recognize: (text, language) => {
            const r = recognizer.recognize(text, language);
            return r.intent === 'outage.eta' ? { ...r, intent: 'complaint.no_supply' } : r;
        },
    });
    const floors: Array<[string, number, number]> = [
        ['overall intent', result.intentAccuracy, 0.96],
        ['overall language-id', result.languageAccuracy, 0.98],
        ['en intent', result.perLanguage.en.intentAccuracy, 0.97],
        ['hi intent', result.perLanguage.hi.intentAccuracy, 0.92],
        ['hi-Latn intent', result.perLanguage['hi-Latn'].intentAccuracy, 0.97],
        ['en language-id', result.perLanguage.en.languageAccuracy, 1.0],
        ['hi language-id', result.perLanguage.hi.languageAccuracy, 1.0],
        ['hi-Latn language-id', result.perLanguage['hi-Latn'].languageAccuracy, 0.96],
    ];
    for (const [name, measured, floor] of floors) {
        it(`keeps ${name} accuracy at or above ${Math.round(floor * 100)}%`, () => {
            assert.ok(measured >= floor, `${name}: ${(measured * 100).toFixed(1)}% < ${floor * 100}%\n` + formatEvaluation(result));
        });
    }
});
