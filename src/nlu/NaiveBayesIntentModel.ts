import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../paths';
import { foldForMatching, tokenize } from './normalizeText';

/** A message with the intent a person gave it. */
export interface LabelledText {
    text: string;
    intent: string;
}

/** What the model makes of a message: its likeliest intent and that intent's posterior probability. */
export interface IntentGuess {
    intent: string;
    probability: number;
    /** Share of the message's words seen in training: naive Bayes is confidently wrong about text unlike its corpus. */
    knownWords: number;
}

/** The corpus the model learns from: labelled JSONL files written for this project (see its README). */
export const CORPUS_DIR = path.join(PACKAGE_ROOT, 'src', 'nlu', 'corpus');

// Additive smoothing; small because most features are rare and the corpus is small.
const ALPHA = 0.1;

/**
 * A multinomial naive Bayes intent classifier over word and character 3- and 4-gram features of folded text. It
 * learns spellings the lexicon has never listed ("tranfarmar", "टिमटिमा") from the project's own labelled corpus.
 * Training on about 1,400 messages takes a few tens of milliseconds and is deterministic: the same corpus always gives
 * the same model.
 */
export class NaiveBayesIntentModel {
    private constructor(
        private readonly intents: string[],
        private readonly priors: Float64Array,
        /** Log-likelihood of each feature per intent, for features seen in training. */
        private readonly likelihoods: Map<string, Float64Array>
    ) {}

    /** Learns from `examples`; throws when there is nothing to learn from. */
    static train(examples: LabelledText[]): NaiveBayesIntentModel {
        if (examples.length === 0) throw new Error('NaiveBayesIntentModel.train: no examples');
        const intents = [...new Set(examples.map((e) => e.intent))].sort();
        const index = new Map(intents.map((intent, i) => [intent, i]));
        const counts = new Map<string, Float64Array>();
        const totals = new Float64Array(intents.length);
        const docs = new Float64Array(intents.length);
        for (const example of examples) {
            const k = index.get(example.intent) as number;
            docs[k] += 1;
            for (const feature of featuresOf(example.text)) {
                let row = counts.get(feature);
                if (!row) counts.set(feature, (row = new Float64Array(intents.length)));
                row[k] += 1;
                totals[k] += 1;
            }
        }
        const vocabulary = counts.size;
        const likelihoods = new Map<string, Float64Array>();
        for (const [feature, row] of counts) {
            likelihoods.set(
                feature,
                row.map((n, k) => Math.log((n + ALPHA) / (totals[k] + ALPHA * vocabulary)))
            );
        }
        const priors = docs.map((n) => Math.log(n / examples.length));
        return new NaiveBayesIntentModel(intents, priors, likelihoods);
    }

    /** The model trained on every file in {@link CORPUS_DIR}, built once per process. */
    static fromCorpus(): NaiveBayesIntentModel {
        return (shared ??= NaiveBayesIntentModel.train(readCorpus(CORPUS_DIR)));
    }

    /** The likeliest intent of `text`; features never seen in training are ignored. */
    predict(text: string): IntentGuess {
        const scores = Float64Array.from(this.priors);
        let words = 0;
        let known = 0;
        for (const feature of featuresOf(text)) {
            const row = this.likelihoods.get(feature);
            if (feature.startsWith('w:')) {
                words += 1;
                if (row) known += 1;
            }
            if (row) for (let k = 0; k < scores.length; k++) scores[k] += row[k];
        }
        let best = 0;
        for (let k = 1; k < scores.length; k++) if (scores[k] > scores[best]) best = k;
        let sum = 0;
        for (const score of scores) sum += Math.exp(score - scores[best]);
        return { intent: this.intents[best], probability: 1 / sum, knownWords: words === 0 ? 0 : known / words };
    }
}

let shared: NaiveBayesIntentModel | undefined;

/** Reads every `*.jsonl` file of `dir` (sorted by name) as labelled texts with `text` and `intent` fields. */
export function readCorpus(dir: string): LabelledText[] {
    const examples: LabelledText[] = [];
    for (const file of fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()) {
        const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
        lines.forEach((line, i) => {
            if (!line.trim()) return;
            const parsed = JSON.parse(line) as Partial<LabelledText>;
            if (typeof parsed.text !== 'string' || typeof parsed.intent !== 'string') {
                throw new Error(`${path.join(dir, file)}:${i + 1}: each line needs "text" and "intent" strings`);
            }
            examples.push({ text: parsed.text, intent: parsed.intent });
        });
    }
    return examples;
}

/** Distinct features of `text`: each word, and the character 3- and 4-grams of each word with its boundaries. */
function featuresOf(text: string): Set<string> {
    const features = new Set<string>();
    for (const token of tokenize(foldForMatching(text.slice(0, 2000)))) {
        features.add(`w:${token}`);
        const chars = [...`^${token}$`];
        for (const n of [3, 4]) {
            for (let i = 0; i + n <= chars.length; i++) features.add(`c${n}:${chars.slice(i, i + n).join('')}`);
        }
    }
    return features;
}
