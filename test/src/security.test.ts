import { strict as assert } from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import { AppConfig, loadConfig } from '../../src/config';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { runOfficials } from '../../src/cli/officials';
import { createBijliMitra } from '../../src/createBijliMitra';
import { openDatabase } from '../../src/data/createDataSource';
import { DEMO_OFFICIALS } from '../../src/data/demoData';
import { Consumer } from '../../src/data/entities/Consumer';
import { Official } from '../../src/data/entities/Official';
import { startServer } from '../../src/server';
import { isLoopback, serviceUrlAllowed } from '../../src/serviceUrlPolicy';
import { ChannelsTestServer } from '../support/ChannelsTestServer';
import { englishUser, joined, LUCKNOW, sayAll, sayCode, ticketIn } from '../support/dialogKit';
import { EmulatorClient } from '../support/EmulatorClient';
import { metaHeaders, metaWireJson, whatsAppText } from '../support/metaPayloads';
import { testConfig, TestBot } from '../support/TestBot';
import { freshPostgresSchema } from '../support/postgres';
import { Logger } from '../../src/logger';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';

const WHATSAPP: WhatsAppSettings = {
    appSecret: 's',
    verifyToken: 'v',
    accessToken: 't',
    phoneNumberId: '1',
    apiUrl: 'http://127.0.0.1:9',
    maxMessagesPerSecond: 80,
    templates: null,
};

/**
 * `/api/messages` as an attacker would try it on a public deployment: without a Bot Framework app id it takes
 * activities only on loopback with no channel and not in production; it POSTs replies only to allowed addresses.
 */
