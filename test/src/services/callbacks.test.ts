import { strict as assert } from 'assert';
import { CallbackRequest } from '../../../src/data/entities/CallbackRequest';
import { Official } from '../../../src/data/entities/Official';
import { CallbackLifecycle } from '../../../src/services/CallbackLifecycle';
import { RecordingCallbackNotifier } from '../../../src/services/CallbackNotifier';
import { LifecycleError } from '../../../src/services/ComplaintLifecycle';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { freshPostgresSchema } from '../../support/postgres';
import { TestBot } from '../../support/TestBot';
import { ManualClock } from '../../support/ManualClock';

const LUCKNOW_ACCOUNT = '1234567890';
const HOUR = 3600_000;

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('callbacks_test')],
] as const) {
    describe(`callback requests as owned work with a clock on ${name}`, () => {
        let bot: TestBot;
        let clock: ManualClock;
        let notifier: RecordingCallbackNotifier;
        let callbacks: CallbackLifecycle;

        beforeEach(async () => {
            clock = new ManualClock();
            notifier = new RecordingCallbackNotifier();
            bot = await TestBot.create({
                databaseUrl: await url(),
                overrides: { notifier: new RecordingNotifier(), callbackNotifier: notifier, now: clock.now },
            });
            callbacks = bot.app.callbacks;
        });
        afterEach(async () => {
            await bot.close();
        });

        async function request(account: string | null, place: string | null = null): Promise<CallbackRequest> {
            const recorded = await bot.app.services.handoff.request({
                accountNumber: account,
                contactMobile: '9876543210',
                channel: 'test',
                channelUserId: 'u1',
            });
            return callbacks.start(recorded, place);
        }

        async function official(username: string): Promise<Official> {
            return bot.dataSource.getRepository(Official).findOneByOrFail({ username });
        }

        const notices = () => notifier.sent.map((n) => `${n.to}:${n.officialId ?? ''}:${n.text.key}`);

        it("gives a request the JE of the account's area, due CALLBACK_DUE_HOURS (2) later, and tells that JE at once", async () => {
            const started = await request(LUCKNOW_ACCOUNT);
            const je = await official('je.vibhutikhand');
            assert.deepEqual([started.assignedOfficialId, started.escalationLevel, started.subdivision], [je.id, 0, 'Vibhuti Khand']);
            assert.equal(started.dueAt!.getTime(), clock.now().getTime() + 2 * HOUR);
            assert.deepEqual(notices(), [`official:${je.id}:officials:callbackAssigned`]);
            assert.equal(callbacks.ownerLevel(started), 'JE');
        });

        it('counts the due time in the hours officers call (CALLBACK_HOURS, 08:00–20:00 India time by default)', async () => {
            // 19:30 in India: half an hour today, an hour and a half from 08:00 tomorrow.
            clock.time = new Date('2026-11-20T14:00:00Z');
            const late = await request(LUCKNOW_ACCOUNT);
            assert.equal(late.dueAt!.toISOString(), '2026-11-21T04:00:00.000Z');
            // A "no" to "were you called?" at 23:00 starts a new due time at 08:00 the next day.
            clock.time = new Date('2026-11-20T17:30:00Z');
            const je = await official('je.vibhutikhand');
            await callbacks.recordOutcome(late.id, je.id, 'called', 'spoke to him');
            const reopened = await callbacks.answerCalled(late.id, false);
            assert.equal(reopened!.dueAt!.toISOString(), '2026-11-21T04:30:00.000Z');
        });

        it('without an account, the subdivision the consumer names owns it; a place that names none leaves it unowned', async () => {
            const placed = await request(null, 'Rajatalab, Varanasi');
            assert.equal(placed.assignedOfficialId, (await official('je.rajatalab')).id);
            const nowhere = await request(null, 'somewhere far');
            assert.deepEqual([nowhere.assignedOfficialId, nowhere.subdivision, nowhere.place], [null, null, 'somewhere far']);
            assert.equal(callbacks.ownerLevel(nowhere), null);
        });

        it('escalates when late JE → SDO → XEN, once per interval, telling each new owner; never twice for one lateness', async () => {
            const started = await request(LUCKNOW_ACCOUNT);
            notifier.sent.length = 0;
            clock.advance(1.5);
            assert.deepEqual(await callbacks.tick(), { escalated: 0 }, 'not late yet');
            clock.advance(1);
            // Two schedulers (two instances) pass at once: only one moves it.
            const [a, b] = await Promise.all([callbacks.tick(), callbacks.tick()]);
            assert.equal(a.escalated + b.escalated, 1);
            const sdo = await official('sdo.gomtinagar');
            let now = await callbacks.findByReference(started.reference);
            assert.deepEqual([now!.assignedOfficialId, now!.escalationLevel, callbacks.ownerLevel(now!)], [sdo.id, 1, 'SDO']);
            assert.deepEqual(notices(), [`official:${sdo.id}:officials:callbackEscalated`]);
            assert.equal((await callbacks.tick()).escalated, 0, 'not again before the interval');
            clock.advance(4);
            assert.equal((await callbacks.tick()).escalated, 1);
            now = await callbacks.findByReference(started.reference);
            assert.equal(callbacks.ownerLevel(now!), 'XEN');
            assert.equal(await callbacks.escalate(now!.id, 1), false, 'a stale level does not climb again');
        });

        it('records outcomes; "called" asks the consumer, whose "no" reopens it with a new due time and tells the owner', async () => {
            const started = await request(LUCKNOW_ACCOUNT);
            const je = await official('je.vibhutikhand');
            await assert.rejects(callbacks.recordOutcome(started.id, je.id, 'called', '  '), LifecycleError);
            clock.advance(1);
            const called = await callbacks.recordOutcome(started.id, je.id, 'called', 'spoke to him, meter issue explained');
            assert.deepEqual([called.status, called.outcomeOfficialId, called.nextEscalationAt], ['called', je.id, null]);
            assert.equal(notifier.sent.at(-1)!.text.key, 'handoff:askCalled');
            await assert.rejects(callbacks.recordOutcome(started.id, je.id, 'resolved', 'again'), LifecycleError, 'one outcome per call');
            clock.advance(3);
            assert.equal((await callbacks.tick()).escalated, 0, 'a called request does not escalate');
            const reopened = await callbacks.answerCalled(started.id, false);
            assert.deepEqual([reopened!.status, reopened!.consumerAnswer], ['reopened', 'no']);
            assert.equal(reopened!.dueAt!.getTime(), clock.now().getTime() + 2 * HOUR);
            assert.equal(notices().at(-1), `official:${je.id}:officials:callbackNotCalled`);
            assert.equal(await callbacks.answerCalled(started.id, false), null, 'answered once');
            clock.advance(2.5);
            assert.equal((await callbacks.tick()).escalated, 1, 'reopened and late: escalates again');
            // The SDO now holds it; their "called", then the consumer's yes, ends it.
            const sdo = await official('sdo.gomtinagar');
            await callbacks.recordOutcome(started.id, sdo.id, 'called', 'called back');
            assert.deepEqual([(await callbacks.answerCalled(started.id, true))!.consumerAnswer], ['yes']);
        });

        it('converting needs the ticket of an existing complaint', async () => {
            const started = await request(LUCKNOW_ACCOUNT);
            const je = await official('je.vibhutikhand');
            await assert.rejects(callbacks.recordOutcome(started.id, je.id, 'converted', 'complaint made'), /ticket number/);
            await assert.rejects(callbacks.recordOutcome(started.id, je.id, 'converted', 'complaint made', 'C2611-9999'), /no complaint C2611-9999/);
            const complaint = await bot.app.services.complaints.register({
                accountNumber: LUCKNOW_ACCOUNT,
                category: 'no_supply',
                description: 'from the call',
                address: null,
                contactMobile: null,
                channel: 'test',
                channelUserId: 'u1',
                sourceActivityKey: null,
            });
            const converted = await callbacks.recordOutcome(started.id, je.id, 'converted', 'complaint made', complaint.ticket.toLowerCase());
            assert.deepEqual([converted.status, converted.convertedTicket], ['converted', complaint.ticket]);
        });
    });
}
