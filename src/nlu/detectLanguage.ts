import { ENGLISH_WORDS, HINGLISH_WORDS } from './intentLexicon';
import { foldForMatching, tokenize } from './normalizeText';

/** The three ways consumers write: English, Hindi in Devanagari, romanised Hindi. */
export type DetectedLanguage = 'en' | 'hi' | 'hi-Latn';

/**
 * Tells `en`, `hi` and `hi-Latn` apart: Devanagari letters outnumbering Latin ones mean `hi`; otherwise Hinglish
 * and English word lists vote. With no decisive vote (digits, emoji, a lone "meter") it returns `fallback`.
 */
export function detectLanguage(text: string, fallback: DetectedLanguage = 'en'): DetectedLanguage {
    const devanagari = (text.match(/[\u0900-\u0963\u0971-\u097F]/g) ?? []).length;
    const latin = (text.match(/[A-Za-z]/g) ?? []).length;
    if (devanagari > 0 && devanagari >= latin) return 'hi';
    if (latin === 0) return fallback;
    const { hinglish, english } = languageVotes(text);
    // Devanagari is the minority script here (it wins outright above), so the message is romanised Hindi.
    if (hinglish > english) return 'hi-Latn';
    if (english > hinglish) return 'en';
    // English prose has no Hindi function words, while Hinglish is full of English ones: a tie with any leans Hindi.
    if (hinglish > 0) return 'hi-Latn';
    return devanagari > 0 ? 'hi' : fallback;
}

/**
 * How many of the Latin words of `text` are Hinglish and how many English. A message with hardly any ("sir",
 * "meter reading") does not show its writer's language; the first reply should ask rather than guess.
 */
export function languageVotes(text: string): { hinglish: number; english: number } {
    let hinglish = 0;
    let english = 0;
    // The bot's own name is Hindi in every language.
    for (const token of tokenize(foldForMatching(text).replace(/bijli mitra/g, ' '))) {
        if (!/^[a-z]+$/.test(token)) continue;
        const inHinglish = HINGLISH_WORDS.has(token);
        const inEnglish = ENGLISH_WORDS.has(token);
        if (inHinglish && !inEnglish) hinglish += 1;
        else if (inEnglish && !inHinglish) english += 1;
        else if (/(aa|ee|oo)/.test(token) || /(iye|aiye|kar|wala|wali)$/.test(token)) hinglish += 0.5;
    }
    return { hinglish, english };
}
