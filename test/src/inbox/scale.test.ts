import { DEMO_CONSUMERS } from '../../../src/data/demoData';
import { WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { WebhookAdapter } from '../../../adapters/shared/WebhookAdapter';
import { KeyedLock } from '../../../src/inbox/KeyedLock';
import { PostgresTurnLock } from '../../../src/inbox/PostgresTurnLock';
import { SenderRateLimiter } from '../../../src/inbox/SenderRateLimiter';
import { AppConfig } from '../../../src/config';
import { BijliMitra, createBijliMitra } from '../../../src/createBijliMitra';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { Complaint } from '../../../src/data/entities/Complaint';
import { InboundMessage } from '../../../src/data/entities/InboundMessage';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { Logger } from '../../../src/logger';
import { BotServer, startServer } from '../../../src/server';
import { ApiStandIn, RecordedRequest, StandInResponse } from '../../support/ApiStandIn';
import { metaHeaders, metaWireJson, whatsAppText } from '../../support/metaPayloads';
import { freshPostgresSchema } from '../../support/postgres';
import { TcpProxy } from '../../support/TcpProxy';
import { EmulatorClient } from '../../support/EmulatorClient';
import { testConfig, TestBot } from '../../support/TestBot';

const SECRET = 'scale-app-secret';
const PHONE_ID = '100000000077';
const COMPLAINT = ['मेरे घर में सुबह से बिजली नहीं है', '1234567890', 'हाँ'];
/** The same complaint on a user's own account: one outage on one account from several users would join one complaint. */
const ACCOUNTS = DEMO_CONSUMERS.map((c) => c.accountNumber);
const complaintOn = (i: number) => [COMPLAINT[0], ACCOUNTS[i % ACCOUNTS.length], COMPLAINT[2]];

function whatsAppConfig(apiUrl: string): Partial<AppConfig> {
    return {
        channels: {
            whatsapp: {
                appSecret: SECRET,
                verifyToken: 'verify',
                accessToken: 'WA-TOKEN',
                phoneNumberId: PHONE_ID,
                apiUrl,
                maxMessagesPerSecond: 1000,
                templates: null,
            } satisfies WhatsAppSettings,
        },
    };
}

/** One running bot: the app, its WhatsApp adapter and its HTTP server. */
interface Instance {
    app: BijliMitra;
    adapter: WebhookAdapter;
    server: BotServer;
    url: string;
}

async function serve(app: BijliMitra): Promise<Instance> {
    const channels = createChannelAdapters(app);
    const server = await startServer(app, app.prepareAdapter(createEmulatorAdapter(app.config)), 0, channels, { console: false });
    return { app, adapter: channels[0].adapter, server, url: `http://127.0.0.1:${server.port}` };
}

async function post(instance: Instance, body: object): Promise<number> {
    const raw = metaWireJson(body);
    const response = await fetch(`${instance.url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
    await response.text();
    return response.status;
}

function recipientOf(request: RecordedRequest): string | undefined {
    const body = request.body as { to?: string } | undefined;
    return body?.to;
}

function textOf(request: RecordedRequest): string {
    const body = request.body as any;
    return body?.text?.body ?? body?.interactive?.body?.text ?? '';
}

async function turnsCounted(app: BijliMitra, channel: string): Promise<number> {
    const metric = await app.metrics.registry.getSingleMetric('bijli_turns_total')?.get();
    // Proactive turns (the new complaint's notice to its engineer) are events, not consumer messages.
    return (metric?.values ?? []).filter((v) => v.labels.channel === channel && v.labels.type === 'message').reduce((sum, v) => sum + v.value, 0);
}

const okFromGraph = (_req: RecordedRequest, n: number): StandInResponse => ({
    status: 200,
    body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${n}` }] },
});

