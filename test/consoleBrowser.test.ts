import { strict as assert } from 'assert';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createEmulatorAdapter } from '../adapters/emulator/createEmulatorAdapter';
import { Complaint } from '../src/data/entities/Complaint';
import { ComplaintEvent } from '../src/data/entities/ComplaintEvent';
import { RecordingNotifier } from '../src/services/ComplaintNotifier';
import { BotServer, startServer } from '../src/server';
import { launchChromium } from './support/browser';
import { TestBot } from './support/TestBot';

/**
 * The console in real headless Chromium (Debian's package, driven by playwright-core): what an official does, with
 * the browser's own cookie, form and redirect handling, CSP enforcement and rendering. Fails, never skips, when
 * Chromium is missing.
 */
describe('officials\' console in headless Chromium', function () {
    this.timeout(120_000);
    let bot: TestBot;
    let server: BotServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let base: string;
    let complaint: Complaint;
    const pageErrors: string[] = [];

    before(async () => {
        // First, so a missing browser fails the suite with its clear message before anything else is built.
        browser = await launchChromium();
        bot = await TestBot.create({ overrides: { notifier: new RecordingNotifier() } });
        const registered = await bot.app.services.complaints.register({
            accountNumber: '1234567890', category: 'no_supply', description: 'No light in the whole lane since 6 am <b>urgent</b>',
            address: null, contactMobile: null, channel: 'test', channelUserId: 'browser-user', sourceActivityKey: null,
        });
        complaint = await bot.app.lifecycle.start(registered);
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: { secureCookies: false } });
        base = `http://127.0.0.1:${server.port}`;
        context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
        page = await context.newPage();
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
    });

    after(async () => {
        await context?.close();
        await browser?.close();
        await server?.close();
        await bot?.close();
    });

    it('sends an official without a session to the sign-in page, and signs in', async () => {
        await page.goto(`${base}/console`);
        assert.match(page.url(), /\/console\/sign-in\?next=%2Fconsole$/);
        await page.fill('#username', 'je.vibhutikhand');
        await page.fill('#password', 'demo-je-1');
        await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
        const cookies = await context.cookies();
        const session = cookies.find((c) => c.name === 'bm_session');
        assert.ok(session, 'the browser keeps the session cookie');
        assert.equal(session.httpOnly, true);
        assert.equal(session.sameSite, 'Strict');
        assert.equal(session.path, '/console');
        assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), '', 'not readable by scripts');
    });

    it('shows the queue in the official\'s own language (Hindi) with the registered complaint', async () => {
        assert.equal(await page.getAttribute('html', 'lang'), 'hi');
        assert.equal((await page.textContent('h1'))?.trim(), 'शिकायत सूची');
        const row = page.locator(`tr[data-ticket="${complaint.ticket}"]`);
        assert.equal(await row.count(), 1);
        const text = await row.innerText();
        assert.match(text, /बिजली नहीं आ रही/);
        assert.match(text, /Vibhuti Khand/);
        assert.match(text, /सौंपी गई/);
        assert.match(text, /Amit Kumar Verma \(JE\)/);
        assert.match(text, /बाकी/, 'the SLA countdown');
    });

    it('switches to English, opens the complaint and resolves it with a note; the status and history change', async () => {
        await Promise.all([page.waitForURL(`${base}/console`), page.click('#language-switch')]);
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        assert.equal((await page.textContent('h1'))?.trim(), 'Complaint queue');
        await Promise.all([page.waitForURL(`${base}/console/complaints/${complaint.ticket}`), page.click(`a:text("${complaint.ticket}")`)]);
        assert.equal((await page.textContent('h1'))?.trim(), `Complaint ${complaint.ticket}`);
        assert.equal((await page.textContent('#detail-status'))?.trim(), 'Assigned');
        // The consumer's markup is shown as text, not rendered.
        assert.equal((await page.textContent('#detail-description'))?.trim(), 'No light in the whole lane since 6 am <b>urgent</b>');
        assert.equal(await page.locator('#detail-description b').count(), 0);

        await page.fill('#resolve-note', 'Fuse replaced at the pole; supply restored at 11:40');
        await Promise.all([page.waitForURL(`${base}/console/complaints/${complaint.ticket}`), page.click('#resolve-submit')]);
        assert.match((await page.textContent('#flash')) ?? '', new RegExp(`Complaint ${complaint.ticket} marked resolved`));
        assert.equal((await page.textContent('#detail-status'))?.trim(), 'Resolved');
        const history = await page.locator('#history tbody tr').allInnerTexts();
        assert.equal(history.length, 3);
        assert.match(history[0], /Registered\s+Consumer/);
        assert.match(history[1], /Assigned\s+System \(automatic\)/);
        assert.match(history[2], /Resolved\s+Amit Kumar Verma \(JE\)\s+Fuse replaced at the pole; supply restored at 11:40/);
        assert.equal(await page.locator('#form-resolve').count(), 0, 'no resolve form on a resolved complaint');

        const stored = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id });
        assert.equal(stored.status, 'resolved');
        const events = await bot.dataSource.getRepository(ComplaintEvent).find({ where: { complaintId: complaint.id }, order: { id: 'ASC' } });
        assert.equal(events.at(-1)!.note, 'Fuse replaced at the pole; supply restored at 11:40');
    });

    it('switches back to Hindi and shows Hindi labels on the same page', async () => {
        await Promise.all([page.waitForURL(`${base}/console/complaints/${complaint.ticket}`), page.click('#language-switch')]);
        assert.equal(await page.getAttribute('html', 'lang'), 'hi');
        assert.equal((await page.textContent('h1'))?.trim(), `शिकायत ${complaint.ticket}`);
        assert.equal((await page.textContent('#detail-status'))?.trim(), 'समाधान हुआ');
        const headings = await page.locator('#history thead th').allInnerTexts();
        assert.deepEqual(headings.map((h) => h.trim()), ['समय', 'स्थिति', 'किसके द्वारा', 'टिप्पणी']);
        assert.match(await page.locator('nav').innerText(), /शिकायत सूची[\s\S]*डैशबोर्ड[\s\S]*English[\s\S]*साइन आउट/);
    });

    it('shows the dashboard with its chart, and the queue no longer lists the resolved complaint', async () => {
        await page.click('#nav-dashboard');
        await page.waitForURL(`${base}/console/dashboard`);
        assert.equal((await page.textContent('#stat-open'))?.trim(), '0');
        assert.equal((await page.textContent('#stat-resolved'))?.trim(), '1');
        assert.equal(await page.locator('svg#chart-median rect').count(), 1);
        const box = await page.locator('svg#chart-median').boundingBox();
        assert.ok(box && box.width > 100 && box.height > 10, 'the chart is drawn');
        await page.click('#nav-queue');
        await page.waitForURL(`${base}/console`);
        assert.equal(await page.locator(`tr[data-ticket="${complaint.ticket}"]`).count(), 0);
        assert.equal(await page.locator('#queue-empty').count(), 1);
    });

    it('signs out, after which the console needs signing in again', async () => {
        await Promise.all([page.waitForURL(/\/console\/sign-in/), page.click('#sign-out')]);
        assert.match((await page.textContent('#sign-in-message')) ?? '', /साइन आउट/);
        await page.goto(`${base}/console`);
        assert.match(page.url(), /\/console\/sign-in/);
        assert.deepEqual(pageErrors, [], 'no script or CSP errors in the pages');
    });
});
