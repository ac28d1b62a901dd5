import { strict as assert } from 'assert';
import { Broadcast } from '../../src/data/entities/Broadcast';
import { Complaint } from '../../src/data/entities/Complaint';
import { Scheduler, SchedulerParts } from '../../src/Scheduler';
import { LUCKNOW, sayAll } from '../support/dialogKit';
import { TestBot } from '../support/TestBot';

/** The server's timers, driven pass by pass against the real application and database. */
describe('scheduler', () => {
    let bot: TestBot;
    beforeEach(async () => {
        bot = await TestBot.create();
    });
    afterEach(async () => {
        await bot.close();
    });

    const schedulerOf = (parts: SchedulerParts, resumed: string[] = []) =>
        new Scheduler(parts, [{ resumeUnprocessed: async () => (resumed.push('swept'), 0) }], async () => undefined, {
            intervalSeconds: 60,
            billReminderDaysBefore: 5,
        });

    it('escalates a complaint past its due time, and queues the bill reminders once a day however many passes run', async () => {
        const user = bot.conversation();
        await sayAll(user, ['english', 'no power since morning in our street', LUCKNOW.account, 'yes']);
        const repository = bot.dataSource.getRepository(Complaint);
        const [complaint] = await repository.find();
        await repository.update(complaint.id, { dueAt: new Date(Date.now() - 3600_000), nextEscalationAt: new Date(Date.now() - 60_000) });

        const scheduler = schedulerOf(bot.app);
        const day = new Date('2026-11-10T06:00:00+05:30');
        await scheduler.pass(day);
        await scheduler.pass(day);
        await scheduler.pass(new Date('2026-11-10T23:00:00+05:30'));
        const escalated = await repository.findOneByOrFail({ id: complaint.id });
        assert.ok(escalated.escalationLevel > complaint.escalationLevel, 'escalated one level');
        assert.equal(await bot.dataSource.getRepository(Broadcast).countBy({ kind: 'bill_reminder' }), 1, 'one run that day');
        await scheduler.pass(new Date('2026-11-11T06:00:00+05:30'));
        assert.equal(await bot.dataSource.getRepository(Broadcast).countBy({ kind: 'bill_reminder' }), 2, 'the next day has its own run');
    });

    it('skips a pass while the previous one runs, and logs a failed pass instead of throwing; the next pass runs', async () => {
        let ticks = 0;
        let release!: () => void;
        const slow = new Promise<void>((resolve) => (release = resolve));
        let failNext = false;
        const parts: SchedulerParts = {
            ...bot.app,
            lifecycle: {
                tick: async () => {
                    ticks += 1;
                    if (failNext) throw new Error('database gone');
                    await slow;
                    return { escalated: 0, reminded: 0, unconfirmed: 0 };
                },
            },
        };
        const scheduler = schedulerOf(parts);
        const first = scheduler.pass();
        await scheduler.pass();
        assert.equal(ticks, 1, 'the second pass did not start while the first ran');
        release();
        await first;
        failNext = true;
        await scheduler.pass();
        assert.ok(bot.logLines.some((line) => /scheduler pass failed/.test(line) && /database gone/.test(line)));
        failNext = false;
        await scheduler.pass();
        assert.equal(ticks, 3);
    });

    it('sweeps every channel for interrupted deliveries, and stop() leaves no timer running', async () => {
        const resumed: string[] = [];
        const scheduler = schedulerOf(bot.app, resumed);
        await scheduler.resume();
        assert.deepEqual(resumed, ['swept']);
        scheduler.start();
        scheduler.stop();
        assert.equal((scheduler as unknown as { timers: unknown[] }).timers.length, 0);
    });
});
