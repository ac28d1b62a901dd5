import * as http from 'http';
import { AddressInfo } from 'net';

/** One request the stand-in received. */
export interface RecordedRequest {
    /** Upper-case HTTP method. */
    method: string;
    /** Path without the query string, e.g. `/v25.0/123/messages`. */
    path: string;
    /** Query parameters (last value wins), e.g. `{ access_token: '…' }` for Messenger sends. */
    query: Record<string, string>;
    /** Lower-case header names; repeated headers joined with ", ". */
    headers: Record<string, string>;
    /** Parsed JSON, the raw text if it is not JSON, or `undefined` for an empty body. */
    body: unknown;
    /** Arrival time in ms since the epoch, for pacing assertions. */
    receivedAt: number;
}

/** A canned answer. */
export interface StandInResponse {
    /** HTTP status. */
    status: number;
    /** Sent as JSON, as-is when a string or bytes (a file); omitted when undefined. */
    body?: unknown;
    /** Extra response headers, e.g. `{ 'retry-after': '1' }`. */
    headers?: Record<string, string>;
    /** Wait this long before answering, to provoke client timeouts. */
    delayMs?: number;
}

/** Computes an answer per request; `n` counts the requests this rule has answered, from 1. */
export type StandInResponder = (request: RecordedRequest, n: number) => StandInResponse | Promise<StandInResponse>;

interface Rule {
    method: string;
    pattern: string | RegExp;
    /** Queued answers; a repeating rule keeps its last one, a finite rule is spent when empty. */
    queue: StandInResponse[];
    responder?: StandInResponder;
    repeats: boolean;
    answered: number;
}

const DEFAULT_RESPONSE: StandInResponse = { status: 200, body: {} };

/**
 * A loopback HTTP server standing in for the Graph API and the X API in tests. It records every request and answers
 * by rules. Finite rules from {@link failNext} win first, oldest first, so a test can inject failures on top of a
 * success rule set up in `beforeEach`; then repeating rules, newest first, so a later {@link respond} overrides an
 * earlier one. Unmatched requests get `200 {}`.
 */
export class ApiStandIn {
    /** Every request received, in arrival order. */
    readonly requests: RecordedRequest[] = [];
    /** Base URL once started, e.g. `http://127.0.0.1:54321`. */
    url = '';

    private server?: http.Server;
    private rules: Rule[] = [];
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly waiters = new Set<() => void>();

