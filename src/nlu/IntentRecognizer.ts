import { detectLanguage, DetectedLanguage } from './detectLanguage';
import { Entity, extractEntities } from './extractEntities';
import { CONCEPTS, IntentRule, RULES } from './intentLexicon';
import { editDistance, foldForMatching, skeleton, tokenize } from './normalizeText';

/** The fixed set of intents the dialogs act on. */
export const INTENTS = ['complaint.no_supply', 'complaint.voltage', 'complaint.transformer', 'complaint.line', 'complaint.meter',
    'complaint.billing', 'complaint.status', 'bill.query', 'bill.pay', 'meter.info', 'meter.reading', 'language.hi', 'language.en',
    'greeting', 'help', 'agent', 'cancel', 'unsubscribe', 'none'] as const;

/** One of {@link INTENTS}. */
export type Intent = typeof INTENTS[number];

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
        private readonly rules: IntentRule[] = RULES
    ) {
        for (const [concept, words] of Object.entries(concepts)) {
            for (const raw of words) {
                const word = foldForMatching(raw);
                add(this.exact, word, concept);
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
        const present = new Set<string>();
        for (const token of tokens) for (const concept of this.conceptsOf(token)) present.add(concept);

        let best: IntentRule | undefined;
        for (const rule of this.rules) {
            if (rule.all.every((c) => present.has(c)) && (!best || rule.weight > best.weight)) best = rule;
        }
        // Mobile recharges, trains and the weather share words with our intents but are not ours.
        if (best && best.weight < 0.8 && present.has('notOurs')) best = undefined;
        let intent: Intent = (best?.intent as Intent) ?? 'none';
        let score = best?.weight ?? 0;
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
        if (found.size === 0 && token.length >= 4 && !/^[0-9]+$/.test(token)) {
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

function add(map: Map<string, Set<string>>, key: string, value: string): void {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
}
