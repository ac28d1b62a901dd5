import type { Language } from './Translator';

const TIME_ZONE = 'Asia/Kolkata';

// Building an Intl formatter costs far more than formatting with one (it showed in the turn's CPU profile), so each
// is built once per language.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(name: string, language: Language, build: (locale: string) => T): T {
    const key = `${name}:${language}`;
    let formatter = formatters.get(key) as T | undefined;
    if (!formatter) {
        formatter = build(language === 'hi' ? 'hi-IN' : 'en-IN');
        formatters.set(key, formatter);
    }
    return formatter;
}

/** `₹1,23,456.50` in Indian grouping, from paise. */
export function formatRupees(paise: number, language: Language): string {
    const whole = paise % 100 === 0;
    return cached(
        whole ? 'rupees' : 'rupees.paise',
        language,
        (locale) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'INR', minimumFractionDigits: whole ? 0 : 2 })
    ).format(paise / 100);
}

/** A date-time in Indian time, e.g. `26 Nov 2026, 7:05 pm`. */
export function formatDateTime(date: Date, language: Language): string {
    return cached('dateTime', language, (locale) => new Intl.DateTimeFormat(locale, { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' })).format(
        date
    );
}

/** An ISO calendar date (`2026-11-15`) as `15 Nov 2026`. */
export function formatDate(isoDate: string, language: Language): string {
    const date = new Date(`${isoDate}T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return isoDate;
    return cached('date', language, (locale) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' })).format(date);
}

/** A bill month (`2026-10`) as `October 2026` / `अक्तूबर 2026`. */
export function formatMonth(billMonth: string, language: Language): string {
    const date = new Date(`${billMonth}-01T00:00:00Z`);
    if (Number.isNaN(date.getTime())) return billMonth;
    return cached('month', language, (locale) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' })).format(date);
}

/** `Ramesh Kumar` → `R***** K****`: enough for a consumer to recognise, too little to identify. */
export function maskName(name: string): string {
    return name
        .trim()
        .split(/\s+/)
        .map((part) => {
            const letters = Array.from(part);
            return letters[0] + '*'.repeat(Math.max(0, letters.length - 1));
        })
        .join(' ');
}

/**
 * `1234567890` → `******7890`: how account and mobile numbers are shown to a user not verified for them. A mobile the
 * user does not own yet (where a code went) shows only its last `visible` = 2 digits: enough to tell one's phones apart.
 */
export function maskDigits(digits: string, visible = 4): string {
    return '*'.repeat(Math.max(0, digits.length - visible)) + digits.slice(-visible);
}

const graphemeSegmenter = new Intl.Segmenter('hi', { granularity: 'grapheme' });

/**
 * Makes consumer text safe to echo back: control characters removed, white space squeezed, angle brackets
 * neutralised (so `<script>` is shown, never interpreted, by channels that render markup), and cut to `max`
 * characters at a grapheme boundary.
 */
export function echoSafe(text: string, max = 200): string {
    const cleaned = text
        .replace(/[\u0000-\u001F\u007F]/g, ' ')
        .replace(/</g, '‹')
        .replace(/>/g, '›')
        .replace(/\s+/g, ' ')
        .trim();
    return clipText(cleaned, max);
}

/** `text` cut to at most `max` characters at a grapheme boundary (a Hindi conjunct is never split), ending in "…" when cut. */
export function clipText(text: string, max: number): string {
    const graphemes = Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
    return graphemes.length <= max ? text : graphemes.slice(0, max - 1).join('') + '…';
}
