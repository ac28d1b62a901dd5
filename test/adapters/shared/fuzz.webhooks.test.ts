import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as fc from 'fast-check';
import { EntityTarget, ObjectLiteral } from 'typeorm';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { BotStateRecord } from '../../../src/data/entities/BotStateRecord';
import { CallbackRequest } from '../../../src/data/entities/CallbackRequest';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { InboundMessage } from '../../../src/data/entities/InboundMessage';
import { MeterReading } from '../../../src/data/entities/MeterReading';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { QueuedMessage } from '../../../src/data/entities/QueuedMessage';
import { OneTimeCode } from '../../../src/data/entities/OneTimeCode';
import { Logger } from '../../../src/logger';
import { BotServer, startServer } from '../../../src/server';
import { ApiStandIn } from '../../support/ApiStandIn';
import { ChannelsTestServer } from '../../support/ChannelsTestServer';
import { FIXTURES, metaHeaders, metaWireJson, whatsAppText } from '../../support/metaPayloads';
import { TestBot } from '../../support/TestBot';

type Route = 'whatsapp' | 'facebook' | 'twitter';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PathStep = string | number;

const ROUTES: Route[] = ['whatsapp', 'facebook', 'twitter'];
const WA_SECRET = 'wa-fuzz-secret';
const FB_SECRET = 'fb-fuzz-secret';
const X_SECRET = 'x-fuzz-consumer-secret';
const SECRETS: Record<Route, string> = { whatsapp: WA_SECRET, facebook: FB_SECRET, twitter: X_SECRET };
// The phone number id of the WhatsApp text fixture and the account of the X fixtures: their messages are "ours".
const PHONE_ID = '106540352242922';
const BOT_X_ID = '3000000001';
const MB = 1024 * 1024;
const WEBHOOK_LIMIT = 4 * MB;
const ACTIVITY_LIMIT = 256 * 1024;

// Fixed so the suite is repeatable; FUZZ_SEED explores other inputs, FUZZ_RUNS scales every property.
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 0x5eed_b17;
const RUN_SCALE = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) / 100 : 1;
function runs(n: number): { seed: number; numRuns: number } {
    return { seed: SEED, numRuns: Math.max(1, Math.round(n * RUN_SCALE)) };
}

/** The raw bytes of every payload fixture of a platform, as the platform put them on the wire. */
function fixtureBodies(route: Route): Array<{ name: string; raw: Buffer }> {
    const folder = { whatsapp: 'whatsapp', facebook: 'messenger', twitter: 'twitter' }[route];
    return fs
        .readdirSync(path.join(FIXTURES, folder))
        .filter((name) => name.endsWith('.json') && name !== 'signature_vectors.json')
        .sort()
        .map((name) => ({ name: `${folder}/${name}`, raw: fs.readFileSync(path.join(FIXTURES, folder, name)) }));
}

const BODIES: Record<Route, Array<{ name: string; raw: Buffer }>> = {
    whatsapp: fixtureBodies('whatsapp'),
    facebook: fixtureBodies('facebook'),
    twitter: fixtureBodies('twitter'),
};

/** A fixture parsed, with WhatsApp messages addressed to the bot's number so that they are processed. */
function realPayload(route: Route, index: number): Json {
    const json = BODIES[route][index].raw.toString('utf8');
    return JSON.parse(route === 'whatsapp' ? json.replace(/"phone_number_id": *"[0-9]+"/g, `"phone_number_id": "${PHONE_ID}"`) : json) as Json;
}

let unique = 0;
/** Fresh message ids, so a payload is processed and not dropped as a redelivery of an earlier run. */
function withFreshIds(payload: Json): Json {
    const n = ++unique;
    return JSON.parse(JSON.stringify(payload).replace(/"((?:wamid\.|m_|mid\.)[^"]*|186[0-9]{16})"/g, `"$1.fuzz${n}"`)) as Json;
}

/** The path of every value inside `value` (not the root), depth first. */
function pathsOf(value: Json, prefix: PathStep[] = []): PathStep[][] {
    if (value === null || typeof value !== 'object') return [];
    const entries: Array<[PathStep, Json]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

const DELETE: unique symbol = Symbol('delete');
/** A deep copy of `root` with the value at `at` replaced (or deleted). */
function replaceAt(root: Json, at: PathStep[], replacement: Json | symbol): Json {
    const copy = JSON.parse(JSON.stringify(root)) as Json;
    let parent = copy as Record<string, Json> | Json[];
    for (const step of at.slice(0, -1)) parent = (parent as Record<string, Json>)[step as string] as Record<string, Json>;
    const last = at[at.length - 1];
    if (typeof replacement !== 'symbol') (parent as Record<string, Json>)[last as string] = replacement;
    else if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last as string];
    return copy;
}

/** JSON text of arrays and objects nested `depth` levels, closed or cut off. */
function nestedJson(depth: number, kind: 'array' | 'object' | 'mixed', closed: boolean): string {
    const opens: string[] = [];
    const closes: string[] = [];
    for (let i = 0; i < depth; i++) {
        const array = kind === 'array' || (kind === 'mixed' && i % 2 === 0);
        opens.push(array ? '[' : '{"a":');
        closes.push(array ? ']' : '}');
    }
    return closed ? `${opens.join('')}1${closes.reverse().join('')}` : opens.join('');
}

// Values of the wrong type for any field, including objects that break String(x) and Number(x).
const HOSTILE_OBJECTS: Json[] = [
    JSON.parse('{"toString":1}'),
    JSON.parse('{"valueOf":{},"toString":{}}'),
    JSON.parse('{"__proto__":{"id":"x","text":"y"}}'),
    JSON.parse('{"length":1000000000}'),
    JSON.parse('{"constructor":"x","hasOwnProperty":1}'),
];
const wronglyTyped: fc.Arbitrary<Json> = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -0, 8.64e15 + 1, 0.1),
    fc.string({ maxLength: 20 }),
    fc.constantFrom('', ' ', '\u0000', 'NaN', '-1', 'Infinity', '[object Object]', '\ud800', 'x'.repeat(20_000)),
    fc.constant<Json>([]),
    fc.constant<Json>({}),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) as fc.Arbitrary<Json>,
    fc.dictionary(fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('toString', 'valueOf', 'id', 'mid', 'type', 'length')), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 3,
    }) as fc.Arbitrary<Json>,
    fc.constantFrom(...HOSTILE_OBJECTS)
);

