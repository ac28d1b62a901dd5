import type { PlatformFailure } from '../shared/PlatformHttpClient';

/**
 * Meanings of the Messenger Send API error codes the adapter acts on or reports, keyed by
 * `code/subcode` where the subcode decides, else by `code`.
 */
export const MESSENGER_ERRORS: Record<string, string> = {
    '10/2018278': 'outside the 24-hour window: only a utility message may be sent',
    '10/1893063': 'the Page is restricted from sending messages',
    '100/2018001': 'no matching user found for this PSID',
    '551': 'user unavailable (blocked the Page or turned messages off)',
    '4': 'application request limit reached (rate limited)',
    '17': 'user request limit reached (rate limited)',
    '32': 'Page request limit reached (rate limited)',
    '613': 'Send API rate limit reached',
    '80006': 'Messenger business use case rate limit reached',
    '2': 'temporary error at Meta',
    '190': 'page access token invalid or expired',
    '10': 'permission denied',
    '100': 'invalid parameter (a deprecated message tag, a template that does not match…)',
};

/** Outside the 24-hour window: the message must go as a utility message instead. */
export const OUTSIDE_WINDOW = { code: '10', subcode: '2018278' } as const;

/**
 * Graph's rate limits as they reach the Send API: per app (4), per user token (17), per Page (32), custom per
 * endpoint (613) and the Messenger business use case limit of Page tokens (80006). All arrive as HTTP 400 with the code
 * in the body; all mean "slow down and try later", never "this message is wrong".
 */
export const THROTTLING_CODES: ReadonlySet<string> = new Set(['4', '17', '32', '613', '80006']);

/**
 * Message tags Meta retired on 27 April 2026: Graph answers `(#100) Invalid parameter` to any send carrying one.
 * Account and status notices outside the window go as utility messages (Page message templates) instead.
 */
export const DEPRECATED_TAGS: ReadonlySet<string> = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);

/** The meaning of a Messenger error code (with its subcode when known), for logs. */
export function describeMessengerError(code: string | number | undefined, subcode?: string | number): string | undefined {
    if (code === undefined) return undefined;
    return (subcode !== undefined ? MESSENGER_ERRORS[`${code}/${subcode}`] : undefined) ?? MESSENGER_ERRORS[String(code)];
}

/** Whether a Graph error code is one of Meta's rate limits. */
export function isThrottlingCode(code: string | undefined): boolean {
    return code !== undefined && THROTTLING_CODES.has(code);
}

/**
 * Retry decision for Messenger failures: Meta reports throttling (4, 17, 32, 613, 80006) and temporary errors (2) as
 * HTTP 400, which the default rule would treat as permanent. `undefined` keeps the default (429, 5xx, network).
 */
export function isRetryableMessengerFailure(failure: PlatformFailure): boolean | undefined {
    return isThrottlingCode(failure.code) || failure.code === '2' ? true : undefined;
}

/** `{ code, meaning }` of a Graph error body, for `PlatformHttpClient`'s `describeError`. */
export function describeMessengerFailure(_status: number, body: unknown): { code?: string; meaning?: string } {
    const error = (body as { error?: { code?: number | string; error_subcode?: number | string } } | undefined)?.error;
    const code = error?.code === undefined ? undefined : String(error.code);
    return { code, meaning: describeMessengerError(code, error?.error_subcode) };
}
