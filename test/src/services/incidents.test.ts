import { strict as assert } from 'assert';
import { Complaint } from '../../../src/data/entities/Complaint';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Incident } from '../../../src/data/entities/Incident';
import { Official } from '../../../src/data/entities/Official';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { IncidentError, IncidentService } from '../../../src/services/IncidentService';
import { freshPostgresSchema } from '../../support/postgres';
import { TestBot } from '../../support/TestBot';
import { ManualClock } from '../../support/ManualClock';

const HOUR = 3600_000;
const LUCKNOW_ACCOUNT = '1234567890';

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('incidents_test')],
] as const) {
    describe(`outage incidents on ${name}`, () => {
        let bot: TestBot;
        let clock: ManualClock;
        let notifier: RecordingNotifier;
        let incidents: IncidentService;
        let seq = 0;

        beforeEach(async () => {
            clock = new ManualClock();
            notifier = new RecordingNotifier();
            bot = await TestBot.create({ databaseUrl: await url(), config: { demoData: 'on' }, overrides: { notifier, now: clock.now } });
            incidents = bot.app.incidents;
            seq = 0;
        });
        afterEach(async () => {
            await bot.close();
        });

        /** A consumer next to demo account 1234567890 (Vibhuti Khand), with the network codes and address given. */
        async function neighbour(
            codes: { feederCode: string | null; dtCode: string | null },
            address = 'B-4/12, Vibhuti Khand, Gomti Nagar, Lucknow',
            subdivision?: string
        ) {
            const base = await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: LUCKNOW_ACCOUNT });
            const accountNumber = String(7700000000 + ++seq);
            await bot.dataSource
                .getRepository(Consumer)
                .insert({ ...base, accountNumber, name: `Neighbour ${seq}`, address, ...codes, ...(subdivision ? { subdivision } : {}) });
            return accountNumber;
        }

        /** Registers a no-supply report for `account` now (by the clock) from its own chat and starts its clock. */
        async function report(account: string, category = 'no_supply'): Promise<Complaint> {
            // The complaint flow copies the account's address onto the complaint.
            const consumer = await bot.app.services.backend.findConsumer(account);
            const complaint = await bot.app.services.complaints.register({
                accountNumber: account,
                category,
                description: 'light nahi hai',
                address: consumer!.address,
                contactMobile: null,
                channel: 'test',
                channelUserId: `chat-${account}`,
                sourceActivityKey: null,
                conversationRef: null,
            });
            await bot.dataSource.getRepository(Complaint).update({ id: complaint.id }, { createdAt: clock.now() });
            return bot.app.lifecycle.start(await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id }));
        }

        const DT1 = { feederCode: 'VK-F1', dtCode: 'VK-DT1' };
        const keys = (to: 'consumer' | 'official') => notifier.sent.filter((n) => n.to === to).map((n) => n.text.key);

        it('groups K reports of one transformer within T minutes into one suspected incident, and later reports join it', async () => {
            const [a, b, c, d] = [await neighbour(DT1), await neighbour(DT1), await neighbour(DT1), await neighbour(DT1)];
            const first = await report(a);
            clock.advance(0.1);
            const second = await report(b);
            assert.equal(first.incidentId, null, 'one report is a single-house case');
            assert.equal(second.incidentId, null, 'two are not yet an incident (K = 3)');
            assert.ok(first.nextEscalationAt, 'a lone report escalates on its own');
            const areaOf = async (account: string) => IncidentService.areaOfConsumer((await bot.app.services.backend.findConsumer(account))!);
            const reporter = (account: string) => ({ channel: 'test', channelUserId: `chat-${account}`, accountNumber: account });
            assert.equal(await incidents.knownOrForming(await areaOf(c), reporter(c)), true, 'the third would make one');
            clock.advance(0.1);
            const third = await report(c);
            assert.ok(third.incidentId, 'the K-th report makes an incident');
            const incident = await incidents.find(third.incidentId!);
            assert.match(incident.reference, /^I\d{4}-\d{4}$/);
            assert.equal(incident.status, 'suspected');
            assert.equal(incident.scope, 'transformer');
            assert.equal(incident.dtCode, 'VK-DT1');
            assert.equal(incident.reportCount, 3);
            assert.equal(incident.startedAt.getTime(), first.createdAt.getTime(), 'the outage started with the first report');
            const attached = await incidents.reports(incident.id);
            assert.deepEqual(
                attached.map((r) => r.id),
                [first.id, second.id, third.id]
            );
            assert.ok(
                attached.every((r) => r.nextEscalationAt === null && r.dueAt !== null),
                'reports keep their due time; the incident escalates for them'
            );
            assert.equal(incident.dueAt!.getTime(), first.dueAt!.getTime(), "the incident is due when its earliest report's standard says");
            const officialNotices = keys('official');
            assert.equal(officialNotices.filter((k) => k === 'officials:incidentSuspected').length, 1, 'the JE hears of the incident once');
            assert.equal(officialNotices.filter((k) => k === 'officials:assigned').length, 2, 'the first two came as single complaints');
            assert.deepEqual(
                notifier.sent.filter((n) => n.text.key === 'incidents:notice.joined').map((n) => n.complaintId),
                [first.id, second.id],
                'and their reporters hear that they are now part of the fault'
            );

            clock.advance(0.5);
            const fourth = await report(d);
            assert.equal(fourth.incidentId, incident.id, 'a later report joins the open incident, even after the window');
            assert.equal((await incidents.find(incident.id)).reportCount, 4);
            assert.equal(keys('official').length, officialNotices.length, 'and officials are not told of each report');
        });

        it('counts reporters, not complaints: one account reporting three times makes no incident', async () => {
            const a = await neighbour(DT1);
            await report(a);
            await report(a);
            assert.equal((await report(a)).incidentId, null);
            assert.equal(await bot.dataSource.getRepository(Incident).count(), 0);
        });

        it('counts reporters still being asked, so a burst is answered from the incident before anyone has confirmed', async () => {
            const [a, b, c] = [await neighbour(DT1), await neighbour(DT1), await neighbour(DT1)];
            const areaOf = async (account: string) => IncidentService.areaOfConsumer((await bot.app.services.backend.findConsumer(account))!);
            const reporter = (account: string) => ({ channel: 'test', channelUserId: `chat-${account}`, accountNumber: account });
            assert.equal(await incidents.knownOrForming(await areaOf(a), reporter(a)), false);
            assert.equal(await incidents.knownOrForming(await areaOf(b), reporter(b)), false);
            assert.equal(await incidents.knownOrForming(await areaOf(b), reporter(b)), false, 'the same reporter again is no second one');
            assert.equal(await incidents.knownOrForming(await areaOf(c), reporter(c)), true, 'the third reporter, though none is registered yet');
            const third = await report(c);
            const incident = await incidents.find(third.incidentId!);
            assert.equal(incident.reportCount, 1, 'only the registered report is in it so far');
            const first = await report(a);
            assert.equal(first.incidentId, incident.id, 'the others join as they are registered');
        });

        it('makes one incident of a burst of simultaneous reports, each report in it once', async () => {
            const accounts: string[] = [];
            for (let i = 0; i < 8; i++) accounts.push(await neighbour(DT1));
            const started = await Promise.all(accounts.map((account) => report(account)));
            const all = await bot.dataSource.getRepository(Incident).find();
            assert.equal(all.length, 1, 'one incident, none formed and dismissed beside it');
            assert.equal(all[0].reportCount, 8);
            const attached = await incidents.reports(all[0].id);
            assert.equal(attached.length, 8);
            assert.ok(started.filter((c) => c.incidentId === all[0].id).length >= 8 - 2, 'all but the first K − 1 are answered from the incident');
        });

        it('never groups across subdivisions, transformers of different feeders, or outside the window', async () => {
            const a = await neighbour(DT1);
            const b = await neighbour(DT1);
            const otherFeeder = await neighbour({ feederCode: 'VK-F2', dtCode: 'VK-DT9' });
            const otherSubdivision = await neighbour(DT1, 'Sector 3, Shastri Nagar, Meerut', 'Kapoorthala');
            await report(a);
            clock.advance(0.1);
            await report(b);
            clock.advance(0.1);
            assert.equal((await report(otherFeeder)).incidentId, null, 'another feeder and transformer, although the same locality');
            assert.equal((await report(otherSubdivision)).incidentId, null, 'the same codes in another subdivision are another network');
            clock.advance(0.6);
            assert.equal((await report(await neighbour(DT1))).incidentId, null, 'the first two are older than T');
            assert.equal(await bot.dataSource.getRepository(Incident).count(), 0);
        });

        it('groups transformers of one feeder into a feeder incident, and reports without codes by locality', async () => {
            const feeder = [
                await neighbour({ feederCode: 'VK-F1', dtCode: 'VK-DT1' }),
                await neighbour({ feederCode: 'VK-F1', dtCode: 'VK-DT2' }),
                await neighbour({ feederCode: 'VK-F1', dtCode: 'VK-DT3' }),
            ];
            for (const account of feeder) await report(account);
            const [byFeeder] = await bot.dataSource.getRepository(Incident).find();
            assert.equal(byFeeder.scope, 'feeder');
            assert.equal(byFeeder.feederCode, 'VK-F1');
            assert.equal(byFeeder.reportCount, 3);

            const none = { feederCode: null, dtCode: null };
            const sameLane = [
                await neighbour(none, '14 Vishesh Khand 2, Gomti Nagar, Lucknow'),
                await neighbour(none, 'House 7, Vishesh Khand, Gomti Nagar'),
                await neighbour(none, 'Vishesh Khand-2 near park, Lucknow'),
            ];
            const elsewhere = await neighbour(none, 'Patrakarpuram crossing, Lucknow');
            await report(sameLane[0]);
            await report(elsewhere);
            await report(sameLane[1]);
            const third = await report(sameLane[2]);
            const byLocality = await incidents.find(third.incidentId!);
            assert.equal(byLocality.scope, 'locality');
            assert.equal(byLocality.reportCount, 3, 'the report from another locality of the subdivision stays apart');
            assert.ok(byLocality.locality?.length);
        });

        it('sends restoration-time changes and the restoration to exactly its reporters, and a "no" after restoration is a nested outage', async () => {
            const accounts = [await neighbour(DT1), await neighbour(DT1), await neighbour(DT1), await neighbour(DT1)];
            const reports: Complaint[] = [];
            for (const account of accounts) reports.push(await report(account));
            const bystander = await report(LUCKNOW_ACCOUNT, 'billing');
            const incident = await incidents.find(reports[3].incidentId!);
            await incidents.setUpdates(reports[3].id, false);
            const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: incident.assignedOfficialId! });
            assert.equal(je.level, 'JE');
            const other = await bot.dataSource.getRepository(Official).findOneByOrFail({ level: 'JE', unitName: 'Shastri Nagar' });
            await assert.rejects(incidents.confirm(incident.id, other.id), IncidentError, 'a JE of another subdivision may not act on it');

            notifier.sent.length = 0;
            const confirmed = await incidents.confirm(incident.id, je.id);
            assert.equal(confirmed.etr!.getTime(), incident.dueAt!.getTime(), "without an estimate, the standard's time is given");
            const told = () => notifier.sent.filter((n) => n.to === 'consumer').map((n) => `${n.complaintId}:${n.text.key}`);
            assert.deepEqual(
                told(),
                reports.slice(0, 3).map((r) => `${r.id}:incidents:notice.confirmed`)
            );
            notifier.sent.length = 0;
            clock.advance(0.5);
            await incidents.setDetails(incident.id, je.id, { cause: 'DT fuse blown', etr: new Date(clock.now().getTime() + 2 * HOUR) });
            assert.deepEqual(
                told(),
                reports.slice(0, 3).map((r) => `${r.id}:incidents:notice.etrCause`),
                'the reporter who declined updates is not told'
            );
            await assert.rejects(incidents.setDetails(incident.id, je.id, { etr: new Date(clock.now().getTime() - HOUR) }), /future/);

            notifier.sent.length = 0;
            await incidents.markRestored(incident.id, je.id, 'fuse replaced');
            assert.deepEqual(
                told().sort(),
                reports.map((r) => `${r.id}:status:askFixed`).sort(),
                'every reporter, and nobody else, is asked whether power is back'
            );
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: bystander.id })).status, 'assigned');

            clock.advance(0.2);
            const reopened = await bot.app.lifecycle.confirm(reports[0].id, false);
            assert.equal(reopened.status, 'reopened');
            assert.equal(reopened.incidentId, null);
            assert.equal(reopened.nestedIncidentId, incident.id);
            assert.equal(reopened.problemSince!.getTime(), incident.startedAt.getTime(), 'counted from the start of the outage');
            assert.ok(reopened.nextEscalationAt, 'it has its own clock again');
            assert.ok(keys('official').includes('officials:incidentStillOff'));
            assert.equal((await incidents.find(incident.id)).status, 'restored', 'restored – unconfirmed');

            await bot.app.lifecycle.confirm(reports[1].id, true, 'registrant');
            assert.equal((await incidents.find(incident.id)).status, 'restored', 'one of four is not half');
            await bot.app.lifecycle.confirm(reports[2].id, true, 'registrant');
            const verified = await incidents.find(incident.id);
            assert.equal(verified.status, 'verified');
            assert.ok(verified.verifiedAt);
        });

        it('escalates a late incident once (two schedulers), moves its reports with it, and never escalates them one by one', async () => {
            const accounts = [await neighbour(DT1), await neighbour(DT1), await neighbour(DT1)];
            const reports: Complaint[] = [];
            for (const account of accounts) reports.push(await report(account));
            const incident = await incidents.find(reports[2].incidentId!);
            notifier.sent.length = 0;
            clock.time = new Date(incident.dueAt!.getTime() + 60_000);
            const [x, y] = await Promise.all([incidents.tick(), incidents.tick()]);
            assert.equal(x.escalated + y.escalated, 1, 'one breach, one escalation');
            const lifecycleTick = await bot.app.lifecycle.tick();
            assert.equal(lifecycleTick.escalated, 0, 'the reports do not escalate on their own');
            const escalated = await incidents.find(incident.id);
            assert.equal(escalated.escalationLevel, 1);
            const sdo = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: escalated.assignedOfficialId! });
            assert.equal(sdo.level, 'SDO');
            for (const r of await incidents.reports(incident.id)) assert.equal(r.assignedOfficialId, sdo.id);
            assert.deepEqual(keys('official'), ['officials:incidentEscalated']);
            assert.equal(keys('consumer').length, 0);

            await incidents.dismiss(incident.id, sdo.id, 'three separate service-line faults');
            for (const r of await bot.dataSource.getRepository(Complaint).findBy({ outageArea: 'MVVNL|Vibhuti Khand' })) {
                assert.equal(r.incidentId, null);
                assert.ok(r.nextEscalationAt, 'each report has its own clock again');
            }
        });
    });
}