describe('two instances on one PostgreSQL database', function () {
    this.timeout(120_000);
    let api: ApiStandIn;
    let first: TestBot;
    let a: Instance;
    let b: Instance;

    before(async () => {
        const databaseUrl = await freshPostgresSchema('scale_two_instances');
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), okFromGraph);
        first = await TestBot.create({ databaseUrl, config: whatsAppConfig(api.url) });
        a = await serve(first.app);
        // The second instance opens its own connection pool, as a second process would.
        b = await serve(
            await createBijliMitra(testConfig({ databaseUrl, ...whatsAppConfig(api.url) }), {
                logger: new Logger('warn', () => undefined),
                allowDemoCredentials: true,
            })
        );
    });

    after(async () => {
        for (const instance of [a, b]) {
            await instance?.adapter.idle();
            await instance?.server.close();
        }
        await b?.app.close();
        await first?.close();
        await api?.stop();
    });

    async function idleBoth(): Promise<void> {
        // A drain in one instance may run messages the other recorded: wait until both are quiet and nothing is left.
        for (let i = 0; i < 50; i++) {
            await Promise.all([a.adapter.idle(), b.adapter.idle()]);
            const left = await first.dataSource.getRepository(InboundMessage).createQueryBuilder('i').where('i.processedAt IS NULL').getCount();
            if (left === 0) return;
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('deliveries were left unprocessed');
    }

    it('runs every message once and registers one complaint per user when each webhook reaches both instances at once', async () => {
        const users = Array.from({ length: 12 }, (_, i) => `9198000${String(i).padStart(5, '0')}`);
        const turnsBefore = (await turnsCounted(a.app, 'whatsapp')) + (await turnsCounted(b.app, 'whatsapp'));
        for (const step of COMPLAINT.keys()) {
            await Promise.all(
                users.map(async (waId, i) => {
                    const body = whatsAppText(PHONE_ID, waId, complaintOn(i)[step], { id: `wamid.twice.${waId}.${step}` });
                    const statuses = await Promise.all([post(a, body), post(b, body)]);
                    assert.deepEqual(statuses, [200, 200], 'both instances acknowledge; one of them records it');
                })
            );
            await idleBoth();
        }
        const turns = (await turnsCounted(a.app, 'whatsapp')) + (await turnsCounted(b.app, 'whatsapp')) - turnsBefore;
        assert.equal(turns, users.length * COMPLAINT.length, 'one turn per message across both instances');
        for (const waId of users) {
            const complaints = await first.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
            assert.equal(complaints.length, 1, `${waId} has exactly one complaint`);
            const confirmations = api.requests.filter((r) => recipientOf(r) === waId && textOf(r).includes(complaints[0].ticket));
            assert.equal(confirmations.length, 1, `${waId} was told the ticket once`);
        }
    });

    it('keeps a conversation in order when its messages arrive at different instances', async () => {
        const users = Array.from({ length: 10 }, (_, i) => `9198100${String(i).padStart(5, '0')}`);
        await Promise.all(
            users.map(async (waId, i) => {
                // Each message goes to the other instance, right after the previous one was acknowledged.
                // Accounts after those of the test above, whose complaints are still open in the shared database.
                for (const [step, text] of complaintOn(i + 12).entries()) {
                    assert.equal(await post(step % 2 === 0 ? a : b, whatsAppText(PHONE_ID, waId, text, { id: `wamid.order.${waId}.${step}` })), 200);
                }
            })
        );
        await idleBoth();
        for (const [i, waId] of users.entries()) {
            const [complaint] = await first.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
            assert.ok(complaint, `${waId}: the complaint was registered, so the three messages ran in the order sent`);
            assert.equal(complaint.accountNumber, ACCOUNTS[i + 12]);
            assert.equal(complaint.category, 'no_supply');
        }
    });
});