/** A wrongly typed value, or now and then the field removed. */
const replacement: fc.Arbitrary<Json | typeof DELETE> = fc.oneof(
    { weight: 5, arbitrary: wronglyTyped as fc.Arbitrary<Json | typeof DELETE> },
    { weight: 1, arbitrary: fc.constant<Json | typeof DELETE>(DELETE) }
);

/** Any JSON value except a plain object. */
const notAnObject: fc.Arbitrary<Json> = (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>).filter(
    (v) => v === null || typeof v !== 'object' || Array.isArray(v)
);

/** A value in place of an array (null is one: the property is there, with the wrong type). */
const notAnArray: fc.Arbitrary<Json> = (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>).filter((v) => !Array.isArray(v));

/** Bytes that are not JSON at all. */
const notJsonBytes: fc.Arbitrary<Buffer> = fc
    .uint8Array({ maxLength: 2048 })
    .map((bytes) => Buffer.from(bytes))
    .filter((raw) => {
        try {
            JSON.parse(raw.toString('utf8'));
            return false;
        } catch {
            return true;
        }
    });

const TRACKED: Array<EntityTarget<ObjectLiteral>> = [
    InboundMessage,
    Complaint,
    OutboundMessage,
    BotStateRecord,
    ChannelIdentity,
    CallbackRequest,
    ComplaintEvent,
    OneTimeCode,
    MeterReading,
    AccountLink,
    QueuedMessage,
];

interface Answer {
    status: number;
    body: string;
    /** Tables (and platform API calls) whose counts the request changed. */
    changed: string[];
    /** Whether GET /healthz still answered 200 afterwards. */
    healthy: boolean;
}

