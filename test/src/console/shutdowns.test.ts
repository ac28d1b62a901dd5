import { strict as assert } from 'assert';
import { PlannedShutdown } from '../../../src/data/entities/PlannedShutdown';
import { BotServer } from '../../../src/server';
import { ConsoleClient, csrfOf, flashOf, startConsoleServer } from '../../support/ConsoleClient';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

/** References of the shutdowns table of a page, with their state. */
function rowsOf(page: string): Array<[string, string]> {
    return [...page.matchAll(/<tr data-reference="([^"]+)" data-state="([a-z]+)">/g)].map((m) => [m[1], m[2]]);
}

/** The subdivisions the add form offers. */
function subdivisionsOffered(page: string): string[] {
    const select = /<select id="shutdown-subdivision"[^>]*>([\s\S]*?)<\/select>/.exec(page);
    assert.ok(select, 'the page has the add form');
    return [...select[1].matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
}

/**
 * The planned shutdowns page of the console over real HTTP: an official adds one in a subdivision of their scope and
 * cancels it; a POST without the CSRF token, for a subdivision outside the scope, or cancelling another area's
 * shutdown is refused and changes nothing; wrong times are shown back with a message; typed text is escaped.
 */
describe('planned shutdowns in the console', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let clock: ManualClock;
    let server: BotServer;
    let base: string;

    beforeEach(async () => {
        clock = new ManualClock(); // 2026-11-20 10:00 India time
        bot = await TestBot.create({ overrides: { now: clock.now } });
        server = await startConsoleServer(bot.app, clock.now);
        base = `http://127.0.0.1:${server.port}`;
    });
    afterEach(async () => {
        await server.close();
        await bot.close();
    });

    async function signedIn(username: string, password: string): Promise<ConsoleClient> {
        const client = new ConsoleClient(base);
        await client.signIn(username, password);
        assert.equal((await client.get('/console/language/en?next=%2Fconsole')).status, 303);
        return client;
    }
    const stored = () => bot.dataSource.getRepository(PlannedShutdown).find({ order: { id: 'ASC' } });
    const form = (overrides: Record<string, string> = {}) => ({
        subdivision: 'Vibhuti Khand',
        feederCode: 'vibhutikhand-f1',
        startsAt: '2026-11-21T10:00',
        endsAt: '2026-11-21T14:00',
        reason: 'line maintenance',
        ...overrides,
    });

    it('a JE adds a shutdown of their subdivision (India time) and cancels it', async () => {
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const page = await je.get('/console/shutdowns');
        assert.equal(page.status, 200);
        assert.match(page.text, /id="nav-shutdowns"/);
        assert.match(page.text, /id="shutdowns-empty"/);
        assert.deepEqual(subdivisionsOffered(page.text), ['Vibhuti Khand']);

        const added = await je.submit('/console/shutdowns', '/console/shutdowns', form());
        assert.equal(added.status, 200);
        const [shutdown] = await stored();
        assert.match(flashOf(added.text) ?? '', new RegExp(`Shutdown ${shutdown.reference} added`));
        assert.deepEqual(rowsOf(added.text), [[shutdown.reference, 'upcoming']]);
        assert.equal(shutdown.startsAt.toISOString(), '2026-11-21T04:30:00.000Z');
        assert.equal(shutdown.endsAt.toISOString(), '2026-11-21T08:30:00.000Z');
        assert.equal(shutdown.feederCode, 'VIBHUTIKHAND-F1');
        assert.match(added.text, /feeder VIBHUTIKHAND-F1/);

        const cancelled = await je.submit('/console/shutdowns', `/console/shutdowns/${shutdown.id}/cancel`);
        assert.match(flashOf(cancelled.text) ?? '', new RegExp(`Shutdown ${shutdown.reference} cancelled`));
        assert.deepEqual(rowsOf(cancelled.text), [[shutdown.reference, 'cancelled']]);
        assert.ok((await stored())[0].cancelledAt);
    });

    it('refuses a POST without the CSRF token and one for a subdivision outside the scope, and changes nothing', async () => {
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const noToken = await je.post('/console/shutdowns', form());
        assert.equal(noToken.status, 403);
        const token = csrfOf((await je.get('/console/shutdowns')).text);
        const outside = await je.post('/console/shutdowns', { _csrf: token, ...form({ subdivision: 'Viraj Khand', feederCode: '' }) });
        assert.equal(outside.status, 403);
        const otherDiscom = await je.post('/console/shutdowns', { _csrf: token, ...form({ subdivision: 'Shastri Nagar', feederCode: '' }) });
        assert.equal(otherDiscom.status, 403);
        assert.deepEqual(await stored(), []);

        // The SDO above may: the division's subdivisions are offered.
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const page = await sdo.get('/console/shutdowns');
        assert.ok(subdivisionsOffered(page.text).includes('Viraj Khand') && subdivisionsOffered(page.text).includes('Vibhuti Khand'));
        await sdo.submit('/console/shutdowns', '/console/shutdowns', form({ subdivision: 'Viraj Khand', feederCode: '' }));
        assert.deepEqual(
            (await stored()).map((s) => s.subdivision),
            ['Viraj Khand']
        );
    });

    it('another area’s official neither sees nor cancels a shutdown', async () => {
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        await je.submit('/console/shutdowns', '/console/shutdowns', form());
        const [shutdown] = await stored();
        const meerut = await signedIn('je.shastrinagar', 'demo-je-2');
        const page = await meerut.get('/console/shutdowns');
        assert.deepEqual(rowsOf(page.text), []);
        const refused = await meerut.post(`/console/shutdowns/${shutdown.id}/cancel`, { _csrf: csrfOf(page.text) });
        assert.equal(refused.status, 404);
        assert.equal((await stored())[0].cancelledAt, null);
    });

    it('shows wrong times back with a message, and escapes what was typed', async () => {
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const token = csrfOf((await je.get('/console/shutdowns')).text);
        const backwards = await je.post('/console/shutdowns', { _csrf: token, ...form({ endsAt: '2026-11-21T09:00', reason: '<b>work</b> "here"' }) });
        assert.equal(backwards.status, 422);
        assert.match(backwards.text, /id="shutdown-error">The end must be after the start/);
        assert.match(backwards.text, /value="&lt;b&gt;work&lt;\/b&gt; &quot;here&quot;"/);
        assert.doesNotMatch(backwards.text, /<b>work<\/b>/);
        const past = await je.post('/console/shutdowns', { _csrf: token, ...form({ startsAt: '2026-11-19T10:00', endsAt: '2026-11-19T12:00' }) });
        assert.equal(past.status, 422);
        assert.match(past.text, /The start is in the past/);
        const long = await je.post('/console/shutdowns', { _csrf: token, ...form({ endsAt: '2026-11-22T12:00' }) });
        assert.match(long.text, /at most 24 hours/);
        const garbled = await je.post('/console/shutdowns', { _csrf: token, ...form({ startsAt: 'tomorrow' }) });
        assert.match(garbled.text, /Give the start and the end as a date and time/);
        assert.deepEqual(await stored(), []);

        await je.submit('/console/shutdowns', '/console/shutdowns', form({ reason: '<script>alert(1)</script>' }));
        const list = await je.get('/console/shutdowns');
        assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
        assert.doesNotMatch(list.text, /<script>alert/);
    });
});
