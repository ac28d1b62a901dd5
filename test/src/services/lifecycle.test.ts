import { strict as assert } from 'assert';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { Official } from '../../../src/data/entities/Official';
import { ComplaintLifecycle, LifecycleError } from '../../../src/services/ComplaintLifecycle';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { OfficialDirectory } from '../../../src/services/OfficialDirectory';
import { ServiceStandards } from '../../../src/services/ServiceStandards';
import { freshPostgresSchema } from '../../support/postgres';
import { TestBot } from '../../support/TestBot';
import { ManualClock } from '../../support/ManualClock';

const LUCKNOW_ACCOUNT = '1234567890';
const HOUR = 3600_000;

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('lifecycle_test')],
] as const) {
    describe(`complaint lifecycle and SLA clock on ${name}`, () => {
        let bot: TestBot;
        let clock: ManualClock;
        let notifier: RecordingNotifier;
        let lifecycle: ComplaintLifecycle;

        beforeEach(async () => {
            clock = new ManualClock();
            notifier = new RecordingNotifier();
            bot = await TestBot.create({ databaseUrl: await url(), overrides: { notifier, now: clock.now } });
            lifecycle = bot.app.lifecycle;
        });
        afterEach(async () => {
            await bot.close();
        });

        async function register(category = 'no_supply', account: string | null = LUCKNOW_ACCOUNT): Promise<Complaint> {
            const complaint = await bot.app.services.complaints.register({
                accountNumber: account,
                category,
                description: 'test',
                address: null,
                contactMobile: null,
                channel: 'test',
                channelUserId: 'u1',
                sourceActivityKey: null,
            });
            await bot.dataSource.getRepository(Complaint).update({ id: complaint.id }, { createdAt: clock.now() });
            return lifecycle.start(await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id }));
        }

        async function history(id: number): Promise<string[]> {
            const events = await bot.dataSource.getRepository(ComplaintEvent).find({ where: { complaintId: id }, order: { id: 'ASC' } });
            return events.map((e) => `${e.status}|${e.actor}`);
        }

        it('gives a new complaint its due time from the standards and assigns the JE of the subdivision', async () => {
            const complaint = await register();
            // Lucknow demo consumer is a city consumer: no supply within 2 hours.
            assert.equal(complaint.dueAt!.getTime(), clock.now().getTime() + 2 * HOUR);
            assert.equal(complaint.standardsVersion, ServiceStandards.load().version);
            assert.equal(complaint.status, 'assigned');
            const owner = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: complaint.assignedOfficialId! });
            assert.equal(owner.level, 'JE');
            assert.deepEqual(await history(complaint.id), ['registered|consumer', 'assigned|system']);
            assert.deepEqual(
                notifier.sent.map((n) => [n.to, n.text.key]),
                [['official', 'officials:assigned']]
            );
        });

        it('runs the whole lifecycle: acknowledge, note, resolve, dispute (reopen), resolve, confirm', async () => {
            const complaint = await register();
            const je = complaint.assignedOfficialId!;
            await lifecycle.acknowledge(complaint.id, je);
            assert.ok(
                notifier.sent.some((n) => n.to === 'consumer' && n.text.key === 'status:notice.inProgress'),
                'the consumer hears an officer is on it'
            );
            await lifecycle.addNote(complaint.id, je, 'lineman sent');
            const resolved = await lifecycle.resolve(complaint.id, je, 'fuse replaced');
            assert.equal(resolved.nextEscalationAt, null, 'the clock stops while the consumer is asked');
            assert.ok(notifier.sent.some((n) => n.to === 'consumer' && n.text.key === 'status:askFixed' && n.text.vars?.note === 'fuse replaced'));
            clock.advance(3);
            const reopened = await lifecycle.confirm(complaint.id, false);
            assert.equal(reopened.status, 'reopened');
            assert.ok(reopened.nextEscalationAt! <= clock.now(), 'past its due time, it escalates at the next tick');
            await lifecycle.resolve(complaint.id, je, 'fuse replaced again');
            const closed = await lifecycle.confirm(complaint.id, true, 'registrant');
            assert.equal(closed.status, 'closed');
            assert.deepEqual(
                (await history(complaint.id)).map((h) => h.split('|')[0]),
                ['registered', 'assigned', 'in_progress', 'in_progress', 'resolved', 'reopened', 'resolved', 'closed']
            );
            await assert.rejects(lifecycle.resolve(complaint.id, je, 'again'), LifecycleError);
        });

        it('escalates one level per breach interval, to the top, notifying the new owner and the consumer', async () => {
            const complaint = await register('transformer');
            const levels: string[] = [];
            const directory = new OfficialDirectory(bot.app.db);
            for (let step = 0; step < 6; step++) {
                clock.advance(step === 0 ? 6 : 4);
                await lifecycle.tick();
                const current = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
                const owner = await directory.findById(current.assignedOfficialId!);
                levels.push(owner?.level ?? '?');
            }
            assert.deepEqual(levels, ['SDO', 'XEN', 'SE', 'CE', 'CE', 'CE']);
            const escalations = notifier.sent.filter((n) => n.text.key === 'officials:escalated').map((n) => n.text.vars?.level);
            assert.deepEqual(escalations, ['SDO', 'XEN', 'SE', 'CE']);
            assert.equal(notifier.sent.filter((n) => n.to === 'consumer' && n.text.key === 'status:notice.escalated').length, 4);
        });

        it('tells the consumer the compensation accrued under the standards', async () => {
            const complaint = await register('transformer');
            clock.advance(6 + 30);
            await lifecycle.tick();
            const notice = notifier.sent.find((n) => n.text.key === 'status:notice.compensation');
            assert.ok(notice, 'compensation notice');
            // Transformer: ₹150 per started day late; 30 h late = 2 days.
            assert.deepEqual([notice!.text.vars?.amount, notice!.text.vars?.daysLate], [300, 2]);
            assert.equal(lifecycle.compensationFor(complaint, 'city', new Date(complaint.dueAt!.getTime() - 1)).daysLate, 0, 'nothing before the due time');
        });

        it('never escalates the same breach twice, even with two schedulers ticking at once', async () => {
            const complaint = await register();
            const second = new ComplaintLifecycle(
                bot.app.db,
                ServiceStandards.load(),
                new OfficialDirectory(bot.app.db),
                bot.app.services.backend,
                notifier,
                { escalationIntervalHours: 4, confirmReminderHours: 24, unconfirmedAfterHours: 72, recheckHours: 24 },
                clock.now
            );
            clock.advance(3);
            const results = await Promise.all([lifecycle.tick(), second.tick(), lifecycle.tick(), second.tick()]);
            assert.equal(
                results.reduce((sum, r) => sum + r.escalated, 0),
                1
            );
            const current = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            assert.equal(current.escalationLevel, 1);
            assert.equal((await history(complaint.id)).filter((h) => h.endsWith('|system')).length, 2, 'one assignment and one escalation event');
        });

        it('skips a level with no active official, and stops asking once nobody is left above', async () => {
            const complaint = await register();
            const sdo = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'sdo.gomtinagar' });
            await bot.dataSource.getRepository(Official).update({ id: sdo.id }, { active: false });
            clock.advance(3);
            await lifecycle.tick();
            const current = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            const owner = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: current.assignedOfficialId! });
            assert.deepEqual([owner.level, current.escalationLevel], ['XEN', 2]);
            assert.ok(!notifier.sent.some((n) => n.officialId === sdo.id && n.text.key === 'officials:escalated'));
            // At the top, a dispute reopens the complaint but the scheduler does not keep picking it.
            for (let i = 0; i < 3; i++) {
                clock.advance(5);
                await lifecycle.tick();
            }
            await lifecycle.resolve(complaint.id, current.assignedOfficialId!, 'done');
            await lifecycle.confirm(complaint.id, false);
            clock.advance(1);
            await lifecycle.tick();
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).nextEscalationAt, null);
        });

        it('a complaint without an account is never "escalated" to nobody', async () => {
            const complaint = await register('no_supply', null);
            clock.advance(10);
            assert.equal((await lifecycle.tick()).escalated, 0);
            assert.ok(!notifier.sent.some((n) => n.complaintId === complaint.id && n.text.key === 'status:notice.escalated'));
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).nextEscalationAt, null);
        });

        it('a complaint handed up to the SE climbs from there at the next breach', async () => {
            const complaint = await register();
            const se = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'se.lucknow1' });
            await lifecycle.reassign(complaint.id, complaint.assignedOfficialId!, se.id, 'needs circle approval');
            clock.advance(3);
            await lifecycle.tick();
            const current = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            const owner = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: current.assignedOfficialId! });
            assert.equal(owner.level, 'CE');
        });

        it('never closes a complaint on silence: a reminder at 24 h, unconfirmed with a re-check due at 72 h, still open a month later', async () => {
            const complaint = await register();
            const je = complaint.assignedOfficialId!;
            await lifecycle.resolve(complaint.id, je, 'done');
            const status = async () => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            const reminders = () => notifier.sent.filter((n) => n.to === 'consumer' && n.text.key === 'status:askFixedReminder').length;
            clock.advance(23);
            assert.deepEqual(await lifecycle.tick(), { escalated: 0, reminded: 0, unconfirmed: 0, recontacted: 0, triageLate: 0 });
            clock.advance(2);
            assert.deepEqual(await lifecycle.tick(), { escalated: 0, reminded: 1, unconfirmed: 0, recontacted: 0, triageLate: 0 });
            assert.equal(reminders(), 1, 'asked again, once');
            await lifecycle.tick();
            assert.equal(reminders(), 1, 'not asked on every pass');
            clock.advance(46);
            assert.equal((await lifecycle.tick()).unconfirmed, 0);
            clock.advance(2);
            assert.deepEqual(await lifecycle.tick(), { escalated: 0, reminded: 0, unconfirmed: 1, recontacted: 0, triageLate: 0 });
            const unconfirmed = await status();
            assert.equal(unconfirmed.status, 'unconfirmed');
            assert.equal(unconfirmed.closedAt, null);
            assert.equal(unconfirmed.recheckDueAt!.getTime(), clock.now().getTime() + 24 * HOUR, 'the re-check has its own due time');
            assert.ok(
                notifier.sent.some((n) => n.to === 'official' && n.officialId === je && n.text.key === 'officials:recheck'),
                'the owner is told to re-check'
            );
            for (let day = 0; day < 30; day++) {
                clock.advance(24);
                await lifecycle.tick();
            }
            const later = await status();
            assert.deepEqual([later.status, later.closedAt], ['unconfirmed', null], 'a month of silence closes nothing');
            assert.ok(!(await history(complaint.id)).some((h) => h.startsWith('closed')));
            // The consumer's yes still closes it, from unconfirmed too.
            const closed = await lifecycle.confirm(complaint.id, true, 'registrant');
            assert.equal(closed.status, 'closed');
            assert.equal(closed.recheckDueAt, null);
            assert.ok((await history(complaint.id)).includes('closed|consumer'));
        });

        it('closes a complaint without an account only with its code or trusted phone, and a no still reopens it', async () => {
            const complaint = await register('no_supply', null);
            await lifecycle.resolve(complaint.id, 1, 'done');
            for (const proof of ['registrant', 'verified_account'] as const) {
                await assert.rejects(lifecycle.confirm(complaint.id, true, proof), LifecycleError);
            }
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).status, 'resolved');
            assert.equal((await lifecycle.confirm(complaint.id, false)).status, 'reopened');
            await lifecycle.resolve(complaint.id, 1, 'done again');
            assert.equal((await lifecycle.confirm(complaint.id, true, 'code')).status, 'closed');
        });

        it('records the field re-check of an unconfirmed resolution: found fixed asks the consumer again, not fixed reopens', async () => {
            const fixedOne = await register();
            const brokenOne = await register('transformer');
            for (const c of [fixedOne, brokenOne]) await lifecycle.resolve(c.id, c.assignedOfficialId!, 'done');
            clock.advance(73);
            await lifecycle.tick();
            await assert.rejects(lifecycle.recordRecheck(fixedOne.id, fixedOne.assignedOfficialId!, true, ' '), LifecycleError, 'a re-check needs a note');
            const rechecked = await lifecycle.recordRecheck(fixedOne.id, fixedOne.assignedOfficialId!, true, 'lineman saw supply restored');
            assert.deepEqual([rechecked.status, rechecked.recheckDueAt, rechecked.closedAt], ['unconfirmed', null, null], 'only the consumer closes it');
            assert.equal(notifier.sent.filter((n) => n.complaintId === fixedOne.id && n.text.key === 'status:askFixed').length, 2, 'asked again');
            const reopened = await lifecycle.recordRecheck(brokenOne.id, brokenOne.assignedOfficialId!, false, 'transformer still down');
            assert.equal(reopened.status, 'reopened');
            assert.ok(reopened.nextEscalationAt! <= clock.now(), 'its clock runs again, already past due');
            assert.ok(notifier.sent.some((n) => n.complaintId === brokenOne.id && n.text.key === 'status:notice.recheckReopened'));
            await assert.rejects(lifecycle.recordRecheck(brokenOne.id, brokenOne.assignedOfficialId!, true, 'again'), LifecycleError);
        });
        /** A lifecycle like the app's, with the re-contact on and draws taken from `draws` (each call takes the next). */
        function drawingLifecycle(draws: number[]): { lifecycle: ComplaintLifecycle; calls: () => number } {
            let taken = 0;
            const drawn = new ComplaintLifecycle(
                bot.app.db,
                ServiceStandards.load(),
                new OfficialDirectory(bot.app.db),
                bot.app.services.backend,
                notifier,
                { escalationIntervalHours: 4, confirmReminderHours: 24, unconfirmedAfterHours: 72, recheckHours: 24, recontact: { share: 0.1, afterDays: 3 } },
                clock.now,
                () => {
                    if (taken >= draws.length) throw new Error('drew more often than expected');
                    return draws[taken++];
                }
            );
            return { lifecycle: drawn, calls: () => taken };
        }

        it('re-contacts the configured share of confirmed closures, drawn once per complaint, asked once even by two schedulers', async () => {
            const { lifecycle: drawn, calls } = drawingLifecycle([0.05, 0.5, 0.099, 0.1]);
            const second = drawingLifecycle([]).lifecycle;
            const complaints: Complaint[] = [];
            for (let i = 0; i < 4; i++) complaints.push(await register(i % 2 ? 'transformer' : 'no_supply', i < 2 ? LUCKNOW_ACCOUNT : '6739351047'));
            for (const c of complaints) {
                await drawn.resolve(c.id, c.assignedOfficialId!, 'fixed');
                await drawn.confirm(c.id, true, 'registrant');
            }
            const read = (c: Complaint) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: c.id });
            // Share 0.1: a draw below it selects (0.05 and 0.099), 0.5 and exactly 0.1 do not.
            assert.deepEqual(await Promise.all(complaints.map(async (c) => (await read(c)).recontactState)), [
                'selected',
                'not_selected',
                'selected',
                'not_selected',
            ]);
            const first = await read(complaints[0]);
            assert.equal(first.recontactDueAt!.getTime(), clock.now().getTime() + 72 * HOUR, 'three days after the confirmation');
            assert.equal(first.recontactOfficialId, complaints[0].assignedOfficialId, 'the official whose closure it checks');
            const asked = () => notifier.sent.filter((n) => n.text.key === 'status:askStillWorking').map((n) => n.complaintId);
            clock.advance(71);
            assert.equal((await drawn.tick()).recontacted, 0, 'not before its day');
            clock.advance(2);
            const [a, b] = await Promise.all([drawn.tick(), second.tick()]);
            assert.equal(a.recontacted + b.recontacted, 2);
            assert.deepEqual(asked().sort(), [complaints[0].id, complaints[2].id].sort(), 'each drawn closure asked once');
            assert.equal((await drawn.tick()).recontacted, 0, 'never asked twice');
            // Yes is recorded; no reopens the same ticket with its history; a second answer, or one never asked for, changes nothing.
            assert.equal(await drawn.recordRecontact(complaints[2].id, true), 'recorded');
            assert.deepEqual([(await read(complaints[2])).status, (await read(complaints[2])).recontactState], ['closed', 'working']);
            assert.equal(await drawn.recordRecontact(complaints[1].id, false), 'not_asked');
            assert.equal((await read(complaints[1])).status, 'closed');
            assert.equal(await drawn.recordRecontact(complaints[0].id, false), 'recorded');
            assert.equal(await drawn.recordRecontact(complaints[0].id, false), 'not_asked');
            const reopened = await read(complaints[0]);
            assert.deepEqual([reopened.status, reopened.recontactState, reopened.closedAt], ['reopened', 'not_working', null]);
            assert.ok(reopened.nextEscalationAt! <= clock.now(), 'past its due time, it escalates at the next pass');
            assert.deepEqual((await history(complaints[0].id)).slice(-2), ['closed|consumer', 'reopened|consumer']);
            assert.ok(notifier.sent.some((n) => n.complaintId === complaints[0].id && n.to === 'official' && n.text.key === 'officials:recontactReopened'));
            // Closed again later, it is not drawn a second time: no draw is taken.
            await drawn.resolve(complaints[0].id, complaints[0].assignedOfficialId!, 'fixed properly');
            await drawn.confirm(complaints[0].id, true, 'registrant');
            assert.equal(calls(), 4);
            assert.equal((await read(complaints[0])).recontactState, 'not_working');
        });

        it('escalates a late field re-check like a breach, once per interval even with two schedulers, telling only the new owner', async () => {
            const complaint = await register();
            const second = drawingLifecycle([]).lifecycle;
            await lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'done');
            clock.advance(73);
            await lifecycle.tick();
            const read = () => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            assert.equal((await read()).status, 'unconfirmed');
            clock.advance(23);
            assert.equal((await lifecycle.tick()).escalated, 0, 're-check not late yet');
            clock.advance(2);
            const [a, b] = await Promise.all([lifecycle.tick(), second.tick()]);
            assert.equal(a.escalated + b.escalated, 1, 'one step, whoever ticks');
            const directory = new OfficialDirectory(bot.app.db);
            const sdo = await directory.findById((await read()).assignedOfficialId!);
            assert.equal(sdo!.level, 'SDO');
            assert.equal((await read()).status, 'unconfirmed', 'still awaiting the consumer: not reopened, not closed');
            assert.deepEqual(
                notifier.sent.filter((n) => n.text.key === 'officials:recheckEscalated').map((n) => [n.officialId, n.text.vars?.level]),
                [[sdo!.id, 'SDO']]
            );
            assert.ok(
                !notifier.sent.some((n) => n.to === 'consumer' && n.text.key === 'status:notice.escalated'),
                'the consumer is not told of a late re-check'
            );
            assert.equal((await lifecycle.tick()).escalated, 0, 'not again before the interval');
            clock.advance(4);
            assert.equal((await lifecycle.tick()).escalated, 1);
            const xen = await directory.findById((await read()).assignedOfficialId!);
            assert.equal(xen!.level, 'XEN');
            // Recorded by the new owner, the re-check stops the climb.
            await lifecycle.recordRecheck(complaint.id, xen!.id, true, 'supply restored, seen on site');
            clock.advance(12);
            assert.equal((await lifecycle.tick()).escalated, 0);
            assert.equal((await read()).nextEscalationAt, null);
        });

        it('stores a rating only on a closed complaint, and never changes its status', async () => {
            const complaint = await register();
            await assert.rejects(lifecycle.rate(complaint.id, 6), LifecycleError);
            assert.equal(await lifecycle.rate(complaint.id, 4), false, 'not closed: nothing stored');
            await lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'done');
            await lifecycle.confirm(complaint.id, true, 'registrant');
            assert.equal(await lifecycle.rate(complaint.id, 4), true);
            assert.equal(await lifecycle.explainRating(complaint.id, '  came quickly  '), true);
            const rated = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
            assert.deepEqual([rated.status, rated.rating, rated.ratingReason], ['closed', 4, 'came quickly']);
        });
    });
}

describe('complaint registration tells the consumer the time limit', () => {
    it('in English and Hindi, from the service standards', async () => {
        const bot = await TestBot.create();
        try {
            const user = bot.conversation();
            await user.say('English');
            await user.say('no power since morning in our street');
            await user.say(LUCKNOW_ACCOUNT);
            assert.match((await user.say('yes')).join('\n'), /As per UPERC standards, this should be fixed within 2 hours/);
            const hindi = bot.conversation();
            await hindi.say('हमारी गली का ट्रांसफार्मर जल गया है');
            // Another fault on the same account (the same outage would join the open complaint); an account whose
            // subdivision has no JE would go to the triage desk without a time limit (see the triage tests).
            await hindi.say(LUCKNOW_ACCOUNT);
            assert.match((await hindi.say('हाँ')).join('\n'), /UPERC मानकों के अनुसार इसे 6 घंटे में/);
            const [complaint] = await bot.dataSource.getRepository(Complaint).find({ order: { id: 'ASC' } });
            assert.ok(complaint.conversationRef && complaint.dueAt && complaint.assignedOfficialId);
        } finally {
            await bot.close();
        }
    });
});
