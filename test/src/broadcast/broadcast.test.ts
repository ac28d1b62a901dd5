import { strict as assert } from 'assert';
import { WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { continuationLogic } from '../../../adapters/shared/continuationLogic';
import { Activity, BotAdapter, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import { DataSource } from 'typeorm';
import { BroadcastError } from '../../../src/broadcast/BroadcastError';
import { BroadcastService } from '../../../src/broadcast/BroadcastService';
import { IntervalPacer } from '../../../adapters/shared/IntervalPacer';
import { OutboundQueueWorker, OutboundQueueWorkerOptions } from '../../../src/broadcast/OutboundQueueWorker';
import { openDatabase } from '../../../src/data/createDataSource';
import { Database } from '../../../src/data/Database';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { Bill } from '../../../src/data/entities/Bill';
import { Broadcast } from '../../../src/data/entities/Broadcast';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Consumer } from '../../../src/data/entities/Consumer';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { QueuedMessage } from '../../../src/data/entities/QueuedMessage';
import { formatDate, formatRupees } from '../../../src/i18n/format';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { ApiStandIn } from '../../support/ApiStandIn';
import { freshPostgresSchema } from '../../support/postgres';
import { TestBot } from '../../support/TestBot';

/** Demo accounts (src/data/demoData.ts). */
const VIBHUTI_KHAND = '1234567890'; // MVVNL, Vibhuti Khand (EUDD Gomti Nagar), latest bill unpaid, due 2026-11-15
const KAPOORTHALA = '4410235867'; // MVVNL, Kapoorthala (EUDD Aliganj), same circle as Vibhuti Khand, all paid
const NAGRAM = '5127730941'; // MVVNL, Nagram (Lucknow Rural Circle), latest bill unpaid
const KHAIR = '1073795481'; // DVVNL, nothing paid since 2026-08: latest unpaid 2026-10 with arrears
const SHASTRI_NAGAR = '2468013579'; // PVVNL, all paid

type Behaviour = 'ok' | 'refuse' | 'throw' | 'hang';

/**
 * A channel adapter that records proactive sends. `behaviour` decides per conversation: accept, refuse (the id ''
 * the webhook adapters answer after a failed send), throw after sending, or send and never return (a process that
 * died before recording the outcome).
 */
class RecordingAdapter extends BotAdapter {
    readonly sends: Array<{ conversationId: string; text: string; at: number }> = [];
    behaviour: (conversationId: string) => Behaviour = () => 'ok';
    maxDelayMs = 0;

    async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
            if (this.maxDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * this.maxDelayMs));
            const behaviour = this.behaviour(conversationId);
            if (behaviour === 'refuse') {
                responses.push({ id: '' });
                continue;
            }
            this.sends.push({ conversationId, text: activity.text ?? '', at: Date.now() });
            if (behaviour === 'throw') throw new Error('connection reset after the request was written');
            if (behaviour === 'hang') await new Promise(() => undefined);
            responses.push({ id: `msg-${this.sends.length}` });
        }
        return responses;
    }

    async updateActivity(): Promise<void> {
        /* not used */
    }
    async deleteActivity(): Promise<void> {
        /* not used */
    }

    async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
        const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
        await this.runMiddleware(new TurnContext(this, activity), logic);
    }

    override async continueConversationAsync(
        _botAppIdOrClaims: string | ClaimsIdentity,
        reference: Partial<ConversationReference>,
        logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
        maybeLogic?: (context: TurnContext) => Promise<void>
    ): Promise<void> {
        const logic = continuationLogic(logicOrAudience, maybeLogic);
        await this.continueConversation(reference, logic);
    }

    /** How many times each conversation got a message. */
    counts(): Map<string, number> {
        const counts = new Map<string, number>();
        for (const { conversationId } of this.sends) counts.set(conversationId, (counts.get(conversationId) ?? 0) + 1);
        return counts;
    }
}

/** A clock the test moves by hand. */
class Clock {
    constructor(public time = new Date()) {}
    now = () => new Date(this.time);
    advance(ms: number): void {
        this.time = new Date(this.time.getTime() + ms);
    }
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, pollMs = 10): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
}