describe('faults on one instance', function () {
    this.timeout(60_000);
    let api: ApiStandIn;
    let bot: TestBot;
    let instance: Instance;

    afterEach(async () => {
        await instance?.adapter.idle();
        await instance?.server.close();
        await bot?.close();
        await api?.stop();
    });

    it('delivers every reply exactly once while the Graph API fails 30% of first attempts with 500 or 429 and times some out', async () => {
        api = new ApiStandIn();
        await api.start();
        const attempts = new Map<string, number>();
        const delivered: Array<{ to: string; text: string }> = [];
        let n = 0;
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (request) => {
            const key = JSON.stringify(request.body);
            const attempt = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, attempt);
            // A fixed pattern over each reply's first attempt, so the run is the same every time.
            const slot = [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000, 7) % 10;
            if (attempt === 1 && slot < 2) return { status: 500, body: { error: { message: 'An unknown error occurred', code: 1 } } };
            if (attempt === 1 && slot === 2)
                return { status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'Rate limit hit', code: 130429 } } };
            delivered.push({ to: recipientOf(request) ?? '', text: textOf(request) });
            n += 1;
            // Received and delivered, but answered after the client gave up: it must not be sent again.
            if (attempt === 1 && slot === 3)
                return { status: 200, delayMs: 1500, body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.slow${n}` }] } };
            return { status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.ok${n}` }] } };
        });
        bot = await TestBot.create({ config: { ...whatsAppConfig(api.url), platformTimeoutMs: 400 } });
        instance = await serve(bot.app);
        const users = Array.from({ length: 10 }, (_, i) => `9198200${String(i).padStart(5, '0')}`);
        for (const step of COMPLAINT.keys()) {
            await Promise.all(
                users.map((waId, i) => post(instance, whatsAppText(PHONE_ID, waId, complaintOn(i)[step], { id: `wamid.flaky.${waId}.${step}` })))
            );
            await instance.adapter.idle();
        }
        const failedFirst = [...attempts.values()].filter((count) => count > 1).length;
        assert.ok(failedFirst >= 5, `the stand-in failed ${failedFirst} sends at first`);
        for (const waId of users) {
            const texts = delivered.filter((d) => d.to === waId).map((d) => d.text);
            assert.equal(new Set(texts).size, texts.length, `${waId} got no reply twice:\n${texts.join('\n---\n')}`);
            const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
            assert.ok(complaint, `${waId} has a complaint`);
            assert.equal(texts.filter((t) => t.includes(complaint.ticket)).length, 1, `${waId} was told the ticket once`);
            // Every part the bot meant to send arrived once: sent ones and the timed-out ones the platform kept.
            const intended = await bot.dataSource.getRepository(OutboundMessage).countBy({ recipient: waId });
            assert.equal(texts.length, intended, `${waId}: ${texts.length} delivered, ${intended} intended`);
        }
    });

    it('spaces out the turns of a sender who floods the bot, keeps all their messages, and answers others at once', async () => {
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), okFromGraph);
        bot = await TestBot.create({ config: { ...whatsAppConfig(api.url), rateLimitBurst: 3, rateLimitPerMinute: 600 } });
        instance = await serve(bot.app);
        const flooder = '919830000001';
        const other = '919830000002';
        const started = Date.now();
        for (let i = 0; i < 15; i++) assert.equal(await post(instance, whatsAppText(PHONE_ID, flooder, `meter ${i}`, { id: `wamid.flood.${i}` })), 200);
        assert.equal(await post(instance, whatsAppText(PHONE_ID, other, 'meter', { id: 'wamid.calm.1' })), 200);
        const answered = await api.waitFor((r) => recipientOf(r) === other, 5000);
        await instance.adapter.idle();
        const flooderReplies = api.requests.filter((r) => recipientOf(r) === flooder);
        const lastFlooderReply = Math.max(...flooderReplies.map((r) => r.receivedAt));
        assert.ok(answered.receivedAt < lastFlooderReply, 'the other consumer was answered before the flood was worked through');
        // 3 at once, then 10 a second: the other 12 take at least 1.2 s.
        assert.ok(lastFlooderReply - started >= 1100, `flood worked through in ${lastFlooderReply - started} ms`);
        const processed = await bot.dataSource
            .getRepository(InboundMessage)
            .createQueryBuilder('i')
            .where('i.messageKey LIKE :key AND i.processedAt IS NOT NULL', { key: 'wamid.flood.%' })
            .getCount();
        assert.equal(processed, 15, 'every flooded message had its turn');
        const metrics = (await bot.app.metrics.render()).body;
        assert.match(metrics, /bijli_rate_limited_total\{channel="whatsapp"\} [1-9]/);
    });

    it('answers /readyz and serves Prometheus metrics for turns, webhook answers, duplicates, sends and the queue', async () => {
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), okFromGraph);
        bot = await TestBot.create({ config: whatsAppConfig(api.url) });
        instance = await serve(bot.app);
        const ready = await fetch(`${instance.url}/readyz`);
        assert.equal(ready.status, 200);
        assert.deepEqual(await ready.json(), { status: 'ready' });
        const body = whatsAppText(PHONE_ID, '919840000001', 'bill', { id: 'wamid.metrics.1' });
        assert.equal(await post(instance, body), 200);
        assert.equal(await post(instance, body), 200);
        await instance.adapter.idle();
        const response = await fetch(`${instance.url}/metrics`);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
        const text = await response.text();
        assert.match(text, /bijli_turns_total\{channel="whatsapp",type="message",outcome="ok"\} 1\n/);
        assert.match(text, /bijli_turn_duration_seconds_count\{channel="whatsapp"\} 1\n/);
        assert.match(text, /bijli_webhook_response_seconds_count\{channel="whatsapp",status="200"\} 2\n/);
        assert.match(text, /bijli_inbound_duplicates_total\{channel="whatsapp"\} 1\n/);
        assert.match(text, /bijli_outbound_messages_total\{channel="whatsapp",result="sent",code=""\} [1-9]/);
        assert.match(text, /bijli_inbound_unprocessed 0\n/);
        assert.match(text, /bijli_sla_breached_complaints 0\n/);
        assert.match(text, /# TYPE bijli_outbound_queue_depth gauge/);
    });

    it('counts a retried send and a refused one with their codes', async () => {
        api = new ApiStandIn();
        await api.start();
        // The turn's first request is the read receipt with the typing indicator; the reply's attempts follow.
        api.failNext('POST', new RegExp(`/${PHONE_ID}/messages$`), 1, { status: 200, body: { success: true } });
        api.failNext('POST', new RegExp(`/${PHONE_ID}/messages$`), 1);
        api.failNext('POST', new RegExp(`/${PHONE_ID}/messages$`), 1, { status: 400, body: { error: { message: 'Invalid parameter', code: 100 } } });
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), okFromGraph);
        bot = await TestBot.create({ config: whatsAppConfig(api.url) });
        instance = await serve(bot.app);
        assert.equal(await post(instance, whatsAppText(PHONE_ID, '919840000002', 'bill', { id: 'wamid.metrics.2' })), 200);
        await instance.adapter.idle();
        const text = (await bot.app.metrics.render()).body;
        assert.match(text, /bijli_outbound_messages_total\{channel="whatsapp",result="retried",code="1"\} 1\n/);
        assert.match(text, /bijli_outbound_messages_total\{channel="whatsapp",result="failed",code="100"\} 1\n/);
    });
});

