import { startConsoleServer } from '../../support/ConsoleClient';
import { strict as assert } from 'assert';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Complaint } from '../../../src/data/entities/Complaint';
import { DirectoryMediaStore } from '../../../src/media/DirectoryMediaStore';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { BotServer } from '../../../src/server';
import { launchChromium } from '../../support/browser';
import { TestBot } from '../../support/TestBot';

/** A valid 2×1 PNG: a natural width of 2 proves the browser loaded and decoded this very file. */
const PNG_2X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGM4IQcEJwAHIwIJ5FiIOQAAAABJRU5ErkJggg==', 'base64');

/**
 * The resolve form with a photo in real headless Chromium: the browser's own multipart encoding (CSRF field first),
 * and the complaint page drawing the after-repair photo under the console's policy. Fails, never skips, without Chromium.
 */
describe('after-repair photo in headless Chromium', function () {
    this.timeout(120_000);
    let browser: Browser;
    let bot: TestBot;
    let notifier: RecordingNotifier;
    let server: BotServer;
    let context: BrowserContext;
    let page: Page;
    let mediaDir: string;
    let complaint: Complaint;
    const pageErrors: string[] = [];

    before(async () => {
        browser = await launchChromium();
        mediaDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bm-repair-browser-'));
        notifier = new RecordingNotifier();
        bot = await TestBot.create({
            config: { publicBaseUrl: 'https://bot.example.in' },
            overrides: { notifier, mediaStore: new DirectoryMediaStore(mediaDir) },
        });
        const registered = await bot.app.services.complaints.register({
            accountNumber: '1234567890',
            category: 'no_supply',
            description: 'No light in the lane since 6 am',
            address: null,
            contactMobile: null,
            channel: 'test',
            channelUserId: 'browser-photo-user',
            sourceActivityKey: null,
            problemSince: null,
            attachments: null,
        });
        complaint = await bot.app.lifecycle.start(registered);
        server = await startConsoleServer(bot.app);
        context = await browser.newContext({ locale: 'en-IN' });
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
        if (mediaDir) await fs.rm(mediaDir, { recursive: true, force: true });
    });

    it('resolves with a photo chosen in the form, and the complaint page shows it to the official', async () => {
        const base = `http://127.0.0.1:${server.port}`;
        await page.goto(`${base}/console/sign-in`);
        await page.fill('#username', 'je.vibhutikhand');
        await page.fill('#password', 'demo-je-1');
        await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
        const detail = `${base}/console/complaints/${complaint.ticket}`;
        await page.goto(detail);
        await page.fill('#resolve-note', 'Fuse replaced at the pole');
        await page.setInputFiles('#resolve-photo', { name: 'IMG_0042.png', mimeType: 'image/png', buffer: PNG_2X1 });
        await Promise.all([page.waitForURL(detail), page.click('#resolve-submit')]);
        assert.match((await page.textContent('#flash')) ?? '', /फ़ोटो के साथ हल के रूप में दर्ज हो गई/);
        assert.equal(await page.locator('#detail-status .badge.resolved').count(), 1);
        const image = page.locator('#repair-photos img');
        assert.equal(await image.count(), 1);
        await image.evaluate((element) => (element as unknown as { decode(): Promise<void> }).decode());
        assert.equal(await image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth), 2, 'the PNG was loaded and decoded');
        assert.deepEqual(pageErrors, []);
        const asked = notifier.sent.find((n) => n.text.key === 'status:askFixed' && n.complaintId === complaint.id);
        assert.match(String(asked?.text.vars?.photo), /^https:\/\/bot\.example\.in\/photos\/[A-Za-z0-9_-]{43}$/, 'the consumer is asked with the photo');
    });
});