function testReference(userId: string): string {
    return JSON.stringify({ channelId: 'test', serviceUrl: 'test:', conversation: { id: `conv-${userId}` }, user: { id: userId }, bot: { id: 'bot' } });
}

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('broadcast_test')],
] as const) {
    describe(`area broadcasts and bill reminders on ${name}`, function () {
        let bot: TestBot;
        let db: Database;
        let service: BroadcastService;
        let adapter: RecordingAdapter;
        let clock: Clock;
        let databaseUrl: string;

        before(async () => {
            databaseUrl = await url();
            bot = await TestBot.create({ databaseUrl });
            db = bot.app.db;
        });
        after(async () => {
            await bot?.close();
        });

        beforeEach(async () => {
            for (const entity of [QueuedMessage, Broadcast, AccountLink, OutboundMessage, ChannelIdentity]) {
                await bot.dataSource.getRepository(entity).clear();
            }
            clock = new Clock();
            adapter = new RecordingAdapter();
            service = new BroadcastService(db, bot.app.translator, undefined, { now: clock.now });
        });

        function worker(options: Partial<OutboundQueueWorkerOptions> = {}, database: Database = db): OutboundQueueWorker {
            return new OutboundQueueWorker(database, new Map<string, BotAdapter>([['test', adapter]]), {
                botAppId: '',
                logger: bot.app.logger,
                now: clock.now,
                perChannelPerSecond: { test: 1000 },
                ...options,
            });
        }

        /** A channel user; subscribed and reachable unless told otherwise. */
        async function person(
            userId: string,
            options: { subscribed?: boolean; optedOut?: boolean; language?: string | null; reachable?: boolean } = {}
        ): Promise<ChannelIdentity> {
            const repository = bot.dataSource.getRepository(ChannelIdentity);
            return repository.save(
                repository.create({
                    channel: 'test',
                    channelUserId: userId,
                    phoneNumber: null,
                    preferredLanguage: options.language === undefined ? 'en' : options.language,
                    lastInboundAt: new Date(),
                    subscribed: options.subscribed ?? true,
                    updatesOptOut: options.optedOut ?? false,
                    conversationRef: options.reachable === false ? null : testReference(userId),
                })
            );
        }

        /** Links `identity` to `account` as verification does, against the registered mobile (or a stale one). */
        async function link(identity: ChannelIdentity, account: string, staleMobile = false): Promise<void> {
            const consumer = await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: account });
            await bot.dataSource.getRepository(AccountLink).insert({
                identityId: identity.id,
                accountNumber: account,
                method: 'otp',
                verifiedMobile: staleMobile ? '9000000000' : consumer.registeredMobile!,
            });
        }

        async function rows(broadcastId: number): Promise<QueuedMessage[]> {
            return bot.dataSource.getRepository(QueuedMessage).find({ where: { broadcastId }, order: { identityId: 'ASC' } });
        }

        async function drain(w: OutboundQueueWorker): Promise<void> {
            while ((await w.runOnce()).claimed > 0) {
                /* until nothing is due */
            }
        }

        it('queues an announcement only for subscribed, not opted-out, reachable people with a verified account in the area, once each', async () => {
            const hindi = await person('in-area-hi', { language: 'hi' });
            await link(hindi, VIBHUTI_KHAND);
            const english = await person('in-area-en-two-accounts');
            await link(english, VIBHUTI_KHAND);
            await link(english, NAGRAM); // a second account, elsewhere: still one message
            const noLanguage = await person('in-area-no-language', { language: null });
            await link(noLanguage, VIBHUTI_KHAND);
            for (const [userId, options] of [
                ['unsubscribed', { subscribed: false }],
                ['opted-out', { optedOut: true }],
                ['unreachable', { reachable: false }],
            ] as const) {
                await link(await person(userId, options), VIBHUTI_KHAND);
            }
            await link(await person('stale-link'), VIBHUTI_KHAND, true); // registered mobile changed since verification
            await link(await person('other-subdivision'), KAPOORTHALA);
            await link(await person('other-discom'), SHASTRI_NAGAR);
            await person('never-linked');

            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: '  Planned shutdown on 12 Nov, 10:00–14:00, for line maintenance.  ',
                createdBy: null,
            });
            assert.equal(broadcast.recipients, 3);
            assert.equal(broadcast.text, 'Planned shutdown on 12 Nov, 10:00–14:00, for line maintenance.');
            const queued = await rows(broadcast.id);
            assert.deepEqual(queued.map((r) => r.identityId).sort(), [hindi.id, english.id, noLanguage.id].sort());
            assert.ok(queued.every((r) => r.status === 'queued' && r.attempts === 0 && r.channel === 'test'));
            const textOf = (id: number) => queued.find((r) => r.identityId === id)!.text;
            assert.match(textOf(english.id), /^📢 UPPCL notice for Vibhuti Khand \(MVVNL\):\nPlanned shutdown on 12 Nov/);
            assert.match(textOf(english.id), /Send "STOP" to stop these messages\.$/);
            assert.match(textOf(hindi.id), /^📢 Vibhuti Khand \(MVVNL\) के लिए UPPCL सूचना:\nPlanned shutdown/);
            assert.match(textOf(hindi.id), /STOP" भेजें।$/);
            assert.equal(textOf(noLanguage.id), textOf(hindi.id), 'Hindi when the person never chose a language');
            assert.equal(JSON.parse(queued[0].conversationRef).channelId, 'test');
        });

        it('covers every subdivision under a division, circle or zone, and rejects bad announcements with clear errors', async () => {
            const vibhuti = await person('vibhuti');
            await link(vibhuti, VIBHUTI_KHAND);
            const kapoorthala = await person('kapoorthala');
            await link(kapoorthala, KAPOORTHALA);
            const nagram = await person('nagram');
            await link(nagram, NAGRAM);
            const post = (unitKind: 'subdivision' | 'division' | 'circle' | 'zone', unitName: string, text = 'Restoration work tonight.') =>
                service.createAnnouncement({ discom: 'MVVNL', unitKind, unitName, text, createdBy: 7 });
            const recipientsOf = async (b: Broadcast) => (await rows(b.id)).map((r) => r.identityId).sort();

            assert.deepEqual(await recipientsOf(await post('division', 'EUDD Gomti Nagar, Lucknow')), [vibhuti.id]);
            assert.deepEqual(await recipientsOf(await post('circle', 'Lucknow Circle-I')), [vibhuti.id, kapoorthala.id].sort());
            const zone = await post('zone', 'Lucknow Zone');
            assert.deepEqual(await recipientsOf(zone), [vibhuti.id, kapoorthala.id, nagram.id].sort());
            assert.equal(zone.createdBy, 7);

            await assert.rejects(post('subdivision', 'Vibhuti Khand', ' \n '), (e: Error) => e instanceof BroadcastError && /empty/.test(e.message));
            await assert.rejects(
                post('subdivision', 'Vibhuti Khand', 'बिजली '.repeat(200) + 'x'),
                (e: Error) => e instanceof BroadcastError && /1201 characters; at most 1000/.test(e.message)
            );
            await post('subdivision', 'Vibhuti Khand', 'ब'.repeat(1000)); // exactly the limit is fine
            await assert.rejects(
                post('subdivision', 'Atlantis'),
                (e: Error) => e instanceof BroadcastError && /no subdivision "Atlantis" in MVVNL/.test(e.message)
            );
            await assert.rejects(post('circle', 'No Such Circle'), (e: Error) => e instanceof BroadcastError && /no circle "No Such Circle"/.test(e.message));
            await assert.rejects(post('ward' as never, 'x'), (e: Error) => e instanceof BroadcastError && /Unknown kind of area "ward"/.test(e.message));
        });

        it('sends each queued message once and honours an opt-out made after queueing', async () => {
            const stays = await person('stays');
            await link(stays, VIBHUTI_KHAND);
            const leaves = await person('leaves');
            await link(leaves, VIBHUTI_KHAND);
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Supply restored.',
                createdBy: null,
            });
            assert.equal(broadcast.recipients, 2);
            await bot.app.services.identities.setSubscribed(leaves, false); // "STOP" after the official posted

            const w = worker();
            assert.deepEqual(await w.runOnce(), { claimed: 2, sent: 1, failed: 1, unknown: 0, deferred: 0 });
            assert.deepEqual([...adapter.counts()], [['conv-stays', 1]]);
            const [first, second] = await rows(broadcast.id);
            assert.equal(first.status, 'sent');
            assert.equal(first.platformMessageId, 'msg-1');
            assert.deepEqual([second.status, second.lastError], ['failed', 'opted out']);

            await bot.app.services.identities.setSubscribed(leaves, true); // opting in again does not bring old news
            clock.advance(3600_000);
            assert.equal((await w.runOnce()).claimed, 0);
            assert.equal(adapter.sends.length, 1);
            // A second announcement cannot be queued twice for one person: the unique key holds even for a direct insert.
            await assert.rejects(bot.dataSource.getRepository(QueuedMessage).insert({ ...first, id: undefined, status: 'queued' }));
        });

        it('reminds of bills due in N days: the latest unpaid bill only, one message per person, once per day', async () => {
            const english = await person('bill-en');
            await link(english, VIBHUTI_KHAND);
            const hindi = await person('bill-hi', { language: 'hi' });
            await link(hindi, KHAIR);
            await link(hindi, VIBHUTI_KHAND);
            await link(await person('all-paid'), SHASTRI_NAGAR);
            await link(await person('unsubscribed-debtor', { subscribed: false }), NAGRAM);
            await link(await person('stale-debtor'), NAGRAM, true);

            const bill = (account: string) => bot.dataSource.getRepository(Bill).findOneByOrFail({ accountNumber: account, billMonth: '2026-10' });
            const vibhuti = await bill(VIBHUTI_KHAND);
            const khair = await bill(KHAIR);
            assert.equal(vibhuti.dueDate, '2026-11-15');
            assert.ok(khair.arrearsPaise > 0);

            const reminders = await service.queueBillReminders('2026-11-10', 5);
            assert.equal(reminders.kind, 'bill_reminder');
            assert.equal(reminders.recipients, 2);
            const queued = await rows(reminders.id);
            const textOf = (id: number) => queued.find((r) => r.identityId === id)!.text;
            assert.equal(
                textOf(english.id),
                [
                    `🔔 Bill reminder: the electricity bill of account ******7890 is due on ${formatDate('2026-11-15', 'en')}. Total payable: ${formatRupees(vibhuti.amountPaise + vibhuti.arrearsPaise, 'en')}. Please pay on time to avoid a late payment surcharge.`,
                    'Send "STOP" to stop these messages.',
                ].join('\n\n')
            );
            const hindiText = textOf(hindi.id);
            assert.ok(hindiText.startsWith('🔔 बिल अनुस्मारक: खाता ******5481'), hindiText);
            assert.ok(hindiText.includes(formatRupees(khair.amountPaise + khair.arrearsPaise, 'hi')), 'total payable includes arrears');
            assert.ok(hindiText.includes('खाता ******7890') && hindiText.includes(formatDate('2026-11-15', 'hi')), hindiText);

            const again = await service.queueBillReminders('2026-11-10', 5);
            assert.equal(again.id, reminders.id, 'the same day reuses its run');
            assert.equal(again.recipients, 2);
            const late = await person('linked-later-that-day');
            await link(late, NAGRAM);
            assert.equal((await service.queueBillReminders('2026-11-10', 5)).recipients, 3, 'a rerun adds only who is missing');
            assert.equal(await bot.dataSource.getRepository(QueuedMessage).countBy({ broadcastId: reminders.id, identityId: english.id }), 1);
            const concurrent = await Promise.all([service.queueBillReminders('2026-11-12', 3), service.queueBillReminders('2026-11-12', 3)]);
            assert.equal(concurrent[0].id, concurrent[1].id, 'two instances running the same day share one run');
            assert.equal(await bot.dataSource.getRepository(Broadcast).countBy({ kind: 'bill_reminder' }), 2);

            assert.equal((await service.queueBillReminders('2026-11-11', 5)).recipients, 0, 'nothing is due on the 16th');
            // Khair's 2026-08 bill is unpaid and due 2026-09-15, but it is not the latest unpaid bill: no reminder.
            assert.equal((await service.queueBillReminders('2026-09-10', 5)).recipients, 0);
            assert.equal((await service.queueBillReminders('2026-11-15', 0)).recipients, 3, 'due today');
            await assert.rejects(service.queueBillReminders('2026-13-01', 5), (e: Error) => e instanceof BroadcastError && /YYYY-MM-DD/.test(e.message));
            await assert.rejects(service.queueBillReminders('2026-11-10', -1), (e: Error) => e instanceof BroadcastError && /0 to 60/.test(e.message));
        });

        it('reports progress and delivery: queued, sent, failed, unknown, delivered and read', async () => {
            const people = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((id) => person(id)));
            for (const p of people) await link(p, VIBHUTI_KHAND);
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Tariff notice.',
                createdBy: null,
            });
            assert.deepEqual(await service.report(broadcast.id), {
                broadcastId: broadcast.id,
                kind: 'announcement',
                recipients: 4,
                queued: 4,
                sending: 0,
                sent: 0,
                failed: 0,
                unknown: 0,
                delivered: 0,
                read: 0,
                deliveryFailed: 0,
            });
            adapter.behaviour = (conversationId) => (conversationId === 'conv-r3' ? 'refuse' : conversationId === 'conv-r4' ? 'throw' : 'ok');
            await drain(worker({ maxAttempts: 1 }));
            const sent = (await rows(broadcast.id)).filter((r) => r.status === 'sent');
            assert.equal(sent.length, 2);
            // Receipts as the webhook adapters record them: one delivered, one read.
            await bot.dataSource.getRepository(OutboundMessage).insert(
                sent.map((row, i) => ({
                    channel: 'test',
                    conversationId: 'c',
                    recipient: 'u',
                    kind: 'text',
                    platformMessageId: row.platformMessageId,
                    status: i === 0 ? ('delivered' as const) : ('read' as const),
                }))
            );
            assert.deepEqual(await service.report(broadcast.id), {
                broadcastId: broadcast.id,
                kind: 'announcement',
                recipients: 4,
                queued: 0,
                sending: 0,
                sent: 2,
                failed: 1,
                unknown: 1,
                delivered: 2,
                read: 1,
                deliveryFailed: 0,
            });
            await assert.rejects(service.report(999_999), (e: Error) => e instanceof BroadcastError && /no broadcast 999999/.test(e.message));
        });

        it('retries refused sends with exponential backoff, gives up after maxAttempts, and never resends an unknown one', async () => {
            for (const id of ['flaky', 'dead', 'throws']) await link(await person(id), VIBHUTI_KHAND);
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Outage update.',
                createdBy: null,
            });
            let flakyCalls = 0;
            adapter.behaviour = (conversationId) => {
                if (conversationId === 'conv-dead') return 'refuse';
                if (conversationId === 'conv-throws') return 'throw';
                return ++flakyCalls <= 2 ? 'refuse' : 'ok';
            };
            const w = worker({ maxAttempts: 3, retryBaseMs: 60_000 });
            assert.deepEqual(await w.runOnce(), { claimed: 3, sent: 0, failed: 2, unknown: 1, deferred: 0 });
            const status = async () =>
                Object.fromEntries((await rows(broadcast.id)).map((r) => [JSON.parse(r.conversationRef).user.id, `${r.status}/${r.attempts}`]));
            assert.deepEqual(await status(), { flaky: 'queued/1', dead: 'queued/1', throws: 'unknown/1' });
            const flakyRow = (await rows(broadcast.id)).find((r) => r.conversationRef.includes('flaky'))!;
            assert.equal(flakyRow.nextAttemptAt.getTime(), clock.time.getTime() + 60_000);
            assert.match(flakyRow.lastError!, /refused/);

            assert.equal((await w.runOnce()).claimed, 0, 'not before the backoff');
            clock.advance(60_000);
            assert.deepEqual(await w.runOnce(), { claimed: 2, sent: 0, failed: 2, unknown: 0, deferred: 0 });
            clock.advance(119_000);
            assert.equal((await w.runOnce()).claimed, 0, 'the second wait is twice as long');
            clock.advance(1_000);
            assert.deepEqual(await w.runOnce(), { claimed: 2, sent: 1, failed: 1, unknown: 0, deferred: 0 });
            assert.deepEqual(await status(), { flaky: 'sent/3', dead: 'failed/3', throws: 'unknown/1' });
            clock.advance(24 * 3600_000);
            assert.equal((await w.runOnce()).claimed, 0);
            assert.deepEqual([...adapter.counts()].sort(), [
                ['conv-flaky', 1],
                ['conv-throws', 1],
            ]);
        });

        it('after a crash mid-send marks only the started send unknown, requeues the rest, and sends nobody twice', async () => {
            for (let i = 0; i < 5; i++) await link(await person(`crash-${i}`), VIBHUTI_KHAND);
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Shutdown notice.',
                createdBy: null,
            });
            adapter.behaviour = () => 'hang';
            const crashed = worker({ concurrency: 1 });
            void crashed.runOnce(); // never finishes: the process "dies" inside the first send
            await waitUntil(() => adapter.sends.length === 1, 'the first send went out');
            assert.equal(await bot.dataSource.getRepository(QueuedMessage).countBy({ broadcastId: broadcast.id, status: 'sending' }), 5);

            adapter.behaviour = () => 'ok';
            const restarted = worker();
            if (db.isPostgres) {
                // Another instance may be sending right now: only claims older than the lease are settled.
                assert.deepEqual(await restarted.recoverAfterRestart(), { unknown: 0, requeued: 0 });
                clock.advance(10 * 60_000 + 1);
            }
            assert.deepEqual(await restarted.recoverAfterRestart(), { unknown: 1, requeued: 4 });
            await drain(restarted);
            assert.equal(adapter.sends.length, 5);
            assert.ok([...adapter.counts().values()].every((n) => n === 1));
            const report = await service.report(broadcast.id);
            assert.deepEqual([report.sent, report.unknown, report.sending, report.queued], [4, 1, 0, 0]);
            assert.match((await rows(broadcast.id)).find((r) => r.status === 'unknown')!.lastError!, /stopped mid-send; not resent/);
        });

        it('stops cleanly: sends under way finish, claimed rows not yet started go back to the queue', async () => {
            for (let i = 0; i < 6; i++) await link(await person(`stop-${i}`), VIBHUTI_KHAND);
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Notice.',
                createdBy: null,
            });
            const slow = worker({ perChannelPerSecond: { test: 10 }, concurrency: 1 });
            slow.start(10);
            await waitUntil(() => adapter.sends.length >= 2, 'two sends');
            await slow.stop();
            const afterStop = await rows(broadcast.id);
            assert.equal(afterStop.filter((r) => r.status === 'sending').length, 0);
            assert.equal(afterStop.filter((r) => r.status === 'sent').length, adapter.sends.length);
            assert.ok(afterStop.some((r) => r.status === 'queued'));
            const next = worker();
            assert.deepEqual(await next.recoverAfterRestart(), { unknown: 0, requeued: 0 });
            await drain(next);
            assert.equal(adapter.sends.length, 6);
            assert.ok([...adapter.counts().values()].every((n) => n === 1));
        });

        it('two workers running at once never take the same row (SKIP LOCKED on PostgreSQL)', async function () {
            this.timeout(60_000);
            const total = 400;
            const repository = bot.dataSource.getRepository(ChannelIdentity);
            const identities = await repository.save(
                Array.from({ length: total }, (_, i) =>
                    repository.create({
                        channel: 'test',
                        channelUserId: `pair-${i}`,
                        phoneNumber: null,
                        preferredLanguage: 'en',
                        lastInboundAt: null,
                        subscribed: true,
                        updatesOptOut: false,
                        conversationRef: testReference(`pair-${i}`),
                    })
                ),
                { chunk: 100 }
            );
            await bot.dataSource.getRepository(AccountLink).insert(
                identities.map((identity) => ({
                    identityId: identity.id,
                    accountNumber: VIBHUTI_KHAND,
                    method: 'otp' as const,
                    verifiedMobile: '9415012345',
                }))
            );
            const broadcast = await service.createAnnouncement({
                discom: 'MVVNL',
                unitKind: 'subdivision',
                unitName: 'Vibhuti Khand',
                text: 'Both workers.',
                createdBy: null,
            });
            assert.equal(broadcast.recipients, total);

            // On PostgreSQL the second worker has its own pool, as a second instance would.
            let second: DataSource | null = null;
            const secondDb = bot.app.db.isPostgres ? new Database((second = await openDatabase(databaseUrl))) : db;
            try {
                adapter.maxDelayMs = 3;
                const options = { batchSize: 10, concurrency: 4, perChannelPerSecond: { test: 100_000 } };
                const [a, b] = [worker(options), worker(options, secondDb)];
                const tally = async (w: OutboundQueueWorker) => {
                    let sent = 0;
                    for (;;) {
                        const result = await w.runOnce();
                        sent += result.sent;
                        if (result.claimed === 0) return sent;
                    }
                };
                const [sentByA, sentByB] = await Promise.all([tally(a), tally(b)]);
                assert.equal(sentByA + sentByB, total);
                assert.ok(sentByA > 0 && sentByB > 0, `both workers took part (${sentByA}, ${sentByB})`);
                assert.equal(adapter.sends.length, total);
                assert.equal(adapter.counts().size, total);
                assert.equal((await service.report(broadcast.id)).sent, total);
            } finally {
                await second?.destroy();
            }
        });
    });
}

