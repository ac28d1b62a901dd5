import { strict as assert } from 'assert';
import { ConfigError, loadConfig } from '../../../src/config';
import { afterOpenHours, dailyHoursText, withinDailyHours } from '../../../src/services/dailyHours';

/** A moment given in India time (UTC+05:30). */
const ist = (text: string) => new Date(`${text}+05:30`);

describe('daily hours (India time)', () => {
    const office = { from: 8 * 60, to: 20 * 60 };
    const night = { from: 22 * 60, to: 6 * 60 + 30 };

    it('tells whether a moment is within them, also for hours that run past midnight', () => {
        assert.equal(withinDailyHours(office, ist('2026-11-20T08:00:00')), true);
        assert.equal(withinDailyHours(office, ist('2026-11-20T19:59:00')), true);
        assert.equal(withinDailyHours(office, ist('2026-11-20T20:00:00')), false);
        assert.equal(withinDailyHours(night, ist('2026-11-20T23:30:00')), true);
        assert.equal(withinDailyHours(night, ist('2026-11-21T06:00:00')), true);
        assert.equal(withinDailyHours(night, ist('2026-11-21T12:00:00')), false);
        assert.equal(dailyHoursText(night), '22:00–06:30');
    });

    it('counts only open time: within a day, across the closing, from before the opening, and over several days', () => {
        assert.deepEqual(afterOpenHours(ist('2026-11-20T10:00:00'), 2, office), ist('2026-11-20T12:00:00'));
        assert.deepEqual(afterOpenHours(ist('2026-11-20T19:30:00'), 2, office), ist('2026-11-21T09:30:00'));
        assert.deepEqual(afterOpenHours(ist('2026-11-20T03:00:00'), 2, office), ist('2026-11-20T10:00:00'));
        assert.deepEqual(afterOpenHours(ist('2026-11-20T21:00:00'), 30, office), ist('2026-11-23T14:00:00'));
        assert.deepEqual(afterOpenHours(ist('2026-11-20T05:00:00'), 3, night), ist('2026-11-20T23:30:00'));
        assert.deepEqual(afterOpenHours(ist('2026-11-20T12:00:00'), 0, office), ist('2026-11-20T12:00:00'));
    });

    it('CALLBACK_HOURS defaults to 08:00-20:00, takes off, and refuses a malformed value by name', () => {
        assert.deepEqual(loadConfig({}, null).callbackHours, office);
        assert.equal(loadConfig({ CALLBACK_HOURS: 'off' }, null).callbackHours, null);
        assert.throws(
            () => loadConfig({ CALLBACK_HOURS: '9 to 5' }, null),
            (e: ConfigError) => /CALLBACK_HOURS must be HH:MM-HH:MM/.test(e.message)
        );
    });
});
