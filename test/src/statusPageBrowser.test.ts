import { strict as assert } from 'assert';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { Incident } from '../../src/data/entities/Incident';
import { BotServer, startServer } from '../../src/server';
import { launchChromium } from '../support/browser';
import { ManualClock } from '../support/ManualClock';
import { TestBot } from '../support/TestBot';

const HOUR = 3600_000;

/**
 * The public status page in real headless Chromium at a low-end phone's size (360×640), with JavaScript off: Hindi
 * text, the fault, its own inline style allowed by the page's policy, and nothing wider than the screen even with
 * long unbroken codes. Fails, never skips, without Chromium.
 */
describe('public status page in headless Chromium on a phone', function () {
    this.timeout(120_000);
    let browser: Browser;
    let bot: TestBot;
    let server: BotServer;
    let context: BrowserContext;
    let page: Page;
    let shotDir: string;
    const pageErrors: string[] = [];

    before(async () => {
        browser = await launchChromium();
        shotDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bm-status-browser-'));
        const clock = new ManualClock();
        bot = await TestBot.create({ overrides: { now: clock.now } });
        const repo = bot.dataSource.getRepository(Incident);
        await repo.save(
            repo.create({
                reference: 'I2611-0042',
                status: 'confirmed',
                scope: 'transformer',
                discom: 'MVVNL',
                subdivision: 'Vibhuti Khand',
                division: 'EUDD Gomti Nagar, Lucknow',
                feederCode: 'VIBHUTIKHAND-F1',
                dtCode: 'VIBHUTIKHAND-DT1',
                startedAt: new Date(clock.now().getTime() - HOUR),
                reportCount: 14,
                // An official's text with no place to break: it must wrap, not widen the page.
                cause: 'ट्रांसफ़ॉर्मर-का-फ़्यूज़-उड़ा-LT-cable-burnt-near-VIBHUTIKHAND-DT1-pole-17-replacement-under-way',
                etr: new Date(clock.now().getTime() + 2 * HOUR),
                etrFromOfficial: true,
            })
        );
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], {
            console: false,
            statusPage: { now: clock.now },
        });
        context = await browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'hi-IN', javaScriptEnabled: false, deviceScaleFactor: 1 });
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
        if (shotDir) await fs.rm(shotDir, { recursive: true, force: true });
    });

    it('renders Hindi, shows the fault, fits a 360 px screen without horizontal scroll, and switches to English', async () => {
        const base = `http://127.0.0.1:${server.port}`;
        const response = await page.goto(`${base}/status`);
        assert.equal(response?.status(), 200);
        assert.equal(await page.getAttribute('html', 'lang'), 'hi');
        assert.equal(await page.textContent('h1'), 'बिजली आपूर्ति की स्थिति');
        const card = page.locator('article.card', { hasText: 'I2611-0042' });
        assert.equal(await card.count(), 1);
        assert.ok(await card.isVisible());
        const text = (await card.innerText()).replace(/\s+/g, ' ');
        assert.match(text, /Vibhuti Khand \(MVVNL\)/);
        assert.match(text, /खराबी की पुष्टि हो गई/);
        assert.match(text, /ट्रांसफ़ॉर्मर VIBHUTIKHAND-DT1/);
        assert.match(text, /14 शिकायतें/);
        assert.match(text, /इंजीनियर का अनुमान/);
        // The page's inline stylesheet applied: its policy's hash matches it.
        // (Expressions as text: the tests compile without the DOM's types.)
        assert.equal(await page.evaluate<string>(`getComputedStyle(document.querySelector('article.card')).borderLeftWidth`), '6px');
        const widths = await page.evaluate<{ scroll: number; client: number }>(
            '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })'
        );
        assert.equal(widths.client, 360);
        assert.ok(widths.scroll <= widths.client, `no horizontal scroll (content ${widths.scroll} px on a ${widths.client} px screen)`);
        // The Devanagari heading is drawn with real glyphs at a readable size, not collapsed.
        const heading = await page.locator('h1').boundingBox();
        assert.ok(heading && heading.width > 100 && heading.height >= 18, `heading box ${JSON.stringify(heading)}`);

        const shot = path.join(shotDir, 'status-360x640.png');
        await page.screenshot({ path: shot, fullPage: true });
        const { size } = await fs.stat(shot);
        assert.ok(size > 1000, `the screenshot has content (${size} bytes)`);

        await Promise.all([page.waitForURL(/lang=en/), page.click('a[hreflang="en"]')]);
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        assert.match(await page.locator('article.card', { hasText: 'I2611-0042' }).innerText(), /Fault confirmed/);
        assert.deepEqual(pageErrors, []);
    });
});
