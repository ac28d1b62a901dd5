import { strict as assert } from 'assert';
import { ActivityTypes, TurnContext } from 'botbuilder';
import { TurnLogic } from '../../../adapters/shared/WebhookAdapter';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { twitterChannel, TwitterSettings } from '../../../adapters/twitter/twitterChannel';
import { TwitterAdapter, TwitterDmLimits } from '../../../adapters/twitter/TwitterAdapter';
import { TwitterClient } from '../../../adapters/twitter/TwitterClient';
import { TwitterOAuthClient } from '../../../adapters/twitter/TwitterOAuthClient';
import { TwitterUserTokens } from '../../../adapters/twitter/TwitterUserTokens';
import { DeferredReplies } from '../../../src/broadcast/DeferredReplies';
import { OutboundQueueWorker } from '../../../src/broadcast/OutboundQueueWorker';
import { Broadcast } from '../../../src/data/entities/Broadcast';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Complaint } from '../../../src/data/entities/Complaint';
import { QueuedMessage } from '../../../src/data/entities/QueuedMessage';
import { ChannelGrants } from '../../../src/inbox/ChannelGrants';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { SendBudgets } from '../../../src/inbox/SendBudgets';
import { TestBot } from '../../support/TestBot';
import { TEST_DATABASE } from '../../support/testDatabase';
import { XApiStandIn, XApiStandInOptions } from '../../support/XApiStandIn';
import { settingsReader } from '../../support/settingsReader';

const BOT = '3000000001';
const CLIENT_ID = 'bWlwQ2xpZW50SWQ6MTpjaQ';
const CONSUMER_SECRET = 'x-consumer-secret';
const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
const DAY = 24 * 3600_000;

/**
 * Problem 3 of issue #14, "X capacity is far smaller than assumed": X lets a bot account send about 15 DMs per 15
 * minutes and 1,440 a day. Against a stand-in that enforces both windows (with X's headers and 429 body) and the monthly
 * usage cap: every turn's messages leave as one DM; sends are paced at the real limits across instances; a DM that must
 * wait goes to the outbound queue for the reset instead of holding the turn; the usage cap is final and reported;
 * broadcasts go at most one a minute and leave a third of the allowance to replies.
 */