describe('PostgreSQL connection dropped and restored', function () {
    this.timeout(60_000);
    let api: ApiStandIn;
    let proxy: TcpProxy;
    let bot: TestBot;
    let instance: Instance;

    after(async () => {
        await proxy?.start().catch(() => undefined);
        await instance?.adapter.idle();
        await instance?.server.close();
        await bot?.close();
        await api?.stop();
        await proxy?.drop();
    });

    it('answers 503 to webhooks and /readyz while the database is away, and recovers without a restart', async () => {
        const direct = new URL(await freshPostgresSchema('faults_db_drop'));
        proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
        await proxy.start();
        direct.port = String(proxy.port);
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), okFromGraph);
        bot = await TestBot.create({ databaseUrl: direct.toString(), config: whatsAppConfig(api.url) });
        instance = await serve(bot.app);
        const waId = '919850000001';
        assert.equal(await post(instance, whatsAppText(PHONE_ID, waId, COMPLAINT[0], { id: 'wamid.drop.0' })), 200);
        await instance.adapter.idle();

        await proxy.drop();
        const during = whatsAppText(PHONE_ID, waId, COMPLAINT[1], { id: 'wamid.drop.1' });
        assert.equal(await post(instance, during), 503, 'not recorded, so not acknowledged: the platform keeps it');
        const readyDuring = await fetch(`${instance.url}/readyz`);
        assert.equal(readyDuring.status, 503);
        const readiness = JSON.stringify(await readyDuring.json());
        assert.match(readiness, /database unreachable/);
        // Which check failed, and nothing of the driver's error (addresses, users, schema) for whoever asks.
        assert.deepEqual(JSON.parse(readiness).problems, ['database unreachable'], readiness);
        assert.equal((await fetch(`${instance.url}/healthz`)).status, 200, 'alive all along');

        await proxy.start();
        let status = 0;
        for (let i = 0; i < 40 && status !== 200; i++) {
            // The platform redelivers until it is acknowledged.
            status = await post(instance, during);
            if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
        }
        assert.equal(status, 200, 'acknowledged once the database is back');
        assert.equal(await post(instance, whatsAppText(PHONE_ID, waId, COMPLAINT[2], { id: 'wamid.drop.2' })), 200);
        await instance.adapter.idle();
        assert.equal((await fetch(`${instance.url}/readyz`)).status, 200);
        const complaints = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
        assert.equal(complaints.length, 1, 'the conversation went on where it was');
        assert.equal(complaints[0].accountNumber, '1234567890');
    });
});

