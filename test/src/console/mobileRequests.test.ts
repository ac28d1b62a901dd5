import { startConsoleServer } from '../../support/ConsoleClient';
import { strict as assert } from 'assert';
import type { Browser } from 'playwright-core';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { Consumer } from '../../../src/data/entities/Consumer';
import { MobileChangeEvent } from '../../../src/data/entities/MobileChangeEvent';
import { MobileChangeRequest } from '../../../src/data/entities/MobileChangeRequest';
import { BotServer } from '../../../src/server';
import { RecordingMobileChangeNotifier } from '../../../src/services/MobileChangeNotifier';
import { launchChromium } from '../../support/browser';
import { LUCKNOW } from '../../support/dialogKit';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const NEW_MOBILE = '9876543210';

/** Keeps cookies, follows no redirect, finds the CSRF token in pages. */
class ConsoleClient {
    private readonly cookies = new Map<string, string>();
    constructor(private readonly base: string) {}

    async get(path: string): Promise<{ status: number; text: string; location: string | null }> {
        return this.request('GET', path);
    }

    async post(path: string, form: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
        return this.request('POST', path, new URLSearchParams(form).toString());
    }

    async csrf(path = '/console/mobile-requests'): Promise<string> {
        const page = await this.get(path);
        assert.equal(page.status, 200, `GET ${path}`);
        const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
        assert.ok(match, 'the page has a CSRF token');
        return match[1];
    }

    async signIn(username: string, password: string): Promise<void> {
        const answer = await this.post('/console/sign-in', { _csrf: await this.csrf('/console/sign-in'), username, password, next: '/console' });
        assert.equal(answer.status, 303, `sign-in of ${username}`);
    }

    private async request(method: string, path: string, body?: string) {
        const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const headers: Record<string, string> = cookie ? { cookie } : {};
        if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
        const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers });
        for (const line of res.headers.getSetCookie()) {
            const [pair] = line.split(';');
            const eq = pair.indexOf('=');
            if (pair.slice(eq + 1) === '') this.cookies.delete(pair.slice(0, eq));
            else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        return { status: res.status, text: await res.text(), location: res.headers.get('location') };
    }
}

function flashOf(page: string): string | null {
    return /<div class="flash [a-z]+" role="status" id="flash">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
}

/** A pending request for the Lucknow demo account from a chat that proved the old mobile and got a code on the new one. */
async function pendingRequest(bot: TestBot, userId = 'mobile-user', language = 'en'): Promise<MobileChangeRequest> {
    const identity = await bot.app.services.identities.getOrCreate('test', userId, null);
    const outcome = await bot.app.services.mobileChanges.request({
        identity,
        channel: 'test',
        channelUserId: userId,
        conversationRef: null,
        language,
        accountNumber: LUCKNOW.account,
        newMobile: NEW_MOBILE,
        holderProof: 'old_mobile',
        newMobileProof: 'otp',
    });
    return outcome.request;
}

/**
 * The console's mobile number requests over HTTP on loopback: the account's JE sees them masked and cannot decide
 * (a crafted POST is refused and changes nothing), another subdivision's JE gets 404, the SDO sees the numbers in full
 * (recorded) and approves or refuses, a second click changes nothing, and a request left undecided shows as late.
 */
