import type { PlatformFailure } from '../shared/PlatformHttpClient';

/**
 * Meanings of the Messenger Send API error codes the adapter acts on or reports, keyed by
 * `code/subcode` where the subcode decides, else by `code`.
 */
export const MESSENGER_ERRORS: Record<string, string> = {
    '10/2018278': 'outside the 24-hour window: only a tagged or utility message may be sent',
    '10/1893063': 'the Page is restricted from sending messages',
    '100/2018001': 'no matching user found for this PSID',
    '551': 'user unavailable (blocked the Page or turned messages off)',
    '4': 'API call rate limit reached',
    '613': 'Send API rate limit reached',
    '2': 'temporary error at Meta',
    '190': 'page access token invalid or expired',
    '10': 'permission denied',
    '100': 'invalid parameter',
};

/** Outside the 24-hour window: the message must be re-sent with a tag. */
export const OUTSIDE_WINDOW = { code: '10', subcode: '2018278' } as const;

/** The meaning of a Messenger error code (with its subcode when known), for logs. */
export function describeMessengerError(code: string | number | undefined, subcode?: string | number): string | undefined {
    if (code === undefined) return undefined;
    return (subcode !== undefined ? MESSENGER_ERRORS[`${code}/${subcode}`] : undefined) ?? MESSENGER_ERRORS[String(code)];
}

/**
 * Retry decision for Messenger failures: Meta reports throttling (4, 613) and temporary errors (2) as HTTP 400,
 * which the default rule would treat as permanent. `undefined` keeps the default (429, 5xx, network).
 */
export function isRetryableMessengerFailure(failure: PlatformFailure): boolean | undefined {
    return failure.code === '4' || failure.code === '613' || failure.code === '2' ? true : undefined;
}

/** `{ code, meaning }` of a Graph error body, for `PlatformHttpClient`'s `describeError`. */
export function describeMessengerFailure(_status: number, body: unknown): { code?: string; meaning?: string } {
    const error = (body as { error?: { code?: number | string; error_subcode?: number | string } } | undefined)?.error;
    const code = error?.code === undefined ? undefined : String(error.code);
    return { code, meaning: describeMessengerError(code, error?.error_subcode) };
}