describe('SenderRateLimiter', () => {
    let bot: TestBot | undefined;
    afterEach(async () => {
        await bot?.close();
        bot = undefined;
    });

    for (const kind of ['SQLite (in memory: one process takes the turns)', 'PostgreSQL (one row per sender, shared by instances)'] as const)
        it(`lets a burst through, then one message per interval, and forgets senders whose bucket refilled, on ${kind}`, async () => {
            bot = await TestBot.create(kind.startsWith('PostgreSQL') ? { databaseUrl: await freshPostgresSchema('rate_limiter') } : {});
            await burstThenInterval(bot);
        });

    async function burstThenInterval(bot: TestBot): Promise<void> {
        let now = 1_000_000;
        const limiter = new SenderRateLimiter(bot.app.db, { burst: 2, perMinute: 60, now: () => now });
        assert.equal(await limiter.take('a'), 0);
        assert.equal(await limiter.take('a'), 0);
        assert.equal(await limiter.take('a'), 1000, 'one token a second');
        assert.equal(await limiter.take('a'), 1000, 'a refusal takes nothing');
        assert.equal(await limiter.take('b'), 0, 'another sender is not affected');
        now += 1000;
        assert.equal(await limiter.take('a'), 0);
        assert.ok((await limiter.take('a')) > 0);
        now += 11 * 60_000;
        assert.equal(await limiter.take('c'), 0);
        assert.equal(await limiter.size(), 1, 'senders whose bucket refilled are forgotten');
        assert.throws(() => new SenderRateLimiter(bot.app.db, { burst: 0 }), /burst must be/);
    }
});

describe('ChannelStore acknowledgements', () => {
    for (const kind of ['SQLite', 'PostgreSQL'] as const) {
        it(`records a message once, and notes a user's messages again and again (${kind})`, async () => {
            const bot = await TestBot.create(kind === 'PostgreSQL' ? { databaseUrl: await freshPostgresSchema('scale_store') } : {});
            try {
                const store = new ChannelStore(bot.app.db);
                const first = await store.recordInbound('whatsapp', 'wamid.once', { activity: { text: 'x' } }, 'conv-1');
                assert.ok(first !== null && first > 0);
                if (first === null) return;
                assert.equal(await store.recordInbound('whatsapp', 'wamid.once', { activity: { text: 'x' } }, 'conv-1'), null, 'the copy is recognised');
                assert.deepEqual(await store.unprocessedConversations('whatsapp'), [{ conversationId: 'conv-1', messages: 1 }]);
                // The sweep's age is the database's own clock: a message just recorded is not yet 30 s old, in any zone.
                assert.deepEqual(await store.unprocessedConversations('whatsapp', 30_000), []);
                await store.markInbound('whatsapp', '919800000001');
                await store.markInbound('whatsapp', '919800000001');
                assert.ok(await store.withinWindow('whatsapp', '919800000001'));
                // Processed a week ago: forgotten; processed now or not yet: kept.
                await store.markProcessed(first);
                assert.equal(await store.pruneProcessed(7), 0, 'just processed: kept');
                const old = await store.recordInbound('whatsapp', 'wamid.old', null, 'conv-2');
                await bot.dataSource.getRepository(InboundMessage).update({ id: old! }, { processedAt: new Date(Date.now() - 8 * 86_400_000) });
                await store.recordInbound('whatsapp', 'wamid.waiting', null, 'conv-3');
                assert.equal(await store.pruneProcessed(7), 1);
                assert.deepEqual(
                    (await bot.dataSource.getRepository(InboundMessage).find({ order: { id: 'ASC' } })).map((m) => m.messageKey),
                    ['wamid.once', 'wamid.waiting']
                );
            } finally {
                await bot.close();
            }
        });
    }
});

