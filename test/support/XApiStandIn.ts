import { randomBytes } from 'crypto';
import { ApiStandIn, RecordedRequest, StandInResponse } from './ApiStandIn';

/** Settings of {@link XApiStandIn}. */
export interface XApiStandInOptions {
    /** The bot account: every token the stand-in issues belongs to it. */
    botUserId: string;
    /** The app's OAuth 2.0 Client ID. */
    clientId: string;
    /** Set for a confidential app: the token endpoint then insists on HTTP Basic auth with id and secret. */
    clientSecret?: string;
    /** X's clock in ms since the epoch (tests move it); default `Date.now`. */
    now?: () => number;
    /** Seconds an access token lives (X: 7200). */
    accessTokenSeconds?: number;
    /** DM sends per user per 15-minute window (default 15). */
    dmPer15Minutes?: number;
    /** DM sends per user per 24 hours (default 1440). */
    dmPerDay?: number;
    /** DM sends the app may make this month before X answers "usage capped" (default: no cap). */
    monthlyDmCap?: number;
}

/** One DM X accepted. */
export interface DeliveredDm {
    participantId: string;
    text: string;
    eventId: string;
    /** The stand-in's clock when it was accepted. */
    at: number;
}

const FIFTEEN_MINUTES = 15 * 60_000;
const DAY = 24 * 3600_000;
const DM_PATH = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/;
const SCOPE = 'dm.read dm.write tweet.read users.read offline.access';
/** X's text limit for a DM. */
const MAX_TEXT = 10_000;

/** A window of X's rate limit: when it ends and how many requests it has taken. */
interface Window {
    endsAt: number;
    used: number;
}

/**
 * A stand-in for the parts of the X API v2 the bot uses, as strict as X: the OAuth 2.0 token endpoint
 * (`POST /2/oauth2/token`, refresh-token grant only) issues access tokens that expire (on an injected clock) and
 * rotating refresh tokens, each spendable once; the one-to-one DM endpoint checks the Bearer token, the body (only
 * `text` and `attachments`; text 1–10,000 characters, counted in code points), the per-user 15-minute and 24-hour
 * limits (with `x-rate-limit-*` and `x-user-limit-24hour-*` headers on every answer) and the monthly usage cap, and
 * answers with X's error shapes. Everything else gets X's 404.
 *
 * Error shapes, as X answers them: a refused refresh token `400 {"error":"invalid_request","error_description":"Value
 * passed for the token was invalid."}`; a confidential app without Basic auth `401 {"error":"unauthorized_client",
 * "error_description":"Missing valid authorization header"}`; a bad access token `401 {"title":"Unauthorized",
 * "type":"about:blank","status":401,"detail":"Unauthorized"}`; a rate limit `429 {"title":"Too Many Requests",
 * "detail":"Too Many Requests","type":"about:blank","status":429}`; the monthly cap `429 {"title":"UsageCapExceeded",
 * "period":"Monthly","scope":"Product","detail":"Usage cap exceeded: Monthly product cap",
 * "type":"https://api.twitter.com/2/problems/usage-capped"}`.
 */
export class XApiStandIn {
    /** Every DM accepted, in order. */
    readonly delivered: DeliveredDm[] = [];
    /** Refresh-token grants answered with new tokens. */
    refreshes = 0;
    /** Token requests refused (spent or unknown refresh token, bad client). */
    refusedRefreshes = 0;
    /** DM requests answered 401. */
    unauthorized = 0;
    /** DM requests answered 429 (rate limit or usage cap). */
    limited = 0;

    private readonly accessTokens = new Map<string, number>();
    private readonly refreshTokens = new Set<string>();
    private readonly now: () => number;
    private readonly quarterHour: Window = { endsAt: 0, used: 0 };
    private readonly day: Window = { endsAt: 0, used: 0 };
    private nextEventId = 1_900_000_000_000_000_000n;

    private constructor(
        readonly api: ApiStandIn,
        private readonly options: XApiStandInOptions
    ) {
        this.now = options.now ?? Date.now;
    }