describe('security: /api/messages without authentication', function () {
    this.timeout(30_000);

    /** Starts the bot's server with `config` (and `host`), posts one Emulator activity, and reports what happened. */
    async function attempt(config: Partial<AppConfig>, options: { host?: string; serviceUrl?: string } = {}) {
        const bot = await TestBot.create({ config });
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: false, host: options.host });
        const client = new EmulatorClient(`http://127.0.0.1:${server.port}/api/messages`);
        await client.listen();
        try {
            const activity = client.build({ type: 'message', text: 'my bill please 1234567890' });
            if (options.serviceUrl) activity.serviceUrl = options.serviceUrl;
            const response = await fetch(`http://127.0.0.1:${server.port}/api/messages`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(activity),
            });
            const body = await response.text();
            const identities = await bot.dataSource.getRepository(ChannelIdentity).count();
            return { status: response.status, body, replies: client.records.length, identities };
        } finally {
            await client.close();
            await server.close();
            await bot.close();
        }
    }

    it('serves the Emulator on loopback with nothing public configured, as before', async () => {
        const result = await attempt({});
        assert.equal(result.status, 200, result.body);
        assert.ok(result.replies > 0, 'the bot answered through the loopback serviceUrl');
    });

    it('answers 401, with nothing run or stored, when a channel is configured and no app id is set', async () => {
        const result = await attempt({ channels: { whatsapp: WHATSAPP } });
        assert.equal(result.status, 401, result.body);
        assert.match(result.body, /MicrosoftAppId/);
        assert.deepEqual([result.replies, result.identities], [0, 0], 'no turn ran, nobody was created, nothing was sent');
    });

    it('answers 401 in production and when listening beyond loopback, even with no channel', async () => {
        const production = await attempt({ production: true });
        assert.equal(production.status, 401, production.body);
        assert.equal(production.replies + production.identities, 0);
        const everyAddress = await attempt({}, { host: '0.0.0.0' });
        assert.equal(everyAddress.status, 401, everyAddress.body);
        assert.equal(everyAddress.replies + everyAddress.identities, 0);
    });

    it('never connects to a serviceUrl that is not loopback while open: 400 before any outbound request', async () => {
        // A listener on another loopback port stands for "some other machine": it must never be called, since the
        // address given is not the loopback one (and no connection is even tried).
        let called = 0;
        const elsewhere = http.createServer((_req, res) => {
            called += 1;
            res.end('{}');
        });
        await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
        const port = (elsewhere.address() as AddressInfo).port;
        try {
            for (const serviceUrl of [
                'http://169.254.169.254/latest/meta-data/',
                'http://10.0.0.1:8080/',
                `http://example.com:${port}/`,
                `http://user:pass@127.0.0.1:${port}/`,
                'file:///etc/passwd',
                'not a url',
            ]) {
                const result = await attempt({}, { serviceUrl });
                assert.equal(result.status, 400, `${serviceUrl}: ${result.body}`);
                assert.match(result.body, /serviceUrl/);
                assert.equal(result.identities, 0, `${serviceUrl}: nothing stored`);
            }
            assert.equal(called, 0);
        } finally {
            await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
        }
    });

    it('allows only https Bot Framework hosts once authenticated, and only loopback while open', () => {
        const hosts = loadConfig({}, null).serviceUrlHosts;
        for (const url of ['https://smba.trafficmanager.net/in/', 'https://webchat.botframework.com/', 'https://directline.botframework.com/v3/']) {
            assert.ok(serviceUrlAllowed(url, hosts), url);
        }
        for (const url of [
            'http://webchat.botframework.com/',
            'https://botframework.com.evil.example/',
            'https://evilbotframework.com/',
            'https://127.0.0.1/',
            'https://smba.trafficmanager.net@evil.example/',
        ]) {
            assert.ok(!serviceUrlAllowed(url, hosts), url);
        }
        assert.ok(serviceUrlAllowed('http://localhost:50123/', 'loopback'));
        assert.ok(serviceUrlAllowed('http://[::1]:50123/', 'loopback'));
        assert.ok(!serviceUrlAllowed('https://webchat.botframework.com/', 'loopback'));
        assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost'));
        assert.ok(!isLoopback('0.0.0.0') && !isLoopback('192.168.1.5') && !isLoopback('::'));
    });

    it('listens on loopback by default, and on every address once something public is configured', () => {
        assert.equal(loadConfig({}, null).host, '127.0.0.1');
        const sms = { SMS_SENDER: 'http', SMS_HTTP_URL: 'https://sms.example/send' };
        assert.equal(loadConfig({ NODE_ENV: 'production', ...sms }, null).host, '0.0.0.0');
        assert.equal(
            loadConfig({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', SMS_SENDER: 'http', SMS_HTTP_URL: 'https://sms.example/' }, null).host,
            '0.0.0.0'
        );
        assert.equal(loadConfig({ HOST: '0.0.0.0' }, null).host, '0.0.0.0');
        assert.throws(() => loadConfig({ BOT_SERVICE_URL_HOSTS: 'https://x' }, null), /BOT_SERVICE_URL_HOSTS/);
    });
});

/**
 * Default credentials: the demo officials' passwords are in the README, so the demo world is never loaded into a public
 * deployment by default, and a public deployment does not start while a demo official can still sign in with one.
 */
