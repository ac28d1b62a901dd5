import { detectLanguage, DetectedLanguage } from './detectLanguage';
import { Entity, extractEntities } from './extractEntities';
import { CONCEPTS, ENGLISH_WORDS, HINGLISH_WORDS, IntentRule, NOT_MISSPELLINGS, RULES } from './intentLexicon';
import { IntentGuess, NaiveBayesIntentModel } from './NaiveBayesIntentModel';
import { editDistance, foldForMatching, skeleton, tokenize } from './normalizeText';

// Rules at or above this weight are trusted over the model.
const SURE_RULE = 0.8;
const BILL_WORDS = new Set(['bill', 'bills', 'बिल']);
const OF_WORDS = new Set(['ka', 'ki', 'ke', 'का', 'की', 'के']);
/** Concepts whose words are matched exactly: a near spelling of "chori" is "char" (four), of "dikha" "likha". */
const EXACT_CONCEPTS = new Set(['theft', 'showVerb']);
/** Words after which "no" is short for number. */
const NUMBER_NOUNS = new Set([
    'helpline',
    'office',
    'contact',
    'phone',
    'mobile',
    'account',
    'acc',
    'ticket',
    'complaint',
    'consumer',
    'meter',
    'customer',
    'care',
]);
// The model's posterior needed to overrule the rules (measured on held-out set 3: see src/nlu/corpus/README.md).
const SURE_MODEL = 0.99;
const MODEL_SCORE = 0.6;
// Share of a message's words the model must have seen: "1'; DROP TABLE complaints" is not a status question.
const FAMILIAR_WORDS = 0.5;
// Below the dispute rules (a bill whose reading is wrong is a billing complaint), above questions about the bill.
const READING_WITH_VALUE = 0.88;

/** The fixed set of intents the dialogs act on. */
export const INTENTS = [
    'complaint.no_supply',
    'complaint.voltage',
    'complaint.transformer',
    'complaint.line',
    'complaint.meter',
    'complaint.billing',
    'complaint.status',
    'bill.query',
    'bill.pay',
    'meter.info',
    'meter.reading',
    'language.hi',
    'language.en',
    'greeting',
    'help',
    'agent',
    'cancel',
    'subscribe',
    'unsubscribe',
    'mobile.update',
    'outage.eta',
    'none',
] as const;

/** One of {@link INTENTS}. */
export type Intent = (typeof INTENTS)[number];

/** Whether `value` (read from a locale file, say) names one of {@link INTENTS}. */
export function isIntent(value: string): value is Intent {
    return (INTENTS as readonly string[]).includes(value);
}

/** What the recognizer understood of one message. */
export interface Recognition {
    text: string;
    intent: Intent;
    /** 0–1; rules carry fixed weights, lowered when a message is long and only weakly matched. */
    score: number;
    language: DetectedLanguage;
    entities: Entity[];
}

/** The recognizer interface the dialogs depend on, so a trained model can replace the lexicon later. */
export interface Recognizer {
    recognize(text: string, fallbackLanguage?: DetectedLanguage): Recognition;
}

/**
 * Lexicon-and-rules intent recognizer for English, Hindi and romanised Hindi. Each token is mapped to concepts by
 * exact form, by spelling skeleton (vowels and h dropped: bijlee → bjl) and by edit distance ≤ 1 for longer words;
 * the strongest rule whose concepts all occur decides the intent. Deterministic and fast (no model, no network).
 */
export class IntentRecognizer implements Recognizer {
    private readonly exact = new Map<string, Set<string>>();
    private readonly bySkeleton = new Map<string, Set<string>>();
    private readonly longWords: Array<{ word: string; concept: string }> = [];
    private readonly cache = new Map<string, Set<string>>();

    constructor(
        concepts: Record<string, string[]> = CONCEPTS,
        private readonly rules: IntentRule[] = RULES,
        /** Consulted when no rule is sure; null for rules alone. */
        private readonly model: { predict(text: string): IntentGuess } | null = NaiveBayesIntentModel.fromCorpus()
    ) {
        for (const [concept, words] of Object.entries(concepts)) {
            for (const raw of words) {
                const word = foldForMatching(raw);
                add(this.exact, word, concept);
                if (EXACT_CONCEPTS.has(concept)) continue;
                if (word.length >= 4) {
                    const key = skeleton(word);
                    if (key.length >= 3) add(this.bySkeleton, key, concept);
                }
                if (word.length >= 5) this.longWords.push({ word, concept });
            }
        }
    }