    /** Starts the stand-in on a free loopback port. */
    static async start(options: XApiStandInOptions): Promise<XApiStandIn> {
        const api = new ApiStandIn();
        await api.start();
        const x = new XApiStandIn(api, options);
        x.install();
        return x;
    }

    /** Base URL, e.g. `http://127.0.0.1:54321`. */
    get url(): string {
        return this.api.url;
    }

    /** Every request received, in order. */
    get requests(): RecordedRequest[] {
        return this.api.requests;
    }

    async stop(): Promise<void> {
        await this.api.stop();
    }

    /** The refresh token X hands out when the bot account authorises the app with `offline.access`: what a test configures. */
    authorise(): string {
        const token = `rt-${randomBytes(12).toString('base64url')}`;
        this.refreshTokens.add(token);
        return token;
    }

    /** An access token issued now, as the authorisation itself grants one (for tests that send with a fixed token). */
    issueAccessToken(): string {
        const token = `at-${randomBytes(12).toString('base64url')}`;
        this.accessTokens.set(token, this.now() + (this.options.accessTokenSeconds ?? 7200) * 1000);
        return token;
    }

    /** Ends every access token issued so far (the account revoked the app, or X ended them early). */
    revokeAccessTokens(): void {
        this.accessTokens.clear();
    }

    /** Whether `refreshToken` can still be spent. */
    spendable(refreshToken: string): boolean {
        return this.refreshTokens.has(refreshToken);
    }

    /** Token requests received. */
    get tokenRequests(): RecordedRequest[] {
        return this.api.requests.filter((r) => r.path === '/2/oauth2/token');
    }

    /** DM requests received. */
    get dmRequests(): RecordedRequest[] {
        return this.api.requests.filter((r) => DM_PATH.test(r.path));
    }

