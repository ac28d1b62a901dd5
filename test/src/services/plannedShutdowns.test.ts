import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { Broadcast } from '../../../src/data/entities/Broadcast';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Official } from '../../../src/data/entities/Official';
import { PlannedShutdown } from '../../../src/data/entities/PlannedShutdown';
import { QueuedMessage } from '../../../src/data/entities/QueuedMessage';
import { formatDateTime } from '../../../src/i18n/format';
import { Scheduler } from '../../../src/Scheduler';
import { PlannedShutdownError, PlannedShutdownInput } from '../../../src/services/PlannedShutdowns';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const HOUR = 3600_000;
const VIBHUTI = { discom: 'MVVNL', subdivision: 'Vibhuti Khand' };
/** The demo account 1234567890's feeder (src/data/demoData.ts). */
const F1 = 'VIBHUTIKHAND-F1';

/**
 * Planned shutdowns on the real services and database (SQLite, and PostgreSQL under TEST_DATABASE=postgres), with a
 * controlled clock: what officials may enter and where, which consumers a shutdown covers, the CSV import with bad
 * lines and a re-run, and the day-before notice queued once for exactly the subscribed consumers of the area.
 */
describe('planned shutdowns', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let clock: ManualClock;

    beforeEach(async () => {
        clock = new ManualClock(); // 2026-11-20 10:00 India time
        bot = await TestBot.create({ overrides: { now: clock.now } });
    });
    afterEach(async () => {
        await bot.close();
    });

    const officialId = async (username: string) => (await bot.dataSource.getRepository(Official).findOneByOrFail({ username })).id;
    const inHours = (hours: number) => new Date(clock.now().getTime() + hours * HOUR);
    const input = (overrides: Partial<PlannedShutdownInput> = {}): PlannedShutdownInput => ({
        ...VIBHUTI,
        feederCode: F1,
        startsAt: inHours(20),
        endsAt: inHours(26),
        reason: 'line maintenance',
        ...overrides,
    });
    const refused = async (promise: Promise<unknown>, code: string) => {
        await assert.rejects(promise, (error: unknown) => error instanceof PlannedShutdownError && error.code === code, `refused as ${code}`);
    };

    describe('entering and cancelling', () => {
        it('records a shutdown of the official’s area with a P reference, and refuses wrong times, reasons and feeder codes', async () => {
            const je = await officialId('je.vibhutikhand');
            const shutdown = await bot.app.shutdowns.create(input({ feederCode: ' vibhutikhand-f1 ' }), je);
            assert.match(shutdown.reference, /^P2611-\d{4,}$/);
            assert.equal(shutdown.feederCode, F1);
            assert.equal(shutdown.createdBy, je);
            assert.equal(shutdown.noticeQueuedAt, null);

            await refused(bot.app.shutdowns.create(input({ endsAt: inHours(19) }), je), 'endBeforeStart');
            await refused(bot.app.shutdowns.create(input({ endsAt: inHours(20) }), je), 'endBeforeStart');
            await refused(bot.app.shutdowns.create(input({ endsAt: inHours(44.5) }), je), 'tooLong');
            await refused(bot.app.shutdowns.create(input({ startsAt: inHours(-1), endsAt: inHours(2) }), je), 'inPast');
            await refused(bot.app.shutdowns.create(input({ startsAt: new Date('nonsense') }), je), 'badTime');
            await refused(bot.app.shutdowns.create(input({ reason: '   ' }), je), 'reasonRequired');
            await refused(bot.app.shutdowns.create(input({ reason: 'x'.repeat(201) }), je), 'reasonTooLong');
            await refused(bot.app.shutdowns.create(input({ feederCode: 'F1; DROP' }), je), 'badFeeder');
            await refused(bot.app.shutdowns.create(input({ feederCode: F1 }), je), 'duplicate');
            // Exactly 24 hours, starting now, is allowed; a whole-subdivision one too.
            await bot.app.shutdowns.create(input({ feederCode: null, startsAt: clock.now(), endsAt: inHours(24) }), je);
            assert.equal(await bot.dataSource.getRepository(PlannedShutdown).count(), 2);
        });

        it('keeps each official to their scope: a JE to their subdivision, an SDO to the division’s; nobody inactive', async () => {
            const je = await officialId('je.vibhutikhand');
            const sdo = await officialId('sdo.gomtinagar');
            const meerut = await officialId('je.shastrinagar');
            await refused(bot.app.shutdowns.create(input({ subdivision: 'Viraj Khand', feederCode: null }), je), 'outOfScope');
            await refused(bot.app.shutdowns.create(input(), meerut), 'outOfScope');
            await refused(bot.app.shutdowns.create(input({ discom: 'PVVNL' }), je), 'outOfScope');
            const virajKhand = await bot.app.shutdowns.create(input({ subdivision: 'Viraj Khand', feederCode: null }), sdo);
            assert.equal(virajKhand.subdivision, 'Viraj Khand');
            await bot.dataSource.getRepository(Official).update({ id: sdo }, { active: false });
            await refused(bot.app.shutdowns.create(input(), sdo), 'outOfScope');
            assert.equal(await bot.dataSource.getRepository(PlannedShutdown).count(), 1);
        });

        it('cancels once, only within scope and before the end', async () => {
            const je = await officialId('je.vibhutikhand');
            const shutdown = await bot.app.shutdowns.create(input(), je);
            await refused(bot.app.shutdowns.cancel(shutdown.id, await officialId('je.shastrinagar')), 'outOfScope');
            await refused(bot.app.shutdowns.cancel(999_999, je), 'notFound');
            const [first, second] = await Promise.allSettled([bot.app.shutdowns.cancel(shutdown.id, je), bot.app.shutdowns.cancel(shutdown.id, je)]);
            assert.deepEqual([first.status, second.status].sort(), ['fulfilled', 'rejected'], 'of two cancellations at once, one wins');
            const stored = await bot.dataSource.getRepository(PlannedShutdown).findOneByOrFail({ id: shutdown.id });
            assert.ok(stored.cancelledAt);
            assert.equal(stored.cancelledBy, je);
            const later = await bot.app.shutdowns.create(input({ startsAt: inHours(1), endsAt: inHours(2) }), je);
            clock.advance(3);
            await refused(bot.app.shutdowns.cancel(later.id, je), 'over');
        });
    });

    describe('which consumers a shutdown covers', () => {
        it('a feeder shutdown covers that feeder and consumers whose feeder is unknown; a subdivision one covers all; only inside the window', async () => {
            const je = await officialId('je.vibhutikhand');
            const feeder = await bot.app.shutdowns.create(input({ startsAt: inHours(2), endsAt: inHours(5) }), je);
            const onF1 = { ...VIBHUTI, feederCode: F1 };
            const onF2 = { ...VIBHUTI, feederCode: 'VIBHUTIKHAND-F2' };
            const unknown = { ...VIBHUTI, feederCode: null };
            const elsewhere = { discom: 'MVVNL', subdivision: 'Viraj Khand', feederCode: F1 };

            assert.equal(await bot.app.shutdowns.coveringNow(onF1), null, 'not yet begun');
            assert.deepEqual(
                (await bot.app.shutdowns.upcomingFor(onF1, 24)).map((s) => s.reference),
                [feeder.reference]
            );
            assert.deepEqual(await bot.app.shutdowns.upcomingFor(onF1, 1), [], 'starts after the hours asked');
            clock.advance(2);
            assert.equal((await bot.app.shutdowns.coveringNow(onF1))?.reference, feeder.reference);
            assert.equal((await bot.app.shutdowns.coveringNow(unknown))?.reference, feeder.reference);
            assert.equal(await bot.app.shutdowns.coveringNow(onF2), null, 'another feeder of the subdivision');
            assert.equal(await bot.app.shutdowns.coveringNow(elsewhere), null, 'another subdivision, same feeder code');
            assert.deepEqual(
                (await bot.app.shutdowns.upcomingFor(onF1, 1)).map((s) => s.reference),
                [feeder.reference],
                'under way counts'
            );
            clock.advance(3);
            assert.equal(await bot.app.shutdowns.coveringNow(onF1), null, 'over');

            const whole = await bot.app.shutdowns.create(input({ feederCode: null, startsAt: clock.now(), endsAt: inHours(4) }), je);
            assert.equal((await bot.app.shutdowns.coveringNow(onF2))?.reference, whole.reference);
            await bot.app.shutdowns.cancel(whole.id, je);
            assert.equal(await bot.app.shutdowns.coveringNow(onF2), null, 'cancelled');
        });

        it('lists current and next-7-day shutdowns for the public, area-level only', async () => {
            const je = await officialId('je.vibhutikhand');
            const now = await bot.app.shutdowns.create(input({ startsAt: clock.now(), endsAt: inHours(3) }), je);
            const soon = await bot.app.shutdowns.create(input({ feederCode: null, startsAt: inHours(6 * 24), endsAt: inHours(6 * 24 + 4) }), je);
            await bot.app.shutdowns.create(input({ startsAt: inHours(8 * 24), endsAt: inHours(8 * 24 + 4) }), je);
            const cancelled = await bot.app.shutdowns.create(input({ startsAt: inHours(30), endsAt: inHours(31) }), je);
            await bot.app.shutdowns.cancel(cancelled.id, je);
            const listed = await bot.app.shutdowns.listPublic();
            assert.deepEqual(
                listed.map((s) => [s.reference, s.current]),
                [
                    [now.reference, true],
                    [soon.reference, false],
                ]
            );
            assert.deepEqual(Object.keys(listed[0]).sort(), ['current', 'discom', 'endsAt', 'feederCode', 'reason', 'reference', 'startsAt', 'subdivision']);
        });
    });

    describe('CSV import', () => {
        let dir: string;
        before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdowns-'))));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it('imports good lines (India time or ISO), reports each bad line, and adds nothing twice on a re-run', async () => {
            const file = path.join(dir, 'shutdowns.csv');
            fs.writeFileSync(
                file,
                [
                    'discom,subdivision,feeder_code,starts_at,ends_at,reason',
                    'MVVNL,Vibhuti Khand,VIBHUTIKHAND-F1,2026-11-21 10:00,2026-11-21 14:00,line maintenance',
                    'mvvnl,Viraj Khand,,2026-11-22T03:30:00Z,2026-11-22T09:30:00Z,"tree trimming, 11 kV"',
                    'XYZ,Vibhuti Khand,,2026-11-21 10:00,2026-11-21 14:00,bad discom',
                    'MVVNL,Vibhuti Khand,,2026-11-21 14:00,2026-11-21 10:00,end first',
                    'MVVNL,Vibhuti Khand,,2026-11-21 10:00,2026-11-22 12:00,too long',
                    'MVVNL,Atlantis,,2026-11-21 10:00,2026-11-21 12:00,unknown subdivision',
                    'MVVNL,Vibhuti Khand,,tomorrow,2026-11-21 12:00,no time',
                    'MVVNL,Vibhuti Khand,,2026-11-19 10:00,2026-11-19 12:00,yesterday',
                    'MVVNL,Vibhuti Khand,VIBHUTIKHAND-F1,2026-11-21 10:00,2026-11-21 14:00,same again in the file',
                ].join('\n')
            );
            const report = await bot.app.shutdowns.importCsv(file);
            assert.equal(report.total, 9);
            assert.equal(report.imported, 2);
            assert.deepEqual(
                report.rejected.map((r) => r.line),
                [4, 5, 6, 7, 8, 9, 10]
            );
            const reasons = report.rejected.map((r) => r.reason).join('\n');
            assert.match(reasons, /discom must be one of/);
            assert.match(reasons, /The end must be after the start/);
            assert.match(reasons, /at most 24 hours/);
            assert.match(reasons, /subdivision "Atlantis" is not known in MVVNL/);
            assert.match(reasons, /starts_at must be a date and time/);
            assert.match(reasons, /The start is in the past/);
            assert.match(reasons, /same shutdown .* already on line 2/);

            const stored = await bot.dataSource.getRepository(PlannedShutdown).find({ order: { startsAt: 'ASC' } });
            assert.deepEqual(
                stored.map((s) => [s.subdivision, s.feederCode, s.startsAt.toISOString(), s.endsAt.toISOString(), s.reason, s.createdBy]),
                [
                    ['Vibhuti Khand', F1, '2026-11-21T04:30:00.000Z', '2026-11-21T08:30:00.000Z', 'line maintenance', null],
                    ['Viraj Khand', null, '2026-11-22T03:30:00.000Z', '2026-11-22T09:30:00.000Z', 'tree trimming, 11 kV', null],
                ]
            );
            assert.ok(stored.every((s) => /^P2611-\d{4,}$/.test(s.reference)));

            const again = await bot.app.shutdowns.importCsv(file);
            assert.equal(again.imported, 0);
            assert.equal(again.skipped, 2);
            assert.equal(await bot.dataSource.getRepository(PlannedShutdown).count(), 2, 'a re-run adds nothing');
        });
    });

    describe('the day-before notice', () => {
        let accounts = 0;
        /** A consumer of `subdivision` on `feederCode` with a chat user linked to it; subscribed unless told otherwise. */
        const consumerWithChat = async (subdivision: string, feederCode: string | null, options: { subscribed?: boolean; language?: string } = {}) => {
            const accountNumber = `77000000${String(++accounts).padStart(2, '0')}`;
            const mobile = `98000000${String(accounts).padStart(2, '0')}`;
            await bot.dataSource.getRepository(Consumer).insert({
                accountNumber,
                name: 'Test Consumer',
                registeredMobile: mobile,
                address: `House ${accounts}, ${subdivision}, Lucknow`,
                discom: 'MVVNL',
                division: 'EUDD Gomti Nagar, Lucknow',
                subdivision,
                tariffCategory: 'LMV-1',
                areaClass: 'city',
                feederCode,
                dtCode: null,
            });
            const userId = `user-${accountNumber}`;
            const identity = await bot.dataSource.getRepository(ChannelIdentity).save(
                bot.dataSource.getRepository(ChannelIdentity).create({
                    channel: 'test',
                    channelUserId: userId,
                    phoneNumber: null,
                    preferredLanguage: options.language ?? 'en',
                    lastInboundAt: clock.now(),
                    subscribed: options.subscribed ?? true,
                    updatesOptOut: false,
                    conversationRef: JSON.stringify({ channelId: 'test', conversation: { id: `conv-${userId}` }, user: { id: userId } }),
                })
            );
            await bot.dataSource.getRepository(AccountLink).insert({ identityId: identity.id, accountNumber, method: 'otp', verifiedMobile: mobile });
            return identity.id;
        };
        const queuedFor = async (broadcastKind = 'planned_shutdown') => {
            const rows = await bot.dataSource
                .getRepository(QueuedMessage)
                .createQueryBuilder('q')
                .innerJoin(Broadcast, 'b', 'b.id = q.broadcastId')
                .where('b.kind = :kind', { kind: broadcastKind })
                .orderBy('q.identityId', 'ASC')
                .getMany();
            return rows;
        };

        it('is queued once, within 36 hours of the start, for exactly the subscribed consumers of the feeder (or of unknown feeder)', async () => {
            const onF1 = await consumerWithChat('Vibhuti Khand', F1, { language: 'hi' });
            const unknownFeeder = await consumerWithChat('Vibhuti Khand', null);
            await consumerWithChat('Vibhuti Khand', 'VIBHUTIKHAND-F2');
            await consumerWithChat('Vibhuti Khand', F1, { subscribed: false });
            await consumerWithChat('Viraj Khand', F1);
            const je = await officialId('je.vibhutikhand');
            const shutdown = await bot.app.shutdowns.create(input({ startsAt: inHours(40), endsAt: inHours(44) }), je);

            const scheduler = new Scheduler(bot.app, [], async () => undefined, { intervalSeconds: 60, billReminderDaysBefore: 3 });
            await scheduler.pass(clock.now());
            assert.equal((await queuedFor()).length, 0, '40 hours ahead: not yet');

            clock.advance(5);
            // Two instances passing at once, then another pass: still one message each.
            const other = new Scheduler(bot.app, [], async () => undefined, { intervalSeconds: 60, billReminderDaysBefore: 3 });
            await Promise.all([scheduler.pass(clock.now()), other.pass(clock.now())]);
            clock.advance(1);
            await scheduler.pass(clock.now());
            const rows = await queuedFor();
            assert.deepEqual(
                rows.map((r) => r.identityId),
                [onF1, unknownFeeder]
            );
            const stored = await bot.dataSource.getRepository(PlannedShutdown).findOneByOrFail({ id: shutdown.id });
            assert.ok(stored.noticeQueuedAt, 'marked as told');
            const hindi = rows.find((r) => r.identityId === onF1)!.text;
            assert.ok(hindi.includes(formatDateTime(shutdown.startsAt, 'hi')) && hindi.includes(formatDateTime(shutdown.endsAt, 'hi')), hindi);
            assert.match(hindi, /नियोजित बिजली कटौती/);
            assert.match(hindi, /line maintenance/);
            assert.match(
                rows.find((r) => r.identityId === unknownFeeder)!.text,
                /Planned power shutdown in feeder VIBHUTIKHAND-F1 of Vibhuti Khand subdivision/
            );
            assert.equal(await bot.dataSource.getRepository(Broadcast).countBy({ kind: 'planned_shutdown' }), 1);

            // Cancelled after the notice: the same people hear it is off.
            await bot.app.shutdowns.cancel(shutdown.id, je);
            const after = await queuedFor();
            assert.equal(after.length, 4);
            assert.deepEqual(
                after.filter((r) => /cancelled/.test(r.text) || /रद्द/.test(r.text)).map((r) => r.identityId),
                [onF1, unknownFeeder]
            );
        });

        it('tells the whole subdivision for a subdivision shutdown, and nobody for a cancelled one', async () => {
            const a = await consumerWithChat('Vibhuti Khand', F1);
            const b = await consumerWithChat('Vibhuti Khand', 'VIBHUTIKHAND-F2');
            await consumerWithChat('Viraj Khand', null);
            const je = await officialId('je.vibhutikhand');
            await bot.app.shutdowns.create(input({ feederCode: null, startsAt: inHours(12), endsAt: inHours(14) }), je);
            const cancelled = await bot.app.shutdowns.create(input({ startsAt: inHours(13), endsAt: inHours(15) }), je);
            await bot.app.shutdowns.cancel(cancelled.id, je);
            const result = await bot.app.shutdowns.queueDayBeforeNotices();
            assert.deepEqual(result, { notices: 1, recipients: 2 });
            assert.deepEqual(
                (await queuedFor()).map((r) => r.identityId),
                [a, b]
            );
            assert.deepEqual(await bot.app.shutdowns.queueDayBeforeNotices(), { notices: 0, recipients: 0 });
        });
    });
});
