// India time as officials write and read it, below the data layer: CSV imports and console forms both parse it.

/** A minute in milliseconds. */
export const MINUTE = 60_000;
/** India has one time zone and no summer time: UTC+5:30, in milliseconds. */
export const IST_OFFSET = 330 * MINUTE;

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