describe('security: demo credentials on a public deployment', function () {
    this.timeout(60_000);
    let dir: string;
    let databaseUrl: string;
    const savedUrl = process.env.DATABASE_URL;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-demo-'));
        databaseUrl = `sqlite:${path.join(dir, 'bot.sqlite')}`;
        process.env.DATABASE_URL = databaseUrl;
    });
    afterEach(() => {
        if (savedUrl === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = savedUrl;
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const publicConfig = (demoData: 'auto' | 'on' | 'off') => testConfig({ databaseUrl, demoData, channels: { whatsapp: WHATSAPP } });

    it('DEMO_DATA=auto loads the demo world into an empty database only when nothing is public', async () => {
        for (const [config, expected] of [
            [publicConfig('auto'), 0],
            [testConfig({ databaseUrl, demoData: 'auto', production: true }), 0],
            [testConfig({ databaseUrl, demoData: 'auto' }), DEMO_OFFICIALS.length],
        ] as const) {
            const app = await createBijliMitra(config);
            const officials = await app.dataSource.getRepository(Official).count();
            const consumers = await app.dataSource.getRepository(Consumer).count();
            await app.close();
            assert.equal(officials, expected, JSON.stringify({ production: config.production, channels: Object.keys(config.channels) }));
            assert.equal(consumers > 0, expected > 0);
        }
    });

    it('refuses to start a public deployment while a demo official has its published password, until each has its own or is off', async () => {
        await assert.rejects(createBijliMitra(publicConfig('on')), (error: Error) => {
            assert.match(error.message, /je\.vibhutikhand/);
            assert.match(error.message, /officials set-password/);
            return true;
        });
        const [first, ...rest] = DEMO_OFFICIALS;
        // The command refuses weak and published passwords, and reads the password from standard input only.
        assert.equal(await runOfficials(['set-password', first.username], Readable.from(['short\n'])), 1);
        assert.equal(await runOfficials(['set-password', first.username], Readable.from([`${DEMO_OFFICIALS[1].password}\n`])), 1);
        assert.equal(await runOfficials(['set-password', 'nobody.here'], Readable.from(['a long enough password\n'])), 1);
        assert.equal(await runOfficials(['set-password', first.username], Readable.from(['a long enough password\n'])), 0);
        await assert.rejects(createBijliMitra(publicConfig('off')), /officials set-password/, 'the others still have theirs');
        for (const official of rest) assert.equal(await runOfficials(['deactivate', official.username]), 0);
        const app = await createBijliMitra(publicConfig('off'));
        const stored = await app.dataSource.getRepository(Official).findOneByOrFail({ username: first.username });
        assert.equal(stored.active, true);
        await app.close();
    });

    it('still loads and serves the demo world for local use, as before', async () => {
        const data = await openDatabase(databaseUrl);
        await data.destroy();
        const app = await createBijliMitra(testConfig({ databaseUrl, demoData: 'auto' }));
        assert.ok((await app.dataSource.getRepository(Consumer).count()) > 0);
        await app.close();
    });
});

/**
 * A platform-reported phone verifies an account only as an Indian mobile in international form: WhatsApp's wa_id of a
 * Singapore number ("65" + 8 digits) can look exactly like a registered Indian mobile.
 */
describe('security: phone numbers reported by the platform', function () {
    this.timeout(60_000);
    const SECRET = 'phone-trust-secret';
    const PHONE_ID = '109876543277';
    let server: ChannelsTestServer;
    before(async () => {
        server = await ChannelsTestServer.start({
            whatsapp: { appSecret: SECRET, phoneNumberId: PHONE_ID },
            facebook: { appSecret: 'unused-fb' },
            twitter: { consumerSecret: 'unused-x', userId: '1' },
        });
    });
    after(async () => {
        await server?.close();
    });

    /** What the bot sent `waId` in answer to `text`, as one string. */
    async function say(waId: string, text: string): Promise<string> {
        const before = server.api.requests.length;
        const raw = metaWireJson(whatsAppText(PHONE_ID, waId, text));
        const answer = await fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
        assert.equal(answer.status, 200);
        await server.idle();
        return server.api.requests
            .slice(before)
            .filter((r) => (r.body as { to?: string }).to === waId)
            .map((r) => JSON.stringify(r.body))
            .join('\n');
    }

    it('acknowledges a signed message older than the platforms retry (a replay after its id was forgotten) and does not run it', async () => {
        const sentAt = (daysAgo: number) => {
            const body = whatsAppText(PHONE_ID, '919800000077', 'bijli nahi aa rahi') as {
                entry: Array<{ changes: Array<{ value: { messages: Array<{ timestamp?: string }> } }> }>;
            };
            body.entry[0].changes[0].value.messages[0].timestamp = String(Math.floor((Date.now() - daysAgo * 86_400_000) / 1000));
            return body;
        };
        const post = async (body: object) => {
            const before = server.api.requests.length;
            const raw = metaWireJson(body);
            const answer = await fetch(`${server.url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
            await server.idle();
            return { status: answer.status, replies: server.api.requests.length - before };
        };
        assert.deepEqual(await post(sentAt(8)), { status: 200, replies: 0 }, 'acknowledged, so the platform stops, and not run');
        const fresh = await post(sentAt(6.9));
        assert.equal(fresh.status, 200);
        assert.ok(fresh.replies > 0, 'a message within the retry window is run');
    });

    it('a Singapore number with the digits of a registered mobile is asked for a code and shown nothing; the Indian number is verified', async () => {
        // Account 5127730941 is registered to 6392817405; "6392817405" as a wa_id is a Singapore number (+65 9281 7405).
        const foreign = await say('6392817405', 'mera bill dikhao 5127730941');
        assert.doesNotMatch(foreign, /₹/, 'no bill to a foreign number');
        assert.match(foreign, /कोड|code/, 'asked for the one-time code instead');
        const indian = await say('916392817405', 'mera bill dikhao 5127730941');
        assert.match(indian, /₹/, 'the registered Indian mobile itself is verified');
    });
});

/** What an anonymous visitor learns from the operational endpoints, and what the log sender may write. */
describe('security: operational endpoints and one-time codes', function () {
    this.timeout(30_000);

    it('/metrics asks for the bearer token when METRICS_TOKEN is set, compared whole', async () => {
        const bot = await TestBot.create({ config: { metricsToken: 'scrape-token-123' } });
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: false });
        try {
            const get = (authorization?: string) =>
                fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: authorization ? { authorization } : {} }).then(async (r) => ({
                    status: r.status,
                    text: await r.text(),
                }));
            for (const wrong of [undefined, 'Bearer nope', 'Bearer scrape-token-12', 'Bearer scrape-token-1234', 'scrape-token-123', 'Basic c2NyYXBl']) {
                const answer = await get(wrong);
                assert.equal(answer.status, 401, String(wrong));
                assert.doesNotMatch(answer.text, /bijli_/);
            }
            const right = await get('Bearer scrape-token-123');
            assert.equal(right.status, 200);
            assert.match(right.text, /bijli_turns_total/);
        } finally {
            await server.close();
            await bot.close();
        }
    });

    it('refuses the log SMS sender, which writes one-time codes into the log, once anything is public', () => {
        const whatsapp = { WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_ACCESS_TOKEN: 't', WHATSAPP_PHONE_NUMBER_ID: '1' };
        assert.throws(() => loadConfig(whatsapp, null), /SMS_SENDER=log/);
        assert.throws(() => loadConfig({ NODE_ENV: 'production' }, null), /SMS_SENDER=log/);
        assert.equal(loadConfig({}, null).smsSender, 'log', 'still the default for local use');
        assert.equal(loadConfig({ ...whatsapp, SMS_SENDER: 'http', SMS_HTTP_URL: 'https://sms.example/send' }, null).smsSender, 'http');
    });
});

/** A verified link is bound to the mobile it was proved against: a new registered mobile voids it for every purpose. */
describe('security: a change of registered mobile', function () {
    this.timeout(30_000);

    it("voids what an earlier verification unlocked: the bill and other people's complaints on the account", async () => {
        const bot = await TestBot.create();
        try {
            const owner = await englishUser(bot);
            await sayAll(owner, ['my bill', LUCKNOW.account]);
            assert.match(joined(await sayCode(bot, owner)), /Bill for/, 'verified by code on the registered mobile');
            // Someone else in the house registers a complaint on the account.
            const other = await englishUser(bot);
            const ticket = ticketIn(joined(await sayAll(other, ['no power since morning in our street', LUCKNOW.account, 'yes'])));
            assert.ok(ticket, 'registered');
            assert.match(joined(await owner.say('my complaints')), new RegExp(ticket!), 'the verified owner sees it');
            // The utility records a new mobile for the account (the old number was given up, or was someone else's).
            await bot.dataSource.getRepository(Consumer).update({ accountNumber: LUCKNOW.account }, { registeredMobile: '9000000001' });
            assert.doesNotMatch(joined(await owner.say('my complaints')), new RegExp(ticket!), 'the old verification no longer shows it');
            await owner.say('menu');
            const bill = joined(await sayAll(owner, ['my bill', LUCKNOW.account]));
            assert.doesNotMatch(bill, /Bill for/);
            assert.match(bill, /code/, 'a new code is needed, sent to the new mobile');
        } finally {
            await bot.close();
        }
    });
});

/**
 * One-time codes: a stranger who asks for codes for someone's account again and again spends only their own allowance,
 * and holds the owner back for at most a minute; the message says how long to wait.
 */
describe('security: one-time code requests by a stranger', function () {
    this.timeout(30_000);

    it('a stranger exhausts only their own sends; the owner waits at most a minute, told so, and then gets a code', async () => {
        let now = Date.now();
        const bot = await TestBot.create({ overrides: { now: () => new Date(now) } });
        try {
            const stranger = await englishUser(bot);
            await stranger.say('my bill');
            assert.match(joined(await stranger.say(LUCKNOW.account)), /6-digit code/);
            for (let i = 0; i < 2; i++) {
                now += 5_000;
                assert.match(joined(await stranger.say('Send a new code')), /6-digit code/, `resend ${i + 1}`);
            }
            now += 5_000;
            const held = joined(await stranger.say('Send a new code'));
            assert.match(held, /try again in (59|60) minute/, held);
            assert.equal(bot.sms.sent.length, 3, 'three codes, no more, for the stranger');

            const owner = await englishUser(bot);
            await owner.say('my bill');
            const pause = joined(await owner.say(LUCKNOW.account));
            assert.match(pause, /try again in 1 minute/, pause);
            now += 61_000;
            await owner.say('menu');
            await owner.say('my bill');
            assert.match(joined(await owner.say(LUCKNOW.account)), /6-digit code/, 'the owner is not locked out for the hour');
            assert.equal(bot.sms.sent.length, 4);
        } finally {
            await bot.close();
        }
    });
});

describe('security: the per-sender limit on two instances sharing one PostgreSQL database', function () {
    this.timeout(60_000);

    it('holds across instances: a sender alternating between them gets the burst once, not once per instance', async () => {
        const databaseUrl = await freshPostgresSchema('security_two_instances');
        const limits = { rateLimitBurst: 3, rateLimitPerMinute: 6 };
        const first = await TestBot.create({ databaseUrl, config: limits });
        const second = await createBijliMitra(testConfig({ databaseUrl, ...limits }), {
            logger: new Logger('warn', () => undefined),
            allowDemoCredentials: true,
        });
        const servers = await Promise.all(
            [first.app, second].map((app) => startServer(app, app.prepareAdapter(createEmulatorAdapter(app.config)), 0, [], { console: false }))
        );
        const url = (i: number) => `http://127.0.0.1:${servers[i].port}/api/messages`;
        const sender = new EmulatorClient(url(0));
        const other = new EmulatorClient(url(1));
        try {
            await sender.listen();
            await other.listen();
            const statuses: number[] = [];
            for (let i = 0; i < 4; i++) {
                // Alternately on each instance: the first three make the burst, wherever they land.
                const answer = await fetch(url(i % 2), {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify(sender.build({ type: 'message', text: 'meter' })),
                });
                await answer.text();
                statuses.push(answer.status);
            }
            assert.deepEqual(statuses.slice(0, 3), [200, 200, 200], 'the burst');
            assert.equal(statuses[3], 429, 'the fourth, on the second instance');
            const elsewhere = await fetch(url(0), {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(sender.build({ type: 'message', text: 'meter' })),
            });
            assert.equal(elsewhere.status, 429, 'and on the first: one allowance, shared');
            assert.ok(Number(elsewhere.headers.get('retry-after')) > 0);
            assert.ok((await other.say('meter')).length > 0, 'another sender is not slowed');
        } finally {
            await sender.close();
            await other.close();
            for (const server of servers) await server.close();
            await second.close();
            await first.close();
        }
    });
});
