import { recognizeCurrency, recognizeNumbers } from './hindi/recognizeNumbers';
import { englishSince } from './englishSince';
import { sinceWhen } from './hindiDates';
import { toAsciiDigits } from './normalizeText';

/**
 * An entity found in a message; `value` is normalised: ASCII digits, canonical ticket form, rupees for `amount`,
 * an ISO timestamp for `since` (when the problem began: "kal raat se", "3 दिन से").
 */
export interface Entity {
    type: 'accountNumber' | 'ticket' | 'number' | 'amount' | 'since';
    value: string;
    /** Offsets into the original text. */
    start: number;
    end: number;
}

const TICKET = /(?<![\p{L}\p{N}/])[Cc]\s?-?\s?([0-9]{4})\s?-?\s?([0-9]{4,6})(?![0-9])/gu;
const TEN_DIGITS = /(?<![0-9])[0-9](?:[ -]?[0-9]){9}(?![ -]?[0-9])/g;
const NUMBER = /(?<![0-9.])[0-9]{1,3}(?:,[0-9]{2,3})+(?:\.[0-9]+)?(?![0-9])|(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9])/g;

const DEVANAGARI = /[\u0900-\u097f]/;

/**
 * Finds ticket numbers (`C2611-0042`), 10-digit account numbers (Devanagari digits, spaces and dashes allowed),
 * rupee amounts (`₹1,250`, `Rs. 1250/-`, `बारह सौ पचास रुपए`), other numbers (Indian or Western grouping, Hindi
 * number words) and a "since when" phrase in `text`. A 10-digit run is reported as `accountNumber`; whether it is
 * really a mobile number is for the dialog that asked to decide. Romanized number words ("teen", "do") are read only
 * when `language` is not `en`, where "do" is a verb. `now` anchors "since" phrases, which are read in Indian time.
 */
export function extractEntities(text: string, language: string = 'hi', now: Date = new Date()): Entity[] {
    // Digit transliteration keeps offsets, so matches map straight back onto `text`.
    const ascii = toAsciiDigits(text);
    const entities: Entity[] = [];
    const taken: Array<[number, number]> = [];
    const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
    const india = indianWallClock(now);
    for (const match of ascii.matchAll(TICKET)) {
        const start = match.index ?? 0;
        const end = start + match[0].length;
        entities.push({ type: 'ticket', value: `C${match[1]}-${match[2]}`, start, end });
        taken.push([start, end]);
    }
    for (const match of ascii.matchAll(TEN_DIGITS)) {
        const start = match.index ?? 0;
        const end = start + match[0].length;
        if (!free(start, end)) continue;
        entities.push({ type: 'accountNumber', value: match[0].replace(/[ -]/g, ''), start, end });
        taken.push([start, end]);
    }
    // Cheap gates first: the word recognizers cost far more than the regular expressions.
    const mayHoldWords = DEVANAGARI.test(text) || (language !== 'en' && /[a-z]{2}/i.test(text));
    if (mayHoldWords || /rs|inr|₹|rupe|rupa/i.test(text)) {
        for (const amount of recognizeCurrency(text)) {
            // Recognizers-Text spans end on their last character; ours end after it.
            const end = amount.end + 1;
            if (amount.isoCurrency !== 'INR' || amount.value === null || !free(amount.start, end)) continue;
            entities.push({ type: 'amount', value: String(amount.value), start: amount.start, end });
            taken.push([amount.start, end]);
        }
    }
    for (const match of ascii.matchAll(NUMBER)) {
        const start = match.index ?? 0;
        const end = start + match[0].length;
        if (!free(start, end)) continue;
        entities.push({ type: 'number', value: String(Number(match[0].replace(/,/g, ''))), start, end });
        taken.push([start, end]);
    }
    if (mayHoldWords) {
        for (const number of recognizeNumbers(text)) {
            const end = number.end + 1;
            if (!free(number.start, end) || /^[0-9,.-]+$/.test(toAsciiDigits(number.text))) continue;
            entities.push({ type: 'number', value: String(number.value), start: number.start, end });
            taken.push([number.start, end]);
        }
        const since = sinceWhen(text, india.wallClock);
        // The Hindi reader works on normalised tokens and gives no offsets: the whole message is the span.
        if (since) entities.push({ type: 'since', value: india.toInstant(since).toISOString(), start: 0, end: text.length });
    }
    if (!entities.some((e) => e.type === 'since') && /[a-z]/i.test(text)) {
        const since = englishSince(text, india.wallClock);
        if (since) entities.push({ type: 'since', value: india.toInstant(since.date).toISOString(), start: since.start, end: since.end });
    }
    return entities.sort((a, b) => a.start - b.start);
}

const INDIA_UTC_OFFSET_MINUTES = 330;

/**
 * The date readers work in the process's local time; this makes them work in Indian time instead: "subah se" is 6 am
 * in Lucknow whatever time zone the server keeps. `wallClock` shows Indian time in local fields, and `toInstant` turns
 * a result read that way back into the real instant. India has no daylight saving, so one fixed shift is exact.
 */
function indianWallClock(now: Date): { wallClock: Date; toInstant(local: Date): Date } {
    const shiftMs = (INDIA_UTC_OFFSET_MINUTES + now.getTimezoneOffset()) * 60_000;
    return { wallClock: new Date(now.getTime() + shiftMs), toInstant: (local) => new Date(local.getTime() - shiftMs) };
}

/**
 * Reads an account number typed on its own: Devanagari digits, spaces and dashes are accepted. Returns the 10 ASCII
 * digits, or a reason the input is not one.
 */
export function parseAccountNumber(text: string): { value: string } | { error: 'letters' | 'length' | 'empty' } {
    const compact = toAsciiDigits(text).replace(/[\s\-.]/g, '');
    if (compact === '') return { error: 'empty' };
    if (!/^[0-9]+$/.test(compact)) return { error: 'letters' };
    if (compact.length !== 10) return { error: 'length' };
    return { value: compact };
}

/** Reads an Indian mobile number (optionally +91/0-prefixed), returning its 10 digits or null. */
export function parseMobileNumber(text: string): string | null {
    const compact = toAsciiDigits(text)
        .replace(/[\s\-().]/g, '')
        .replace(/^(\+?91|0)(?=[6-9][0-9]{9}$)/, '');
    return /^[6-9][0-9]{9}$/.test(compact) ? compact : null;
}

/** The first Indian mobile number written anywhere in `text` ("call me on 98765 43210"), or null. */
export function findMobileNumber(text: string): string | null {
    const whole = parseMobileNumber(text);
    if (whole) return whole;
    for (const match of toAsciiDigits(text).matchAll(/(?:\+?91[\s-]?|0)?[0-9](?:[\s-]?[0-9]){9}/g)) {
        const mobile = parseMobileNumber(match[0]);
        if (mobile) return mobile;
    }
    return null;
}
