// Webhook bodies are signed, not trusted to be well typed: String(), Number() and template literals throw on an
// object such as {"toString": 1}, and a mapper that throws anything but MalformedWebhookError answers 500.

/** A wire value as text: strings as sent, numbers and booleans written out, anything else (objects, null) as ''. */
export function wireText(value: unknown): string {
    if (typeof value === 'string') return value;
    return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** A wire value as a number: numbers and numeric strings; NaN for anything else. */
export function wireNumber(value: unknown): number {
    if (typeof value === 'number') return value;
    return typeof value === 'string' ? Number(value) : NaN;
}

/** The date at `ms` since the epoch, or null when that is no valid date (NaN, beyond ±8.64e15). */
export function wireDate(ms: number): Date | null {
    const date = new Date(ms);
    return Number.isNaN(date.getTime()) ? null : date;
}

/** Whether a wire value is a JSON object (not null, not an array). */
export function isWireObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
