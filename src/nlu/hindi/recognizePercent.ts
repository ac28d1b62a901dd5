import { recognizeNumbers } from './recognizeNumbers';

/** A percentage found in text; `start`/`end` are Recognizers-Text style (end is the index of the last character). */
export interface PercentResult {
    text: string;
    start: number;
    end: number;
    value: number;
    typeName: 'percentage';
}

// "का प्रतिशत" (of-percent) is how the spec writes "20 percent" colloquially; फ़ीसदी is the Urdu-origin word.
const PERCENT_AFTER = /^(?:\s*%|\s+(?:का\s+)?(?:प्रतिशत|परसेंट|फ़ीसदी|फीसदी)|\s*(?:percent|pratishat)\b)/iu;

/**
 * Percentages in Hindi or English: `10%`, `10 प्रतिशत`, `बीस परसेंट`, `बाईस का प्रतिशत`, `माइनस पांच प्रतिशत`.
 * A number glued to the character before it (as in a URL's `%2020%`) is not a percentage.
 */
export function recognizePercent(text: string): PercentResult[] {
    const found: PercentResult[] = [];
    for (const number of recognizeNumbers(text)) {
        const before = number.start === 0 ? '' : text[number.start - 1];
        if (before !== '' && !/\s/u.test(before)) continue;
        const after = PERCENT_AFTER.exec(text.slice(number.end + 1));
        if (!after) continue;
        const end = number.end + after[0].length;
        if (/[\p{L}\p{N}]/u.test(text[end + 1] ?? '') && after[0].endsWith('%')) continue;
        found.push({ text: text.slice(number.start, end + 1), start: number.start, end, value: number.value, typeName: 'percentage' });
    }
    return found;
}
