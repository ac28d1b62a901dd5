/** Daily opening hours in India time, minutes after midnight; `to` before `from` runs past midnight. */
export interface DailyHours {
    from: number;
    to: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** India has one time zone and no summer time. */
const IST_OFFSET = 330 * MINUTE;

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

/** A time as the value of a form's `datetime-local` field in India time (`2026-12-07T18:30`); read back by {@link parseIndiaDateTime}. */
export function indiaLocalInput(date: Date): string {
    return new Date(date.getTime() + IST_OFFSET).toISOString().slice(0, 16);
}

/**
 * A time as officials and CSV files write it: `2026-12-08 10:00` or `2026-12-08T10:00` (India time, as a form's
 * date-time field sends it), or ISO 8601 with `Z` or an offset. Null when it is none of these or not a real time.
 */
export function parseIndiaDateTime(text: string): Date | null {
    const match = /^(\d{4})-(\d{2})-(\d{2})[ T]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?\s*(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/i.exec(
        text.trim()
    );
    if (!match) return null;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
    const utc = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(utc);
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
    const zone = match[7];
    let offset = IST_OFFSET;
    if (zone && zone.toUpperCase() === 'Z') offset = 0;
    else if (zone) {
        const digits = zone.replace(':', '');
        offset = (digits[0] === '-' ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * MINUTE;
    }
    return new Date(utc - offset);
}
