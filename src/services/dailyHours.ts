/** Daily opening hours in India time, minutes after midnight; `to` before `from` runs past midnight. */
export interface DailyHours {
    from: number;
    to: number;
}

import { IST_OFFSET, MINUTE } from '../i18n/indiaTime';

const DAY = 24 * 60 * MINUTE;

/**
 * Reads `HH:MM-HH:MM` (India time; `22:00-06:00` runs past midnight) or `off` (null) from the variable `name`; a
 * problem is named in `problems` and the value is then null.
 */
export function parseDailyHours(name: string, text: string, problems: string[]): DailyHours | null {
    if (text.toLowerCase() === 'off') return null;
    const match = /^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(text.replace(/\s+/g, ''));
    const from = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
    const to = match ? Number(match[3]) * 60 + Number(match[4]) : NaN;
    if (!match || to > 24 * 60 || from === to) {
        problems.push(`${name} must be HH:MM-HH:MM in India time (for example 08:00-20:00), or off (got "${text}")`);
        return null;
    }
    return { from, to };
}

/** Milliseconds since India's midnight at `at`. */
function sinceMidnight(at: number): number {
    return (((at + IST_OFFSET) % DAY) + DAY) % DAY;
}

/** Whether `at` falls within the hours. */
export function withinDailyHours(hours: DailyHours, at: Date): boolean {
    const minute = Math.floor(sinceMidnight(at.getTime()) / MINUTE);
    return hours.from < hours.to ? minute >= hours.from && minute < hours.to : minute >= hours.from || minute < hours.to;
}

/** The hours as text (`08:00–20:00`). */
export function dailyHoursText(hours: DailyHours): string {
    const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    return `${hhmm(hours.from)}–${hhmm(hours.to)}`;
}

/** The moment `hours` of open time after `start` have passed, counting only time within the daily hours. */
export function afterOpenHours(start: Date, hours: number, open: DailyHours): Date {
    let at = start.getTime();
    let left = hours * 60 * MINUTE;
    // Each round either reaches the next opening or spends the rest of one open stretch; a year of rounds is plenty.
    for (let round = 0; left > 0 && round < 800; round += 1) {
        const until = (target: number) => (target * MINUTE - sinceMidnight(at) + DAY) % DAY || DAY;
        if (!withinDailyHours(open, new Date(at))) {
            at += until(open.from);
            continue;
        }
        const step = Math.min(left, until(open.to));
        at += step;
        left -= step;
    }
    return new Date(at);
}
