/**
 * Meanings of the X API failures the adapter reports (docs.x.com/x-api/fundamentals/response-codes-and-errors).
 * v2 errors are problem objects whose `type` URI ends in the problem name; v1.1-style `errors[].code` numbers still
 * appear on some endpoints.
 */
export const TWITTER_ERRORS: Record<string, string> = {
    'invalid-request': 'malformed request or invalid parameter',
    'client-forbidden': 'the app is not allowed to use this endpoint (plan, project or enrolment)',
    'unsupported-authentication': 'wrong kind of token: DMs need a user-context token (OAuth 2.0 user or OAuth 1.0a)',
    'not-authorized-for-resource': 'not permitted for this resource (for a DM: the user does not accept DMs from the bot account)',
    'resource-not-found': 'the user does not exist or was suspended',
    'usage-capped': 'the app reached its usage cap for the period (monthly): no DM goes out until it resets or the plan is raised',
    '88': 'rate limit exceeded',
    '89': 'access token invalid or expired',
    '150': 'the user does not accept DMs from accounts they do not follow',
    '226': 'the request looks automated (spam protection)',
    '326': 'the bot account is locked',
    '349': 'the account may not send DMs to this user',
};

/** What an HTTP status alone says when the body names no problem. */
const STATUS_MEANINGS: Record<number, string> = {
    400: 'invalid request',
    401: 'access token invalid or expired (OAuth 2.0 user tokens last about two hours)',
    403: 'forbidden: DMs closed by the user, the account blocked, or the token lacks dm.write',
    404: 'user not found',
    429: 'rate limit reached (DMs: about 15 per 15 minutes and 1,440 per 24 hours for the bot account)',
};

/**
 * The short name of an X error code: the last segment of a problem `type` URI (`…/2/problems/usage-capped` →
 * `usage-capped`), a numeric code as is. Short enough for the delivery record's error-code column.
 */
export function twitterErrorCode(code: string | undefined): string | undefined {
    if (code === undefined) return undefined;
    const problem = code.match(/\/problems\/([A-Za-z0-9-]+)\/?$/);
    return (problem ? problem[1] : code).slice(0, 40);
}

/** The meaning of an X error, for logs: by code when known, else by HTTP status. */
export function describeTwitterError(status: number, code: string | undefined): string | undefined {
    const short = twitterErrorCode(code);
    return (short !== undefined ? TWITTER_ERRORS[short] : undefined) ?? STATUS_MEANINGS[status];
}
