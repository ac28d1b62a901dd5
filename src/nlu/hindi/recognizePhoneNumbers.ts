import { toAsciiDigits } from '../normalizeText';

/** A phone number found in text; `end` is the index of its last character (Recognizers-Text style). */
export interface PhoneNumberResult {
    text: string;
    start: number;
    end: number;
    typeName: 'phonenumber';
}

// A run of digits (ASCII or Devanagari, already folded) with the separators people type: spaces, dashes, brackets and a
// leading plus. Letters or digits right before or after mean it is part of something else (an id, a URL).
const CANDIDATE = /(?<![\p{L}\p{N}+])(?:\(\+[0-9]{1,3}\)|\+)?[0-9](?:[0-9]|[ -](?=[0-9])|\((?=[0-9]+\)))*(?:\))?(?![\p{L}\p{N}])/gu;

/**
 * Phone numbers as written in India and abroad: mobiles (`9834257234`, `+91 98…`, Devanagari digits), landlines with
 * STD codes (`011-26701508`, `0124-2543645`), toll-free (`1800 425 3800`) and `(+31)12-3456789`. Counts 8 to 13 digits.
 */
export function recognizePhoneNumbers(text: string): PhoneNumberResult[] {
    const found: PhoneNumberResult[] = [];
    // Digit transliteration keeps offsets, so matches map straight back onto `text`.
    for (const match of toAsciiDigits(text).matchAll(CANDIDATE)) {
        const digits = match[0].replace(/[^0-9]/g, '').length;
        if (digits < 8 || digits > 13) continue;
        const start = match.index ?? 0;
        found.push({ text: text.slice(start, start + match[0].length), start, end: start + match[0].length - 1, typeName: 'phonenumber' });
    }
    return found;
}