describe('console: mobile number requests', function () {
    this.timeout(60_000);
    let clock: ManualClock;
    let notifier: RecordingMobileChangeNotifier;
    let bot: TestBot;
    let server: BotServer;
    let base: string;

    beforeEach(async () => {
        clock = new ManualClock();
        notifier = new RecordingMobileChangeNotifier();
        bot = await TestBot.create({ overrides: { mobileNotifier: notifier, now: clock.now } });
        server = await startConsoleServer(bot.app, clock.now);
        base = `http://127.0.0.1:${server.port}`;
    });
    afterEach(async () => {
        await server.close();
        await bot.close();
    });

    /** Signed in, reading English (the demo officials read Hindi). */
    async function signedIn(username: string, password: string): Promise<ConsoleClient> {
        const client = new ConsoleClient(base);
        await client.signIn(username, password);
        await client.get('/console/language/en?next=/console');
        return client;
    }

    const reload = (id: number) => bot.dataSource.getRepository(MobileChangeRequest).findOneByOrFail({ id });
    const registered = async () => (await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: LUCKNOW.account })).registeredMobile;

    it("the account's JE sees the request masked, without forms; a crafted POST from the JE is refused and changes nothing", async () => {
        const request = await pendingRequest(bot);
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const list = await je.get('/console/mobile-requests');
        assert.equal(list.status, 200);
        assert.match(list.text, new RegExp(`data-reference="${request.reference}" data-status="pending"`));
        assert.match(list.text, /\*{6}3210/);
        assert.doesNotMatch(list.text, new RegExp(`${NEW_MOBILE}|${LUCKNOW.mobile}`), 'no full number in the list');
        const detail = await je.get(`/console/mobile-requests/${request.reference}`);
        assert.equal(detail.status, 200);
        assert.doesNotMatch(detail.text, new RegExp(`${NEW_MOBILE}|${LUCKNOW.mobile}|${LUCKNOW.account}`), 'masked for the JE');
        assert.doesNotMatch(detail.text, /id="approve-form"/);
        const answer = await je.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: await je.csrf(), action: 'approve' });
        assert.equal(answer.status, 303);
        const after = await je.get(answer.location!);
        assert.match(flashOf(after.text) ?? '', /Only a sub-divisional officer/);
        assert.equal((await reload(request.id)).status, 'pending');
        assert.equal(await registered(), LUCKNOW.mobile);
        assert.equal(notifier.sent.length, 0);
    });

    it('another subdivision’s JE and another discom’s JE get 404 for the page and for a crafted POST', async () => {
        const request = await pendingRequest(bot);
        for (const [username, password] of [
            ['je.virajkhand', 'demo-je-4'],
            ['je.shastrinagar', 'demo-je-2'],
        ]) {
            const other = await signedIn(username, password);
            const list = await other.get('/console/mobile-requests');
            assert.doesNotMatch(list.text, new RegExp(request.reference), `${username} does not list it`);
            assert.equal((await other.get(`/console/mobile-requests/${request.reference}`)).status, 404);
            const answer = await other.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: await other.csrf(), action: 'approve' });
            assert.equal(answer.status, 404, `${username}'s POST`);
        }
        assert.equal((await reload(request.id)).status, 'pending');
        assert.equal(await registered(), LUCKNOW.mobile);
    });

    it('the SDO sees the numbers in full (recorded), approves: new mobile registered, links voided, audit row, consumer told; a second click changes nothing', async () => {
        const request = await pendingRequest(bot);
        const identity = await bot.app.services.identities.getOrCreate('test', 'verified-before', null);
        await bot.app.services.identities.link(identity.id, LUCKNOW.account, 'otp', LUCKNOW.mobile!);
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const detail = await sdo.get(`/console/mobile-requests/${request.reference}`);
        assert.match(detail.text, new RegExp(`id="old-mobile">${LUCKNOW.mobile}<`));
        assert.match(detail.text, new RegExp(`id="new-mobile">${NEW_MOBILE}<`));
        assert.match(detail.text, /id="full-numbers"/);
        assert.equal(await bot.dataSource.getRepository(MobileChangeEvent).countBy({ requestId: request.id, kind: 'viewed' }), 1);
        clock.advance(3);
        const csrf = await sdo.csrf(`/console/mobile-requests/${request.reference}`);
        const answer = await sdo.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: csrf, action: 'approve' });
        assert.equal(answer.status, 303);
        const page = await sdo.get(answer.location!);
        assert.match(flashOf(page.text) ?? '', new RegExp(`${request.reference} approved`));
        assert.match(page.text, /data-status="approved"/);
        assert.doesNotMatch(page.text, new RegExp(`id="new-mobile">${NEW_MOBILE}<`), 'masked once decided');
        assert.match(page.text, /<li data-kind="approved">[^<]*approved by [^<]*\(SDO\): \*{6}2345 → \*{6}3210; verified chats ended: 1/);
        assert.equal(await registered(), NEW_MOBILE);
        assert.equal(await bot.dataSource.getRepository(AccountLink).countBy({ accountNumber: LUCKNOW.account }), 0);
        assert.equal(await bot.app.services.identities.isVerified(identity.id, LUCKNOW.account, NEW_MOBILE), false);
        const audit = await bot.dataSource.getRepository(MobileChangeEvent).findOneByOrFail({ requestId: request.id, kind: 'approved' });
        assert.equal(audit.linksVoided, 1);
        assert.equal(audit.at.toISOString(), clock.now().toISOString());
        assert.deepEqual(
            notifier.sent.map((n) => n.text.key),
            ['mobile:notice.approved']
        );
        // The second click (a stale form) changes nothing and says so.
        const again = await sdo.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: csrf, action: 'approve' });
        assert.match(flashOf((await sdo.get(again.location!)).text) ?? '', /already decided/);
        const refuse = await sdo.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: csrf, action: 'refuse', reason: 'late thought' });
        assert.match(flashOf((await sdo.get(refuse.location!)).text) ?? '', /already decided/);
        assert.equal((await reload(request.id)).status, 'approved');
        assert.equal(await bot.dataSource.getRepository(MobileChangeEvent).countBy({ requestId: request.id, kind: 'approved' }), 1);
        assert.equal(notifier.sent.length, 1);
    });

    it('refusal needs a reason; with one, the consumer is told it; an undecided request shows as late after MOBILE_REQUEST_DUE_HOURS', async () => {
        const request = await pendingRequest(bot);
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const csrf = await sdo.csrf(`/console/mobile-requests/${request.reference}`);
        let answer = await sdo.post(`/console/mobile-requests/${request.reference}/decide`, { _csrf: csrf, action: 'refuse', reason: '  ' });
        assert.match(flashOf((await sdo.get(answer.location!)).text) ?? '', /give a reason/);
        assert.equal((await reload(request.id)).status, 'pending');
        clock.advance(bot.app.config.mobileRequestDueHours + 1);
        // Two days on, the session has ended: the official signs in again.
        const later = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const list = await later.get('/console/mobile-requests');
        assert.match(list.text, new RegExp(`data-reference="${request.reference}" data-status="late"`));
        assert.match(list.text, /late by 1h/);
        answer = await later.post(`/console/mobile-requests/${request.reference}/decide`, {
            _csrf: await later.csrf(),
            action: 'refuse',
            reason: 'Bill amount given does not match',
        });
        assert.match(flashOf((await later.get(answer.location!)).text) ?? '', /refused/);
        const refused = await reload(request.id);
        assert.equal(refused.status, 'refused');
        assert.equal(refused.refusalReason, 'Bill amount given does not match');
        assert.deepEqual(notifier.sent[0].text.vars?.reason, 'Bill amount given does not match');
        assert.equal(await registered(), LUCKNOW.mobile);
    });

    it('shows the page in Hindi to an official who reads Hindi', async () => {
        await pendingRequest(bot);
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        await sdo.get('/console/language/hi?next=/console/mobile-requests');
        const list = await sdo.get('/console/mobile-requests');
        assert.match(list.text, /मोबाइल नंबर अनुरोध/);
        assert.match(list.text, /विचाराधीन/);
    });
});