    /** Classifies `text`; `fallbackLanguage` is returned as the language when the text does not show one. */
    recognize(text: string, fallbackLanguage: DetectedLanguage = 'en'): Recognition {
        const input = typeof text === 'string' ? text : '';
        const language = detectLanguage(input, fallbackLanguage);
        const entities = extractEntities(input, language);
        const tokens = tokenize(foldForMatching(input.slice(0, 2000)));
        const conceptsAt = tokens.map((token, i) => {
            const concepts = this.conceptsOf(token);
            // "light bill", "bijli ka bill": the bill, not the power.
            const billNext = BILL_WORDS.has(tokens[i + 1]) || (OF_WORDS.has(tokens[i + 1]) && BILL_WORDS.has(tokens[i + 2]));
            if (billNext && concepts.has('electricity')) return new Set([...concepts].filter((c) => c !== 'electricity'));
            // "helpline no", "account no": a number, not a "no" ("no light").
            if (token === 'no' && i > 0 && NUMBER_NOUNS.has(tokens[i - 1])) return new Set([...concepts].filter((c) => c !== 'absent'));
            return concepts;
        });
        const present = new Set<string>();
        const leading = new Set<string>();
        conceptsAt.forEach((concepts, i) => {
            for (const concept of concepts) {
                present.add(concept);
                if (i === 0) leading.add(concept);
            }
        });
        // Words written apart that are one word to the lexicon: "opt out", "don't", "bijli ghar", "fir bhi".
        for (let i = 1; i < tokens.length; i++) {
            for (const concept of this.exact.get(tokens[i - 1] + tokens[i]) ?? []) present.add(concept);
        }

        let best: IntentRule | undefined;
        for (const rule of this.rules) {
            const seen = rule.leading ? leading : present;
            if (rule.unless?.some((c) => present.has(c))) continue;
            if (!rule.all.every((c) => seen.has(c)) || (best && rule.weight <= best.weight)) continue;
            if (rule.near !== undefined && !standTogether(rule.all, conceptsAt, rule.near)) continue;
            best = rule;
        }
        // A reading given with its value ("current reading is 12890") is a submission, whatever else the message names.
        const value = entities.some((e) => e.type === 'number' && e.value.replace(/\D/g, '').length >= 3);
        if (value && present.has('reading') && (!best || best.weight < READING_WITH_VALUE)) {
            best = { intent: 'meter.reading', all: ['reading'], weight: READING_WITH_VALUE };
        }
        // Mobile recharges, trains and the weather share words with our intents but are not ours.
        const notOurs = present.has('notOurs');
        if (best && best.weight < 0.8 && notOurs) best = undefined;
        if (best && present.has('hindi') && present.has('english') && best.intent.startsWith('language.')) {
            best = { ...best, intent: requestedLanguage(tokens, conceptsAt, language) };
        }
        let intent: Intent = (best?.intent as Intent) ?? 'none';
        let score = best?.weight ?? 0;
        // Where the rules are unsure, a confident model guess decides. Its score starts a flow from the menu but stays
        // below what interrupts a question in progress.
        if (this.model && score < SURE_RULE && !notOurs) {
            const guess = this.model.predict(input);
            const familiar = guess.knownWords >= FAMILIAR_WORDS;
            // The model may replace a weak rule's intent with another, but not silence it: "ticket number fir se bta do"
            // matched a status rule, and "none" would only leave the consumer with "not understood".
            const silencesRule = guess.intent === 'none' && best !== undefined;
            // A greeting opening the message stays one unless a rule says more ("namaste main apni dadi ke liye likh
            // rha hu" introduces the writer; the model read a meter reading into "likh").
            const greets = best?.intent === 'greeting';
            if (familiar && guess.probability >= SURE_MODEL && guess.intent !== intent && isIntent(guess.intent) && !silencesRule && !greets) {
                intent = guess.intent;
                score = guess.intent === 'none' ? 0.3 : MODEL_SCORE;
                best = undefined;
            }
        }
        if (entities.some((e) => e.type === 'ticket') && score < 0.85) {
            intent = 'complaint.status';
            score = 0.85;
        }
        // A long message matched by one weak cue is less certain than a short one.
        const wordTokens = tokens.filter((t) => !/^[0-9]+$/.test(t)).length;
        if (best && best.all.length === 1 && wordTokens > 6) score = Math.round(score * 0.85 * 100) / 100;
        if (intent === 'none') score = wordTokens === 0 ? 1 : 0.3;
        return { text: input, intent, score, language, entities };
    }

