import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { Incident } from '../../src/data/entities/Incident';
import { Official } from '../../src/data/entities/Official';
import { PlannedShutdown } from '../../src/data/entities/PlannedShutdown';
import { formatDateTime } from '../../src/i18n/format';
import { count, englishUser, hindiUser, joined, LUCKNOW, MEERUT, sayAll, ticketIn } from '../support/dialogKit';
import { ManualClock } from '../support/ManualClock';
import { TestBot } from '../support/TestBot';

const HOUR = 3600_000;

/**
 * A no-supply report from an account whose area is in a planned shutdown is answered with the schedule (end, reason)
 * and registers nothing, neither a complaint nor an incident; before or after the window, from another area, or about
 * a fault that is not a supply outage, it registers as usual. Real dialogs and database, controlled clock.
 */
describe('dialogs: a no-supply report during a planned shutdown', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let clock: ManualClock;
    let shutdown: PlannedShutdown;

    beforeEach(async () => {
        clock = new ManualClock(); // 2026-11-20 10:00 India time
        bot = await TestBot.create({ overrides: { now: clock.now } });
        const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
        // The Lucknow demo account is on feeder VIBHUTIKHAND-F1.
        shutdown = await bot.app.shutdowns.create(
            {
                discom: 'MVVNL',
                subdivision: 'Vibhuti Khand',
                feederCode: 'VIBHUTIKHAND-F1',
                startsAt: new Date(clock.now().getTime() + HOUR),
                endsAt: new Date(clock.now().getTime() + 5 * HOUR),
                reason: 'line maintenance',
            },
            je.id
        );
    });
    afterEach(async () => {
        await bot.close();
    });

    it('answers with the end time and reason, registers nothing, and says what to do after', async () => {
        clock.advance(2);
        const user = await englishUser(bot);
        const replies = joined(await sayAll(user, ['no power since morning in our street', LUCKNOW.account]));
        assert.match(replies, /planned shutdown/);
        assert.ok(replies.includes(formatDateTime(shutdown.endsAt, 'en')), replies);
        assert.match(replies, /line maintenance/);
        assert.ok(replies.includes(shutdown.reference));
        assert.match(replies, /still off after .* write to me again/);
        assert.match(replies, /sparking meter/);
        assert.doesNotMatch(replies, /Vibhuti Khand/, 'the area of an account not proven to be theirs is not named');
        assert.equal(ticketIn(replies), null);
        assert.equal(await count(bot, Complaint), 0);
        assert.equal(await count(bot, Incident), 0);

        // The conversation goes on: a fault at the house itself is still registered.
        const meter = joined(await sayAll(user, ['my meter is running too fast', LUCKNOW.account, 'yes']));
        assert.doesNotMatch(meter, /planned shutdown/);
        assert.ok(ticketIn(meter), `registered: ${meter}`);
        assert.deepEqual(
            (await bot.dataSource.getRepository(Complaint).find()).map((c) => c.category),
            ['meter']
        );
    });

    it('still registers a report that speaks of danger, such as a transformer on fire', async () => {
        clock.advance(2);
        const user = await englishUser(bot);
        const replies = joined(await sayAll(user, ['the transformer is on fire and there is no power', LUCKNOW.account, 'yes']));
        assert.doesNotMatch(replies, /planned shutdown/);
        assert.ok(ticketIn(replies), `registered: ${replies}`);
    });

    it('answers in Hindi for a Hindi speaker', async () => {
        clock.advance(2);
        const user = await hindiUser(bot);
        const replies = joined(await sayAll(user, ['subah se light nahi hai', LUCKNOW.account]));
        assert.match(replies, /नियोजित कटौती/);
        assert.ok(replies.includes(formatDateTime(shutdown.endsAt, 'hi')), replies);
        assert.equal(await count(bot, Complaint), 0);
    });

    it('registers as usual before the window, after it, from another area, and once cancelled', async () => {
        const report = async (account: string) => {
            const user = await englishUser(bot);
            const replies = joined(await sayAll(user, ['no power since morning in our street', account, 'yes']));
            assert.doesNotMatch(replies, /planned shutdown/);
            assert.ok(ticketIn(replies), `registered: ${replies}`);
        };
        await report(LUCKNOW.account); // an hour before it starts
        clock.advance(2);
        await report(MEERUT.account); // during it, another discom's account
        clock.advance(4);
        await bot.dataSource.getRepository(Complaint).clear();
        await report(LUCKNOW.account); // after the end
        const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
        const later = await bot.app.shutdowns.create(
            { discom: 'MVVNL', subdivision: 'Vibhuti Khand', startsAt: clock.now(), endsAt: new Date(clock.now().getTime() + HOUR), reason: 'tree trimming' },
            je.id
        );
        await bot.app.shutdowns.cancel(later.id, je.id);
        await bot.dataSource.getRepository(Complaint).clear();
        await report(LUCKNOW.account); // cancelled
    });
});