describe('console: mobile number requests in headless Chromium', function () {
    this.timeout(120_000);
    let browser: Browser;
    let bot: TestBot;
    let server: BotServer;

    before(async () => {
        browser = await launchChromium();
        bot = await TestBot.create({ overrides: { mobileNotifier: new RecordingMobileChangeNotifier() } });
        server = await startConsoleServer(bot.app);
    });
    after(async () => {
        await browser?.close();
        await server?.close();
        await bot?.close();
    });

    it('the SDO opens the request from the menu, sees the numbers, approves it, and the page shows it approved', async () => {
        const request = await pendingRequest(bot);
        const base = `http://127.0.0.1:${server.port}`;
        const context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${base}/console`);
        await page.fill('#username', 'sdo.gomtinagar');
        await page.fill('#password', 'demo-sdo-1');
        await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
        if ((await page.getAttribute('html', 'lang')) !== 'en') await Promise.all([page.waitForURL(`${base}/console`), page.click('#language-switch')]);
        await Promise.all([page.waitForURL(`${base}/console/mobile-requests`), page.click('#nav-mobile')]);
        const row = page.locator(`tr[data-reference="${request.reference}"]`);
        assert.match(await row.innerText(), /\*{6}3210/);
        await Promise.all([page.waitForURL(`${base}/console/mobile-requests/${request.reference}`), row.locator('a').click()]);
        assert.equal((await page.textContent('#new-mobile'))?.trim(), NEW_MOBILE);
        await Promise.all([page.waitForURL(`${base}/console/mobile-requests/${request.reference}`), page.click('#approve')]);
        assert.match((await page.textContent('#flash')) ?? '', /approved/);
        assert.equal(await page.getAttribute('#request-status', 'data-status'), 'approved');
        assert.equal(await page.locator('#approve').count(), 0, 'no form once decided');
        assert.deepEqual(errors, []);
        await context.close();
        assert.equal((await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: LUCKNOW.account })).registeredMobile, NEW_MOBILE);
    });
});