describe('turn locks', () => {
    it('does not count a holding that has ended for timers set while it lasted (KeyedLock)', async () => {
        const lock = new KeyedLock();
        const events: string[] = [];
        let timerDone!: Promise<void>;
        await lock.run('conversation', async () => {
            // As a rate-limited drain does: a timer set while holding, firing after the release.
            timerDone = new Promise((resolve) =>
                setTimeout(() => {
                    void lock
                        .run('conversation', async () => {
                            events.push('timer turn');
                        })
                        .then(resolve);
                }, 20)
            );
        });
        await lock.run('conversation', async () => {
            events.push('other turn starts');
            await new Promise((resolve) => setTimeout(resolve, 60));
            events.push('other turn ends');
        });
        await timerDone;
        assert.deepEqual(events, ['other turn starts', 'other turn ends', 'timer turn'], 'the timer waited for the lock');
    });

    it('lets a turn holding one conversation take a second one even when every holder slot is taken (PostgresTurnLock)', async () => {
        const bot = await TestBot.create({ databaseUrl: await freshPostgresSchema('scale_nested_lock') });
        try {
            const lock = new PostgresTurnLock(bot.dataSource, 1);
            const nested = lock.run('whatsapp/consumer', () => lock.run('whatsapp/engineer', async () => 'notice sent'));
            const timeout = new Promise((resolve) => setTimeout(() => resolve('stuck'), 5000));
            assert.equal(await Promise.race([nested, timeout]), 'notice sent');
        } finally {
            await bot.close();
        }
    });
});

describe('/api/messages rate limit', function () {
    this.timeout(30_000);

    it('answers a flooding Emulator sender with 429 and Retry-After once the burst is spent', async () => {
        const bot = await TestBot.create({ config: { rateLimitBurst: 3, rateLimitPerMinute: 6 } });
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: false });
        const client = new EmulatorClient(`http://127.0.0.1:${server.port}/api/messages`);
        try {
            await client.listen();
            for (let i = 0; i < 3; i++) assert.ok((await client.say('meter')).length > 0, 'answered within the burst');
            await assert.rejects(client.say('meter'), /HTTP 429/);
            const other = new EmulatorClient(`http://127.0.0.1:${server.port}/api/messages`);
            await other.listen();
            assert.ok((await other.say('meter')).length > 0, 'another sender is not slowed');
            await other.close();
        } finally {
            await client.close();
            await server.close();
            await bot.close();
        }
    });

    it("does not let unauthenticated requests spend a sender's allowance when an app id is configured", async () => {
        const bot = await TestBot.create({
            config: { rateLimitBurst: 1, rateLimitPerMinute: 1, microsoftAppId: 'test-app-id', microsoftAppPassword: 'test-secret' },
        });
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: false });
        try {
            const activity = {
                type: 'message',
                id: 'a1',
                channelId: 'webchat',
                serviceUrl: 'http://127.0.0.1:9',
                text: 'meter',
                conversation: { id: 'victim-conversation' },
                from: { id: 'victim' },
                recipient: { id: 'bot' },
            };
            const statuses: number[] = [];
            for (let i = 0; i < 5; i++) {
                const response = await fetch(`http://127.0.0.1:${server.port}/api/messages`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify(activity),
                });
                await response.text();
                statuses.push(response.status);
            }
            assert.deepEqual(statuses, [401, 401, 401, 401, 401], 'refused as unauthenticated, never as rate-limited');
        } finally {
            await server.close();
            await bot.close();
        }
    });
});
