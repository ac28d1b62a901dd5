import { foldForMatching } from '../normalizeText';

/** A yes or no found in free Hindi text. */
export interface BooleanMatch {
    /** The words as written. */
    text: string;
    value: boolean;
    start: number;
}

// Folded forms (no nukta, anusvara for candrabindu). Longer phrases win over single words ("ठीक नहीं" over "सहमत").
const YES = ['हां', 'हा', 'जी हां', 'बिलकुल', 'बिल्कुल', 'सहमत', 'ज़रूर', 'जरूर', 'haan', 'han', 'ha', 'ji haan'];
const NO = ['नहीं', 'नही', 'ना', 'न', 'असहमत', 'ठीक नहीं', 'बिलकुल नहीं', 'nahi', 'nahin', 'na'];
const OK_HAND = /\u{1F44C}[\u{1F3FB}-\u{1F3FF}]?/u;

/**
 * The yes or no a Hindi (or romanised Hindi) message gives, as Microsoft's Hindi BooleanModel reads it: the longest
 * phrase wins, then the earliest ("मैंने ना कहा था, हां नहीं!" is a no; "यह ठीक नहीं है" is a no, not "ठीक"). 👌, with
 * any skin tone, is a yes. Returns nothing when the message says neither.
 */
export function recognizeBoolean(text: string): BooleanMatch[] {
    const words = [...text.matchAll(/[\p{L}\p{M}]+/gu)].map((m) => ({ word: foldForMatching(m[0]), start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));
    let best: (BooleanMatch & { length: number }) | undefined;
    for (let i = 0; i < words.length; i++) {
        for (const [phrases, value] of [
            [YES, true],
            [NO, false],
        ] as const) {
            for (const phrase of phrases) {
                const parts = foldForMatching(phrase).split(' ');
                if (!parts.every((part, k) => words[i + k]?.word === part)) continue;
                const candidate = { text: text.slice(words[i].start, words[i + parts.length - 1].end), value, start: words[i].start, length: parts.length };
                if (!best || candidate.length > best.length || (candidate.length === best.length && candidate.start < best.start)) best = candidate;
            }
        }
    }
    const hand = OK_HAND.exec(text);
    if (hand && (!best || (best.length === 1 && hand.index < best.start))) best = { text: hand[0], value: true, start: hand.index, length: 1 };
    return best ? [{ text: best.text, value: best.value, start: best.start }] : [];
}