    private conceptsOf(token: string): Set<string> {
        const cached = this.cache.get(token);
        if (cached) return cached;
        const found = new Set<string>(this.exact.get(token) ?? []);
        // Common English and Hindi words are never misspellings of a cue ("here" is not "hera", "please" is not "poles", "dunga" is not "dugna").
        if (
            found.size === 0 &&
            token.length >= 4 &&
            !/^[0-9]+$/.test(token) &&
            !ENGLISH_WORDS.has(token) &&
            !HINGLISH_WORDS.has(token) &&
            !NOT_MISSPELLINGS.has(token)
        ) {
            const key = skeleton(token);
            if (key.length >= 3) for (const c of this.bySkeleton.get(key) ?? []) found.add(c);
            if (found.size === 0 && token.length >= 5) {
                for (const { word, concept } of this.longWords) {
                    if (editDistance(token, word, 1) <= 1) found.add(concept);
                }
            }
        }
        if (this.cache.size > 50_000) this.cache.clear();
        this.cache.set(token, found);
        return found;
    }
}

/**
 * When a message names both languages, the one a difficulty word points at ("can't read Hindi", "हिंदी पढ़ने में
 * दिक्कत", "english nahi aati") is not the one wanted. English puts that word before the language it is about, Hindi
 * after it, so the search runs forwards in English and backwards in Hindi. With no such word the language named
 * last wins ("hindi se english me").
 */
function requestedLanguage(tokens: string[], conceptsAt: Array<Set<string>>, language: DetectedLanguage): 'language.hi' | 'language.en' {
    const NEAR = 4;
    const named = (i: number) => (conceptsAt[i].has('hindi') ? 'language.hi' : conceptsAt[i].has('english') ? 'language.en' : undefined);
    let lastNamed: 'language.hi' | 'language.en' = 'language.en';
    for (let i = 0; i < tokens.length; i++) lastNamed = named(i) ?? lastNamed;
    // First, "english me reply karo pls, Hindi padhne me time lagta h": the language a reply is asked "in" ("X me", "in X").
    for (let i = 0; i < tokens.length; i++) {
        const wanted = named(i);
        if (wanted && (IN_WORDS.has(tokens[i + 1]) || IN_WORDS.has(tokens[i - 1]))) return wanted;
    }
    const step = language === 'en' ? 1 : -1;
    // "my english is not so good" puts the language first in English too: the other direction is tried second.
    for (const direction of [step, -step]) {
        for (let i = 0; i < tokens.length; i++) {
            const cue = conceptsAt[i].has('difficulty') || (i > 0 && ['cant', 'dont'].includes(tokens[i - 1] + tokens[i]));
            if (!cue) continue;
            for (let j = i + direction, n = 0; j >= 0 && j < tokens.length && n < NEAR; j += direction, n++) {
                const troubled = named(j);
                if (troubled) return troubled === 'language.hi' ? 'language.en' : 'language.hi';
            }
        }
    }
    return lastNamed;
}

/** "english me", "हिंदी में", "in English": the postposition (or preposition) of the language asked for. */
const IN_WORDS = new Set(['me', 'mein', 'mai', 'main', 'mei', 'में', 'मे', 'in']);

/** Whether some occurrence of each of `concepts` lies within a window of `near` words. */
function standTogether(concepts: string[], conceptsAt: Array<Set<string>>, near: number): boolean {
    for (let start = 0; start < conceptsAt.length; start++) {
        const window = conceptsAt.slice(start, start + near);
        if (concepts.every((c) => window.some((at) => at.has(c)))) return true;
    }
    return false;
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
}
