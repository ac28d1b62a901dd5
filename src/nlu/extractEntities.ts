import { toAsciiDigits } from './normalizeText';

/** An entity found in a message; `value` is normalised (ASCII digits, canonical ticket form). */
export interface Entity {
    type: 'accountNumber' | 'ticket' | 'number';
    value: string;
    /** Offsets into the original text. */
    start: number;
    end: number;
}

const TICKET = /(?<![\p{L}\p{N}])[Cc]\s?-?\s?([0-9]{4})\s?-?\s?([0-9]{4,6})(?![0-9])/gu;
const TEN_DIGITS = /(?<![0-9])[0-9](?:[ -]?[0-9]){9}(?![ -]?[0-9])/g;
const NUMBER = /(?<![0-9.])[0-9]{1,3}(?:,[0-9]{2,3})+(?:\.[0-9]+)?(?![0-9])|(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?![0-9])/g;

/**
 * Finds ticket numbers (`C2611-0042`), 10-digit account numbers (Devanagari digits, spaces and dashes allowed) and
 * other numbers (Indian or Western grouping) in `text`. A 10-digit run is reported as `accountNumber`; whether it is
 * really a mobile number is for the dialog that asked to decide.
 */
export function extractEntities(text: string): Entity[] {
    // Digit transliteration keeps offsets, so matches map straight back onto `text`.
    const ascii = toAsciiDigits(text);
    const entities: Entity[] = [];
    const taken: Array<[number, number]> = [];
    const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
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
    for (const match of ascii.matchAll(NUMBER)) {
        const start = match.index ?? 0;
        const end = start + match[0].length;
        if (!free(start, end)) continue;
        entities.push({ type: 'number', value: String(Number(match[0].replace(/,/g, ''))), start, end });
    }
    return entities.sort((a, b) => a.start - b.start);
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
    const compact = toAsciiDigits(text).replace(/[\s\-().]/g, '').replace(/^(\+?91|0)(?=[6-9][0-9]{9}$)/, '');
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