describe(`X DM capacity (${TEST_DATABASE})`, function () {
    this.timeout(60_000);
    let bot: TestBot;
    let x: XApiStandIn;
    let clock: number;
    let store: ChannelStore;
    let seed: string;
    let alarms: string[];
    let nextEvent: number;
    const now = () => clock;

    async function startX(options: Partial<XApiStandInOptions> = {}): Promise<void> {
        x = await XApiStandIn.start({ botUserId: BOT, clientId: CLIENT_ID, now, ...options });
        seed = x.authorise();
    }

    beforeEach(async () => {
        clock = Date.now();
        alarms = [];
        nextEvent = 1;
        bot = await TestBot.create();
        store = new ChannelStore(bot.app.db);
    });
    afterEach(async () => {
        await x?.stop();
        await bot.close();
    });

    /** One instance's X adapter, on the shared database (grant, allowance, queue); its own inbox unless `shared`. */
    function instance(options: { limits?: TwitterDmLimits; shared?: boolean } = {}): TwitterAdapter {
        const tokens = new TwitterUserTokens({
            store: new ChannelGrants(bot.app.db),
            oauth: new TwitterOAuthClient({ apiUrl: x.url, clientId: CLIENT_ID, now }),
            userId: BOT,
            seedRefreshToken: seed,
            sealingSecret: CONSUMER_SECRET,
            now,
            pollMs: 5,
        });
        return new TwitterAdapter({
            inbox: options.shared ? bot.app.inbox : undefined,
            store,
            logger: bot.app.logger,
            observer: bot.app.metrics,
            consumerSecret: CONSUMER_SECRET,
            botUserId: BOT,
            client: new TwitterClient({ apiUrl: x.url, tokens, logger: bot.app.logger, now }),
            budget: new SendBudgets(bot.app.db),
            limits: options.limits,
            deferred: new DeferredReplies(bot.app.db),
            onAlarm: (reason) => alarms.push(reason),
            now,
        });
    }

    /** The outbound queue worker of an instance, on the test clock (its broadcast pacing too, unless `realPacing`). */
    function worker(adapter: TwitterAdapter, broadcastsPerSecond = 1 / 60, realPacing = false): OutboundQueueWorker {
        return new OutboundQueueWorker(bot.app.db, new Map([['twitter', adapter]]), {
            botAppId: '',
            logger: bot.app.logger,
            perChannelPerSecond: { twitter: broadcastsPerSecond },
            now: () => new Date(clock),
            pacingNow: realPacing ? undefined : now,
        });
    }

    const echo: TurnLogic = async (context) => {
        await context.sendActivity(`echo: ${context.activity.text}`);
    };

    /** `from` writes `text` to the bot through `adapter`'s webhook; resolves when the turn is over. */
    async function dm(adapter: TwitterAdapter, from: string, text: string, logic: TurnLogic = echo): Promise<void> {
        const raw = Buffer.from(
            JSON.stringify({
                for_user_id: BOT,
                direct_message_events: [
                    {
                        type: 'message_create',
                        id: `18600000000000${String(nextEvent++).padStart(5, '0')}`,
                        created_timestamp: String(Date.now()),
                        message_create: { target: { recipient_id: BOT }, sender_id: from, message_data: { text } },
                    },
                ],
                users: {},
            })
        );
        const answer = await adapter.handleWebhook(raw, { 'x-twitter-webhooks-signature': signSha256(CONSUMER_SECRET, raw, 'base64') }, logic);
        assert.equal(answer.status, 200);
        await adapter.idle();
    }

    function consumer(n: number): string {
        return String(3_000_001_000 + n);
    }

    async function waiting(): Promise<QueuedMessage[]> {
        return bot.dataSource.getRepository(QueuedMessage).find({ where: { status: 'queued' }, order: { nextAttemptAt: 'ASC', id: 'ASC' } });
    }

    it("sends all of one turn's messages as one DM, and splits only past X's 10,000 characters", async () => {
        await startX();
        const adapter = instance();
        await dm(adapter, consumer(1), 'hi', async (context: TurnContext) => {
            await context.sendActivity('पहला संदेश');
            await context.sendActivity({ type: ActivityTypes.Typing });
            await context.sendActivity({
                type: ActivityTypes.Message,
                text: 'क्या शिकायत दर्ज करें?',
                suggestedActions: {
                    to: [],
                    actions: [
                        { type: 'imBack', title: 'हाँ', value: 'हाँ' },
                        { type: 'imBack', title: 'नहीं', value: 'नहीं' },
                    ],
                },
            });
        });
        assert.deepEqual(
            x.delivered.map((d) => [d.participantId, d.text]),
            [[consumer(1), 'पहला संदेश\n\nक्या शिकायत दर्ज करें?\n\n1. हाँ\n2. नहीं']]
        );

        const long = 'बिजली '.repeat(1200).trim(); // 7,199 code points
        await dm(adapter, consumer(1), 'long', async (context) => {
            await context.sendActivity(long);
            await context.sendActivity(long);
        });
        const [, first, second] = x.delivered;
        assert.equal(x.delivered.length, 3, 'two DMs for 14,400 characters');
        assert.ok([...first.text].length <= 10_000 && [...second.text].length <= 10_000);
        assert.equal(`${first.text}\n\n${second.text}`.replace(/\s+/g, ' '), `${long} ${long}`.replace(/\s+/g, ' '));
        assert.equal(x.dmRequests.length, 3, 'nothing X refused');
    });

    it('answers each turn of a real complaint registration with one DM', async () => {
        await startX();
        const adapter = bot.app.prepareAdapter(instance({ shared: true }));
        bot.app.services.output.register('twitter', twitterChannel.choices);
        const run: TurnLogic = (context) => bot.app.bot.run(context);
        const who = consumer(2);
        await dm(adapter, who, 'मेरे घर में सुबह से बिजली नहीं है', run);
        await dm(adapter, who, '1234567890', run);
        await dm(adapter, who, '1', run);
        assert.equal(x.dmRequests.length, 3, `one DM per turn: ${x.delivered.map((d) => d.text).join(' | ')}`);
        assert.match(x.delivered[2].text, /C[0-9]{4}-[0-9]{4,}/);
        assert.equal(await bot.dataSource.getRepository(Complaint).countBy({ channel: 'twitter', channelUserId: who }), 1);
    });

    it('paces two instances together at 15 per 15 minutes and queues the rest for the window’s end, without waiting in the turn', async () => {
        await startX();
        const [a, b] = [instance(), instance()];
        for (let n = 1; n <= 20; n++) await dm(n % 2 === 0 ? a : b, consumer(n), `message ${n}`);
        assert.equal(x.delivered.length, 15, 'the allowance is the account’s, not each instance’s');
        assert.equal(x.limited, 0, 'X never had to refuse one');
        let queued = await waiting();
        assert.deepEqual(
            queued.map((q) => [q.conversationKey, q.text, q.broadcastId, q.lastError]),
            [16, 17, 18, 19, 20].map((n) => [`${BOT}:${consumer(n)}`, `echo: message ${n}`, null, 'waiting: pacing'])
        );
        const windowEnd = x.delivered[0].at + QUARTER;
        assert.ok(queued.every((q) => q.nextAttemptAt.getTime() === windowEnd));

        // A consumer with a reply waiting writes again: the new reply goes behind it, not ahead.
        await dm(a, consumer(16), 'again');
        queued = await waiting();
        assert.deepEqual(
            queued.filter((q) => q.conversationKey === `${BOT}:${consumer(16)}`).map((q) => q.text),
            ['echo: message 16', 'echo: again']
        );

        clock = windowEnd + 1000;
        const pass = await worker(a).runOnce();
        assert.deepEqual([pass.sent, pass.failed, pass.deferred], [6, 0, 0]);
        assert.deepEqual(
            x.delivered.slice(15).map((d) => d.text),
            ['echo: message 16', 'echo: message 17', 'echo: message 18', 'echo: message 19', 'echo: message 20', 'echo: again']
        );
        assert.equal((await waiting()).length, 0);
        const records = await store.outboundFor('twitter', `${BOT}:${consumer(16)}`);
        assert.deepEqual(
            records.map((r) => r.status),
            ['sent', 'sent']
        );
    });

    it('queues a DM X answers 429 for its x-rate-limit-reset, and sends no more until then', async () => {
        // Another app of the account used most of X's window: X says 429 before the bot's own count does.
        await startX({ dmPer15Minutes: 2 });
        const adapter = instance();
        for (let n = 1; n <= 4; n++) await dm(adapter, consumer(n), `m${n}`);
        assert.equal(x.delivered.length, 2);
        assert.equal(x.limited, 1, 'one 429, and no request after it');
        assert.equal(x.dmRequests.length, 3);
        const queued = await waiting();
        const reset = Math.ceil((x.delivered[0].at + QUARTER) / 1000) * 1000;
        assert.deepEqual(
            queued.map((q) => [q.text, q.nextAttemptAt.getTime(), q.lastError]),
            [
                ['echo: m3', reset, 'waiting: rate-limited'],
                ['echo: m4', reset, 'waiting: pacing'],
            ]
        );

        clock = reset - 1000;
        assert.equal((await worker(adapter).runOnce()).claimed, 0, 'not before the reset');
        clock = reset + 1000;
        const pass = await worker(adapter).runOnce();
        assert.deepEqual([pass.sent, pass.deferred], [2, 0]);
        assert.deepEqual(
            x.delivered.map((d) => d.text),
            ['echo: m1', 'echo: m2', 'echo: m3', 'echo: m4']
        );
    });

    it('waits for the 24-hour reset when the daily allowance is what is used up', async () => {
        await startX({ dmPerDay: 3 });
        const adapter = instance();
        for (let n = 1; n <= 3; n++) await dm(adapter, consumer(n), `m${n}`);
        clock += 20 * MINUTE;
        await dm(adapter, consumer(4), 'm4');
        assert.equal(x.limited, 1);
        const [row] = await waiting();
        const dayReset = Math.ceil((x.delivered[0].at + DAY) / 1000) * 1000;
        assert.equal(row.nextAttemptAt.getTime(), dayReset, 'the 24-hour reset, not the 15-minute one');

        clock += QUARTER;
        await dm(adapter, consumer(5), 'm5');
        assert.equal(x.limited, 1, 'nothing sent to X while the day is used up');
        assert.equal(x.dmRequests.length, 4);
        clock = dayReset + 1000;
        assert.equal((await worker(adapter).runOnce()).sent, 2);
        assert.deepEqual(x.delivered.map((d) => d.text).slice(3), ['echo: m4', 'echo: m5']);
    });

    it('treats the monthly usage cap as final: recorded, logged, alarmed and counted, never retried or queued', async () => {
        await startX({ monthlyDmCap: 1 });
        const adapter = instance();
        await dm(adapter, consumer(1), 'm1');
        await dm(adapter, consumer(2), 'm2');
        assert.equal(x.dmRequests.length, 2, 'the capped DM was asked for once');
        const [record] = await store.outboundFor('twitter', `${BOT}:${consumer(2)}`);
        assert.deepEqual([record.status, record.errorCode], ['failed', 'usage-capped']);
        assert.match(record.errorDetail ?? '', /Usage cap exceeded: Monthly product cap/);
        assert.deepEqual(alarms, ['usage-capped']);
        assert.equal((await waiting()).length, 0, 'not queued: waiting does not lift a monthly cap');
        assert.ok(bot.logLines.some((line) => /X usage cap reached/.test(line) && /"level":"error"/.test(line)));
        const metrics = (await bot.app.metrics.render()).body;
        assert.match(metrics, /bijli_outbound_messages_total\{channel="twitter",result="failed",code="usage-capped"\} 1/);

        // A queued DM meets the cap too: given up at once, not retried with backoff.
        await new DeferredReplies(bot.app.db).defer({
            channel: 'twitter',
            conversationId: `${BOT}:${consumer(3)}`,
            reference: {
                channelId: 'twitter',
                serviceUrl: 'twitter:',
                conversation: { id: `${BOT}:${consumer(3)}` } as never,
                user: { id: consumer(3), name: '' },
                bot: { id: BOT, name: '' },
            },
            text: 'waited',
            notBefore: new Date(clock - 1000),
            reason: 'pacing',
        });
        const pass = await worker(adapter).runOnce();
        assert.deepEqual([pass.sent, pass.failed], [0, 1]);
        const [row] = await bot.dataSource.getRepository(QueuedMessage).find();
        assert.deepEqual([row.status, row.attempts, row.lastError], ['failed', 1, 'refused: usage-capped']);
        assert.equal(x.dmRequests.length, 3);
    });

    it('broadcasts at most one DM a minute by default, without holding other passes, and leaves a third of the allowance to replies', async () => {
        await startX();
        const settings = twitterChannel.readSettings(settingsReader()) as TwitterSettings;
        assert.equal(twitterChannel.sendsPerSecond!(settings), 1 / 60);

        const adapter = instance();
        const broadcast = await bot.dataSource.getRepository(Broadcast).save({
            kind: 'announcement',
            discom: 'MVVNL',
            unitKind: 'division',
            unitName: 'EUDD Gomti Nagar',
            text: 'बिजली कटौती',
            createdBy: null,
            recipients: 12,
        });
        for (let n = 1; n <= 12; n++) {
            const reference = {
                channelId: 'twitter',
                serviceUrl: 'twitter:',
                conversation: { id: `${BOT}:${consumer(n)}` },
                user: { id: consumer(n) },
                bot: { id: BOT },
            };
            const identity = await bot.dataSource.getRepository(ChannelIdentity).save({
                channel: 'twitter',
                channelUserId: consumer(n),
                subscribed: true,
                conversationRef: JSON.stringify(reference),
            });
            await bot.dataSource.getRepository(QueuedMessage).insert({
                broadcastId: broadcast.id,
                identityId: identity.id,
                channel: 'twitter',
                conversationRef: JSON.stringify(reference),
                conversationKey: null,
                text: `announcement ${n}`,
                status: 'queued',
                attempts: 0,
                nextAttemptAt: new Date(clock - 1000),
                lastError: null,
                platformMessageId: null,
            });
        }
        const paced = worker(adapter);
        assert.equal((await paced.runOnce()).sent, 1);
        clock += 30_000;
        assert.equal((await paced.runOnce()).claimed, 0, 'the next slot is a minute after the last, and the pass does not wait for it');
        clock += 35_000;
        assert.equal((await paced.runOnce()).sent, 1);
        assert.equal(x.delivered.length, 2);

        // Even at full speed, broadcasts stop at 10 of the 15 a window allows.
        const fast = worker(adapter, 1000, true);
        const pass = await fast.runOnce();
        assert.deepEqual([pass.sent, pass.deferred], [8, 2]);
        assert.equal(x.delivered.length, 10);
        assert.equal(x.limited, 0);
        await dm(adapter, consumer(99), 'a question');
        assert.equal(x.delivered.at(-1)?.text, 'echo: a question', 'a reply still goes out at once');
        const back = await bot.dataSource.getRepository(QueuedMessage).find({ where: { status: 'queued', channel: 'twitter' } });
        assert.equal(back.length, 2);
        assert.ok(back.every((q) => q.attempts === 0 && q.nextAttemptAt.getTime() === x.delivered[0].at + QUARTER));
    });
});
