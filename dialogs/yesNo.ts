import { TurnData } from '../src/bot/TurnData';
import { foldForMatching, tokenize } from '../src/nlu/normalizeText';

/** A yes or no read from a whole reply, with what the consumer wrote after it ("haan par address galat hai"). */
export interface YesNoReading {
    answer: 'yes' | 'no';
    /** The words after the yes or no, fillers and "but" dropped; empty when there are none. */
    rest: string;
}

// The yes or no must open the reply (fillers aside): in "khata number galat ho gaya tha" the "galat" is not the answer.
const SIGNAL_WITHIN_WORDS = 2;

/**
 * Reads yes or no from a reply the way a person would: polite and compound forms ("ha ji", "जी हाँ, सही है", "yes
 * please go ahead", "theek hai register karo"), misspellings in the word lists, and a sentence after the answer. The
 * first yes or no word (within the first few words, fillers such as "ji", "sir", "bhaiya" skipped) decides; "ji"
 * before a no is politeness, not a yes. With `strictYes`, a yes that the rest contradicts ("yes, but no light") is
 * unclear. Word lists live in `locales/` (common:words.yes, .no, .filler).
 */
export function readYesNo(turn: TurnData, text: string, options: { strictYes?: boolean } = {}): YesNoReading | null {
    const tokens = [...text.matchAll(/[\p{L}\p{M}]+|[0-9\u0966-\u096F]+/gu)].map((m) => ({ word: foldForMatching(m[0]), start: m.index ?? 0 }));
    const words = tokens.map((t) => t.word);
    if (words.length === 0) return null;
    const goAheadWords = turn.wordSet('common:words.goAhead');
    // "Is it fixed?" is not answered by "karo" or "kar do", which only ask to go ahead.
    const yes = turn.phrases('common:words.yes').filter((p) => !options.strictYes || !p.every((w) => goAheadWords.has(w)));
    const no = turn.phrases('common:words.no');
    const fillers = turn.wordSet('common:words.filler');
    const at = (list: string[][], i: number) => phraseAt(list, words, i);
    let seen = 0;
    for (let i = 0; i < words.length && seen < SIGNAL_WITHIN_WORDS; i++) {
        // Negative first: "ji nahi", "nahi ji" and "not correct" are a no.
        const n = at(no, i);
        const y = n ? undefined : at(yes, i);
        const phrase = n ?? y;
        if (phrase) {
            let next = i + phrase.length;
            // "haan" followed straight by "nahi" ("han nahi hua") is not a yes.
            if (y && next < words.length && at(no, next)) return null;
            // Further yes words and fillers belong to the answer ("haan ji sahi hai kar do").
            for (let more = at(n ? no : yes, next); more || (next < words.length && fillers.has(words[next])); more = at(n ? no : yes, next)) {
                next += more ? more.length : 1;
            }
            // Where a yes closes something for good ("is it fixed?"), a no anywhere after it makes the reply unclear.
            if (y && options.strictYes && words.slice(next).some((_, k) => at(no, next + k))) return null;
            const rest =
                next < tokens.length
                    ? text
                          .slice(tokens[next].start)
                          .replace(/^[\s,.;:!?।-]+/u, '')
                          .trim()
                    : '';
            return { answer: n ? 'no' : 'yes', rest };
        }
        if (!fillers.has(words[i])) seen += 1;
    }
    // Only fillers, and one is a polite "ji" / "जी": that is a yes.
    if (words.every((w) => fillers.has(w)) && words.some((w) => w === 'ji' || w === 'जी')) return { answer: 'yes', rest: '' };
    // Where a yes cannot be undone, only a plain yes counts.
    if (options.strictYes) return null;
    // "ji kr dijiye", "जल्दी कर दो": politeness and go-ahead verbs only, no no-word: a yes.
    if (words.length <= 5 && words.some((w) => goAheadWords.has(w)) && words.every((w) => fillers.has(w) || goAheadWords.has(w)))
        return { answer: 'yes', rest: '' };
    // "…, baaki sab theek hai, darj kar do": a reply whose last clause ends by asking to go ahead is a yes.
    const clauses = text
        .split(/[,.!?।;\n]+/u)
        .map((c) => c.trim())
        .filter(Boolean);
    const lastWords = tokenize(foldForMatching(clauses[clauses.length - 1] ?? ''));
    const endsGoAhead = yes
        .filter((p) => p.length >= 2)
        .find((p) => p.length <= lastWords.length && p.every((w, k) => lastWords[lastWords.length - p.length + k] === w));
    if (endsGoAhead && !lastWords.some((_, i) => phraseAt(no, lastWords, i))) return { answer: 'yes', rest: text.trim() };
    return null;
}

/** The phrase of `list` that starts at word `i` of `words`, if any. */
function phraseAt(list: string[][], words: string[], i: number): string[] | undefined {
    return list.find((p) => p.every((w, k) => words[i + k] === w));
}

/** Locale keys of the phrases that answer one question: yes, no, and (optionally) "I will tell you later". */
export interface AnswerPhrases {
    yes: string;
    no: string;
    later?: string;
}

/**
 * A yes or no said in the words of one question rather than with "yes" or "no" ("got the call from the JE", "koi call
 * nahi aaya" to "did an officer call you?"): a phrase of `noKey` anywhere decides no, else one of `yesKey` decides yes.
 */
export function readAnswerPhrases(turn: TurnData, text: string, keys: AnswerPhrases): 'yes' | 'no' | 'later' | null {
    const words = [...text.matchAll(/[\p{L}\p{M}]+|[0-9\u0966-\u096F]+/gu)].map((m) => foldForMatching(m[0]));
    const has = (list: string[][]) => words.some((_, i) => phraseAt(list, words, i) !== undefined);
    // "will check in the evening, pata nahi abhi": no answer yet, whatever "nahi" it contains.
    if (keys.later && has(turn.phrases(keys.later))) return 'later';
    if (has(turn.phrases(keys.no))) return 'no';
    if (has(turn.phrases(keys.yes))) return 'yes';
    return null;
}
