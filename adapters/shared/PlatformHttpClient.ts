import * as http from 'node:http';
import * as https from 'node:https';
import { maskNumbers } from './maskNumbers';
import { AdapterLogger, silentLogger } from './ports';
import { PlatformApiError } from './PlatformApiError';

/** HTTP methods the platform APIs need. */
export type PlatformHttpMethod = 'GET' | 'POST' | 'DELETE';

/** Facts about a failed attempt, given to the `isRetryable` hook. */
export interface PlatformFailure {
    /** HTTP status, or 0 for a network error or timeout. */
    status: number;
    /** Parsed platform error code, as text. */
    code?: string;
    /** Parsed Meta error subcode, as text. */
    subcode?: string;
    /** Parsed response body (undefined for network errors). */
    body?: unknown;
}

/** Options for {@link PlatformHttpClient}. */
export interface PlatformHttpClientOptions {
    /** Total attempts including the first; default 5. */
    maxAttempts?: number;
    /** Backoff base in ms; attempt n waits up to `baseDelayMs * 2^(n-1)`; default 250. */
    baseDelayMs?: number;
    /** Upper bound for any single wait, server-requested ones included; default 30000. */
    maxDelayMs?: number;
    /** Per-attempt timeout in ms, covering the response body too; default 10000. */
    timeoutMs?: number;
    /** Waits between attempts; tests inject one that records instead of sleeping. */
    sleep?: (ms: number) => Promise<void>;
    /** Source of jitter in [0, 1); default `Math.random`. */
    random?: () => number;
    /** Where retries and final failures are logged; default nowhere. */
    logger?: AdapterLogger;
    /** Names the platform in error messages and logs, e.g. `"WhatsApp"`; default `"platform API"`. */
    platform?: string;
    /**
     * Maps a failed response to the meaning of its platform code, e.g. 131047 → "over 24 h since the user's last
     * message". `parsed` holds the code already read from the body; a returned `code` is used only when the body had none.
     */
    describeError?: (status: number, body: unknown, parsed: { code?: string; subcode?: string }) => { code?: string; meaning?: string };
    /**
     * Overrides the retry decision for one failure; return `undefined` to keep the default (429, 5xx, network and
     * timeout retried; other 4xx not). Lets an adapter retry Meta throttling codes that arrive as HTTP 400.
     */
    isRetryable?: (failure: PlatformFailure) => boolean | undefined;
    /** Told of every retry, with the HTTP status (0: network) and platform code (metrics). */
    onRetry?: (status: number, code: string | undefined) => void;
    /** Clock in ms since the epoch, against which reset times (`x-rate-limit-reset`) are read; default `Date.now`. */
    now?: () => number;
}

/** Per-request options for {@link PlatformHttpClient.request}. */
export interface PlatformRequestOptions {
    /** Extra headers, e.g. `Authorization`; never logged. */
    headers?: Record<string, string>;
    /** Serialised as JSON; never logged. */
    body?: unknown;
    /** Sent form-encoded (`application/x-www-form-urlencoded`, as OAuth token endpoints take it) instead of `body`; never logged. */
    form?: Record<string, string>;
}

/** A successful (2xx) platform response. */
export interface PlatformResponse {
    /** HTTP status (2xx). */
    status: number;
    /** Parsed JSON, the raw text if it is not JSON, or `undefined` for an empty body. */
    body: unknown;
    /** Attempts it took, 1 when the first one succeeded. */
    attempts: number;
}

/** One attempt's result, before the retry decision. */
type Attempt =
    | { ok: true; status: number; body: unknown }
    | { ok: false; status: number; body?: unknown; headers?: http.IncomingHttpHeaders; cause?: unknown; reason: string; timedOut?: boolean };

/** Parsed platform error fields. */
interface ParsedError {
    code?: string;
    subcode?: string;
    platformMessage?: string;
    details?: string;
}