describe('IntervalPacer', () => {
    it('never lets more than the rate through in any second, even after a stall', async () => {
        const rate = 50;
        const pacer = new IntervalPacer(rate);
        const times: number[] = [];
        await Promise.all(
            Array.from({ length: 80 }, async (_, i) => {
                await pacer.wait();
                times.push(performance.now());
                // A busy event loop: the waiters it delayed must not rush through afterwards.
                if (i === 20) {
                    const until = performance.now() + 150;
                    while (performance.now() < until) {
                        /* block */
                    }
                }
            })
        );
        const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
        assert.ok(busiest <= rate, `${busiest} in one second`);
        assert.ok(busiest >= rate * 0.9, `the rate is used (${busiest} in the busiest second)`);
        assert.throws(() => new IntervalPacer(0), /positive rate/);
        assert.throws(() => new IntervalPacer(10, { headroom: 1.5 }), /headroom/);
    });
});

describe('broadcast to 10,000 opted-in WhatsApp consumers through the stand-in Graph API (SQLite)', function () {
    this.timeout(120_000);
    const PHONE_ID = '109876543210';
    const COUNT = 10_000;
    // High enough to finish in about 25 s, low enough that the pacer, not the machine (about 1,300/s here), sets the pace.
    const LIMIT = Number(process.env.BROADCAST_TEST_RATE ?? 500);
    let api: ApiStandIn;
    let bot: TestBot;

    before(async () => {
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (_req, n) => ({
            status: 200,
            body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.b${n}` }] },
        }));
        bot = await TestBot.create({
            config: {
                channels: {
                    whatsapp: {
                        appSecret: 'secret',
                        verifyToken: 'verify',
                        accessToken: 'WA-TOKEN',
                        phoneNumberId: PHONE_ID,
                        apiUrl: api.url,
                        maxMessagesPerSecond: LIMIT,
                        templates: null,
                    } satisfies WhatsAppSettings,
                },
            },
        });
    });
    after(async () => {
        await bot?.close();
        await api?.stop();
    });

    /** 10,000 consumers in one subdivision, each with a subscribed WhatsApp identity inside the 24-hour window. */
    async function seed(): Promise<string[]> {
        const waIds = Array.from({ length: COUNT }, (_, i) => `91${7000000000 + i}`);
        const now = new Date();
        await bot.app.db.transaction(async (m) => {
            for (let start = 0; start < COUNT; start += 500) {
                const slice = waIds.slice(start, start + 500);
                await m
                    .createQueryBuilder()
                    .insert()
                    .into(Consumer)
                    .values(
                        slice.map((waId, j) => ({
                            accountNumber: `8000${String(start + j).padStart(6, '0')}`,
                            name: 'Broadcast Test',
                            registeredMobile: waId.slice(2),
                            address: 'Broadcast Nagar, Lucknow',
                            discom: 'MVVNL',
                            division: 'EUDD Gomti Nagar, Lucknow',
                            subdivision: 'Broadcast Nagar',
                            tariffCategory: 'LMV-1',
                            areaClass: 'city' as const,
                        }))
                    )
                    .execute();
                await m
                    .createQueryBuilder()
                    .insert()
                    .into(ChannelIdentity)
                    .values(
                        slice.map((waId, j) => ({
                            channel: 'whatsapp',
                            channelUserId: waId,
                            phoneNumber: waId.slice(2),
                            preferredLanguage: j % 2 === 0 ? 'en' : 'hi',
                            lastInboundAt: now,
                            subscribed: true,
                            updatesOptOut: false,
                            conversationRef: JSON.stringify({
                                channelId: 'whatsapp',
                                serviceUrl: 'whatsapp:',
                                conversation: { id: `${PHONE_ID}:${waId}` },
                                user: { id: waId, properties: { waId } },
                                bot: { id: PHONE_ID },
                            }),
                        }))
                    )
                    .execute();
            }
            const identities = await m.getRepository(ChannelIdentity).find({ where: { channel: 'whatsapp' }, select: { id: true, channelUserId: true } });
            const idOf = new Map(identities.map((identity) => [identity.channelUserId, identity.id]));
            for (let start = 0; start < COUNT; start += 500) {
                await m
                    .createQueryBuilder()
                    .insert()
                    .into(AccountLink)
                    .values(
                        waIds.slice(start, start + 500).map((waId, j) => ({
                            identityId: idOf.get(waId)!,
                            accountNumber: `8000${String(start + j).padStart(6, '0')}`,
                            method: 'phone_match' as const,
                            verifiedMobile: waId.slice(2),
                        }))
                    )
                    .execute();
            }
        });
        return waIds;
    }

    it('sends each one exactly one message, paced under the limit, across a clean stop and a crash', async () => {
        const seeded = Date.now();
        const waIds = await seed();
        const service = new BroadcastService(bot.app.db, bot.app.translator);
        const broadcast = await service.createAnnouncement({
            discom: 'MVVNL',
            unitKind: 'subdivision',
            unitName: 'Broadcast Nagar',
            text: 'Planned shutdown tomorrow 10:00–13:00 for transformer work.',
            createdBy: null,
        });
        assert.equal(broadcast.recipients, COUNT);
        const queuedAt = Date.now();

        const whatsapp = createChannelAdapters(bot.app).find((route) => route.route === 'whatsapp')!.adapter;
        // The first two "processes" go through this: after `crashed`, each send reaches the API and then its process
        // dies before recording it.
        let crashed = false;
        let hung = 0;
        const dying = {
            continueConversationAsync: async (appId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => {
                await whatsapp.continueConversationAsync(appId, reference, logic);
                if (crashed) {
                    hung += 1;
                    await new Promise(() => undefined);
                }
            },
        } as unknown as BotAdapter;
        const newWorker = (adapter: BotAdapter) =>
            new OutboundQueueWorker(bot.app.db, new Map([['whatsapp', adapter]]), {
                botAppId: '',
                logger: bot.app.logger,
                perChannelPerSecond: { whatsapp: LIMIT },
            });
        const count = (status: QueuedMessage['status']) => bot.dataSource.getRepository(QueuedMessage).countBy({ broadcastId: broadcast.id, status });

        // 1. Runs to about a third, then stops cleanly (a deploy).
        const first = newWorker(dying);
        assert.deepEqual(await first.recoverAfterRestart(), { unknown: 0, requeued: 0 });
        const started = Date.now();
        first.start(5);
        await waitUntil(() => api.requests.length >= COUNT / 3, 'a third was sent', 60_000);
        await first.stop();
        assert.equal(await count('sending'), 0, 'a clean stop leaves nothing mid-send');

        // 2. A new process runs to about two thirds, then dies with sends in flight.
        const second = newWorker(dying);
        assert.deepEqual(await second.recoverAfterRestart(), { unknown: 0, requeued: 0 });
        second.start(5);
        await waitUntil(() => api.requests.length >= (2 * COUNT) / 3, 'two thirds were sent', 60_000);
        crashed = true;
        let seen = -1;
        await waitUntil(async () => {
            const now = api.requests.length;
            const quiet = now === seen && hung > 0;
            seen = now;
            if (!quiet) await new Promise((resolve) => setTimeout(resolve, 200));
            return quiet;
        }, 'the dead process went quiet');

        // 3. Restart: the sends that were under way become unknown and are not repeated; the rest go out.
        const restartedAt = Date.now();
        const third = newWorker(whatsapp);
        const recovered = await third.recoverAfterRestart();
        assert.equal(recovered.unknown, hung);
        third.start(5);
        await waitUntil(async () => (await count('queued')) + (await count('sending')) === 0, 'the queue is empty', 60_000, 250);
        await third.stop();
        const finished = Date.now();

        const sentTo = new Map<string, number>();
        for (const request of api.requests) {
            const to = (request.body as { to: string }).to;
            sentTo.set(to, (sentTo.get(to) ?? 0) + 1);
        }
        assert.equal(api.requests.length, COUNT, 'one request per recipient');
        assert.equal(sentTo.size, COUNT);
        assert.ok(
            waIds.every((waId) => sentTo.get(waId) === 1),
            'every recipient exactly once'
        );

        const unknownRows = await bot.dataSource.getRepository(QueuedMessage).findBy({ broadcastId: broadcast.id, status: 'unknown' });
        assert.equal(unknownRows.length, hung);
        const unknownWaIds = new Set(unknownRows.map((row) => JSON.parse(row.conversationRef).user.id as string));
        assert.ok(
            api.requests.filter((r) => unknownWaIds.has((r.body as { to: string }).to)).every((r) => r.receivedAt < restartedAt),
            'unknown rows were not resent'
        );

        const report = await service.report(broadcast.id);
        assert.deepEqual(
            { ...report, delivered: 0 },
            {
                broadcastId: broadcast.id,
                kind: 'announcement',
                recipients: COUNT,
                queued: 0,
                sending: 0,
                sent: COUNT - hung,
                failed: 0,
                unknown: hung,
                delivered: 0,
                read: 0,
                deliveryFailed: 0,
            }
        );
        assert.equal(await bot.dataSource.getRepository(OutboundMessage).countBy({ channel: 'whatsapp', status: 'sent' }), COUNT);
        const english = api.requests.find((r) => (r.body as { to: string }).to === waIds[0])!.body as { text: { body: string } };
        assert.match(english.text.body, /^📢 UPPCL notice for Broadcast Nagar \(MVVNL\):\nPlanned shutdown tomorrow/);

        const times = api.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        let busiest = 0;
        for (let i = 0, j = 0; i < times.length; i++) {
            while (j < times.length && times[j] < times[i] + 1000) j++;
            busiest = Math.max(busiest, j - i);
        }
        assert.ok(busiest <= LIMIT, `${busiest} requests reached the API within one second; the limit is ${LIMIT}`);
        if (!process.env.BROADCAST_TEST_RATE) assert.ok(busiest >= LIMIT * 0.7, `the pacer should set the pace, yet the busiest second had only ${busiest}`);
        const seconds = (finished - started) / 1000;
        process.stdout.write(
            `      seeded in ${((queuedAt - seeded) / 1000).toFixed(1)} s; sent ${COUNT} in ${seconds.toFixed(1)} s ` +
                `(${Math.round(COUNT / seconds)}/s, busiest second ${busiest}, limit ${LIMIT}); unknown after the crash: ${hung}\n`
        );
    });
});
