import { strict as assert } from 'assert';
import * as http from 'http';
import * as net from 'net';
import { PlatformApiError } from '../../../adapters/shared/PlatformApiError';
import { PlatformHttpClient, PlatformHttpClientOptions } from '../../../adapters/shared/PlatformHttpClient';
import { Logger } from '../../../src/logger';
import { ApiStandIn } from '../../support/ApiStandIn';

const MESSAGES = '/v25.0/106540352242922/messages';
const TOKEN = 'EAAGm0PX4ZCpsBAKsecretPageToken';

/** Meaning table for the codes these tests use, as an adapter's `describeError` would provide. */
const MEANINGS: Record<string, string> = {
    '131047': "over 24 h since the user's last message",
    '100': 'bad or missing parameter',
    '88': 'rate limit exceeded',
};

describe('PlatformHttpClient against a loopback stand-in', () => {
    let api: ApiStandIn;
    let delays: number[];
    let logs: string[];

    before(async () => {
        api = new ApiStandIn();
        await api.start();
    });
    after(async () => {
        await api.stop();
    });
    beforeEach(() => {
        api.reset();
        delays = [];
        logs = [];
    });

    function client(options: PlatformHttpClientOptions = {}): PlatformHttpClient {
        return new PlatformHttpClient({
            platform: 'WhatsApp',
            sleep: async (ms) => {
                delays.push(ms);
            },
            random: () => 0.5,
            logger: new Logger('debug', (line) => logs.push(line)),
            describeError: (_status, _body, { code }) => (code === undefined ? {} : { meaning: MEANINGS[code] }),
            ...options,
        });
    }

    async function rejection(promise: Promise<unknown>): Promise<PlatformApiError> {
        try {
            await promise;
        } catch (error) {
            assert.ok(error instanceof PlatformApiError, `expected PlatformApiError, got ${String(error)}`);
            return error;
        }
        assert.fail('expected the request to fail');
    }

    it('returns the parsed body on a first-try 200 and sends JSON with the caller headers', async () => {
        api.respond('POST', MESSAGES, { status: 200, body: { messages: [{ id: 'wamid.1' }] } });
        const result = await client().request('POST', api.url + MESSAGES, {
            headers: { authorization: `Bearer ${TOKEN}` },
            body: { messaging_product: 'whatsapp', to: '919415012345', type: 'text', text: { body: 'नमस्ते' } },
        });
        assert.deepEqual(result, { status: 200, body: { messages: [{ id: 'wamid.1' }] }, attempts: 1 });
        assert.equal(api.requests.length, 1);
        const [request] = api.requests;
        assert.equal(request.method, 'POST');
        assert.equal(request.path, MESSAGES);
        assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);
        assert.match(request.headers['content-type'], /application\/json/);
        assert.deepEqual(request.body, { messaging_product: 'whatsapp', to: '919415012345', type: 'text', text: { body: 'नमस्ते' } });
        assert.deepEqual(delays, []);
        assert.deepEqual(logs, [], 'a success logs nothing');
    });

    it('sends a GET without a body or content-type and returns non-JSON bodies as text', async () => {
        api.respond('GET', '/media/1', { status: 200, body: 'plain text' });
        const result = await client().request('GET', `${api.url}/media/1?fields=url`);
        assert.equal(result.body, 'plain text');
        assert.equal(api.requests[0].headers['content-type'], undefined);
        assert.equal(api.requests[0].body, undefined);
        assert.deepEqual(api.requests[0].query, { fields: 'url' });
    });

    it('retries a 500 and succeeds on the second attempt', async () => {
        api.respond(
            'POST',
            MESSAGES,
            { status: 500, body: { error: { code: 2, message: 'Service temporarily unavailable' } } },
            { status: 200, body: { ok: true } }
        );
        const result = await client().request('POST', api.url + MESSAGES, { body: {} });
        assert.equal(result.attempts, 2);
        assert.deepEqual(result.body, { ok: true });
        assert.equal(api.requests.length, 2);
        assert.equal(delays.length, 1);
        const warn = JSON.parse(logs[0]);
        assert.equal(warn.level, 'warn');
        assert.equal(warn.status, 500);
        assert.equal(warn.code, '2');
        assert.equal(warn.attempt, 1);
    });

    it('honours Retry-After in seconds on a 429', async () => {
        api.respond('POST', MESSAGES, { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 4 } } }, { status: 200, body: {} });
        const result = await client().request('POST', api.url + MESSAGES, { body: {} });
        assert.equal(result.attempts, 2);
        assert.deepEqual(delays, [1000]);
    });

    it('honours Retry-After as an HTTP date, capped at maxDelayMs', async () => {
        const inThreeSeconds = new Date(Date.now() + 3000).toUTCString();
        api.respond(
            'POST',
            MESSAGES,
            { status: 503, headers: { 'retry-after': inThreeSeconds } },
            { status: 503, headers: { 'retry-after': '120' } },
            { status: 200 }
        );
        const result = await client({ maxDelayMs: 5000 }).request('POST', api.url + MESSAGES, { body: {} });
        assert.equal(result.attempts, 3);
        assert.ok(delays[0] > 1000 && delays[0] <= 3000, `HTTP-date wait was ${delays[0]} ms`);
        assert.equal(delays[1], 5000, 'a 120 s Retry-After is capped at maxDelayMs');
    });

    it("honours X's x-rate-limit-reset on a 429", async () => {
        const reset = Math.floor(Date.now() / 1000) + 3;
        api.respond(
            'POST',
            '/2/dm_conversations/with/1234567890123/messages',
            {
                status: 429,
                headers: { 'x-rate-limit-limit': '200', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
                body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
            },
            { status: 201, body: { data: { dm_event_id: '1' } } }
        );
        const result = await client({ platform: 'X' }).request('POST', `${api.url}/2/dm_conversations/with/1234567890123/messages`, { body: { text: 'hi' } });
        assert.equal(result.status, 201);
        assert.equal(delays.length, 1);
        assert.ok(delays[0] > 1500 && delays[0] <= 3000, `reset wait was ${delays[0]} ms`);
    });

    it('ignores x-rate-limit-reset on a 5xx and uses backoff, since X sends it on every response', async () => {
        const reset = Math.floor(Date.now() / 1000) + 600;
        api.respond('GET', '/2/users/me', { status: 503, headers: { 'x-rate-limit-reset': String(reset) } }, { status: 200, body: {} });
        await client({ baseDelayMs: 100 }).request('GET', `${api.url}/2/users/me`);
        assert.deepEqual(delays, [50]);
    });

    it('does not retry a 400 and exposes the Meta code, subcode and details', async () => {
        api.respond('POST', MESSAGES, {
            status: 400,
            body: {
                error: {
                    message: '(#131047) Re-engagement message',
                    type: 'OAuthException',
                    code: 131047,
                    error_subcode: 2494010,
                    error_data: {
                        messaging_product: 'whatsapp',
                        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
                    },
                    fbtrace_id: 'AbCdEf',
                },
            },
        });
        const error = await rejection(client().request('POST', api.url + MESSAGES, { body: {} }));
        assert.equal(api.requests.length, 1, 'a 4xx is not retried');
        assert.deepEqual(delays, []);
        assert.equal(error.status, 400);
        assert.equal(error.code, '131047');
        assert.equal(error.subcode, '2494010');
        assert.equal(error.retryable, false);
        assert.equal(error.attempts, 1);
        assert.equal(error.meaning, "over 24 h since the user's last message");
        assert.match(error.details ?? '', /more than 24 hours/);
        assert.match(error.message, /WhatsApp POST .*\/messages failed with HTTP 400, code 131047\/2494010 \(over 24 h since the user's last message\)/);
        assert.match(error.message, /not retried/);
        const logged = JSON.parse(logs[0]);
        assert.equal(logged.level, 'error');
        assert.equal(logged.code, '131047');
        assert.equal(logged.meaning, "over 24 h since the user's last message");
    });

    it('parses X error bodies: v1.1 errors[] and v2 problem details', async () => {
        api.respond('POST', '/1.1/direct_messages/events/new.json', {
            status: 403,
            body: { errors: [{ code: 349, message: 'You cannot send messages to this user.' }] },
        });
        const v1 = await rejection(client({ platform: 'X' }).request('POST', `${api.url}/1.1/direct_messages/events/new.json`, { body: {} }));
        assert.equal(v1.code, '349');
        assert.equal(v1.platformMessage, 'You cannot send messages to this user.');

        api.respond('POST', '/2/dm_conversations/with/42/messages', {
            status: 403,
            body: {
                title: 'Forbidden',
                type: 'https://api.twitter.com/2/problems/client-forbidden',
                detail: 'This request must be made using an approved developer account.',
                status: 403,
            },
        });
        const v2 = await rejection(client({ platform: 'X' }).request('POST', `${api.url}/2/dm_conversations/with/42/messages`, { body: {} }));
        assert.equal(v2.code, 'https://api.twitter.com/2/problems/client-forbidden');
        assert.match(v2.message, /approved developer account/);
    });

    it('throws after maxAttempts when a 503 persists', async () => {
        api.respond('POST', MESSAGES, { status: 503, body: { error: { code: 2, message: 'Service unavailable' } } });
        const error = await rejection(client({ maxAttempts: 3 }).request('POST', api.url + MESSAGES, { body: {} }));
        assert.equal(error.status, 503);
        assert.equal(error.attempts, 3);
        assert.equal(error.retryable, true);
        assert.equal(api.requests.length, 3);
        assert.equal(delays.length, 2);
        assert.match(error.message, /gave up after 3 attempts/);
        const levels = logs.map((line) => JSON.parse(line).level);
        assert.deepEqual(levels, ['warn', 'warn', 'error']);
    });

    it('retries a timed-out GET and then succeeds', async () => {
        api.respond('GET', MESSAGES, { status: 200, body: { late: true }, delayMs: 1000 }, { status: 200, body: { messages: [{ id: 'wamid.2' }] } });
        const result = await client({ timeoutMs: 150 }).request('GET', api.url + MESSAGES);
        assert.equal(result.attempts, 2);
        assert.deepEqual(result.body, { messages: [{ id: 'wamid.2' }] });
        const warn = JSON.parse(logs[0]);
        assert.equal(warn.status, 0);
        assert.match(warn.reason, /timed out after 150 ms/);
    });

    it('never retries a POST that timed out (it may have been delivered), and reports timeouts and network errors as status 0', async () => {
        api.respond('POST', MESSAGES, { status: 200, delayMs: 1000 });
        const timedOut = await rejection(client({ timeoutMs: 100, maxAttempts: 3 }).request('POST', api.url + MESSAGES, { body: {} }));
        assert.equal(timedOut.status, 0);
        assert.equal(timedOut.retryable, false);
        assert.equal(timedOut.attempts, 1);
        assert.equal(api.requests.filter((r) => r.method === 'POST').length, 1, 'sent once, not again');
        assert.match(timedOut.message, /timed out after 100 ms/);

        const closedPort = await unusedPort();
        const refused = await rejection(client({ maxAttempts: 2 }).request('GET', `http://127.0.0.1:${closedPort}/v25.0/me?access_token=${TOKEN}`));
        assert.equal(refused.status, 0);
        assert.equal(refused.attempts, 2);
        assert.match(refused.message, /network error/);
        assert.doesNotMatch(refused.message, /access_token/);
    });

    it('many sends at once to one host all go out together: none waits for a socket and times out unsent', async () => {
        // A server that holds every answer until all have arrived (or 3 s have passed), so a cap on sockets per host
        // shows as fewer requests in flight, without depending on timing.
        const total = 100;
        let inFlight = 0;
        let most = 0;
        let released = false;
        const held: Array<() => void> = [];
        const releaseAll = () => {
            released = true;
            for (const answer of held.splice(0)) answer();
        };
        const server = http.createServer((req, res) => {
            req.resume();
            inFlight += 1;
            most = Math.max(most, inFlight);
            const answer = () => {
                inFlight -= 1;
                res.setHeader('content-type', 'application/json');
                res.end('{"messages":[{"id":"wamid.x"}]}');
            };
            if (released) return answer();
            held.push(answer);
            if (held.length === total) releaseAll();
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const fallback = setTimeout(releaseAll, 3000);
        try {
            const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}${MESSAGES}`;
            const sender = client({ timeoutMs: 20_000, maxAttempts: 1 });
            const results = await Promise.allSettled(Array.from({ length: total }, () => sender.request('POST', url, { body: {} })));
            const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
            assert.equal(failed.length, 0, `${failed.length} failed, the first with: ${failed[0]?.reason?.message}`);
            assert.equal(most, total, 'every request was in flight at once');
        } finally {
            clearTimeout(fallback);
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        }
    });

    it('a header value node refuses (a token with its newline) fails as a platform error, not as a crash of the turn', async () => {
        const failure = await rejection(
            client({ maxAttempts: 1 }).request('POST', api.url + MESSAGES, { body: {}, headers: { authorization: `Bearer ${TOKEN}\n` } })
        );
        assert.ok(failure instanceof PlatformApiError);
        assert.equal(failure.status, 0);
        assert.equal(api.requests.length, 0);
        assert.doesNotMatch(failure.message, new RegExp(TOKEN));
    });

    it('draws jitter from the injected random, doubling up to maxDelayMs', async () => {
        api.respond('POST', MESSAGES, { status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }, { status: 200 });
        const result = await client({ random: () => 0.25, baseDelayMs: 100, maxDelayMs: 600 }).request('POST', api.url + MESSAGES, { body: {} });
        assert.equal(result.attempts, 5);
        // 0.25 × min(600, 100·2^(n-1)) for n = 1..4.
        assert.deepEqual(delays, [25, 50, 100, 150]);
    });

    it('lets isRetryable retry a Meta throttling code that arrives as HTTP 400', async () => {
        api.respond('POST', MESSAGES, { status: 400, body: { error: { code: 130429, message: '(#130429) Rate limit hit' } } }, { status: 200, body: {} });
        const result = await client({ isRetryable: ({ code }) => (code === '130429' ? true : undefined) }).request('POST', api.url + MESSAGES, { body: {} });
        assert.equal(result.attempts, 2);
    });

    it('logs neither the access token, the request body nor unmasked numbers', async () => {
        const path = '/v25.0/me/messages';
        api.respond(
            'POST',
            path,
            { status: 500 },
            { status: 429, headers: { 'retry-after': '1' } },
            {
                status: 400,
                body: { error: { code: 100, message: '(#100) No matching user found for 9415012345', error_subcode: 2018001 } },
            }
        );
        const url = `${api.url}${path}?access_token=${TOKEN}&appsecret_proof=abcdef0123456789`;
        const error = await rejection(
            client().request('POST', url, {
                headers: { authorization: `Bearer ${TOKEN}` },
                body: { recipient: { id: '6543210987654321' }, message: { text: 'खाता 1234567890 का बिल ₹1,250' } },
            })
        );
        assert.equal(error.attempts, 3);
        assert.equal(api.requests[0].query.access_token, TOKEN, 'the token still reaches the API');
        assert.equal(logs.length, 3);
        const all = logs.join('\n') + '\n' + error.message;
        assert.doesNotMatch(all, /access_token|appsecret_proof|EAAG|secretPageToken|Bearer/);
        assert.doesNotMatch(all, /खाता|₹|6543210987654321/, 'the request body is never logged');
        assert.doesNotMatch(all, /\d{10}/, 'no unmasked 10-digit numbers');
        assert.match(all, /\*+345/, 'numbers the platform echoes are masked, not dropped');
        for (const line of logs) assert.equal(JSON.parse(line).url, `${api.url}${path}`);
    });

    it('rejects a malformed URL without retrying or leaking its query', async () => {
        await assert.rejects(client().request('GET', `not a url?access_token=${TOKEN}`), (error: Error) => {
            assert.ok(error instanceof TypeError);
            assert.doesNotMatch(error.message, /access_token/);
            return true;
        });
    });
});

describe('ApiStandIn', () => {
    let api: ApiStandIn;
    before(async () => {
        api = new ApiStandIn();
        await api.start();
    });
    after(async () => {
        await api.stop();
    });
    beforeEach(() => api.reset());

    it('answers 200 {} when no rule matches and records the request', async () => {
        const response = await fetch(`${api.url}/anything?a=1&b=two`, { method: 'DELETE' });
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), {});
        assert.deepEqual(
            api.requests.map((r) => [r.method, r.path, r.query]),
            [['DELETE', '/anything', { a: '1', b: 'two' }]]
        );
        assert.ok(api.requests[0].receivedAt <= Date.now());
    });

    it('lets failNext fall through to the success rule and respondWith count requests', async () => {
        api.respondWith('POST', /\/messages$/, (_req, n) => ({ status: 200, body: { messages: [{ id: `wamid.${n}` }] } }));
        api.failNext('POST', MESSAGES, 2, { status: 503 });
        const statuses: number[] = [];
        const ids: string[] = [];
        for (let i = 0; i < 4; i++) {
            const response = await fetch(api.url + MESSAGES, { method: 'POST', body: '{"i":' + i + '}' });
            statuses.push(response.status);
            if (response.ok) ids.push(((await response.json()) as { messages: Array<{ id: string }> }).messages[0].id);
            else await response.text();
        }
        assert.deepEqual(statuses, [503, 503, 200, 200]);
        assert.deepEqual(ids, ['wamid.1', 'wamid.2']);
        assert.deepEqual(
            api.requests.map((r) => r.body),
            [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]
        );
    });

    it('waitFor resolves when a matching request arrives and rejects clearly on timeout', async () => {
        const waiting = api.waitFor((r) => r.path === '/later');
        setTimeout(() => void fetch(`${api.url}/later`).then((r) => r.text()), 50);
        assert.equal((await waiting).path, '/later');
        await assert.rejects(
            api.waitFor((r) => r.path === '/never', 100),
            /no matching request within 100 ms \(received: GET \/later\)/
        );
    });
});

/** A loopback port with nothing listening, for connection-refused errors. */
async function unusedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}
