import { startConsoleServer } from '../../support/ConsoleClient';
import { strict as assert } from 'assert';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { Broadcast } from '../../../src/data/entities/Broadcast';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { BotServer, startServer } from '../../../src/server';
import { setOfficialPassword } from '../../../src/console/officialAccounts';
import { Official } from '../../../src/data/entities/Official';
import { MediaFetchError } from '../../../adapters/shared/MediaFetchError';
import { launchChromium } from '../../support/browser';
import { TestBot } from '../../support/TestBot';

/**
 * The console in real headless Chromium (Debian's package, driven by playwright-core): what an official does, with
 * the browser's own cookie, form and redirect handling, CSP enforcement and rendering. Fails, never skips, when
 * Chromium is missing.
 */
/** A valid 2×1 PNG: a natural width of 2 proves the browser loaded and decoded this very file. */
const PNG_2X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGM4IQcEJwAHIwIJ5FiIOQAAAABJRU5ErkJggg==', 'base64');

describe("officials' console in headless Chromium", function () {
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
            accountNumber: '1234567890',
            category: 'no_supply',
            description: 'No light in the whole lane since 6 am <b>urgent</b>',
            address: null,
            contactMobile: null,
            channel: 'test',
            channelUserId: 'browser-user',
            sourceActivityKey: null,
            problemSince: new Date('2026-11-26T06:00:00+05:30'),
            attachments: JSON.stringify(['test-media:pole-photo', 'test-media:lost']),
        });
        // The photo as the bot keeps it once downloaded (the download itself is tried against the platforms' stand-ins
        // in test/src/media): here only what Chromium makes of it matters.
        bot.app.media.register('test', {
            fetchMedia: async (reference) => {
                if (reference === 'test-media:pole-photo') return { bytes: PNG_2X1, contentType: 'image/png' };
                throw new MediaFetchError('not_found', 'gone', false);
            },
        });
        await bot.app.media.noteInbound('test', ['test-media:pole-photo', 'test-media:lost']);
        await bot.app.media.idle();
        complaint = await bot.app.lifecycle.start(registered);
        // One consumer of Vibhuti Khand who asked for area news, linked to the Lucknow demo account.
        const identity = await bot.dataSource.getRepository(ChannelIdentity).save(
            bot.dataSource.getRepository(ChannelIdentity).create({
                channel: 'whatsapp',
                channelUserId: '919415012345',
                preferredLanguage: 'hi',
                phoneNumber: '9415012345',
                lastInboundAt: null,
                subscribed: true,
                updatesOptOut: false,
                conversationRef: JSON.stringify({
                    channelId: 'whatsapp',
                    serviceUrl: 'https://whatsapp.local',
                    conversation: { id: '919415012345' },
                    user: { id: '919415012345' },
                    bot: { id: 'bijli-mitra' },
                }),
            })
        );
        await bot.dataSource
            .getRepository(AccountLink)
            .insert({ identityId: identity.id, accountNumber: '1234567890', method: 'phone_match', verifiedMobile: '9415012345' });
        server = await startConsoleServer(bot.app);
        base = `http://127.0.0.1:${server.port}`;
        context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
        page = await context.newPage();
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => {
            if (message.type() === 'error') pageErrors.push(message.text());
        });
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

    it("shows the queue in the official's own language (Hindi) with the registered complaint", async () => {
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
        // On a phone-width screen the locality and the start of the description are shown, as text, inside the screen.
        assert.equal((await row.locator('td.locality').innerText()).trim(), 'Vibhuti Khand, Gomti Nagar');
        const snippet = row.locator('td.snippet');
        assert.match(await snippet.innerText(), /No light in the whole lane since 6 am <b>urgent<\/b>/);
        assert.equal(await snippet.locator('b').count(), 0);
        for (const cell of [row.locator('td.locality'), snippet]) {
            const box = await cell.boundingBox();
            assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= 390, `within the 390 px screen: ${JSON.stringify(box)}`);
        }
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
        assert.match((await page.textContent('#detail-problem-since')) ?? '', /26 Nov 2026, 6:00 am/, 'when the consumer said it began');
        // Assigned to this JE: the numbers to call and find the connection are shown in full.
        assert.equal((await page.textContent('#detail-account'))?.trim(), '1234567890');
        assert.equal((await page.textContent('#detail-registered-mobile'))?.trim(), '9415012345');

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

    it("shows the consumer's photo, drawn by the browser under the page's policy, and says why another is missing", async () => {
        const image = page.locator('#photos img');
        assert.equal(await image.count(), 1);
        await image.evaluate((element) => (element as unknown as { decode(): Promise<void> }).decode());
        assert.equal(await image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth), 2, 'the PNG was loaded and decoded');
        assert.match((await page.textContent('#photo-1-status')) ?? '', /Photo 2 sent by the consumer: could not be fetched \(the platform no longer has it\)/);
    });

    it('switches back to Hindi and shows Hindi labels on the same page', async () => {
        await Promise.all([page.waitForURL(`${base}/console/complaints/${complaint.ticket}`), page.click('#language-switch')]);
        assert.equal(await page.getAttribute('html', 'lang'), 'hi');
        assert.equal((await page.textContent('h1'))?.trim(), `शिकायत ${complaint.ticket}`);
        assert.equal((await page.textContent('#detail-status'))?.trim(), 'समाधान हुआ');
        const headings = await page.locator('#history thead th').allInnerTexts();
        assert.deepEqual(
            headings.map((h) => h.trim()),
            ['समय', 'स्थिति', 'किसके द्वारा', 'टिप्पणी']
        );
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

    it('shows the closure quality on the dashboard, and changes its period and order with the form', async () => {
        await page.click('#nav-dashboard');
        await page.waitForURL(`${base}/console/dashboard`);
        assert.equal((await page.textContent('#closure'))?.trim(), 'समाधान की गुणवत्ता');
        // The complaint resolved above is one claim, still waiting for the consumer's answer.
        assert.equal((await page.textContent('#closure-claimed'))?.trim(), '1');
        assert.equal(await page.locator('#closure-by-official tbody tr').count(), 1);
        assert.match(await page.locator('#closure-by-official tbody tr').innerText(), /Amit Kumar Verma \(JE\)/);
        await page.selectOption('#closure-days', '90');
        await page.selectOption('#closure-sort', 'claimed');
        await Promise.all([page.waitForURL(`${base}/console/dashboard?days=90&sort=claimed`), page.click('#closure-submit')]);
        assert.equal(await page.locator('#closure-days').inputValue(), '90');
        assert.equal(await page.locator('#closure-sort').inputValue(), 'claimed');
        assert.equal((await page.textContent('#closure-claimed'))?.trim(), '1');
        const box = await page.locator('svg#chart-closure').boundingBox();
        assert.ok(box && box.width > 100, 'the closure chart is drawn');
        assert.deepEqual(pageErrors, []);
    });

    it('opens Broadcasts, posts an announcement to the subdivision and shows its report with the recipient count', async () => {
        await Promise.all([page.waitForURL(`${base}/console/broadcasts`), page.click('#nav-broadcasts')]);
        assert.equal((await page.textContent('h1'))?.trim(), 'क्षेत्र प्रसारण');
        const areas = await page.locator('#broadcast-area option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
        assert.deepEqual(areas, ['subdivision:Vibhuti Khand'], 'a JE may address only their subdivision');
        assert.equal(await page.locator('#broadcasts-empty').count(), 1);
        await page.selectOption('#broadcast-area', 'subdivision:Vibhuti Khand');
        const text = 'कल 22 नवंबर को सुबह 10 से 2 बजे तक रखरखाव के लिए बिजली बंद रहेगी। <i>असुविधा के लिए खेद है</i>';
        await page.fill('#broadcast-text', text);
        await Promise.all([page.waitForURL(new RegExp(`^${base}/console/broadcasts/\\d+$`)), page.click('#broadcast-submit')]);
        assert.equal((await page.textContent('#broadcast-recipients'))?.trim(), '1');
        assert.equal((await page.textContent('#report-recipients'))?.trim(), '1');
        assert.equal((await page.textContent('#report-queued'))?.trim(), '1');
        assert.equal((await page.textContent('#report-sent'))?.trim(), '0');
        assert.equal((await page.textContent('#broadcast-text'))?.trim(), text, 'shown as text');
        assert.equal(await page.locator('#broadcast-text i').count(), 0);
        assert.match((await page.textContent('#broadcast-area-name')) ?? '', /उपखंड: Vibhuti Khand/);
        const bar = await page.locator('svg#progress').boundingBox();
        assert.ok(bar && bar.width > 100 && bar.height > 5, 'the progress bar is drawn');

        const id = Number(/(\d+)$/.exec(page.url())![1]);
        const stored = await bot.dataSource.getRepository(Broadcast).findOneByOrFail({ id });
        assert.equal(stored.text, text);
        assert.equal(stored.recipients, 1);
        // Back on the list, the announcement is there with its counts.
        await Promise.all([page.waitForURL(`${base}/console/broadcasts`), page.click('a[href="/console/broadcasts"]:not(#nav-broadcasts)')]);
        const row = page.locator(`tr[data-broadcast="${id}"]`);
        assert.equal(await row.count(), 1);
        assert.equal((await row.locator('td[data-col="recipients"]').innerText()).trim(), '1');
    });

    it('signs out, after which the console needs signing in again', async () => {
        await Promise.all([page.waitForURL(/\/console\/sign-in/), page.click('#sign-out')]);
        assert.match((await page.textContent('#sign-in-message')) ?? '', /साइन आउट/);
        await page.goto(`${base}/console`);
        assert.match(page.url(), /\/console\/sign-in/);
        assert.deepEqual(pageErrors, [], 'no script or CSP errors in the pages');
    });

    it('ends the session in the browser when the password is changed, and the old password no longer signs in', async () => {
        await page.fill('#username', 'je.vibhutikhand');
        await page.fill('#password', 'demo-je-1');
        await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
        const official = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
        await setOfficialPassword(bot.app.db, official.id, 'a new password for the office');
        await page.goto(`${base}/console/dashboard`);
        assert.match(page.url(), /\/console\/sign-in\?next=%2Fconsole%2Fdashboard$/, 'signed out at the next page');
        await page.fill('#username', 'je.vibhutikhand');
        await page.fill('#password', 'demo-je-1');
        await page.click('#sign-in');
        await page.waitForSelector('#sign-in-message');
        assert.match(page.url(), /\/console\/sign-in$/);
        await page.fill('#username', 'je.vibhutikhand');
        await page.fill('#password', 'a new password for the office');
        await Promise.all([page.waitForURL(`${base}/console/dashboard`), page.click('#sign-in')]);
    });

    it('over HTTPS keeps __Host- cookies that Chromium accepts only as Secure, host-only and for the whole site', async () => {
        // Chromium treats loopback as a secure context, so Secure cookies work over plain http here as over HTTPS.
        const secure = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], { console: { secureCookies: true } });
        const secureContext = await browser.newContext({ locale: 'en-IN' });
        try {
            const securePage = await secureContext.newPage();
            const origin = `http://localhost:${secure.port}`;
            await securePage.goto(`${origin}/console`);
            await securePage.fill('#username', 'je.virajkhand');
            await securePage.fill('#password', 'demo-je-4');
            await Promise.all([securePage.waitForURL(`${origin}/console`), securePage.click('#sign-in')]);
            const cookies = await secureContext.cookies();
            const session = cookies.find((c) => c.name === '__Host-bm_session');
            assert.ok(session, `the browser kept the session cookie: ${cookies.map((c) => c.name).join(', ')}`);
            assert.equal(session.secure, true);
            assert.equal(session.path, '/');
            assert.equal(session.domain, 'localhost', 'host-only');
            assert.ok(cookies.some((c) => c.name === '__Host-bm_browser'));
            assert.equal(await securePage.locator('h1').count(), 1);
        } finally {
            await secureContext.close();
            await secure.close();
        }
    });
});