    private install(): void {
        // Rules are matched newest first: the catch-all goes in first.
        this.api.respondWith('*', /.*/, () => ({ status: 404, body: { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] } }));
        this.api.respondWith('POST', '/2/oauth2/token', (request) => this.token(request));
        this.api.respondWith('POST', DM_PATH, (request) => this.dm(request));
    }

    private token(request: RecordedRequest): StandInResponse {
        const refuse = (status: number, error: string, description: string): StandInResponse => {
            this.refusedRefreshes += 1;
            return { status, body: { error, error_description: description } };
        };
        const { clientId, clientSecret } = this.options;
        if (clientSecret !== undefined) {
            const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
            if (request.headers.authorization !== expected) return refuse(401, 'unauthorized_client', 'Missing valid authorization header');
        }
        // X reads the form only: a JSON body carries no parameters for it.
        const form =
            (request.headers['content-type'] ?? '').split(';')[0].trim() === 'application/x-www-form-urlencoded' && typeof request.body === 'string'
                ? new URLSearchParams(request.body)
                : new URLSearchParams();
        for (const name of ['grant_type', 'refresh_token', 'client_id']) {
            if (!form.get(name)) return refuse(400, 'invalid_request', `Missing required parameter [${name}].`);
        }
        if (form.get('grant_type') !== 'refresh_token') return refuse(400, 'unsupported_grant_type', 'Grant type is not supported.');
        if (form.get('client_id') !== clientId) return refuse(401, 'unauthorized_client', 'Missing valid authorization header');
        const spent = form.get('refresh_token')!;
        if (!this.refreshTokens.delete(spent)) return refuse(400, 'invalid_request', 'Value passed for the token was invalid.');
        const accessToken = `at-${randomBytes(12).toString('base64url')}`;
        const seconds = this.options.accessTokenSeconds ?? 7200;
        this.accessTokens.set(accessToken, this.now() + seconds * 1000);
        const refreshToken = this.authorise();
        this.refreshes += 1;
        return {
            status: 200,
            body: { token_type: 'bearer', expires_in: seconds, access_token: accessToken, scope: SCOPE, refresh_token: refreshToken },
        };
    }

    private dm(request: RecordedRequest): StandInResponse {
        const now = this.now();
        const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        const expiresAt = bearer === undefined ? undefined : this.accessTokens.get(bearer);
        if (expiresAt === undefined || expiresAt <= now) {
            this.unauthorized += 1;
            return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
        }
        for (const window of [this.quarterHour, this.day]) {
            if (window.endsAt <= now) {
                window.endsAt = now + (window === this.day ? DAY : FIFTEEN_MINUTES);
                window.used = 0;
            }
        }
        const perQuarter = this.options.dmPer15Minutes ?? 15;
        const perDay = this.options.dmPerDay ?? 1440;
        const headers = (): Record<string, string> => ({
            'x-rate-limit-limit': String(perQuarter),
            'x-rate-limit-remaining': String(Math.max(0, perQuarter - this.quarterHour.used)),
            'x-rate-limit-reset': String(Math.ceil(this.quarterHour.endsAt / 1000)),
            'x-user-limit-24hour-limit': String(perDay),
            'x-user-limit-24hour-remaining': String(Math.max(0, perDay - this.day.used)),
            'x-user-limit-24hour-reset': String(Math.ceil(this.day.endsAt / 1000)),
        });
        if (this.delivered.length >= (this.options.monthlyDmCap ?? Infinity)) {
            this.limited += 1;
            return {
                status: 429,
                headers: headers(),
                body: {
                    account_id: 1_700_000_001,
                    product_name: 'standard-basic',
                    title: 'UsageCapExceeded',
                    period: 'Monthly',
                    scope: 'Product',
                    detail: 'Usage cap exceeded: Monthly product cap',
                    type: 'https://api.twitter.com/2/problems/usage-capped',
                },
            };
        }
        if (this.quarterHour.used >= perQuarter || this.day.used >= perDay) {
            this.limited += 1;
            return { status: 429, headers: headers(), body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 } };
        }
        // A request within the limits counts, whether or not its body is valid.
        this.quarterHour.used += 1;
        this.day.used += 1;
        const participantId = DM_PATH.exec(request.path)![1];
        const problem = this.invalidDm(participantId, request);
        if (problem) {
            return {
                status: 400,
                headers: headers(),
                body: {
                    errors: [{ parameters: problem.parameters, message: problem.message }],
                    title: 'Invalid Request',
                    detail: 'One or more parameters to your request was invalid.',
                    type: 'https://api.twitter.com/2/problems/invalid-request',
                },
            };
        }
        const text = (request.body as { text: string }).text;
        const eventId = String(this.nextEventId++);
        this.delivered.push({ participantId, text, eventId, at: now });
        const [low, high] = [participantId, this.options.botUserId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
        return { status: 201, headers: headers(), body: { data: { dm_conversation_id: `${low}-${high}`, dm_event_id: eventId } } };
    }

    /** What X would refuse in a one-to-one DM request, or null. */
    private invalidDm(participantId: string, request: RecordedRequest): { parameters: Record<string, string[]>; message: string } | null {
        if (!/^[0-9]{1,19}$/.test(participantId))
            return { parameters: { participant_id: [participantId] }, message: 'The `participant_id` query parameter value is not valid' };
        if ((request.headers['content-type'] ?? '').split(';')[0].trim() !== 'application/json') {
            return { parameters: {}, message: 'Request body must be application/json' };
        }
        const body = request.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return { parameters: {}, message: 'Request body must be a JSON object' };
        for (const field of Object.keys(body)) {
            if (field !== 'text' && field !== 'attachments') {
                return { parameters: { [field]: [] }, message: `$.${field}: is not defined in the schema and the schema does not allow additional properties` };
            }
        }
        const text = (body as { text?: unknown }).text;
        if (text === undefined && (body as { attachments?: unknown }).attachments === undefined) {
            return { parameters: { text: [] }, message: 'One of text or attachments is required' };
        }
        if (text !== undefined) {
            if (typeof text !== 'string') return { parameters: { text: [String(text)] }, message: `$.text: ${typeof text} found, string expected` };
            const length = [...text].length;
            if (text.trim() === '') return { parameters: { text: [text] }, message: '$.text: must be at least 1 characters long' };
            if (length > MAX_TEXT) return { parameters: { text: [text.slice(0, 20)] }, message: `$.text: may only be ${MAX_TEXT} characters long` };
        }
        return null;
    }
}
