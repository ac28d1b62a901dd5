import { strict as assert } from 'assert';
import { Browser, BrowserContext } from 'playwright-core';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { Official } from '../../../src/data/entities/Official';
import { BotServer } from '../../../src/server';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { launchChromium } from '../../support/browser';
import { ConsoleClient, csrfOf, flashOf, startConsoleServer } from '../../support/ConsoleClient';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const HOUR = 3600_000;

/** Tickets of the triage table of a page. */
function triageTickets(page: string): string[] {
    return [...page.matchAll(/<tr data-ticket="([^"]+)"/g)].map((m) => m[1]);
}

/** Tickets of the complaint queue of a page. */
function queueTickets(page: string): string[] {
    return [...page.matchAll(/<tr class="[^"]*" data-ticket="([^"]+)">/g)].map((m) => m[1]);
}

/** Official ids offered in the JE list of one triage row. */
function engineersOffered(page: string, ticket: string): number[] {
    const row = new RegExp(`<tr data-ticket="${ticket}"[\\s\\S]*?</tr>`).exec(page);
    assert.ok(row, `row ${ticket} is on the page`);
    return [...row[0].matchAll(/<option value="(\d+)">/g)].map((m) => Number(m[1]));
}

/**
 * The triage desk in the console, over HTTP and once in Chromium: a complaint without an account that names a
 * Varanasi place no subdivision matches lands on PuVVNL's desk and never in the Lucknow CE's queue (the issue's
 * example); the desk's official sees only their discom's complaints and places one with a real list of the discom's
 * JEs, which starts its SLA from the standards and tells the JE and the consumer; crafted POSTs naming anyone outside
 * the list, another discom's complaint, or coming from a non-triage official are refused and change nothing.
 */
describe('triage desk in the console', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let clock: ManualClock;
    let notifier: RecordingNotifier;
    let server: BotServer;
    let base: string;

    beforeEach(async () => {
        clock = new ManualClock();
        notifier = new RecordingNotifier();
        bot = await TestBot.create({ config: { triageDueHours: 4 }, overrides: { notifier, now: clock.now } });
        server = await startConsoleServer(bot.app, clock.now);
        base = `http://127.0.0.1:${server.port}`;
    });
    afterEach(async () => {
        await server.close();
        await bot.close();
    });

    const official = (username: string) => bot.dataSource.getRepository(Official).findOneByOrFail({ username });
    const reload = (id: number) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id });
    const eventCount = (id: number) => bot.dataSource.getRepository(ComplaintEvent).countBy({ complaintId: id });

    /** A complaint without an account in `district`, registered and started as the bot does. */
    async function withoutAccount(district: string, address: string): Promise<Complaint> {
        const complaint = await bot.app.services.complaints.register({
            accountNumber: null,
            category: 'no_supply',
            description: 'No light since morning in the whole lane',
            address,
            district,
            contactMobile: '9876543210',
            channel: 'test',
            channelUserId: `u-${district}-${address.length}`,
            sourceActivityKey: null,
            language: 'en',
        });
        return bot.app.lifecycle.start(complaint);
    }

    async function signedIn(username: string, password: string): Promise<ConsoleClient> {
        const client = new ConsoleClient(base);
        await client.signIn(username, password);
        // The pages in English, whatever the official's own language.
        assert.equal((await client.get('/console/language/en?next=%2Fconsole')).status, 303);
        return client;
    }

    it('a Varanasi complaint nobody can own is on PuVVNL’s desk, never in the Lucknow CE’s queue', async () => {
        const varanasi = await withoutAccount('varanasi', 'Mandir wali gali, Sarnath');
        const lucknow = await withoutAccount('lucknow', 'Behind the old mill, Aishbagh');
        assert.deepEqual([varanasi.discom, varanasi.assignedOfficialId], ['PuVVNL', null]);
        assert.deepEqual([lucknow.discom, lucknow.assignedOfficialId], ['MVVNL', null]);

        const ce = await signedIn('ce.lucknow', 'demo-ce-1');
        const queue = await ce.get('/console?status=all');
        assert.ok(queueTickets(queue.text).includes(lucknow.ticket), 'his own discom’s unplaced complaint is his to see');
        assert.ok(!queueTickets(queue.text).includes(varanasi.ticket), 'not Varanasi’s');
        assert.equal((await ce.get(`/console/complaints/${varanasi.ticket}`)).status, 404);
        const desk = await ce.get('/console/triage');
        assert.equal(desk.status, 200, 'a CE may place his discom’s complaints (escalation reaches him)');
        assert.deepEqual(triageTickets(desk.text), [lucknow.ticket]);

        const triage = await signedIn('triage.puvvnl', 'demo-triage-1');
        const page = await triage.get('/console/triage');
        assert.equal(page.status, 200);
        assert.deepEqual(triageTickets(page.text), [varanasi.ticket]);
        assert.match(page.text, /Varanasi/);
        assert.match(page.text, /place within 4h 0m/);
        // The real list: PuVVNL's JEs with a subdivision in its hierarchy, nobody of another discom.
        const puvvnlJes = await bot.dataSource.getRepository(Official).findBy({ discom: 'PuVVNL', level: 'JE', active: true });
        assert.ok(puvvnlJes.length > 1 && puvvnlJes.some((o) => o.username === 'je.rajatalab'));
        assert.deepEqual(
            [...engineersOffered(page.text, varanasi.ticket)].sort((a, b) => a - b),
            puvvnlJes.map((o) => o.id).sort((a, b) => a - b)
        );
        assert.match(page.text, /Rajatalab · Dharmendra Patel \(JE\)/);

        // A JE without the triage role has no desk.
        const je = await signedIn('je.rajatalab', 'demo-je-3');
        assert.equal((await je.get('/console/triage')).status, 404);
        assert.doesNotMatch((await je.get('/console')).text, /id="nav-triage"/);
    });

    it('placing gives it to the chosen JE, starts its SLA from the standards and tells the JE and the consumer', async () => {
        const complaint = await withoutAccount('varanasi', 'Mandir wali gali, Sarnath');
        clock.advance(1);
        const triage = await signedIn('triage.puvvnl', 'demo-triage-1');
        const rajatalab = await official('je.rajatalab');
        const answer = await triage.post(`/console/triage/${complaint.id}/place`, { _csrf: await triage.csrf('/console/triage'), je: String(rajatalab.id) });
        assert.equal(answer.status, 303);
        const page = await triage.get('/console/triage');
        assert.match(flashOf(page.text) ?? '', /is now with the chosen JE/);
        assert.deepEqual(triageTickets(page.text), []);

        const placed = await reload(complaint.id);
        assert.deepEqual([placed.status, placed.assignedOfficialId, placed.subdivision, placed.triageDueAt], ['assigned', rajatalab.id, 'Rajatalab', null]);
        assert.equal(placed.placedAt!.getTime(), clock.now().getTime());
        const limit = bot.app.lifecycle.limitFor('no_supply', 'urban');
        assert.equal(placed.dueAt!.getTime() - placed.placedAt!.getTime(), limit.hours * HOUR, 'its SLA runs from the placing');
        const told = notifier.sent.filter((n) => n.complaintId === complaint.id).map((n) => [n.to, n.text.key, n.officialId ?? null]);
        assert.deepEqual(told.slice(-2), [
            ['official', 'officials:assigned', rajatalab.id],
            ['consumer', 'status:notice.placed', null],
        ]);
        const je = await signedIn('je.rajatalab', 'demo-je-3');
        assert.ok(queueTickets((await je.get('/console')).text).includes(complaint.ticket), 'in the JE’s own queue now');
        // A second placing changes nothing.
        const again = await triage.post(`/console/triage/${complaint.id}/place`, { _csrf: await triage.csrf('/console/triage'), je: String(rajatalab.id) });
        assert.equal(again.status, 303);
        assert.match(flashOf((await triage.get('/console/triage')).text) ?? '', /choose one of the engineers in the list/);
        assert.equal((await reload(complaint.id)).assignedOfficialId, rajatalab.id);
    });

    it('refuses crafted POSTs: someone outside the list, another discom’s complaint, a non-triage official', async () => {
        const complaint = await withoutAccount('varanasi', 'Mandir wali gali, Sarnath');
        const lucknow = await withoutAccount('lucknow', 'Behind the old mill, Aishbagh');
        const before = [await eventCount(complaint.id), await eventCount(lucknow.id)];
        const triage = await signedIn('triage.puvvnl', 'demo-triage-1');
        const token = await triage.csrf('/console/triage');
        for (const je of [await official('je.vibhutikhand'), await official('sdo.varanasirural'), await official('ce.varanasi')]) {
            const answer = await triage.post(`/console/triage/${complaint.id}/place`, { _csrf: token, je: String(je.id) });
            assert.equal(answer.status, 303);
            assert.match(flashOf((await triage.get('/console/triage')).text) ?? '', /choose one of the engineers in the list/, `refused: ${je.username}`);
        }
        for (const je of ['', 'abc', '99999']) await triage.post(`/console/triage/${complaint.id}/place`, { _csrf: token, je });
        // Another discom's complaint is not found for this desk.
        const rajatalab = await official('je.rajatalab');
        assert.equal((await triage.post(`/console/triage/${lucknow.id}/place`, { _csrf: token, je: String(rajatalab.id) })).status, 404);
        // A JE of the discom without the triage role.
        const je = await signedIn('je.rajatalab', 'demo-je-3');
        assert.equal((await je.post(`/console/triage/${complaint.id}/place`, { _csrf: await je.csrf(), je: String(rajatalab.id) })).status, 404);
        // Without the CSRF token.
        assert.equal((await triage.post(`/console/triage/${complaint.id}/place`, { je: String(rajatalab.id) })).status, 403);

        for (const [id, count] of [
            [complaint.id, before[0]],
            [lucknow.id, before[1]],
        ]) {
            const row = await reload(id);
            assert.deepEqual([row.assignedOfficialId, row.status, row.dueAt], [null, 'registered', null], 'unchanged');
            assert.equal(await eventCount(id), count, 'no history written');
        }
        assert.ok(!notifier.sent.some((n) => n.text.key === 'officials:assigned' || n.text.key === 'status:notice.placed'));
    });

    describe('in Chromium', () => {
        let browser: Browser;
        let context: BrowserContext;
        before(async () => {
            browser = await launchChromium();
        });
        after(async () => {
            await context?.close();
            await browser?.close();
        });

        it('the triage official places a complaint from the triage page', async () => {
            const complaint = await withoutAccount('varanasi', 'Mandir wali gali, Sarnath');
            context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
            const page = await context.newPage();
            const errors: string[] = [];
            page.on('pageerror', (error) => errors.push(error.message));
            await page.goto(`${base}/console`);
            await page.fill('#username', 'triage.puvvnl');
            await page.fill('#password', 'demo-triage-1');
            await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
            await Promise.all([page.waitForURL(`${base}/console`), page.click('#language-switch')]);
            await Promise.all([page.waitForURL(`${base}/console/triage`), page.click('#nav-triage')]);
            const row = page.locator(`tr[data-ticket="${complaint.ticket}"]`);
            assert.match((await row.innerText()).replace(/\s+/g, ' '), /Varanasi.*Mandir wali gali, Sarnath/);
            await row.locator('select').selectOption({ label: 'Rajatalab · Dharmendra Patel (JE)' });
            await Promise.all([page.waitForURL(`${base}/console/triage`), row.locator('button').click()]);
            assert.match(await page.locator('#flash').innerText(), /is now with the chosen JE/);
            assert.equal(await page.locator('#no-triage').count(), 1);
            assert.equal((await reload(complaint.id)).assignedOfficialId, (await official('je.rajatalab')).id);
            assert.deepEqual(errors, []);
            assert.ok(csrfOf(await page.content()));
        });
    });
});
