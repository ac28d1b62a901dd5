import { LANGUAGES, Translator } from '../i18n/Translator';
import { foldForMatching, skeleton, tokenize } from './normalizeText';

/** A recognised everyday question: its topic in `locales/<lng>/faq.json` and how many words of a phrase matched. */
export interface FaqMatch {
    topic: string;
    words: number;
}

interface Phrase {
    topic: string;
    words: string[];
    /** Each word's spelling skeleton, or null where the word must match exactly (computed once, not per message). */
    skeletons: Array<string | null>;
}

// Spelling variants count only where the skeleton still says something ("gaon" and "gana" share "gn").
const loose = (word: string) => word.length >= 4 && skeleton(word).length >= 3;

/**
 * Recognises the everyday questions of `locales/<lng>/faq.json` ("naya connection kaise le", "बिजली चोरी की
 * शिकायत"): a phrase matches when all its words occur in the message in any order, each exactly or with the same
 * spelling skeleton (bijli/bijlee), so locale maintainers add phrasings without code. The longest phrase wins.
 */
export class FaqMatcher {
    private readonly phrases: Phrase[] = [];
    readonly topics: string[];

    constructor(translator: Translator) {
        const topics = new Set<string>();
        for (const language of LANGUAGES) {
            const book = translator.forLanguage(language)('faq:topics', { returnObjects: true }) as unknown;
            if (!book || typeof book !== 'object') continue;
            for (const [topic, entry] of Object.entries(book as Record<string, { match?: unknown }>)) {
                topics.add(topic);
                const match = Array.isArray(entry?.match) ? entry.match : [];
                for (const phrase of match) {
                    const words = tokenize(foldForMatching(String(phrase)));
                    if (words.length > 0) this.phrases.push({ topic, words, skeletons: words.map((w) => (loose(w) ? skeleton(w) : null)) });
                }
            }
        }
        this.topics = [...topics];
    }

    /** The best-matching topic for `text`, or null. */
    match(text: string): FaqMatch | null {
        const tokens = tokenize(foldForMatching(text.slice(0, 1000)));
        if (tokens.length === 0) return null;
        const exact = new Set(tokens);
        const skeletons = new Set(tokens.filter(loose).map(skeleton));
        let best: FaqMatch | null = null;
        for (const phrase of this.phrases) {
            if (best && phrase.words.length <= best.words) continue;
            const found = phrase.words.every((word, i) => exact.has(word) || (phrase.skeletons[i] !== null && skeletons.has(phrase.skeletons[i]!)));
            if (found) best = { topic: phrase.topic, words: phrase.words.length };
        }
        return best;
    }
}