// node:http with keep-alive rather than fetch: measured on this machine, a loopback POST costs about 0.7 ms of CPU
// through fetch and under 0.2 ms through node:http, and a busy bot sends one or two per turn. Idle sockets are closed
// after a minute and never keep the process alive. No cap on sockets per host (as with fetch): a request queued for
// a socket would spend its timeout unsent and then count as a POST that may have been delivered.
const AGENT_OPTIONS = { keepAlive: true, timeout: 60_000, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

/**
 * Retries for a send made inside a turn: a few, a couple of seconds at most. What still fails goes to the host's
 * outbound queue (see `WebhookAdapterOptions.deferred`), so a rate limit or an outage never holds a conversation in a
 * sleep of up to 30 s per attempt; the queue's worker retries it later with its own backoff.
 */
export const IN_TURN_RETRIES = { maxAttempts: 3, maxDelayMs: 2_000 } as const;

/** The keep-alive agent every platform request of this process shares, for `https:` or `http:` (stand-ins). */
export function platformAgent(secure: boolean): http.Agent {
    return secure ? httpsAgent : httpAgent;
}

// Meta tokens also travel as `access_token=` query parameters; these patterns catch them in free text (error causes).
const SECRET_PARAMS = /\b(access_token|appsecret_proof|client_secret|oauth_[a-z_]+|token)=[^&\s"']*/gi;

/**
 * JSON-over-HTTP client for the Graph API and the X API with retries: 429, 5xx, network errors (and timeouts of
 * requests other than POST) are
 * retried with full-jitter exponential backoff, honouring `Retry-After` and (on 429) X's `x-rate-limit-reset`;
 * other 4xx fail at once. Failures surface as {@link PlatformApiError}. Logs carry method, path, status, code and
 * attempt, never request bodies, headers or query strings, because those hold tokens and consumer data.
 *
 * Note that a timed-out POST may still have been delivered: the platform send APIs have no idempotency key, so a
 * POST that timed out is not retried (it may have been delivered; sending again would duplicate the message).
 */
export class PlatformHttpClient {
    private readonly maxAttempts: number;
    private readonly baseDelayMs: number;
    private readonly maxDelayMs: number;
    private readonly timeoutMs: number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly random: () => number;
    private readonly logger: AdapterLogger;
    private readonly platform: string;
    private readonly describeError?: PlatformHttpClientOptions['describeError'];
    private readonly isRetryable?: PlatformHttpClientOptions['isRetryable'];
    private readonly onRetry?: PlatformHttpClientOptions['onRetry'];
    private readonly now: () => number;

    /** Creates a client; every option has a production default. */
    constructor(options: PlatformHttpClientOptions = {}) {
        this.maxAttempts = options.maxAttempts ?? 5;
        this.baseDelayMs = options.baseDelayMs ?? 250;
        this.maxDelayMs = options.maxDelayMs ?? 30_000;
        this.timeoutMs = options.timeoutMs ?? 10_000;
        if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
            throw new RangeError(`PlatformHttpClient: maxAttempts must be a positive integer, got ${this.maxAttempts}`);
        }
        for (const [name, value] of [
            ['baseDelayMs', this.baseDelayMs],
            ['maxDelayMs', this.maxDelayMs],
            ['timeoutMs', this.timeoutMs],
        ] as const) {
            if (!Number.isFinite(value) || value < 0) throw new RangeError(`PlatformHttpClient: ${name} must be a non-negative number, got ${value}`);
        }
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.random = options.random ?? Math.random;
        this.logger = options.logger ?? silentLogger;
        this.platform = options.platform ?? 'platform API';
        this.describeError = options.describeError;
        this.isRetryable = options.isRetryable;
        this.onRetry = options.onRetry;
        this.now = options.now ?? Date.now;
    }

    /**
     * Sends one JSON request, retrying transient failures.
     * @returns the 2xx response with its parsed body and the number of attempts used.
     * @throws PlatformApiError when the failure is permanent or attempts run out.
     */
    async request(method: PlatformHttpMethod, url: string, options: PlatformRequestOptions = {}): Promise<PlatformResponse> {
        const where = safeUrl(url);
        let protocol: string | undefined;
        try {
            protocol = new URL(url).protocol;
        } catch {
            protocol = undefined;
        }
        // Not retried: a malformed URL is a configuration bug, not a platform outage.
        if (protocol !== 'http:' && protocol !== 'https:') throw new TypeError(`${this.platform}: invalid request URL "${where}"`);
        const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'bijli-mitra' };
        let payload: string | undefined;
        if (options.form !== undefined) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            payload = new URLSearchParams(options.form).toString();
        } else if (options.body !== undefined) {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(options.body);
        }
        Object.assign(headers, options.headers);

        for (let attempt = 1; ; attempt++) {
            const result = await this.attempt(method, url, headers, payload);
            if (result.ok) return { status: result.status, body: result.body, attempts: attempt };

            const parsed = result.status === 0 ? {} : parsePlatformError(result.body);
            const described =
                result.status === 0 ? {} : (this.describeError?.(result.status, result.body, { code: parsed.code, subcode: parsed.subcode }) ?? {});
            const code = parsed.code ?? described.code;
            const meaning = described.meaning;
            // A POST that timed out may well have been delivered: sending it again would duplicate the message.
            const maybeDelivered = method === 'POST' && result.timedOut === true;
            const defaultRetryable = (result.status === 0 && !maybeDelivered) || result.status === 429 || result.status >= 500;
            const retryable = this.isRetryable?.({ status: result.status, code, subcode: parsed.subcode, body: result.body }) ?? defaultRetryable;
            const serverWaitMs = result.headers ? requestedWaitMs(result.status, result.headers, this.now()) : undefined;
            const logFields = {
                platform: this.platform,
                method,
                url: where,
                status: result.status,
                code,
                subcode: parsed.subcode,
                meaning,
                attempt,
                maxAttempts: this.maxAttempts,
                reason: result.reason,
            };

            if (!retryable || attempt >= this.maxAttempts) {
                this.logger.error(`${this.platform} request failed`, { ...logFields, retryable });
                throw new PlatformApiError({
                    message: this.errorMessage(method, where, result.status, code, parsed, meaning, attempt, retryable, result.reason),
                    status: result.status,
                    code,
                    subcode: parsed.subcode,
                    meaning,
                    platformMessage: parsed.platformMessage,
                    details: parsed.details,
                    retryable,
                    attempts: attempt,
                    retryAfterMs: serverWaitMs,
                    body: result.body,
                    cause: result.cause,
                });
            }

            const delayMs =
                serverWaitMs !== undefined && serverWaitMs > 0
                    ? Math.min(this.maxDelayMs, serverWaitMs)
                    : Math.floor(this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1)));
            this.logger.warn(`${this.platform} request failed, retrying`, { ...logFields, delayMs, serverWaitMs });
            this.onRetry?.(result.status, code);
            await this.sleep(delayMs);
        }
    }

    /** One HTTP exchange; never throws, so the retry loop sees every outcome the same way. */
    private attempt(method: PlatformHttpMethod, url: string, headers: Record<string, string>, payload: string | undefined): Promise<Attempt> {
        return new Promise<Attempt>((resolve) => {
            let settled = false;
            // eslint-disable-next-line prefer-const -- assigned below, after `settle` that clears it is defined
            let timer: NodeJS.Timeout | undefined;
            const settle = (result: Attempt): void => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                resolve(result);
            };
            const networkFailure = (error: unknown): void => {
                settle({ ok: false, status: 0, cause: error, reason: `network error: ${redact(describeCause(error))}` });
            };
            const target = new URL(url);
            const secure = target.protocol === 'https:';
            const requestHeaders = payload === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(payload)) };
            let request: http.ClientRequest;
            try {
                // Throws at once for a header value node refuses (a token read with its trailing newline, say).
                request = (secure ? https : http).request(target, { method, headers: requestHeaders, agent: secure ? httpsAgent : httpAgent }, (response) => {
                    const chunks: Buffer[] = [];
                    response.on('data', (chunk: Buffer) => chunks.push(chunk));
                    response.on('error', networkFailure);
                    response.on('close', () => {
                        if (!response.complete) return networkFailure(new Error('the connection closed before the response ended'));
                        const status = response.statusCode ?? 0;
                        const body = parseBody(Buffer.concat(chunks).toString('utf8'));
                        if (status >= 200 && status < 300) return settle({ ok: true, status, body });
                        settle({ ok: false, status, body, headers: response.headers, reason: `HTTP ${status}` });
                    });
                });
            } catch (error) {
                return networkFailure(error);
            }
            request.on('error', networkFailure);
            // The timeout covers the response body too, so a stalled body also counts as a timeout.
            timer = setTimeout(() => {
                const error = new Error(`timed out after ${this.timeoutMs} ms`);
                error.name = 'TimeoutError';
                settle({ ok: false, status: 0, cause: error, reason: error.message, timedOut: true });
                request.destroy(error);
            }, this.timeoutMs);
            request.end(payload);
        });
    }

    private errorMessage(
        method: string,
        where: string,
        status: number,
        code: string | undefined,
        parsed: ParsedError,
        meaning: string | undefined,
        attempts: number,
        retryable: boolean,
        reason: string
    ): string {
        let text = `${this.platform} ${method} ${where} failed ${status === 0 ? `(${reason})` : `with HTTP ${status}`}`;
        if (code !== undefined) text += `, code ${code}${parsed.subcode !== undefined ? `/${parsed.subcode}` : ''}`;
        if (meaning) text += ` (${meaning})`;
        if (parsed.platformMessage) text += `: ${parsed.platformMessage}`;
        if (parsed.details && parsed.details !== parsed.platformMessage) text += ` [${parsed.details}]`;
        text += retryable ? `; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '; not retried';
        // Error messages end up in logs and tickets; mask consumer numbers the platform may echo back.
        return maskNumbers(text);
    }
}

/** Origin and path only: query strings carry `access_token` and `appsecret_proof`. */
function safeUrl(url: string): string {
    try {
        const parsed = new URL(url);
        return `${parsed.origin}${parsed.pathname}`;
    } catch {
        return url.split(/[?#]/)[0];
    }
}

function redact(text: string): string {
    return text.replace(SECRET_PARAMS, '$1=[redacted]');
}

/** The error's message with its system code (ECONNREFUSED, ENOTFOUND) or its cause's, when the message lacks it. */
function describeCause(error: unknown): string {
    if (!(error instanceof Error)) return String(error);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && !error.message.includes(code)) return `${error.message} (${code})`;
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    if (cause && typeof cause === 'object') {
        const detail = typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message : '';
        if (detail) return `${error.message} (${detail})`;
    }
    return error.message;
}

function parseBody(text: string): unknown {
    if (text === '') return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function asText(value: unknown): string | undefined {
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
}

/**
 * Reads the platform's error fields from Meta `{error:{code,error_subcode,message,error_data:{details}}}`, X v1.1 /
 * v2 `{errors:[{code,message}]}`, X v2 problem `{title,detail,type,status}` or OAuth 2.0 `{error,error_description}`
 * bodies.
 */
function parsePlatformError(body: unknown): ParsedError {
    if (!body || typeof body !== 'object') return {};
    const record = body as Record<string, unknown>;

    const meta = record.error;
    if (meta && typeof meta === 'object') {
        const error = meta as Record<string, unknown>;
        const data = error.error_data as Record<string, unknown> | undefined;
        return {
            code: asText(error.code),
            subcode: asText(error.error_subcode),
            platformMessage: asText(error.message) ?? asText(error.error_user_msg),
            details: data && typeof data === 'object' ? asText(data.details) : undefined,
        };
    }

    // OAuth 2.0 token endpoints (RFC 6749 §5.2): {"error":"invalid_request","error_description":"…"}.
    if (typeof meta === 'string' && meta !== '') return { code: meta, platformMessage: asText(record.error_description) };

    const errors = record.errors;
    if (Array.isArray(errors) && errors.length > 0 && errors[0] && typeof errors[0] === 'object') {
        const first = errors[0] as Record<string, unknown>;
        return {
            code: asText(first.code) ?? problemCode(record),
            platformMessage: asText(first.message) ?? asText(first.detail) ?? asText(record.detail),
        };
    }

    if (record.title !== undefined || record.detail !== undefined || record.type !== undefined) {
        return { code: problemCode(record), platformMessage: asText(record.detail) ?? asText(record.title) };
    }
    return {};
}

/** The X problem `type` URI is the stable identifier; `about:blank` carries no information, so fall back to `title`. */
function problemCode(record: Record<string, unknown>): string | undefined {
    const type = asText(record.type);
    return type && type !== 'about:blank' ? type : asText(record.title);
}

/**
 * Server-requested wait in ms: `Retry-After` (seconds or HTTP date) on any retried status, and on 429 X's reset times
 * (epoch seconds): `x-rate-limit-reset` of the 15-minute window, or, when a 24-hour allowance is the one used up
 * (`x-user-limit-24hour-remaining: 0`, `x-app-limit-24hour-remaining: 0`), the later of its reset and that one. Only on
 * 429, because X sends them on every response to describe the quota windows.
 */
function requestedWaitMs(status: number, headers: http.IncomingHttpHeaders, now: number): number | undefined {
    const retryAfter = headerText(headers['retry-after']);
    if (retryAfter) {
        if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
        const date = Date.parse(retryAfter);
        if (!Number.isNaN(date)) return Math.max(0, date - now);
    }
    if (status !== 429) return undefined;
    const resets: number[] = [];
    const epochSeconds = (name: string): number | undefined => {
        const value = headerText(headers[name]);
        return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
    };
    const window = epochSeconds('x-rate-limit-reset');
    if (window !== undefined) resets.push(window);
    for (const scope of ['user', 'app']) {
        const reset = epochSeconds(`x-${scope}-limit-24hour-reset`);
        if (reset !== undefined && headerText(headers[`x-${scope}-limit-24hour-remaining`]) === '0') resets.push(reset);
    }
    return resets.length > 0 ? Math.max(0, Math.max(...resets) - now) : undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
    return (Array.isArray(value) ? value[0] : value)?.trim();
}