describe('Webhooks and /api/messages under malformed, truncated, oversized, wrongly typed and deeply nested payloads', function () {
    this.timeout(120_000 * Math.max(1, RUN_SCALE));
    let harness: ChannelsTestServer | undefined;
    let bot: TestBot;
    let api: ApiStandIn;
    let url: string;
    let apiBot: TestBot;
    let apiServer: BotServer | undefined;
    let apiUrl: string;
    const processErrors: unknown[] = [];
    const onProcessError = (error: unknown) => processErrors.push(error);

    before(async () => {
        process.on('unhandledRejection', onProcessError);
        process.on('uncaughtExceptionMonitor', onProcessError);
        harness = await ChannelsTestServer.start({
            whatsapp: { appSecret: WA_SECRET, phoneNumberId: PHONE_ID },
            facebook: { appSecret: FB_SECRET },
            twitter: { consumerSecret: X_SECRET, userId: BOT_X_ID },
        });
        ({ bot, api, url } = harness);
        // /api/messages takes unauthenticated activities only where no channel is configured (and on loopback): its
        // properties run against a second bot like that, as a developer's Emulator setup is.
        apiBot = await TestBot.create();
        apiServer = await startServer(apiBot.app, apiBot.app.prepareAdapter(createEmulatorAdapter(apiBot.app.config)), 0, [], { console: false });
        apiUrl = `http://127.0.0.1:${apiServer.port}`;
    });
    after(async () => {
        process.off('unhandledRejection', onProcessError);
        process.off('uncaughtExceptionMonitor', onProcessError);
        await harness?.close();
        await apiServer?.close();
        await apiBot?.close();
    });
    afterEach(async () => {
        await idle();
        assert.deepEqual(processErrors.splice(0), [], 'no unhandled rejection or uncaught exception');
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200, 'the server still answers /healthz');
    });

    async function idle(): Promise<void> {
        await harness?.idle();
    }

    /** Rows of every table a request could write, and calls to the platform APIs (the "state" of the bots). */
    async function snapshot(): Promise<Record<string, number>> {
        const counts: Record<string, number> = { ...(await tableCounts(bot, '')), ...(await tableCounts(apiBot, '/api bot ')) };
        counts['platform API calls'] = api.requests.length;
        return counts;
    }

    async function tableCounts(of: TestBot, label: string): Promise<Record<string, number>> {
        const tables = TRACKED.map((entity) => of.dataSource.getMetadata(entity).tableName);
        const [row] = (await of.dataSource.query(`SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(', ')}`)) as Array<
            Record<string, number | string>
        >;
        const counts: Record<string, number> = {};
        for (const table of tables) counts[`${label}${table}`] = Number(row[table]);
        return counts;
    }

    /** Sends a request, waits for any turn it started, and says what changed and whether the server is still up. */
    async function observe(send: () => Promise<Response>): Promise<Answer> {
        await idle();
        const before = await snapshot();
        const response = await send();
        const body = await response.text();
        await idle();
        const after = await snapshot();
        const changed = Object.keys(before)
            .filter((k) => before[k] !== after[k])
            .map((k) => `${k}: ${before[k]} → ${after[k]}`);
        const healthy = (await fetch(`${url}/healthz`)).status === 200;
        return { status: response.status, body, changed, healthy };
    }

    function signed(route: Route, raw: Buffer, secret = SECRETS[route]): Record<string, string> {
        return route === 'twitter'
            ? { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signSha256(secret, raw, 'base64') }
            : metaHeaders(raw, secret);
    }

    function webhook(route: Route, raw: Buffer, headers: Record<string, string> = signed(route, raw)): Promise<Answer> {
        return observe(() => fetch(`${url}/webhooks/${route}`, { method: 'POST', headers, body: raw }));
    }

    /** POSTs to /api/messages of the bot without channels (or of the channels' bot, `base`). */
    function activity(raw: Buffer | string, contentType = 'application/json', base = apiUrl): Promise<Answer> {
        return observe(() => fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': contentType }, body: raw }));
    }

    /** The contract of every rejection: the expected 4xx, nothing stored, sent or processed, and the server still up. */
    function assertRejected(answer: Answer, status: number | number[], what: string): void {
        const allowed = Array.isArray(status) ? status : [status];
        assert.ok(allowed.includes(answer.status), `${what}: expected ${allowed.join(' or ')}, got ${answer.status} ${answer.body.slice(0, 300)}`);
        assert.deepEqual(answer.changed, [], `${what}: answered ${answer.status} but changed state`);
        assert.ok(answer.healthy, `${what}: /healthz stopped answering 200`);
    }

    const route = fc.constantFrom(...ROUTES);
    /** The index of one of the fixtures of `r`. */
    const fixtureOf = (r: Route) => fc.integer({ min: 0, max: BODIES[r].length - 1 });

    describe('the webhooks', () => {
        it('reject an unsigned or wrongly signed body with 401, whatever it contains, and change nothing', async () => {
            const body = fc.oneof(
                route.chain((r) => fixtureOf(r).map((i) => BODIES[r][i].raw)),
                fc.uint8Array({ maxLength: 1024 }).map((b) => Buffer.from(b)),
                fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? ''))
            );
            const signature = fc.oneof(
                fc.constant<'none'>('none'),
                fc.constant<'wrong secret'>('wrong secret'),
                fc.constant<'another body'>('another body'),
                fc.constant<'other channel'>('other channel'),
                fc.string({ maxLength: 80 })
            );
            await fc.assert(
                fc.asyncProperty(route, body, signature, async (r, raw, how) => {
                    let headers: Record<string, string>;
                    if (how === 'none') headers = { 'content-type': 'application/json' };
                    else if (how === 'wrong secret') headers = signed(r, raw, `${SECRETS[r]}x`);
                    else if (how === 'another body') headers = signed(r, Buffer.concat([raw, Buffer.from(' ')]));
                    else if (how === 'other channel') headers = signed(r === 'twitter' ? 'whatsapp' : 'twitter', raw, SECRETS[r]);
                    else headers = { 'content-type': 'application/json', 'x-hub-signature-256': how, 'x-twitter-webhooks-signature': how };
                    assertRejected(await webhook(r, raw, headers), 401, `${r} with signature "${how}"`);
                }),
                runs(100)
            );
        });

        it('answer 400 to a correctly signed body that is not JSON (random bytes, truncated real payloads) and change nothing', async () => {
            const truncated = route.chain((r) =>
                fixtureOf(r).chain((i) => {
                    const raw = Buffer.from(BODIES[r][i].raw.toString('utf8').trimEnd());
                    return fc
                        .integer({ min: 0, max: raw.length - 1 })
                        .map((cut) => ({ r, raw: raw.subarray(0, cut), what: `${BODIES[r][i].name} cut at ${cut}` }));
                })
            );
            const bytes = fc.tuple(route, notJsonBytes).map(([r, raw]) => ({ r, raw, what: `${raw.length} random bytes` }));
            await fc.assert(
                fc.asyncProperty(fc.oneof(truncated, bytes), async ({ r, raw, what }) => {
                    assertRejected(await webhook(r, raw), 400, `${r}: ${what}`);
                }),
                runs(100)
            );
        });

        it('answer 400 to correctly signed JSON that is not an object and change nothing', async () => {
            await fc.assert(
                fc.asyncProperty(route, notAnObject, async (r, value) => {
                    assertRejected(await webhook(r, Buffer.from(JSON.stringify(value))), 400, `${r}: ${JSON.stringify(value).slice(0, 100)}`);
                }),
                runs(60)
            );
        });

        it('answer 400 to the right product with entry, changes or direct_message_events of the wrong type, and change nothing', async () => {
            const extra = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) as fc.Arbitrary<Record<string, Json>>;
            const wrongEntry = fc.oneof(
                notAnArray.map((entry) => ({ r: 'whatsapp' as Route, body: { object: 'whatsapp_business_account', entry } })),
                notAnArray.map((entry) => ({ r: 'facebook' as Route, body: { object: 'page', entry } })),
                // A WhatsApp entry must carry a changes array; a Messenger entry must be an object.
                fc
                    .oneof(
                        notAnObject,
                        notAnArray.map((changes) => ({ id: 'WABA', changes }) as Json)
                    )
                    .map((e) => ({ r: 'whatsapp' as Route, body: { object: 'whatsapp_business_account', entry: [e] } })),
                notAnObject.map((e) => ({ r: 'facebook' as Route, body: { object: 'page', entry: [e] } })),
                notAnArray.map((events) => ({ r: 'twitter' as Route, body: { for_user_id: BOT_X_ID, direct_message_events: events } })),
                notAnArray.map((events) => ({
                    r: 'twitter' as Route,
                    body: { data: { event_type: 'dm.received', payload: { direct_message_events: events } } },
                })),
                notAnObject.map((payload) => ({ r: 'twitter' as Route, body: { data: { event_type: 'dm.received', payload } } }))
            );
            await fc.assert(
                fc.asyncProperty(wrongEntry, extra, async ({ r, body }, more) => {
                    const raw = metaWireJson({ ...more, ...body });
                    assertRejected(await webhook(r, raw), 400, `${r}: ${raw.toString().slice(0, 200)}`);
                }),
                runs(100)
            );
        });

        it('acknowledge another product or an unknown event type with 200 and process nothing', async () => {
            const other = fc.oneof(
                fc.constantFrom('instagram', 'page', 'user', 'permissions', '', 'WHATSAPP_BUSINESS_ACCOUNT'),
                fc.string({ maxLength: 12 }),
                fc.constantFrom(null, 1, true, [])
            );
            const rest = fc.dictionary(fc.constantFrom('entry', 'id', 'time', 'changes', 'messaging'), fc.jsonValue({ maxDepth: 3 }), {
                maxKeys: 3,
            }) as fc.Arbitrary<Record<string, Json>>;
            const bodies = fc.oneof(
                fc
                    .tuple(
                        other.filter((o) => o !== 'whatsapp_business_account'),
                        rest
                    )
                    .map(([object, more]) => ({ r: 'whatsapp' as Route, body: { ...more, object } as Json })),
                fc
                    .tuple(
                        other.filter((o) => o !== 'page'),
                        rest
                    )
                    .map(([object, more]) => ({ r: 'facebook' as Route, body: { ...more, object } as Json })),
                // X: other Activity API event types, other Account Activity arrays, and bodies of neither API.
                fc
                    .tuple(
                        fc.string({ maxLength: 12 }).filter((t) => t !== 'dm.received'),
                        fc.jsonValue({ maxDepth: 3 })
                    )
                    .map(([eventType, payload]) => ({ r: 'twitter' as Route, body: { data: { event_type: eventType, payload } } as Json })),
                fc
                    .constantFrom('tweet_create_events', 'favorite_events', 'direct_message_indicate_typing_events', 'follow_events')
                    .map((key) => ({ r: 'twitter' as Route, body: { for_user_id: BOT_X_ID, [key]: [{ id: '1' }] } as Json })),
                (fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }) as fc.Arbitrary<Record<string, Json>>)
                    .filter((o) => !('for_user_id' in o) && !('data' in o))
                    .map((body) => ({ r: 'twitter' as Route, body: body as Json })),
                // A real payload of one platform delivered to another's URL.
                fc
                    .tuple(route, route)
                    .filter(([from, to]) => from !== to)
                    .chain(([from, to]) => fixtureOf(from).map((i) => ({ r: to, body: realPayload(from, i) })))
            );
            await fc.assert(
                fc.asyncProperty(bodies, async ({ r, body }) => {
                    const raw = metaWireJson(body);
                    const answer = await webhook(r, raw);
                    assert.equal(answer.status, 200, `${r}: ${raw.toString().slice(0, 200)} → ${answer.status} ${answer.body}`);
                    assert.deepEqual(answer.changed, [], `${r}: nothing processed`);
                    assert.ok(answer.healthy);
                }),
                runs(100)
            );
        });

        it('never answer 5xx to a real payload with one field replaced by a wrongly typed value or removed', async () => {
            const mutated = route.chain((r) =>
                fixtureOf(r).chain((i) => {
                    const base = realPayload(r, i);
                    return fc.tuple(fc.constantFrom(...pathsOf(base)), replacement).map(([at, value]) => ({ r, name: BODIES[r][i].name, at, value, base }));
                })
            );
            await fc.assert(
                fc.asyncProperty(mutated, async ({ r, name, at, value, base }) => {
                    const body = replaceAt(withFreshIds(base), at, value);
                    const what = `${r}: ${name} with ${at.join('.')} = ${value === DELETE ? '(deleted)' : JSON.stringify(value).slice(0, 80)}`;
                    const answer = await webhook(r, metaWireJson(body));
                    assert.ok(answer.status === 200 || answer.status === 400, `${what} → ${answer.status} ${answer.body.slice(0, 200)}`);
                    if (answer.status === 400) assert.deepEqual(answer.changed, [], `${what}: answered 400 but changed state`);
                    assert.ok(answer.healthy, `${what}: /healthz stopped answering 200`);
                }),
                runs(150)
            );
        });

        it('answer 400, 413 or 200 with nothing processed to deeply nested JSON, alone or inside a real payload', async () => {
            const depth = fc.oneof(fc.constantFrom(10_000, 100_000), fc.integer({ min: 100, max: 120_000 }));
            const nested = fc.record({ depth, kind: fc.constantFrom<'array' | 'object' | 'mixed'>('array', 'object', 'mixed'), closed: fc.boolean() });
            const placement = route.chain((r) =>
                fc.oneof(
                    fc.constant({ r, base: null as Json, at: [] as PathStep[] }),
                    fixtureOf(r).chain((i) => {
                        const base = realPayload(r, i);
                        return fc.constantFrom(...pathsOf(base)).map((at) => ({ r, base, at }));
                    })
                )
            );
            await fc.assert(
                fc.asyncProperty(placement, nested, async ({ r, base, at }, { depth: levels, kind, closed }) => {
                    const deep = nestedJson(levels, kind, closed);
                    const marker = '__fuzz_deep_value__';
                    const raw =
                        at.length === 0
                            ? Buffer.from(deep)
                            : Buffer.from(JSON.stringify(replaceAt(withFreshIds(base), at, marker)).replace(`"${marker}"`, () => deep));
                    const what = `${r}: ${levels} levels of ${kind}${closed ? '' : ' (unclosed)'} at ${at.join('.') || 'the root'}`;
                    const answer = await webhook(r, raw);
                    assert.ok([200, 400, 413].includes(answer.status), `${what} → ${answer.status} ${answer.body.slice(0, 200)}`);
                    assert.deepEqual(answer.changed, [], `${what}: answered ${answer.status} but processed it`);
                    assert.ok(answer.healthy, `${what}: /healthz stopped answering 200`);
                }),
                runs(50)
            );
        });

        it('answer 413 to a body over 4 MB, signed or not, and take one of exactly 4 MB', async () => {
            await fc.assert(
                fc.asyncProperty(route, fc.integer({ min: WEBHOOK_LIMIT + 1, max: WEBHOOK_LIMIT + 2 * MB }), fc.boolean(), async (r, size, sign) => {
                    // A real payload padded with whitespace: valid JSON that would be processed if it were read.
                    const real = metaWireJson(withFreshIds(realPayload(r, 0)));
                    const raw = Buffer.concat([real, Buffer.alloc(size - real.length, ' ')]);
                    assertRejected(await webhook(r, raw, sign ? signed(r, raw) : { 'content-type': 'application/json' }), 413, `${r}: ${size} bytes`);
                }),
                runs(8)
            );
            const exact = Buffer.concat([Buffer.from('{"object":"instagram"}'), Buffer.alloc(WEBHOOK_LIMIT - 22, ' ')]);
            assert.equal(exact.length, WEBHOOK_LIMIT);
            assert.equal((await webhook('whatsapp', exact)).status, 200, 'exactly the limit is read');
        });

        it('answer 413 to a chunked body over 4 MB that declares no length', async () => {
            const before = await snapshot();
            const status = await new Promise<number>((resolve, reject) => {
                const request = http.request(
                    `${url}/webhooks/whatsapp`,
                    { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
                    (response) => {
                        response.resume();
                        resolve(response.statusCode ?? 0);
                    }
                );
                // The server may answer and close before every chunk is written.
                request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
                const chunk = Buffer.alloc(256 * 1024, ' ');
                for (let written = 0; written <= WEBHOOK_LIMIT; written += chunk.length) request.write(chunk);
                request.end();
            });
            assert.equal(status, 413);
            await idle();
            assert.deepEqual(await snapshot(), before);
        });
    });

    describe('/api/messages', () => {
        /** An activity as the Emulator sends it, replying to the stand-in API (which answers every reply with 200). */
        function emulatorActivity(n: number, type: 'message' | 'conversationUpdate' = 'message'): Json {
            const user = { id: `fuzz-user-${n}`, name: 'User', role: 'user' };
            const botAccount = { id: 'bot-1', name: 'Bot', role: 'bot' };
            return {
                type,
                id: `fuzz-activity-${n}`,
                channelId: 'emulator',
                timestamp: new Date().toISOString(),
                localTimestamp: new Date().toISOString(),
                serviceUrl: api.url,
                conversation: { id: `fuzz-conversation-${n}|livechat` },
                from: user,
                recipient: botAccount,
                locale: 'en-US',
                ...(type === 'message'
                    ? { text: 'bijli nahi aa rahi', textFormat: 'plain', attachments: [], entities: [{ type: 'ClientCapabilities', requiresBotState: true }] }
                    : { membersAdded: [botAccount, user], membersRemoved: [] }),
            } as Json;
        }

        it('answers 400 to a body that is not JSON and changes nothing', async () => {
            const truncated = fc
                .integer({ min: 0, max: 10_000 })
                .chain((n) => {
                    const raw = JSON.stringify(emulatorActivity(n));
                    return fc.integer({ min: 0, max: raw.length - 1 }).map((cut) => raw.slice(0, cut));
                })
                .map((text) => Buffer.from(text));
            await fc.assert(
                fc.asyncProperty(fc.oneof(truncated, notJsonBytes), async (raw) => {
                    assertRejected(await activity(raw), 400, `${raw.length} bytes: ${raw.toString('utf8').slice(0, 80)}`);
                }),
                runs(80)
            );
        });

        it('answers 400 to JSON that is not an object with a string "type", or is sent as another content type, and changes nothing', async () => {
            const notAnActivity = (fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>).filter(
                (v) => !(v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.type === 'string')
            );
            const withWrongType = fc
                .tuple(
                    fc.integer({ min: 0, max: 10_000 }),
                    notAnObject.filter((t) => typeof t !== 'string')
                )
                .map(([n, type]) => ({ ...(emulatorActivity(n) as Record<string, Json>), type }) as Json);
            await fc.assert(
                fc.asyncProperty(fc.oneof(notAnActivity, withWrongType), async (value) => {
                    assertRejected(await activity(JSON.stringify(value)), 400, JSON.stringify(value).slice(0, 120));
                }),
                runs(80)
            );
            await fc.assert(
                fc.asyncProperty(
                    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'multipart/form-data'),
                    fc.integer({ min: 0, max: 10_000 }),
                    async (contentType, n) => {
                        assertRejected(await activity(JSON.stringify(emulatorActivity(n)), contentType), 400, contentType);
                    }
                ),
                runs(10)
            );
        });

        it('answers 413 to an activity over 256 kB and changes nothing', async () => {
            await fc.assert(
                fc.asyncProperty(fc.integer({ min: ACTIVITY_LIMIT + 1, max: ACTIVITY_LIMIT * 3 }), fc.integer({ min: 0, max: 10_000 }), async (size, n) => {
                    const base = JSON.stringify({ ...(emulatorActivity(n) as Record<string, Json>), text: '' });
                    const raw = base.replace('"text":""', `"text":"${'x'.repeat(size - base.length)}"`);
                    assert.equal(Buffer.byteLength(raw), size);
                    assertRejected(await activity(raw), 413, `${size} bytes`);
                }),
                runs(10)
            );
        });

        it('refuses with 403 any activity claiming a platform channel, and changes nothing', async () => {
            const claim = fc.tuple(
                fc.constantFrom('whatsapp', 'facebook', 'twitter'),
                fc.integer({ min: 0, max: 10_000 }),
                fc.constantFrom<'message' | 'conversationUpdate'>('message', 'conversationUpdate'),
                fc.option(fc.constantFrom(...pathsOf(emulatorActivity(0)).filter((p) => p[0] !== 'channelId' && p[0] !== 'type')), { nil: undefined }),
                wronglyTyped
            );
            await fc.assert(
                fc.asyncProperty(claim, async ([channelId, n, type, at, value]) => {
                    let body = { ...(emulatorActivity(n, type) as Record<string, Json>), channelId } as Json;
                    if (at && pathsOf(body).some((p) => p.join('.') === at.join('.'))) body = replaceAt(body, at, value);
                    // Where the channels are served, as the impersonation is tried there.
                    assertRejected(await activity(JSON.stringify(body), 'application/json', url), 403, `${channelId}: ${JSON.stringify(body).slice(0, 120)}`);
                }),
                runs(60)
            );
        });

        it('never answers 5xx to a plausible activity with one field wrongly typed or removed; a 400 changes nothing', async () => {
            const mutated = fc
                .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom<'message' | 'conversationUpdate'>('message', 'conversationUpdate'))
                .chain(([n, type]) => {
                    const base = emulatorActivity(n, type);
                    const paths = pathsOf(base).filter((p) => p[0] !== 'type');
                    return fc.tuple(fc.constantFrom(...paths), replacement).map(([at, value]) => ({
                        body: replaceAt(base, at, value),
                        what: `${type} with ${at.join('.')} = ${value === DELETE ? '(deleted)' : JSON.stringify(value).slice(0, 80)}`,
                    }));
                });
            await fc.assert(
                fc.asyncProperty(mutated, async ({ body, what }) => {
                    const answer = await activity(JSON.stringify(body));
                    assert.ok(answer.status < 500, `${what} → ${answer.status} ${answer.body.slice(0, 300)}`);
                    if (answer.status >= 400) assertRejected(answer, 400, what);
                    assert.ok(answer.healthy, `${what}: /healthz stopped answering 200`);
                }),
                runs(150)
            );
        });

        it('answers 400 or 413 to deeply nested activities and changes nothing', async () => {
            const depth = fc.oneof(fc.constantFrom(10_000, 50_000), fc.integer({ min: 100, max: 60_000 }));
            const at = fc.constantFrom('root', 'channelData', 'value', 'text', 'conversation', 'from', 'entities', 'attachments');
            await fc.assert(
                fc.asyncProperty(
                    depth,
                    fc.constantFrom<'array' | 'object' | 'mixed'>('array', 'object', 'mixed'),
                    fc.boolean(),
                    at,
                    fc.integer({ min: 0, max: 10_000 }),
                    async (levels, kind, closed, where, n) => {
                        const deep = nestedJson(levels, kind, closed);
                        const raw =
                            where === 'root'
                                ? deep
                                : JSON.stringify({ ...(emulatorActivity(n) as Record<string, Json>), [where]: '__deep__' }).replace('"__deep__"', () => deep);
                        assertRejected(await activity(raw), [400, 413], `${levels} levels of ${kind}${closed ? '' : ' (unclosed)'} at ${where}`);
                    }
                ),
                runs(40)
            );
        });
    });

    // Counterexamples the properties found, shrunk, kept as plain tests.
    describe('regressions', () => {
        /** A fixture addressed to the bot, with fresh ids and one field replaced. */
        function fixtureWith(r: Route, name: string, at: PathStep[], value: Json): Buffer {
            const index = BODIES[r].findIndex((b) => b.name === name);
            assert.ok(index >= 0, name);
            return metaWireJson(replaceAt(withFreshIds(realPayload(r, index)), at, value));
        }

        it('a Messenger entry that is an array, not an object, is a 400 (was 200)', async () => {
            assertRejected(await webhook('facebook', metaWireJson({ object: 'page', entry: [[]] })), 400, 'entry [[]]');
        });

        it('a WhatsApp message whose "from" is an array is taken without a 5xx (was a 5xx: waId.startsWith is not a function)', async () => {
            const answer = await webhook(
                'whatsapp',
                fixtureWith('whatsapp', 'whatsapp/image.json', ['entry', 0, 'changes', 0, 'value', 'messages', 0, 'from'], [])
            );
            assert.equal(answer.status, 200, answer.body);
        });

        it('a WhatsApp contact whose "user_id" is an object is taken without a 5xx (was a 5xx: userKey.startsWith is not a function)', async () => {
            const answer = await webhook(
                'whatsapp',
                fixtureWith('whatsapp', 'whatsapp/image.json', ['entry', 0, 'changes', 0, 'value', 'contacts', 0, 'user_id'], {})
            );
            assert.equal(answer.status, 200, answer.body);
        });

        it('Messenger fields holding {"toString": 1} or {"toString": false} are taken without a 5xx (were 5xx: Cannot convert object to primitive value)', async () => {
            const cases: Array<[string, PathStep[], Json]> = [
                ['messenger/quick_reply.json', ['entry', 0, 'messaging', 0, 'message', 'quick_reply', 'payload'], { toString: 1 }],
                ['messenger/image_attachment.json', ['entry', 0, 'id'], { toString: false }],
                ['messenger/delivery.json', ['entry', 0, 'id'], { toString: 1 }],
                ['messenger/text.json', ['entry', 0, 'messaging', 0, 'message', 'mid'], { toString: 1 }],
            ];
            for (const [name, at, value] of cases) {
                const answer = await webhook('facebook', fixtureWith('facebook', name, at, value));
                assert.equal(answer.status, 200, `${name} ${at.join('.')}: ${answer.status} ${answer.body}`);
            }
        });

        it('100 levels of nested arrays inside an X DM are a 400 with nothing processed (was 200, and the DM was answered)', async () => {
            const index = BODIES.twitter.findIndex((b) => b.name === 'twitter/dm_incoming.json');
            const body = JSON.stringify(
                replaceAt(withFreshIds(realPayload('twitter', index)), ['direct_message_events', 0, 'message_create', 'target', 'recipient_id'], '__deep__')
            ).replace('"__deep__"', () => nestedJson(100, 'array', true));
            assertRejected(await webhook('twitter', Buffer.from(body)), 400, '100 levels at recipient_id');
        });

        it('100,000 levels of nested arrays as a WhatsApp text body are a 400 with nothing processed (was a 5xx: String() of it overflows the stack)', async () => {
            const body = JSON.stringify(whatsAppText(PHONE_ID, '919000000001', '__deep__')).replace('"__deep__"', () => nestedJson(100_000, 'array', true));
            assertRejected(await webhook('whatsapp', Buffer.from(body)), 400, '100,000 levels as text.body');
        });

        it('/api/messages answers 400 with a JSON reason to a serviceUrl that is an object (was 500: endpoint.toLowerCase is not a function)', async () => {
            const answer = await activity(JSON.stringify({ ...(emulatorActivityForRegression(7) as Record<string, Json>), serviceUrl: {} }));
            assertRejected(answer, 400, 'serviceUrl {}');
            assert.match((JSON.parse(answer.body) as { error: string }).error, /serviceUrl/);
        });

        it('/api/messages answers 400 to a channelId of {"toString": 1} (was 500 from the sender key of the rate limit)', async () => {
            assertRejected(
                await activity(JSON.stringify({ ...(emulatorActivityForRegression(8) as Record<string, Json>), channelId: { toString: 1 } })),
                400,
                'channelId {"toString":1}'
            );
        });

        it('/api/messages answers 400 to 100 levels of nested arrays as the conversation (was 200, and a turn ran)', async () => {
            const raw = JSON.stringify({ ...(emulatorActivityForRegression(9) as Record<string, Json>), conversation: '__deep__' }).replace('"__deep__"', () =>
                nestedJson(100, 'array', true)
            );
            assertRejected(await activity(raw), 400, '100 levels as conversation');
        });

        // CloudAdapter took a numeric conversation with 200 and ran a turn on it.
        it('/api/messages answers 400 to the wrongly typed fields of the issue: conversation a number, from a string, text an object, serviceUrl missing', async () => {
            const base = emulatorActivityForRegression(10) as Record<string, Json>;
            const { serviceUrl: _omitted, ...withoutServiceUrl } = base;
            for (const [what, body] of [
                ['conversation: 5', { ...base, conversation: 5 }],
                ['from: "user"', { ...base, from: 'user' }],
                ['text: {}', { ...base, text: {} }],
                ['no serviceUrl', withoutServiceUrl],
            ] as Array<[string, Json]>) {
                const answer = await activity(JSON.stringify(body));
                assertRejected(answer, 400, what);
                assert.match((JSON.parse(answer.body) as { error: string }).error, /not a valid Bot Framework activity/, what);
            }
        });

        function emulatorActivityForRegression(n: number): Json {
            return {
                type: 'message',
                id: `regression-${n}`,
                channelId: 'emulator',
                serviceUrl: api.url,
                locale: 'en-US',
                text: 'bijli nahi aa rahi',
                conversation: { id: `regression-conversation-${n}` },
                from: { id: `regression-user-${n}`, name: 'User', role: 'user' },
                recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
            };
        }
    });

    describe('logging', () => {
        // Ten digits (Devanagari too), with spaces or dashes anywhere between them and an optional +91: an account or
        // mobile number as a person would recognise it. Masked numbers keep three digits, so they never match.
        // In a JSON log line a newline or tab between the digits reads as \n or \t.
        const UNMASKED_NUMBER =
            /(?:\+91(?:[\s\-\u2010-\u2015]|\\[nrt])*)?(?<![0-9\u0966-\u096F])[0-9\u0966-\u096F](?:(?:[\s\-\u2010-\u2015]|\\[nrt])*[0-9\u0966-\u096F]){9}/;

        it('at debug level shows no account or mobile number unmasked, after complaints and callback requests on every channel', async () => {
            const captured: string[] = [];
            const writes = { out: process.stdout.write, err: process.stderr.write };
            // Also catch anything that bypasses the Logger (console.*, libraries writing to stderr) during the traffic.
            const tap = (stream: NodeJS.WriteStream, original: typeof process.stdout.write) =>
                ((chunk: unknown, ...rest: unknown[]) => {
                    captured.push(String(chunk));
                    return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
                }) as typeof process.stdout.write;
            process.stdout.write = tap(process.stdout, writes.out);
            process.stderr.write = tap(process.stderr, writes.err);
            const complaints = async () => (await bot.dataSource.getRepository(Complaint).count()) + (await apiBot.dataSource.getRepository(Complaint).count());
            const callbacks = async () =>
                (await bot.dataSource.getRepository(CallbackRequest).count()) + (await apiBot.dataSource.getRepository(CallbackRequest).count());
            const complaintsBefore = await complaints();
            const callbacksBefore = await callbacks();
            try {
                await driveRealisticTraffic();
            } finally {
                process.stdout.write = writes.out;
                process.stderr.write = writes.err;
            }
            assert.ok((await complaints()) >= complaintsBefore + 3, 'the traffic registered complaints');
            assert.ok((await callbacks()) >= callbacksBefore + 3, 'the traffic recorded callback requests');
            assert.ok(bot.sms.sent.length > 0, 'a one-time code was sent (and logged by the development sender)');
            assert.ok(
                bot.logLines.some((line) => /"level":"debug"/.test(line)),
                'debug lines were captured'
            );
            const leaks = [...bot.logLines, ...apiBot.logLines, ...captured].filter((line) => UNMASKED_NUMBER.test(line));
            assert.deepEqual(leaks, [], `unmasked numbers in the log:\n${leaks.join('\n')}`);
        });

        it('masks an account or mobile number however it is written, in the message and in every field', async () => {
            const digits = fc.array(fc.constantFrom(...'0123456789९४१५०'), { minLength: 10, maxLength: 10 });
            // What people put between digit groups: spaces, dashes (typed or autocorrected), line breaks.
            const separator = fc.constantFrom('', '', '', ' ', '-', '  ', ' - ', '\u00a0', '\u2013', '\n', '\t');
            const written = fc
                .tuple(fc.constantFrom('', '+91', '+91 ', '+91-', '91', '0', '(+91) '), digits, fc.array(separator, { minLength: 9, maxLength: 9 }))
                .map(([prefix, ds, seps]) => prefix + ds.map((d, i) => d + (seps[i] ?? '')).join(''));
            const context = fc.tuple(fc.constantFrom('', 'my number is ', 'खाता ', 'acct:', 'call '), fc.constantFrom('', ' please', '.', ' ok'));
            await fc.assert(
                fc.asyncProperty(written, context, async (number, [before, after]) => {
                    const lines: string[] = [];
                    const logger = new Logger('debug', (line) => lines.push(line)).child({ user: number });
                    logger.warn(`${before}${number}${after}`, {
                        text: `${before}${number}${after}`,
                        nested: { mobile: number },
                        error: new Error(`cannot reach ${number}`),
                    });
                    const leaks = lines.filter((line) => UNMASKED_NUMBER.test(line));
                    assert.deepEqual(leaks, [], `"${number}" was logged unmasked`);
                }),
                runs(300)
            );
        });

        it('masks a mobile written with a spaced dash, two spaces, an en dash or a line break (the property\'s counterexample "000000000 - 0"; were logged as written)', () => {
            const lines: string[] = [];
            const logger = new Logger('debug', (line) => lines.push(line));
            for (const mobile of ['94150 - 12345', '94150  12345', '94150\u201312345', '94150\n12345']) logger.info('callback', { mobile });
            assert.deepEqual(
                lines.filter((line) => UNMASKED_NUMBER.test(line)),
                []
            );
            assert.ok(
                lines.every((line) => line.includes('"mobile":"*******345"')),
                lines.join('\n')
            );
        });

        it('the scan itself finds a number the logger did not mask, in every written form', () => {
            for (const line of ['to 9415012345', '+91 94150 12345', '94150-12345', 'acct 1234 567 890', '१२३४५६७८९०', '94150 - 12345', '94150\\n12345']) {
                assert.match(line, UNMASKED_NUMBER, line);
            }
            for (const line of ['*******345', 'C2611-0042', 'R2611-0007 at 2026-11-26T10:11:12.123Z', '123456']) {
                assert.doesNotMatch(line, UNMASKED_NUMBER, line);
            }
        });

        async function driveRealisticTraffic(): Promise<void> {
            const wa = async (waId: string, text: string) =>
                assert.equal((await webhook('whatsapp', metaWireJson(whatsAppText(PHONE_ID, waId, text)))).status, 200);
            let mid = 0;
            const fb = async (psid: string, text: string) => {
                const body = {
                    object: 'page',
                    entry: [
                        {
                            id: '104209652421097',
                            time: Date.now(),
                            messaging: [
                                {
                                    sender: { id: psid },
                                    recipient: { id: '104209652421097' },
                                    timestamp: Date.now(),
                                    message: { mid: `m_log.${++mid}.${Date.now()}`, text },
                                },
                            ],
                        },
                    ],
                };
                assert.equal((await webhook('facebook', metaWireJson(body))).status, 200);
            };
            const dm = async (sender: string, text: string) => {
                const body = {
                    for_user_id: BOT_X_ID,
                    direct_message_events: [
                        {
                            type: 'message_create',
                            id: `log-dm-${++mid}-${Date.now()}`,
                            created_timestamp: String(Date.now()),
                            message_create: { target: { recipient_id: BOT_X_ID }, sender_id: sender, message_data: { text } },
                        },
                    ],
                    users: { [sender]: { id: sender, name: 'Consumer', screen_name: 'consumer' } },
                };
                assert.equal((await webhook('twitter', Buffer.from(JSON.stringify(body)))).status, 200);
            };
            const emulator = async (conversation: string, extra: Record<string, Json>) => {
                const body = {
                    type: 'message',
                    id: `log-${++mid}`,
                    channelId: 'emulator',
                    serviceUrl: api.url,
                    locale: 'en-US',
                    conversation: { id: conversation },
                    from: { id: `${conversation}-user`, name: 'User', role: 'user' },
                    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
                    ...extra,
                };
                return (await activity(JSON.stringify(body))).status;
            };

            // WhatsApp from the registered mobile of account 1234567890: a complaint, then the bill (verified by the number).
            for (const text of ['bijli nahi aa rahi', '1234567890', 'हाँ', 'mera bill', '1234567890']) await wa('919415012345', text);
            // A callback request with the account and a +91 mobile written with spaces.
            for (const text of ['officer se baat karni hai', '1234567890', '+91 94150 12345']) await wa('919000000123', text);
            // A status webhook whose error text quotes the recipient's number.
            const failed = {
                object: 'whatsapp_business_account',
                entry: [
                    {
                        id: 'W',
                        changes: [
                            {
                                field: 'messages',
                                value: {
                                    metadata: { phone_number_id: PHONE_ID },
                                    statuses: [
                                        {
                                            id: 'wamid.out1',
                                            status: 'failed',
                                            recipient_id: '919415012345',
                                            errors: [
                                                {
                                                    code: 131026,
                                                    title: 'Message undeliverable',
                                                    message: 'Recipient +91 94150 12345 (919415012345) cannot be reached',
                                                },
                                            ],
                                        },
                                    ],
                                },
                            },
                        ],
                    },
                ],
            };
            assert.equal((await webhook('whatsapp', metaWireJson(failed))).status, 200);

            // Messenger: a complaint with the account typed in groups, and a callback without an account.
            // (Other faults than WhatsApp's outage: the same fault on the same account would join that complaint.)
            for (const text of ['English', 'low voltage since morning in our street', '1234 567 890', 'yes']) await fb('psid-log-1', text);
            // The Graph API refuses a send, quoting the number the user typed.
            await fb('psid-log-2', 'English');
            api.failNext('POST', /\/me\/messages$/, 1, {
                status: 400,
                body: { error: { code: 100, message: 'Invalid parameter near 94150-12345', error_subcode: 2018001 } },
            });
            for (const text of ['talk to an officer', "I don't have it", 'Vibhuti Khand, Lucknow', '94150-12345']) await fb('psid-log-2', text);

            // X: the bill of an account needs a one-time code sent to its registered mobile; a wrong code first.
            for (const text of ['English', 'my bill', '1234567890', '000000']) await dm('3000000555', text);
            await dm('3000000555', bot.lastCode() ?? '111111');
            await dm('3000000555', 'my number is 9415012345, account १२३४५६७८९०');

            // The Emulator: a complaint with the account in Devanagari digits, and a mobile typed where an account is asked.
            for (const text of ['English', 'my meter is burnt and smoking', '१२३४५६७८९०', 'yes']) assert.equal(await emulator('log-emulator-1', { text }), 200);
            for (const text of ['English', 'talk to an officer', '9415012345', '1234567890']) assert.equal(await emulator('log-emulator-2', { text }), 200);
            // The channel refuses the reply that confirms the request: the turn fails, and the errors reach the log and
            // CloudAdapter's console.error.
            api.failNext('POST', /\/v3\/conversations\//, 2, {
                status: 400,
                body: { error: { code: 'BadArgument', message: 'cannot deliver to 9415012345' } },
            });
            assert.equal(await emulator('log-emulator-2', { text: '9415012345' }), 200, 'the turn error is handled by the bot');
            await idle();
        }
    });
});
