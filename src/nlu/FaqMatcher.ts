import { LANGUAGES, Translator } from '../i18n/Translator';
import { foldForMatching, skeleton, tokenize } from './normalizeText';
import { ENGLISH_WORDS } from './intentLexicon';

/** A recognised everyday question: its topic in `locales/<lng>/faq.json` and how many words of a phrase matched. */
export interface FaqMatch {
    topic: string;
    words: number;
    /** The phrase's words stand together (at most one other word among them), not scattered over a long message. */
    close: boolean;
}

interface Phrase {
    topic: string;
    words: string[];
    /** Each word's spelling skeleton, or null where the word must match exactly (computed once, not per message). */
    skeletons: Array<string | null>;
}

// Spelling variants count only where the skeleton still says something ("gaon" and "gana" share "gn").
const loose = (word: string) => word.length >= 4 && skeleton(word).length >= 3;

const FINAL_VOWEL: Record<string, string> = { ee: 'i', y: 'i', oo: 'u', ai: 'e', ei: 'e', au: 'o' };

/**
 * A romanised word's skeleton keeps its last vowel sound, so bijli/bijlee still meet but katne/kitna do not (a bare
 * skeleton let "bill kitna aya" ask about planned cuts). Devanagari skeletons already keep enough.
 */
function spellingKey(word: string): string {
    if (/[\u0900-\u097F]/.test(word)) return skeleton(word);
    const vowels = word.match(/(ee|oo|ai|ei|au|[aeiouy])[^aeiouy]*$/);
    return `${skeleton(word)}:${vowels ? (FINAL_VOWEL[vowels[1]] ?? vowels[1]) : ''}`;
}

/** The fewest tokens that hold one position of each word (at least one position per word). */
function narrowestSpan(positions: number[][]): number {
    let best = Infinity;
    for (const start of positions[0]) {
        let low = start;
        let high = start;
        for (const list of positions.slice(1)) {
            // The position nearest to the first word's keeps the span small; good enough for phrases of a few words.
            const nearest = list.reduce((a, b) => (Math.abs(b - start) < Math.abs(a - start) ? b : a));
            low = Math.min(low, nearest);
            high = Math.max(high, nearest);
        }
        best = Math.min(best, high - low + 1);
    }
    return best;
}

/**
 * Recognises the everyday questions of `locales/<lng>/faq.json` ("naya connection kaise le", "बिजली चोरी की
 * शिकायत"): a phrase matches when all its words occur in the message in any order, each exactly or with the same
 * spelling skeleton (bijli/bijlee), so locale maintainers add phrasings without code. The longest phrase whose words
 * stand together wins.
 */
export class FaqMatcher {
    private readonly phrases: Phrase[] = [];
    /** The last message asked about and its answer. */
    private last: { text: string; found: FaqMatch | null } | null = null;
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
                    if (words.length > 0) this.phrases.push({ topic, words, skeletons: words.map((w) => (loose(w) ? spellingKey(w) : null)) });
                }
            }
        }
        this.topics = [...topics];
    }

    /** The best-matching topic for `text`, or null. */
    match(text: string): FaqMatch | null {
        // A turn asks about its own message several times (language, menu, routing): the last answer is kept.
        if (this.last?.text === text) return this.last.found;
        const found = this.find(text);
        this.last = { text, found };
        return found;
    }

    private find(text: string): FaqMatch | null {
        const tokens = tokenize(foldForMatching(text.slice(0, 1000)));
        if (tokens.length === 0) return null;
        // Where each word, and each spelling key (prefixed "~"), stands in the message: looked up, not scanned, per phrase.
        const where = new Map<string, number[]>();
        const note = (key: string, at: number) => {
            const list = where.get(key);
            if (list) list.push(at);
            else where.set(key, [at]);
        };
        tokens.forEach((token, at) => {
            note(token, at);
            // A common word is never a misspelling of another ("water" is not "weather").
            if (loose(token) && !ENGLISH_WORDS.has(token)) note(`~${spellingKey(token)}`, at);
        });
        let best: FaqMatch | null = null;
        for (const phrase of this.phrases) {
            if (best?.close && phrase.words.length <= best.words) continue;
            const positions: number[][] = [];
            for (const [i, word] of phrase.words.entries()) {
                const exact = where.get(word) ?? [];
                const key = phrase.skeletons[i];
                const similar = key === null ? [] : (where.get(`~${key}`) ?? []);
                const at = similar.length === 0 ? exact : [...new Set([...exact, ...similar])];
                if (at.length === 0) break;
                positions.push(at);
            }
            if (positions.length < phrase.words.length) continue;
            const close = narrowestSpan(positions) <= phrase.words.length + 1;
            // A phrase whose words stand together tells more than a longer one gathered from all over the message
            // ("bill kaha jama kr skte h, paytm se ho jayega kya" asks where to pay, not what the bot can do).
            const better = !best || (close && !best.close) || (close === best.close && phrase.words.length > best.words);
            if (better) best = { topic: phrase.topic, words: phrase.words.length, close };
        }
        return best;
    }
}