    /** Starts listening on 127.0.0.1 on an ephemeral port and sets {@link url}. */
    async start(): Promise<void> {
        if (this.server) throw new Error('ApiStandIn is already started');
        const server = http.createServer((req, res) => void this.handle(req, res));
        this.server = server;
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => resolve());
        });
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }

    /** Stops the server, dropping keep-alive connections and pending delayed answers. */
    async stop(): Promise<void> {
        for (const timer of this.timers) clearTimeout(timer);
        this.timers.clear();
        const server = this.server;
        this.server = undefined;
        if (!server) return;
        // fetch keeps connections alive; without this, close() waits for them to idle out.
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    /** Forgets recorded requests and rules, keeping the server running. */
    reset(): void {
        this.requests.length = 0;
        this.rules = [];
    }

    /**
     * Answers requests matching `method` (`'*'` for any) and `pathPattern` (exact path, or a RegExp tested against
     * the path) with `responses` in order; the last one repeats once the others are used.
     */
    respond(method: string, pathPattern: string | RegExp, ...responses: StandInResponse[]): this {
        if (responses.length === 0) throw new Error('ApiStandIn.respond needs at least one response');
        this.rules.push({ method: method.toUpperCase(), pattern: pathPattern, queue: [...responses], repeats: true, answered: 0 });
        return this;
    }

    /** Answers every matching request with whatever `responder` returns, e.g. a fresh `wamid.<n>` each time. */
    respondWith(method: string, pathPattern: string | RegExp, responder: StandInResponder): this {
        this.rules.push({ method: method.toUpperCase(), pattern: pathPattern, queue: [], responder, repeats: true, answered: 0 });
        return this;
    }

    /**
     * Answers the next `count` matching requests with `response` (default a Meta-style 500), then falls through to
     * the other rules.
     */
    failNext(
        method: string,
        pathPattern: string | RegExp,
        count: number,
        response: StandInResponse = { status: 500, body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } } }
    ): this {
        if (!Number.isInteger(count) || count < 1) throw new Error(`ApiStandIn.failNext: count must be a positive integer, got ${count}`);
        const queue = Array.from({ length: count }, () => response);
        this.rules.push({ method: method.toUpperCase(), pattern: pathPattern, queue, repeats: false, answered: 0 });
        return this;
    }

    /** Resolves with the first recorded request matching `predicate`, waiting for one to arrive if needed. */
    waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
        const found = this.requests.find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
            const check = (): void => {
                const match = this.requests.find(predicate);
                if (!match) return;
                cleanup();
                resolve(match);
            };
            const timer = setTimeout(() => {
                cleanup();
                const seen = this.requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none';
                reject(new Error(`ApiStandIn.waitFor: no matching request within ${timeoutMs} ms (received: ${seen})`));
            }, timeoutMs);
            const cleanup = (): void => {
                clearTimeout(timer);
                this.waiters.delete(check);
            };
            this.waiters.add(check);
        });
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        try {
            const chunks: Buffer[] = [];
            for await (const chunk of req) chunks.push(chunk as Buffer);
            const target = new URL(req.url ?? '/', 'http://stand-in');
            const request: RecordedRequest = {
                method: (req.method ?? 'GET').toUpperCase(),
                path: target.pathname,
                query: Object.fromEntries(target.searchParams),
                headers: flattenHeaders(req.headers),
                body: parseBody(Buffer.concat(chunks).toString('utf8')),
                receivedAt: Date.now(),
            };
            this.requests.push(request);
            for (const waiter of [...this.waiters]) waiter();

            const answer = await this.answerFor(request);
            if (answer.delayMs && answer.delayMs > 0) {
                await new Promise<void>((resolve) => {
                    const timer = setTimeout(() => {
                        this.timers.delete(timer);
                        resolve();
                    }, answer.delayMs);
                    this.timers.add(timer);
                });
            }
            // The client may have timed out and hung up while we waited.
            if (res.destroyed || res.writableEnded) return;
            send(res, answer);
        } catch (error) {
            if (!res.headersSent && !res.destroyed) {
                res.writeHead(500, { 'content-type': 'text/plain' }).end(`ApiStandIn failed: ${(error as Error).message}`);
            }
        }
    }

    private async answerFor(request: RecordedRequest): Promise<StandInResponse> {
        const matches = (rule: Rule): boolean =>
            (rule.method === '*' || rule.method === request.method) &&
            (typeof rule.pattern === 'string' ? rule.pattern === request.path : testPattern(rule.pattern, request.path));

        const finite = this.rules.find((rule) => !rule.repeats && rule.queue.length > 0 && matches(rule));
        if (finite) {
            finite.answered++;
            return finite.queue.shift()!;
        }
        const repeating = [...this.rules].reverse().find((rule) => rule.repeats && matches(rule));
        if (!repeating) return DEFAULT_RESPONSE;
        repeating.answered++;
        if (repeating.responder) return repeating.responder(request, repeating.answered);
        return repeating.queue.length > 1 ? repeating.queue.shift()! : repeating.queue[0];
    }
}

/** A `/g` or `/y` RegExp remembers `lastIndex` between calls; reset it so matching does not alternate. */
function testPattern(pattern: RegExp, path: string): boolean {
    pattern.lastIndex = 0;
    return pattern.test(path);
}

function send(res: http.ServerResponse, answer: StandInResponse): void {
    const headers: Record<string, string> = {};
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(answer.body)) {
        headers['content-type'] = 'application/octet-stream';
        payload = answer.body;
    } else if (answer.body !== undefined) {
        const isText = typeof answer.body === 'string';
        headers['content-type'] = isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
        payload = isText ? (answer.body as string) : JSON.stringify(answer.body);
    }
    Object.assign(headers, answer.headers);
    res.writeHead(answer.status, headers).end(payload);
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
        if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return flat;
}

function parseBody(text: string): unknown {
    if (text === '') return undefined;
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}
