import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { Broadcast } from '../../../src/data/entities/Broadcast';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { CallbackRequest } from '../../../src/data/entities/CallbackRequest';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { Consumer } from '../../../src/data/entities/Consumer';
import { NumberView } from '../../../src/data/entities/NumberView';
import { Official } from '../../../src/data/entities/Official';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { QueuedMessage } from '../../../src/data/entities/QueuedMessage';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { BotServer, startServer } from '../../../src/server';
import { runOfficials } from '../../../src/cli/officials';
import { BijliMitra, createBijliMitra } from '../../../src/createBijliMitra';
import { Logger } from '../../../src/logger';
import { Readable } from 'stream';
import { freshPostgresSchema } from '../../support/postgres';
import { AppConfig } from '../../../src/config';
import { testConfig, TestBot } from '../../support/TestBot';
import { ManualClock } from '../../support/ManualClock';

const VIBHUTI_KHAND = '1234567890';
const KAPOORTHALA = '4410235867';
/** A consumer added by these tests in Viraj Khand, the neighbouring subdivision with its own JE. */
const VIRAJ_KHAND = '1100220033';

interface Answer {
    status: number;
    text: string;
    location: string | null;
    headers: Headers;
    setCookies: string[];
}

/** A browser stand-in over fetch: keeps cookies, follows nothing by itself, finds the CSRF token in pages. */
class ConsoleClient {
    readonly cookies = new Map<string, string>();

    constructor(readonly base: string) {}

    async get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
        return this.request('GET', path, undefined, headers);
    }

    async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
        return this.request('POST', path, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded', ...headers });
    }

    /** GET a page and return the CSRF token of its forms. */
    async csrf(path = '/console'): Promise<string> {
        const page = await this.get(path);
        assert.equal(page.status, 200, `GET ${path} → ${page.status}`);
        return csrfOf(page.text);
    }

    async signIn(username: string, password: string, headers: Record<string, string> = {}): Promise<Answer> {
        const page = await this.get('/console/sign-in', headers);
        assert.equal(page.status, 200);
        return this.post('/console/sign-in', { _csrf: csrfOf(page.text), username, password, next: '/console' }, headers);
    }

    private async request(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<Answer> {
        const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
        const setCookies = res.headers.getSetCookie();
        for (const line of setCookies) {
            const [pair, ...attributes] = line.split(';').map((s) => s.trim());
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            if (value === '' || attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
            else this.cookies.set(name, value);
        }
        return { status: res.status, text: await res.text(), location: res.headers.get('location'), headers: res.headers, setCookies };
    }
}

function csrfOf(page: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    assert.ok(match, 'the page has a form with a CSRF token');
    return match[1];
}

/** Tickets listed in the queue table of a page. */
function ticketsIn(page: string): string[] {
    return [...page.matchAll(/<tr class="[^"]*" data-ticket="([^"]+)">/g)].map((m) => m[1]);
}

/** Values and labels of the announcement form's area select. */
function areaOptions(page: string): string[] {
    const select = /<select id="broadcast-area" name="area" required>([\s\S]*?)<\/select>/.exec(page);
    assert.ok(select, 'the page has the area select');
    return [...select[1].matchAll(/<option value="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** The hidden one-time token of the announcement form. */
function submissionOf(page: string): string {
    const match = /name="submission" value="([^"]+)"/.exec(page);
    assert.ok(match, 'the announcement form has its submission token');
    return match[1];
}

/** The announcement form of `page`, filled in for the Gomti Nagar division (the SDO's area). */
function divisionNotice(page: string, text: string): Record<string, string> {
    return { _csrf: csrfOf(page), submission: submissionOf(page), area: 'division:EUDD Gomti Nagar, Lucknow', text };
}

/** Notices panel rows of a queue page: [ticket, kind]. */
function noticesIn(page: string): Array<[string, string]> {
    return [...page.matchAll(/<tr data-notice="([^"]+)" data-kind="([a-z]+)">/g)].map((m) => [m[1], m[2]]);
}

/**
 * A WhatsApp user who asked for area news (subscribed, not opted out, with a conversation to reach them) and is linked
 * to `account` against its current registered mobile: the one kind of consumer an announcement is queued for.
 */
async function subscribeConsumer(bot: TestBot, account: string, phone: string): Promise<ChannelIdentity> {
    const consumer = await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: account });
    assert.ok(consumer.registeredMobile, 'the demo consumer has a registered mobile');
    const identities = bot.dataSource.getRepository(ChannelIdentity);
    const identity = await identities.save(
        identities.create({
            channel: 'whatsapp',
            channelUserId: `91${phone}`,
            preferredLanguage: 'hi',
            phoneNumber: phone,
            lastInboundAt: null,
            subscribed: true,
            updatesOptOut: false,
            conversationRef: JSON.stringify({
                channelId: 'whatsapp',
                serviceUrl: 'https://whatsapp.local',
                conversation: { id: `91${phone}` },
                user: { id: `91${phone}` },
                bot: { id: 'bijli-mitra' },
            }),
        })
    );
    await bot.dataSource
        .getRepository(AccountLink)
        .insert({ identityId: identity.id, accountNumber: account, method: 'phone_match', verifiedMobile: consumer.registeredMobile });
    return identity;
}

function flashOf(page: string): string | null {
    return /<div class="flash [a-z]+" role="status" id="flash">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
}

async function startConsole(options: { secureCookies?: boolean; databaseUrl?: string; config?: Partial<AppConfig> } = {}) {
    const clock = new ManualClock();
    const notifier = new RecordingNotifier();
    const bot = await TestBot.create({ databaseUrl: options.databaseUrl, config: options.config, overrides: { notifier, now: clock.now } });
    await bot.dataSource.getRepository(Consumer).insert({
        accountNumber: VIRAJ_KHAND,
        name: 'Kamla Devi',
        registeredMobile: null,
        address: '4/12, Viraj Khand, Gomti Nagar, Lucknow 226010',
        discom: 'MVVNL',
        division: 'EUDD Gomti Nagar, Lucknow',
        subdivision: 'Viraj Khand',
        tariffCategory: 'LMV-1',
        areaClass: 'city',
    });
    const app = bot.app;
    const server = await startServer(app, app.prepareAdapter(createEmulatorAdapter(app.config)), 0, [], {
        console: { secureCookies: options.secureCookies ?? false, now: clock.now },
    });
    const base = `http://127.0.0.1:${server.port}`;

    /** Registers a complaint as the bot does, at the clock's time, and starts its SLA clock. */
    async function register(account: string | null, category = 'no_supply', description = 'No light since morning'): Promise<Complaint> {
        const complaint = await app.services.complaints.register({
            accountNumber: account,
            category,
            description,
            address: account ? null : 'Near the water tank, Sector 9',
            contactMobile: account ? null : '9876543210',
            channel: 'test',
            channelUserId: `u-${Math.random()}`,
            sourceActivityKey: null,
        });
        await bot.dataSource.getRepository(Complaint).update({ id: complaint.id }, { createdAt: clock.now() });
        return app.lifecycle.start(await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id }));
    }
    const reload = (id: number) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id });
    const events = (id: number) => bot.dataSource.getRepository(ComplaintEvent).find({ where: { complaintId: id }, order: { id: 'ASC' } });
    const official = (username: string) => bot.dataSource.getRepository(Official).findOneByOrFail({ username });
    const client = () => new ConsoleClient(base);
    async function as(username: string, password: string): Promise<ConsoleClient> {
        const c = client();
        const answer = await c.signIn(username, password);
        assert.equal(answer.status, 303, `sign-in of ${username}: ${answer.status}`);
        return c;
    }
    return { clock, notifier, bot, app, server, base, register, reload, events, official, client, as };
}

type Fixture = Awaited<ReturnType<typeof startConsole>>;

describe("officials' console behind a reverse proxy (TRUST_PROXY=loopback)", () => {
    let f: Fixture;
    before(async () => {
        f = await startConsole({ config: { trustProxy: 'loopback' } });
    });
    after(async () => {
        await f?.server.close();
        await f?.bot.close();
    });
    const from = (address: string) => ({ 'x-forwarded-for': address });

    it('counts only failures: everyone behind one address signs in all day', async () => {
        // The old throttle counted 30 sign-ins per address, successes included, and then refused the whole office.
        for (let i = 0; i < 40; i++)
            assert.equal((await f.client().signIn('je.shastrinagar', 'demo-je-2', from('203.0.113.7'))).status, 303, `sign-in ${i + 1}`);
    });

    it('five wrong passwords from one address do not lock the official out from another, and that address stays throttled', async () => {
        for (let i = 0; i < 5; i++) assert.equal((await f.client().signIn('je.rajatalab', `guess-${i}`, from('198.51.100.23'))).status, 401);
        assert.equal((await f.client().signIn('je.rajatalab', 'demo-je-3', from('198.51.100.23'))).status, 429, 'the guessing address is held');
        assert.equal((await f.client().signIn('je.rajatalab', 'demo-je-3', from('203.0.113.50'))).status, 303, 'the official, elsewhere, gets in');
    });

    it('still holds an address that sprays passwords across many usernames', async () => {
        const usernames = ['je.vibhutikhand', 'sdo.gomtinagar', 'xen.gomtinagar', 'se.lucknow1', 'ce.lucknow', 'je.virajkhand'];
        let refused = 0;
        for (let i = 0; i < 40; i++) {
            const answer = await f.client().signIn(usernames[i % usernames.length], `spray-${i}`, from('192.0.2.66'));
            if (answer.status === 429) refused += 1;
        }
        assert.ok(refused >= 10, `${refused} of 40 refused`);
        assert.equal((await f.client().signIn('je.vibhutikhand', 'demo-je-1', from('203.0.113.51'))).status, 303, 'others are not affected');
    });

    it('backs off exponentially: each failure after a wait doubles the next wait for that username at that address', async () => {
        const guess = (i: number) => f.client().signIn('se.lucknow1', `guess-${i}`, from('198.51.100.40'));
        const waitOf = (answer: { status: number; headers: Headers }) => {
            assert.equal(answer.status, 429);
            return Number(answer.headers.get('retry-after'));
        };
        for (let i = 0; i < 5; i++) assert.equal((await guess(i)).status, 401);
        let wait = waitOf(await guess(5));
        assert.ok(wait > 14 * 60 && wait <= 15 * 60, `first wait ${wait} s`);
        for (const expected of [30, 60, 120]) {
            f.clock.advance(wait / 3600 + 0.001);
            assert.equal((await guess(expected)).status, 401, 'after the wait, one more try is checked');
            wait = waitOf(await guess(expected + 1));
            assert.ok(wait > (expected - 1) * 60 && wait <= expected * 60, `then ${wait} s, expected ${expected} min`);
        }
        assert.equal((await f.client().signIn('se.lucknow1', 'demo-se-1', from('203.0.113.60'))).status, 303, 'the official, elsewhere, is not held');
    });

    it('slows guesses at one username spread over many addresses, but never in a browser its official has signed in from', async () => {
        const official = f.client();
        assert.equal((await official.signIn('xen.meerut2', 'demo-xen-2', from('203.0.113.70'))).status, 303);
        const known = official.cookies.get('bm_browser');
        assert.ok(known, 'a browser that signed in is remembered');
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await f.client().signIn('xen.meerut2', `spray-${i}`, from(`192.0.2.${100 + i}`))).status);
        assert.deepEqual(
            statuses,
            [...Array(10).fill(401), ...Array(20).fill(429)],
            'ten guesses from anywhere, then every new browser waits, whatever its address'
        );
        const newBrowser = await f.client().signIn('xen.meerut2', 'demo-xen-2', from('203.0.113.71'));
        assert.equal(newBrowser.status, 429, "even the official's right password, from a browser never used");
        assert.ok(Number(newBrowser.headers.get('retry-after')) <= 15 * 60, 'slowed for minutes, not locked out');
        const sameBrowser = f.client();
        sameBrowser.cookies.set('bm_browser', known);
        assert.equal(
            (await sameBrowser.signIn('xen.meerut2', 'demo-xen-2', from('203.0.113.72'))).status,
            303,
            'the known browser gets straight in, from any address'
        );

        // The mark is no pass for another username, nor a made-up one for this.
        for (let i = 0; i < 10; i++) await f.client().signIn('se.meerut1', `spray-${i}`, from(`192.0.2.${200 + i}`));
        const borrowed = f.client();
        borrowed.cookies.set('bm_browser', known);
        assert.equal((await borrowed.signIn('se.meerut1', 'demo-se-2', from('203.0.113.73'))).status, 429);
        const forged = f.client();
        forged.cookies.set('bm_browser', 'A'.repeat(43));
        assert.equal((await forged.signIn('xen.meerut2', 'demo-xen-2', from('203.0.113.74'))).status, 429);
    });
});

describe("officials' console on two instances sharing one PostgreSQL database", function () {
    this.timeout(60_000);
    let databaseUrl: string;
    let first: TestBot;
    let second: BijliMitra;
    let servers: BotServer[];
    const savedUrl = process.env.DATABASE_URL;
    before(async () => {
        databaseUrl = await freshPostgresSchema('console_two_instances');
        first = await TestBot.create({ databaseUrl });
        // The second instance opens its own connection pool, as a second process would.
        second = await createBijliMitra(testConfig({ databaseUrl }), { logger: new Logger('warn', () => undefined), allowDemoCredentials: true });
        servers = await Promise.all(
            [first.app, second].map((app) =>
                startServer(app, app.prepareAdapter(createEmulatorAdapter(app.config)), 0, [], { console: { secureCookies: false } })
            )
        );
        process.env.DATABASE_URL = databaseUrl;
    });
    after(async () => {
        if (savedUrl === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = savedUrl;
        for (const server of servers ?? []) await server.close();
        await second?.close();
        await first?.close();
    });
    const on = (instance: 0 | 1, cookies?: Map<string, string>) => {
        const c = new ConsoleClient(`http://127.0.0.1:${servers[instance].port}`);
        for (const [name, value] of cookies ?? []) c.cookies.set(name, value);
        return c;
    };

    it('serves a session begun on one instance from the other, with its language, and signing out on either ends it on both', async () => {
        const a = on(0);
        assert.equal((await a.signIn('je.vibhutikhand', 'demo-je-1')).status, 303);
        const b = on(1, a.cookies);
        const page = await b.get('/console');
        assert.equal(page.status, 200, 'no sticky sessions needed');
        assert.match(page.text, /<html lang="hi"/);
        assert.equal((await b.get('/console/language/en?next=/console')).status, 303);
        assert.match((await a.get('/console')).text, /<html lang="en"/, 'the switch made on the other instance holds');
        assert.equal((await b.post('/console/sign-out', { _csrf: await b.csrf() })).status, 303);
        assert.equal((await on(0, a.cookies).get('/console')).status, 303, 'signed out everywhere');
    });

    it('makes one announcement when the same form reaches both instances at once (a double click behind a load balancer)', async () => {
        const a = on(0);
        assert.equal((await a.signIn('sdo.gomtinagar', 'demo-sdo-1')).status, 303);
        const b = on(1, a.cookies);
        const form = divisionNotice((await a.get('/console/broadcasts')).text, 'Shutdown notice for the division');
        const count = () => first.dataSource.getRepository(Broadcast).count();
        const before = await count();
        const [x, y] = await Promise.all([a.post('/console/broadcasts', form), b.post('/console/broadcasts', form)]);
        assert.deepEqual([x.status, y.status], [303, 303]);
        assert.equal(x.location, y.location, 'both are shown the one report');
        assert.equal(await count(), before + 1);
    });

    it('counts failed sign-ins made on either instance together', async () => {
        for (let i = 0; i < 5; i++) assert.equal((await on((i % 2) as 0 | 1).signIn('je.rajatalab', `wrong-${i}`)).status, 401);
        assert.equal((await on(0).signIn('je.rajatalab', 'demo-je-3')).status, 429);
        assert.equal((await on(1).signIn('je.rajatalab', 'demo-je-3')).status, 429);
    });

    it('signs an official out on every instance when the password is changed, or the account deactivated, from the command line', async () => {
        const a = on(0);
        assert.equal((await a.signIn('je.shastrinagar', 'demo-je-2')).status, 303);
        const b = on(1);
        assert.equal((await b.signIn('je.shastrinagar', 'demo-je-2')).status, 303);
        assert.equal(await runOfficials(['set-password', 'je.shastrinagar'], Readable.from(['a new password for the office\n'])), 0);
        assert.equal((await a.get('/console')).status, 303, 'the session of before the change ended');
        assert.equal((await b.get('/console')).status, 303);
        const again = on(1, a.cookies);
        assert.equal((await again.signIn('je.shastrinagar', 'a new password for the office')).status, 303);
        assert.equal(await runOfficials(['deactivate', 'je.shastrinagar']), 0);
        assert.equal((await on(0, again.cookies).get('/console')).status, 303);
        assert.equal((await on(1).signIn('je.shastrinagar', 'a new password for the office')).status, 401);
    });
});

describe("officials' console over HTTP", () => {
    let f: Fixture;
    before(async () => {
        f = await startConsole();
    });
    after(async () => {
        await f.server.close();
        await f.bot.close();
    });

    describe('sign-in and sessions', () => {
        it('signs in with the right password and sets a strict, HttpOnly session cookie scoped to /console', async () => {
            const c = f.client();
            const page = await c.get('/console/sign-in');
            assert.equal(page.status, 200);
            assert.match(page.text, /<form method="post" action="\/console\/sign-in"/);
            assert.match(page.text, /name="username"/);
            assert.match(page.text, /type="password"/);
            const answer = await c.post('/console/sign-in', { _csrf: csrfOf(page.text), username: 'je.vibhutikhand', password: 'demo-je-1', next: '/console' });
            assert.equal(answer.status, 303);
            assert.equal(answer.location, '/console');
            const session = answer.setCookies.find((line) => line.startsWith('bm_session='));
            assert.ok(session, 'a session cookie is set');
            const [pair, ...flags] = session.split(';').map((s) => s.trim());
            assert.match(pair, /^bm_session=[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
            assert.ok(flags.includes('HttpOnly'));
            assert.ok(flags.includes('SameSite=Strict'));
            assert.ok(flags.includes('Path=/console'));
            assert.ok(!flags.includes('Secure'), 'not Secure when the option is off (plain http in tests)');
            const queue = await c.get('/console');
            assert.equal(queue.status, 200);
            assert.match(queue.text, /Amit Kumar Verma/);
        });

        it('over HTTPS names its cookies __Host- (Secure, Path=/, no Domain), so no other site or plain-http page can plant them', async () => {
            const secure = await startServer(f.app, f.app.prepareAdapter(createEmulatorAdapter(f.app.config)), 0, [], { console: { secureCookies: true } });
            try {
                const c = new ConsoleClient(`http://127.0.0.1:${secure.port}`);
                const form = await c.get('/console/sign-in');
                assert.ok(c.cookies.has('__Host-bm_signin'), 'the sign-in form token too');
                assert.ok(!c.cookies.has('bm_signin'));
                const answer = await c.post('/console/sign-in', {
                    _csrf: csrfOf(form.text),
                    username: 'je.vibhutikhand',
                    password: 'demo-je-1',
                    next: '/console',
                });
                assert.equal(answer.status, 303);
                for (const name of ['__Host-bm_session', '__Host-bm_browser']) {
                    const cookie = answer.setCookies.find((line) => line.startsWith(`${name}=`));
                    assert.ok(cookie, name);
                    const flags = cookie.split(';').map((part) => part.trim());
                    for (const flag of ['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(flags.includes(flag), `${name}: ${flag}`);
                    assert.ok(!flags.some((flag) => /^domain=/i.test(flag)), `${name}: no Domain`);
                }
                assert.ok(!answer.setCookies.some((line) => line.startsWith('bm_session=')));
                // A session cookie without the prefix (as a plain-http page or a sibling subdomain could set) is not read.
                const planted = new ConsoleClient(`http://127.0.0.1:${secure.port}`);
                planted.cookies.set('bm_session', c.cookies.get('__Host-bm_session')!);
                assert.equal((await planted.get('/console')).status, 303);
                assert.equal((await c.get('/console')).status, 200);
            } finally {
                await secure.close();
            }
        });

        it('refuses a wrong password with a clear message and no session', async () => {
            const c = f.client();
            const answer = await c.signIn('je.vibhutikhand', 'wrong-password');
            assert.equal(answer.status, 401);
            assert.match(answer.text, /Wrong username or password|यूज़रनेम या पासवर्ड गलत है/);
            assert.ok(!c.cookies.has('bm_session'));
            assert.equal((await c.get('/console')).status, 303);
            // An unknown username gets the same answer.
            const unknown = await f.client().signIn('nobody.here', 'whatever');
            assert.equal(unknown.status, 401);
        });

        it('refuses a sign-in form without its CSRF token', async () => {
            const c = f.client();
            await c.get('/console/sign-in');
            const answer = await c.post('/console/sign-in', { username: 'je.vibhutikhand', password: 'demo-je-1' });
            assert.equal(answer.status, 403);
            assert.ok(!c.cookies.has('bm_session'));
        });

        it('throttles a username after 5 failures in 15 minutes, even with the right password, and lets it in later', async () => {
            for (let i = 0; i < 5; i++) assert.equal((await f.client().signIn('je.rajatalab', `wrong-${i}`)).status, 401);
            const throttled = await f.client().signIn('je.rajatalab', 'demo-je-3');
            assert.equal(throttled.status, 429);
            assert.match(throttled.text, /Too many failed sign-ins for this username\. Try again in 15 minutes\.|बहुत बार गलत साइन इन/);
            assert.ok(Number(throttled.headers.get('retry-after')) > 0);
            // Another username is not affected.
            assert.equal((await f.client().signIn('je.shastrinagar', 'demo-je-2')).status, 303);
            f.clock.advance(0.26);
            assert.equal((await f.client().signIn('je.rajatalab', 'demo-je-3')).status, 303);
        });

        it('ignores X-Forwarded-For without TRUST_PROXY: a client cannot choose the address it is counted under', async () => {
            for (let i = 0; i < 5; i++) {
                assert.equal((await f.client().signIn('sdo.meerut2', `wrong-${i}`, { 'x-forwarded-for': `198.51.100.${i}` })).status, 401);
            }
            assert.equal((await f.client().signIn('sdo.meerut2', 'demo-sdo-2', { 'x-forwarded-for': '198.51.100.99' })).status, 429);
        });

        it('throttles parallel attempts too: at most 5 password checks get through at once', async () => {
            const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => f.client().signIn('je.virajkhand', `wrong-parallel-${i}`)));
            const statuses = answers.map((a) => a.status);
            assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
            assert.equal(statuses.filter((s) => s === 429).length, 7);
        });

        it('redirects every page to sign-in without a session, and changes nothing on a POST', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const c = f.client();
            for (const path of ['/console', '/console/dashboard', `/console/complaints/${complaint.ticket}`, '/console/nowhere']) {
                const answer = await c.get(path);
                assert.equal(answer.status, 303, path);
                assert.equal(answer.location, `/console/sign-in?next=${encodeURIComponent(path)}`);
            }
            c.cookies.set('bm_session', 'made-up-session-id');
            const post = await c.post(`/console/complaints/${complaint.ticket}/acknowledge`, { _csrf: 'x' });
            assert.equal(post.status, 303);
            assert.match(post.location!, /^\/console\/sign-in/);
            assert.equal((await f.reload(complaint.id)).status, 'assigned');
        });

        it('ends a session after 8 idle hours, 12 hours after sign-in however busy, and at sign-out', async () => {
            const c = await f.as('je.vibhutikhand', 'demo-je-1');
            f.clock.advance(7.9);
            assert.equal((await c.get('/console')).status, 200, 'still alive: each request restarts the idle clock');
            f.clock.advance(3);
            assert.equal((await c.get('/console')).status, 200);
            f.clock.advance(8);
            assert.equal((await c.get('/console')).status, 303, 'expired');

            const busy = await f.as('je.vibhutikhand', 'demo-je-1');
            for (let hour = 0; hour < 11; hour++) {
                f.clock.advance(1);
                assert.equal((await busy.get('/console')).status, 200, `hour ${hour + 1}`);
            }
            f.clock.advance(1.01);
            assert.equal((await busy.get('/console')).status, 303, 'a stolen cookie does not last for good, however it is used');

            const d = await f.as('je.vibhutikhand', 'demo-je-1');
            const cookie = d.cookies.get('bm_session')!;
            const out = await d.post('/console/sign-out', { _csrf: await d.csrf() });
            assert.equal(out.status, 303);
            assert.match(out.location!, /^\/console\/sign-in/);
            d.cookies.set('bm_session', cookie);
            assert.equal((await d.get('/console')).status, 303, 'the old cookie no longer works');
        });

        it('serves its stylesheet as a file anyone may fetch and cache, and every page links it instead of inlining styles', async () => {
            const anonymous = f.client();
            const page = await anonymous.get('/console/sign-in');
            const link = page.text.match(/<link rel="stylesheet" href="(\/console\/console\.css\?v=[0-9a-f]{12})">/);
            assert.ok(link, 'the sign-in page links the stylesheet');
            assert.doesNotMatch(page.text, /<style|style="/);
            const css = await anonymous.get(link[1]);
            assert.equal(css.status, 200);
            assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
            assert.match(css.headers.get('cache-control') ?? '', /immutable/);
            assert.match(css.text, /box-sizing:border-box/);
        });

        it('sets the security headers on every console page', async () => {
            const c = await f.as('je.vibhutikhand', 'demo-je-1');
            for (const path of ['/console', '/console/dashboard', '/console/sign-in']) {
                const answer = await c.get(path);
                const csp = answer.headers.get('content-security-policy') ?? '';
                assert.match(csp, /default-src 'self'/, path);
                assert.match(csp, /style-src 'self'(;|$)/, 'no inline styles: the stylesheet is a file');
                assert.match(csp, /script-src 'none'/);
                assert.match(csp, /frame-ancestors 'none'/);
                assert.equal(answer.headers.get('x-frame-options'), 'DENY');
                assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
                assert.equal(answer.headers.get('cache-control'), 'no-store');
                assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
            }
        });
    });

    describe('scope and authorisation', () => {
        let vibhuti: Complaint;
        let viraj: Complaint;
        let kapoorthala: Complaint;
        let noAccount: Complaint;

        before(async () => {
            vibhuti = await f.register(VIBHUTI_KHAND, 'no_supply', 'Vibhuti Khand outage');
            viraj = await f.register(VIRAJ_KHAND, 'voltage', 'Viraj Khand low voltage');
            kapoorthala = await f.register(KAPOORTHALA, 'transformer', 'Kapoorthala transformer');
            noAccount = await f.register(null, 'line', 'Wire down near the tank');
        });

        it('assigns each complaint to the JE of its subdivision (the setup the console relies on)', async () => {
            assert.equal(vibhuti.assignedOfficialId, (await f.official('je.vibhutikhand')).id);
            assert.equal(viraj.assignedOfficialId, (await f.official('je.virajkhand')).id);
            assert.equal(kapoorthala.assignedOfficialId, (await f.official('je.kapoorthala')).id);
            assert.equal(noAccount.assignedOfficialId, null, 'its address names no subdivision');
        });

        it('gives a complaint without an account to the JE of the subdivision its address names', async () => {
            const complaint = await f.app.services.complaints.register({
                accountNumber: null,
                category: 'line',
                description: 'Wire hanging low',
                address: 'Near the water tank, Vibhuti Khand, Lucknow',
                contactMobile: '9876543210',
                channel: 'test',
                channelUserId: 'passer-by',
                sourceActivityKey: null,
            });
            const started = await f.app.lifecycle.start(complaint);
            assert.equal(started.assignedOfficialId, (await f.official('je.vibhutikhand')).id);
            assert.equal(started.status, 'assigned');
        });

        it('shows a JE only the complaints of their own subdivision', async () => {
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const tickets = ticketsIn((await je.get('/console')).text);
            assert.ok(tickets.includes(vibhuti.ticket));
            assert.ok(!tickets.includes(viraj.ticket));
            assert.ok(!tickets.includes(kapoorthala.ticket));
            assert.ok(!tickets.includes(noAccount.ticket));

            const neighbour = await f.as('je.virajkhand', 'demo-je-4');
            const theirs = ticketsIn((await neighbour.get('/console')).text);
            assert.deepEqual(theirs, [viraj.ticket]);
        });

        it('shows higher levels their whole area: the SDO the division, the SE the circle', async () => {
            const sdo = ticketsIn((await (await f.as('sdo.gomtinagar', 'demo-sdo-1')).get('/console')).text);
            assert.ok(sdo.includes(vibhuti.ticket) && sdo.includes(viraj.ticket));
            assert.ok(!sdo.includes(kapoorthala.ticket));
            const se = ticketsIn((await (await f.as('se.lucknow1', 'demo-se-1')).get('/console')).text);
            assert.ok(se.includes(vibhuti.ticket) && se.includes(viraj.ticket) && se.includes(kapoorthala.ticket));
            assert.ok(se.includes(noAccount.ticket), 'an unrouted complaint shows to the SE so it can be routed');
            const otherDiscom = ticketsIn((await (await f.as('je.shastrinagar', 'demo-je-2')).get('/console')).text);
            assert.deepEqual(otherDiscom, []);
        });

        it("answers 404 for another subdivision's ticket by crafted URL, exactly as for a ticket that does not exist", async () => {
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const own = await je.get(`/console/complaints/${vibhuti.ticket}`);
            assert.equal(own.status, 200);
            const foreign = await je.get(`/console/complaints/${viraj.ticket}`);
            const missing = await je.get('/console/complaints/C9999-9999');
            assert.equal(foreign.status, 404);
            assert.equal(missing.status, 404);
            assert.ok(!foreign.text.includes(viraj.ticket), 'the page does not echo the ticket');
            assert.ok(!foreign.text.includes('Viraj Khand low voltage'));
            assert.equal(foreign.text.replace(/name="_csrf" value="[^"]+"/g, ''), missing.text.replace(/name="_csrf" value="[^"]+"/g, ''));
            assert.equal((await je.get(`/console/complaints/${kapoorthala.ticket}`)).status, 404);
            assert.equal((await je.get(`/console/complaints/${noAccount.ticket}`)).status, 404);
            assert.equal((await je.get('/console/complaints/%3Cscript%3E')).status, 404);
        });

        it("answers 404 to a POST on another subdivision's ticket and changes nothing", async () => {
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const csrf = await je.csrf();
            const before = (await f.events(viraj.id)).length;
            const je4 = (await f.official('je.virajkhand')).id;
            for (const [action, form] of [
                ['acknowledge', {}],
                ['note', { note: 'x' }],
                ['resolve', { note: 'fixed' }],
                ['reassign', { officialId: String((await f.official('je.vibhutikhand')).id) }],
                ['escalate', { reason: 'slow' }],
            ] as const) {
                const answer = await je.post(`/console/complaints/${viraj.ticket}/${action}`, { _csrf: csrf, ...form });
                assert.equal(answer.status, 404, action);
            }
            const after = await f.reload(viraj.id);
            assert.equal(after.status, 'assigned');
            assert.equal(after.assignedOfficialId, je4);
            assert.equal(after.escalationLevel, 0);
            assert.equal((await f.events(viraj.id)).length, before);
        });

        it('lets an official see and act on a complaint with no account once it is assigned to them', async () => {
            const se = await f.as('se.lucknow1', 'demo-se-1');
            // Unrouted (no account, nobody assigned), it shows to SDO level and above so someone can route it; not to JEs.
            assert.equal((await se.get(`/console/complaints/${noAccount.ticket}`)).status, 200);
            assert.equal((await (await f.as('je.vibhutikhand', 'demo-je-1')).get(`/console/complaints/${noAccount.ticket}`)).status, 404);
            const seId = (await f.official('se.lucknow1')).id;
            await f.app.lifecycle.reassign(noAccount.id, seId, seId, 'taken up from the 1912 desk');
            const page = await se.get(`/console/complaints/${noAccount.ticket}`);
            assert.equal(page.status, 200);
            assert.match(page.text, /No account number given/);
            assert.match(page.text, /9876543210/, 'the call-back mobile is shown to the official');
            assert.ok(ticketsIn((await se.get('/console')).text).includes(noAccount.ticket));
            // Still hidden from the JE.
            assert.equal((await (await f.as('je.vibhutikhand', 'demo-je-1')).get(`/console/complaints/${noAccount.ticket}`)).status, 404);
        });
    });

    describe('CSRF and origin checks', () => {
        it('refuses a POST with a missing, wrong or foreign CSRF token (403) and changes nothing', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const other = await f.as('je.vibhutikhand', 'demo-je-1');
            const path = `/console/complaints/${complaint.ticket}/acknowledge`;
            const before = (await f.events(complaint.id)).length;
            assert.equal((await je.post(path, {})).status, 403, 'missing');
            const wrong = await je.post(path, { _csrf: 'not-the-token' });
            assert.equal(wrong.status, 403, 'wrong');
            assert.match(wrong.text, /Request refused|अनुरोध अस्वीकार/);
            assert.equal((await je.post(path, { _csrf: await other.csrf() })).status, 403, "another session's token");
            assert.equal((await je.post(path, { _csrf: (await je.csrf()).slice(0, -1) })).status, 403, 'truncated');
            assert.equal((await f.reload(complaint.id)).status, 'assigned');
            assert.equal((await f.events(complaint.id)).length, before);
            assert.equal((await je.post(path, { _csrf: await je.csrf() })).status, 303, 'the right token works');
            assert.equal((await f.reload(complaint.id)).status, 'in_progress');
        });

        it('refuses a POST whose Origin is another site, even with the right token', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const csrf = await je.csrf();
            const path = `/console/complaints/${complaint.ticket}/acknowledge`;
            assert.equal((await je.post(path, { _csrf: csrf }, { origin: 'https://evil.example' })).status, 403);
            assert.equal((await je.post(path, { _csrf: csrf }, { origin: 'http://127.0.0.1:1' })).status, 403, 'another port is another origin');
            assert.equal((await je.post(path, { _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status, 403);
            assert.equal((await je.post(path, { _csrf: csrf }, { 'sec-fetch-site': 'same-site' })).status, 403, 'a sibling subdomain is not this origin');
            assert.equal((await je.post(path, { _csrf: csrf }, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status, 403, 'a sandboxed frame elsewhere');
            assert.equal((await f.reload(complaint.id)).status, 'assigned');
            assert.equal((await je.post(path, { _csrf: csrf }, { origin: f.base, 'sec-fetch-site': 'same-origin' })).status, 303, 'its own origin is fine');
            // Browsers send Origin: null for form posts from pages with Referrer-Policy: no-referrer (the console's own).
            assert.equal(
                (
                    await je.post(
                        `/console/complaints/${complaint.ticket}/note`,
                        { _csrf: csrf, note: 'from a no-referrer page' },
                        { origin: 'null', 'sec-fetch-site': 'same-origin' }
                    )
                ).status,
                303
            );
            assert.equal((await f.reload(complaint.id)).status, 'in_progress');
            // A sign-in from another site is refused too.
            const c = f.client();
            const page = await c.get('/console/sign-in');
            const signIn = await c.post(
                '/console/sign-in',
                { _csrf: csrfOf(page.text), username: 'je.vibhutikhand', password: 'demo-je-1' },
                { origin: 'https://evil.example' }
            );
            assert.equal(signIn.status, 403);
        });
    });

    describe('hazards (a fallen wire: danger to life)', () => {
        const toOfficials = (complaintId: number) =>
            f.notifier.sent.filter((n) => n.complaintId === complaintId && n.to === 'official').map((n) => [n.officialId, n.text.key]);

        it('tells the JE and the SDO at once, and the XEN when nobody acknowledges it within 30 minutes', async () => {
            const [je, sdo, xen] = await Promise.all([f.official('je.vibhutikhand'), f.official('sdo.gomtinagar'), f.official('xen.gomtinagar')]);
            const wire = await f.register(VIBHUTI_KHAND, 'line', 'Taar toot kar sadak par gira hai');
            assert.deepEqual(toOfficials(wire.id), [
                [je.id, 'officials:hazard'],
                [sdo.id, 'officials:hazard'],
            ]);
            assert.equal(wire.assignedOfficialId, je.id, 'the JE still owns it');
            f.clock.advance(0.4);
            await f.app.lifecycle.tick();
            assert.equal(toOfficials(wire.id).length, 2, 'not before the 30 minutes are up');
            f.clock.advance(0.2);
            await f.app.lifecycle.tick();
            assert.deepEqual(toOfficials(wire.id)[2], [xen.id, 'officials:escalated']);
            const moved = await f.reload(wire.id);
            assert.equal(moved.assignedOfficialId, xen.id);
            const last = (await f.events(wire.id)).at(-1)!;
            assert.match(last.note ?? '', /safety hazard not acknowledged within 30 minutes/);
            assert.ok(
                !f.notifier.sent.some((n) => n.complaintId === wire.id && n.to === 'consumer' && n.text.key === 'status:notice.escalated'),
                'the consumer is not told it is late: it is not'
            );
        });

        it('waits for the due time once the JE acknowledges it in time', async () => {
            const je = await f.official('je.vibhutikhand');
            const wire = await f.register(VIBHUTI_KHAND, 'line', 'Khamba jhuka hua hai, taar latak raha hai');
            f.clock.advance(0.15);
            await f.app.lifecycle.acknowledge(wire.id, je.id, 'Lineman on the way');
            f.clock.advance(1);
            await f.app.lifecycle.tick();
            assert.equal((await f.reload(wire.id)).assignedOfficialId, je.id, 'no escalation before its due time');
            assert.equal(toOfficials(wire.id).length, 2);
        });

        it("lists a hazard first in the JE's queue, though others are due sooner or already late", async () => {
            const late = await f.register(VIBHUTI_KHAND, 'no_supply', 'No light since yesterday');
            f.clock.advance(5);
            const soon = await f.register(VIBHUTI_KHAND, 'no_supply', 'No light since morning');
            const wire = await f.register(VIBHUTI_KHAND, 'line', 'Wire fallen on the road');
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const order = ticketsIn((await je.get('/console')).text);
            assert.ok(order.indexOf(wire.ticket) >= 0 && order.indexOf(wire.ticket) < order.indexOf(late.ticket), order.join(', '));
            assert.ok(order.indexOf(late.ticket) < order.indexOf(soon.ticket), 'then breached, then by due time, as before');
        });
    });

    describe('actions', () => {
        it('acknowledges, adds a note and resolves with a note: status and history change, the consumer is told', async () => {
            const complaint = await f.register(VIBHUTI_KHAND, 'no_supply', 'Whole street dark');
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            const jeId = (await f.official('je.vibhutikhand')).id;
            const base = `/console/complaints/${complaint.ticket}`;
            const ack = await je.post(`${base}/acknowledge`, { _csrf: await je.csrf(), note: 'Lineman on the way' });
            assert.equal(ack.status, 303);
            assert.equal(ack.location, base);
            let page = await je.get(base);
            assert.match(flashOf(page.text) ?? '', /acknowledged|स्वीकार/);
            assert.equal((await f.reload(complaint.id)).status, 'in_progress');

            assert.equal((await je.post(`${base}/note`, { _csrf: await je.csrf(), note: 'Fuse found blown at the pole' })).status, 303);
            const empty = await je.post(`${base}/resolve`, { _csrf: await je.csrf(), note: '   ' });
            assert.equal(empty.status, 303);
            page = await je.get(base);
            assert.match(flashOf(page.text) ?? '', /what was done|क्या काम किया गया/);
            assert.equal((await f.reload(complaint.id)).status, 'in_progress', 'no resolve without a note');

            assert.equal((await je.post(`${base}/resolve`, { _csrf: await je.csrf(), note: 'Fuse replaced, supply restored' })).status, 303);
            const resolved = await f.reload(complaint.id);
            assert.equal(resolved.status, 'resolved');
            assert.ok(resolved.resolvedAt);
            const history = (await f.events(complaint.id)).map((e) => [e.status, e.actor, e.note]);
            assert.deepEqual(history.slice(2), [
                ['in_progress', `official:${jeId}`, 'Lineman on the way'],
                ['in_progress', `official:${jeId}`, 'Fuse found blown at the pole'],
                ['resolved', `official:${jeId}`, 'Fuse replaced, supply restored'],
            ]);
            assert.ok(
                f.notifier.sent.some(
                    (n) => n.complaintId === complaint.id && n.to === 'consumer' && JSON.stringify(n.text.vars ?? {}).includes('Fuse replaced, supply restored')
                ),
                'the consumer hears of it (and is asked to confirm)'
            );
            page = await je.get(base);
            assert.match(page.text, /Fuse replaced, supply restored/);
            assert.match(page.text, /Fuse found blown at the pole/);
            assert.match(page.text, /Amit Kumar Verma \(JE\)/, 'history names the official');
            assert.ok(!/id="form-resolve"/.test(page.text), 'no resolve form on a resolved complaint');
        });

        it('turns a LifecycleError into a clear message, not a 500', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const jeId = (await f.official('je.vibhutikhand')).id;
            await f.app.lifecycle.resolve(complaint.id, jeId, 'done');
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            await je.get('/console/language/en?next=/console');
            const base = `/console/complaints/${complaint.ticket}`;
            const answer = await je.post(`${base}/acknowledge`, { _csrf: await je.csrf() });
            assert.equal(answer.status, 303);
            const page = await je.get(base);
            assert.equal(flashOf(page.text), 'That cannot be done now: the complaint is Resolved.');
            assert.equal((await f.reload(complaint.id)).status, 'resolved');
        });

        it('reassigns to an official who covers the complaint, and refuses anyone else', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            await je.get('/console/language/en?next=/console');
            const base = `/console/complaints/${complaint.ticket}`;
            const page = await je.get(base);
            const options = [...page.text.matchAll(/<option value="(\d+)">([^<]+)<\/option>/g)].map((m) => m[2]);
            assert.ok(
                options.some((o) => o.startsWith('Pradeep Singh Chauhan (SDO)')),
                options.join(' | ')
            );
            assert.ok(options.some((o) => o.startsWith('Meenakshi Srivastava (SE)')));
            assert.ok(!options.some((o) => o.includes('Amit Kumar Verma')), 'not the current owner');

            // An official of another discom is never on the list, and a crafted form naming one changes nothing.
            const elsewhere = await f.official('je.shastrinagar');
            assert.equal((await je.post(`${base}/reassign`, { _csrf: await je.csrf(), officialId: String(elsewhere.id) })).status, 303);
            assert.match(flashOf((await je.get(base)).text) ?? '', /choose one of the officials/);
            const sdo = await f.official('sdo.gomtinagar');
            assert.notEqual((await f.reload(complaint.id)).assignedOfficialId, elsewhere.id);

            assert.equal(
                (await je.post(`${base}/reassign`, { _csrf: await je.csrf(), officialId: String(sdo.id), note: 'needs a new transformer' })).status,
                303
            );
            const after = await f.reload(complaint.id);
            assert.equal(after.assignedOfficialId, sdo.id);
            const last = (await f.events(complaint.id)).at(-1)!;
            assert.equal(last.note, 'reassigned to SDO Pradeep Singh Chauhan: needs a new transformer');
            const shown = await je.get(base);
            assert.equal(shown.status, 200, "still in the JE's subdivision");
            assert.match(flashOf(shown.text) ?? '', /handed over to SDO Pradeep Singh Chauhan/);
            assert.match(shown.text, /id="detail-assignee">Pradeep Singh Chauhan \(SDO\)/);
            assert.ok(f.notifier.sent.some((n) => n.complaintId === complaint.id && n.to === 'official' && n.officialId === sdo.id));
        });

        it('escalates one level with a reason, and asks for the reason first', async () => {
            const complaint = await f.register(VIBHUTI_KHAND);
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            await je.get('/console/language/en?next=/console');
            const base = `/console/complaints/${complaint.ticket}`;
            assert.match((await je.get(base)).text, /Escalate to Sub-Divisional Officer \(SDO\)/);
            assert.equal((await je.post(`${base}/escalate`, { _csrf: await je.csrf(), reason: '' })).status, 303);
            assert.match(flashOf((await je.get(base)).text) ?? '', /give a reason/);
            assert.equal((await f.reload(complaint.id)).escalationLevel, 0);

            const form = { _csrf: await je.csrf(), reason: 'needs a crane', level: '0' };
            assert.equal((await je.post(`${base}/escalate`, form)).status, 303);
            assert.match(flashOf((await je.get(base)).text) ?? '', /escalated to SDO/);
            assert.equal((await je.post(`${base}/escalate`, form)).status, 303, 'the same form sent again (a double click)');
            assert.match(flashOf((await je.get(base)).text) ?? '', /could not be escalated/);
            const after = await f.reload(complaint.id);
            const sdo = await f.official('sdo.gomtinagar');
            assert.equal(after.escalationLevel, 1);
            assert.equal(after.assignedOfficialId, sdo.id);
            const jeId = (await f.official('je.vibhutikhand')).id;
            const last = (await f.events(complaint.id)).at(-1)!;
            assert.deepEqual([last.actor, last.note], [`official:${jeId}`, 'escalated to SDO Pradeep Singh Chauhan: needs a crane']);
            assert.equal((await f.events(complaint.id)).filter((e) => e.note?.startsWith('escalated')).length, 1, 'escalated once');
            const page = await je.get(base);
            assert.match(page.text, /id="detail-level">Sub-Divisional Officer \(SDO\)/);
            assert.match(page.text, /Escalate to Executive Engineer \(XEN\)/);
            assert.ok(f.notifier.sent.some((n) => n.complaintId === complaint.id && n.to === 'consumer' && n.text.key === 'status:notice.escalated'));
        });
    });

    describe('queue', () => {
        it('puts breached complaints first with "breached by", then the rest by due time, with all the columns', async () => {
            const fresh = await startConsole();
            try {
                const late = await fresh.register(VIBHUTI_KHAND, 'no_supply', 'first');
                fresh.clock.advance(3);
                const meter = await fresh.register(VIBHUTI_KHAND, 'meter', 'meter stopped');
                const soon = await fresh.register(VIBHUTI_KHAND, 'no_supply', 'second');
                const je = await fresh.as('je.vibhutikhand', 'demo-je-1');
                await je.get('/console/language/en?next=/console');
                const page = (await je.get('/console')).text;
                assert.deepEqual(ticketsIn(page), [late.ticket, soon.ticket, meter.ticket]);
                const row = (ticket: string) => new RegExp(`data-ticket="${ticket}">([\\s\\S]*?)</tr>`).exec(page)![1];
                assert.match(row(late.ticket), /breached by 1h/);
                assert.match(row(late.ticket), /No electricity/);
                assert.match(row(late.ticket), /Vibhuti Khand/);
                assert.match(row(late.ticket), /Assigned/);
                assert.match(row(late.ticket), /Amit Kumar Verma \(JE\)/);
                assert.match(row(late.ticket), /<td data-label="Level">JE<\/td>/);
                assert.match(row(soon.ticket), /2h 0m left/);
                assert.match(page, /<tr class="breached" data-ticket="/);
            } finally {
                await fresh.server.close();
                await fresh.bot.close();
            }
        });

        it('filters by status, category and subdivision from the query string', async () => {
            const fresh = await startConsole();
            try {
                const outage = await fresh.register(VIBHUTI_KHAND, 'no_supply');
                const voltage = await fresh.register(VIBHUTI_KHAND, 'voltage');
                const viraj = await fresh.register(VIRAJ_KHAND, 'no_supply');
                const done = await fresh.register(VIBHUTI_KHAND, 'billing');
                await fresh.app.lifecycle.resolve(done.id, done.assignedOfficialId!, 'bill corrected');
                const sdo = await fresh.as('sdo.gomtinagar', 'demo-sdo-1');
                const tickets = async (query: string) => ticketsIn((await sdo.get(`/console${query}`)).text).sort();
                const sorted = (...cs: Complaint[]) => cs.map((c) => c.ticket).sort();
                assert.deepEqual(await tickets(''), sorted(outage, voltage, viraj), 'open ones by default');
                assert.deepEqual(await tickets('?status=all'), sorted(outage, voltage, viraj, done));
                assert.deepEqual(await tickets('?status=resolved'), sorted(done));
                assert.deepEqual(await tickets('?category=voltage'), sorted(voltage));
                assert.deepEqual(await tickets('?subdivision=Viraj+Khand'), sorted(viraj));
                assert.deepEqual(await tickets('?subdivision=Vibhuti+Khand&category=no_supply'), sorted(outage));
                assert.deepEqual(await tickets('?status=all&category=billing&subdivision=Vibhuti+Khand'), sorted(done));
                assert.deepEqual(
                    await tickets('?status=bogus&category=nope&subdivision=Kapoorthala'),
                    sorted(outage, voltage, viraj),
                    'unknown values and subdivisions outside the scope are ignored'
                );
                const page = (await sdo.get('/console?category=voltage')).text;
                assert.match(page, /<option value="voltage" selected>/, 'the form shows the filter in use');
                // A JE cannot widen their scope with the subdivision filter.
                const je = await fresh.as('je.vibhutikhand', 'demo-je-1');
                assert.deepEqual(ticketsIn((await je.get('/console?subdivision=Viraj+Khand')).text).sort(), sorted(outage, voltage));
            } finally {
                await fresh.server.close();
                await fresh.bot.close();
            }
        });

        it('escapes every value: a <script> description, note and name are shown as text', async () => {
            const consumers = f.bot.dataSource.getRepository(Consumer);
            await consumers.update({ accountNumber: VIRAJ_KHAND }, { name: 'Kamla <img src=x onerror=alert(1)> Devi' });
            try {
                const complaint = await f.register(VIRAJ_KHAND, 'no_supply', '<script>alert("pwned")</script> & "quotes"');
                const je = await f.as('je.virajkhand', 'demo-je-4');
                await je.post(`/console/complaints/${complaint.ticket}/note`, { _csrf: await je.csrf(), note: '</td><script>alert(2)</script>' });
                for (const path of ['/console', `/console/complaints/${complaint.ticket}`, '/console/dashboard']) {
                    const page = (await je.get(path)).text;
                    assert.ok(!/<script/i.test(page), `${path} has no script element`);
                    assert.ok(!/<img/i.test(page), path);
                }
                const detail = (await je.get(`/console/complaints/${complaint.ticket}`)).text;
                assert.ok(detail.includes('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;'));
                assert.ok(detail.includes('&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;'));
                assert.ok(detail.includes('Kamla &lt;img src=x onerror=alert(1)&gt; Devi'));
            } finally {
                await consumers.update({ accountNumber: VIRAJ_KHAND }, { name: 'Kamla Devi' });
            }
        });

        it("shows masked account numbers to officials it is not assigned to, the consumer's name and address, and the whole history", async () => {
            const complaint = await f.register(VIBHUTI_KHAND, 'no_supply', 'Sparking at the meter board');
            // In the SDO's area but assigned to the JE: the SDO sees the numbers masked (the JE's own view is tested below).
            const sdo = await f.as('sdo.gomtinagar', 'demo-sdo-1');
            await sdo.get('/console/language/en?next=/console');
            const page = (await sdo.get(`/console/complaints/${complaint.ticket}`)).text;
            assert.match(page, /\*\*\*\*\*\*7890/);
            assert.ok(!page.includes(VIBHUTI_KHAND), 'the full account number is not shown');
            assert.match(page, /Rajesh Kumar Srivastava/);
            assert.match(page, /B-2\/145, Vibhuti Khand, Gomti Nagar, Lucknow 226010/);
            assert.match(page, /Sparking at the meter board/);
            const history = /<table id="history"[^>]*>([\s\S]*?)<\/table>/.exec(page)![1];
            const rows = [...history.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1]));
            assert.deepEqual(
                rows.filter((cells) => cells.length > 0).map((cells) => cells.slice(1)),
                [
                    ['Registered', 'Consumer', ''],
                    ['Assigned', 'System (automatic)', 'JE Amit Kumar Verma'],
                ]
            );
        });

        it("switches language for the session, defaulting to the official's own", async () => {
            const je = await f.as('je.vibhutikhand', 'demo-je-1');
            let page = (await je.get('/console')).text;
            assert.match(page, /<html lang="hi">/, 'je.vibhutikhand prefers Hindi');
            assert.match(page, /शिकायत सूची/);
            assert.match(page, /href="\/console\/language\/en\?next=%2Fconsole"/);
            const switched = await je.get('/console/language/en?next=/console/dashboard');
            assert.equal(switched.status, 303);
            assert.equal(switched.location, '/console/dashboard');
            page = (await je.get('/console/dashboard')).text;
            assert.match(page, /<html lang="en">/);
            assert.match(page, /Open complaints/);
            assert.equal((await je.get('/console/language/en?next=https://evil.example/')).location, '/console', 'no open redirect');
            assert.equal((await je.get('/console/language/en?next=//evil.example')).location, '/console');
            const xen = await f.as('xen.gomtinagar', 'demo-xen-1');
            assert.match((await xen.get('/console')).text, /<html lang="en">/, 'xen.gomtinagar prefers English');
        });
    });

    describe('dashboard', () => {
        it('counts open and breached complaints in scope and gives median resolution times by category and subdivision, with a chart', async () => {
            const fresh = await startConsole();
            try {
                const { clock, app, register } = fresh;
                const jeId = (await fresh.official('je.vibhutikhand')).id;
                const a = await register(VIBHUTI_KHAND, 'no_supply');
                const b = await register(VIBHUTI_KHAND, 'no_supply');
                const c = await register(VIBHUTI_KHAND, 'voltage');
                const v = await register(VIRAJ_KHAND, 'no_supply');
                clock.advance(1);
                await app.lifecycle.resolve(a.id, jeId, 'done in 1h');
                clock.advance(2);
                await app.lifecycle.resolve(b.id, jeId, 'done in 3h');
                await app.lifecycle.resolve(v.id, v.assignedOfficialId!, 'done in 3h');
                clock.advance(2);
                await app.lifecycle.resolve(c.id, jeId, 'done in 5h');
                await register(VIBHUTI_KHAND, 'no_supply'); // due 2 hours later: breached after 3 more hours
                clock.advance(3);
                await register(VIBHUTI_KHAND, 'meter');
                await register(VIRAJ_KHAND, 'no_supply');

                const je = await fresh.as('je.vibhutikhand', 'demo-je-1');
                await je.get('/console/language/en?next=/console');
                const page = (await je.get('/console/dashboard')).text;
                const stat = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page)![1];
                assert.equal(stat('stat-open'), '2');
                assert.equal(stat('stat-breached'), '1');
                assert.equal(stat('stat-resolved'), '3');
                assert.equal(stat('stat-median'), '3.0 h');
                const cell = (table: string, key: string, col: string) => {
                    const body = new RegExp(`<table id="${table}">([\\s\\S]*?)</table>`).exec(page)![1];
                    const row = new RegExp(`<tr data-key="${key}">([\\s\\S]*?)</tr>`).exec(body)![1];
                    return new RegExp(`data-col="${col}"[^>]*>([^<]*)<`).exec(row)![1];
                };
                assert.equal(cell('by-category', 'no_supply', 'median'), '2.0 h');
                assert.equal(cell('by-category', 'no_supply', 'resolved'), '2');
                assert.equal(cell('by-category', 'no_supply', 'open'), '1');
                assert.equal(cell('by-category', 'no_supply', 'breached'), '1');
                assert.equal(cell('by-category', 'voltage', 'median'), '5.0 h');
                assert.equal(cell('by-category', 'meter', 'median'), '—');
                assert.equal(cell('by-subdivision', 'Vibhuti Khand', 'median'), '3.0 h');
                assert.ok(!page.includes('data-key="Viraj Khand"'), 'the JE sees nothing of Viraj Khand');
                assert.match(page, /<svg id="chart-median"[^>]*role="img"/);
                assert.match(page, /<svg id="chart-open"/);
                assert.equal([...page.matchAll(/<rect x="200" y="\d+" width="(\d+)"/g)].length >= 3, true, 'bars are drawn');

                const sdo = await fresh.as('sdo.gomtinagar', 'demo-sdo-1');
                const sdoPage = (await sdo.get('/console/dashboard')).text;
                assert.match(sdoPage, /id="stat-open">3</);
                assert.match(sdoPage, /id="stat-resolved">4</);
                assert.match(sdoPage, /<tr data-key="Viraj Khand">[\s\S]*?data-col="median" data-hours="3.00">/);
            } finally {
                await fresh.server.close();
                await fresh.bot.close();
            }
        });
    });

    describe('area broadcasts', () => {
        let b: Fixture;
        let identity: ChannelIdentity;
        const broadcastCount = () => b.bot.dataSource.getRepository(Broadcast).count();
        const queuedCount = () => b.bot.dataSource.getRepository(QueuedMessage).count();
        /** GETs the broadcasts page and POSTs its form with these fields (the page's own CSRF and submission tokens). */
        async function post(c: ConsoleClient, fields: Record<string, string>): Promise<Answer> {
            const page = await c.get('/console/broadcasts');
            assert.equal(page.status, 200);
            return c.post('/console/broadcasts', { _csrf: csrfOf(page.text), submission: submissionOf(page.text), ...fields });
        }

        before(async () => {
            b = await startConsole();
            identity = await subscribeConsumer(b.bot, VIBHUTI_KHAND, '9415012345');
        });
        after(async () => {
            await b.server.close();
            await b.bot.close();
        });

        it("links the broadcasts page from the navigation and offers only the official's own unit and the units below it", async () => {
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            const queue = await je.get('/console');
            assert.match(queue.text, /<a href="\/console\/broadcasts" id="nav-broadcasts">प्रसारण<\/a>/);
            const page = await je.get('/console/broadcasts');
            assert.equal(page.status, 200);
            assert.match(page.text, /<h1>क्षेत्र प्रसारण<\/h1>/);
            assert.deepEqual(areaOptions(page.text), ['subdivision:Vibhuti Khand']);
            assert.match(page.text, /<textarea id="broadcast-text" name="text" maxlength="1000"/);

            const sdo = await b.as('sdo.gomtinagar', 'demo-sdo-1');
            await sdo.get('/console/language/en?next=/console');
            const sdoPage = (await sdo.get('/console/broadcasts')).text;
            assert.deepEqual(areaOptions(sdoPage), ['division:EUDD Gomti Nagar, Lucknow', 'subdivision:Vibhuti Khand', 'subdivision:Viraj Khand']);
            assert.match(sdoPage, /<h1>Area broadcasts<\/h1>/);
            assert.match(sdoPage, /Division: EUDD Gomti Nagar, Lucknow/);

            const se = areaOptions((await (await b.as('se.lucknow1', 'demo-se-1')).get('/console/broadcasts')).text);
            assert.equal(se[0], 'circle:Lucknow Circle-I');
            assert.ok(se.includes('division:EUDD Gomti Nagar, Lucknow') && se.includes('division:EUDD Aliganj, Lucknow'), se.join(' | '));
            assert.ok(se.includes('subdivision:Vibhuti Khand') && se.includes('subdivision:Kapoorthala'));
            assert.ok(!se.some((a) => a.startsWith('zone:')), 'nothing above the SE');
            const ce = areaOptions((await (await b.as('ce.lucknow', 'demo-ce-1')).get('/console/broadcasts')).text);
            assert.equal(ce[0], 'zone:Lucknow Zone');
            assert.ok(ce.includes('circle:Lucknow Circle-I') && ce.includes('subdivision:Kapoorthala'));
        });

        it('queues an announcement in scope for the subscribed consumer and shows its report: 1 recipient, 1 queued', async () => {
            const before = await broadcastCount();
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            await je.get('/console/language/en?next=/console');
            const text = 'Planned shutdown on 22 Nov, 10:00–14:00, for line maintenance. <b>Sorry</b> for the inconvenience.';
            const answer = await post(je, { area: 'subdivision:Vibhuti Khand', text });
            assert.equal(answer.status, 303);
            const match = /^\/console\/broadcasts\/(\d+)$/.exec(answer.location ?? '');
            assert.ok(match, `redirected to the report: ${answer.location}`);
            const id = Number(match[1]);
            assert.equal(await broadcastCount(), before + 1);

            const stored = await b.bot.dataSource.getRepository(Broadcast).findOneByOrFail({ id });
            assert.deepEqual(
                [stored.kind, stored.discom, stored.unitKind, stored.unitName, stored.text, stored.recipients],
                ['announcement', 'MVVNL', 'subdivision', 'Vibhuti Khand', text, 1]
            );
            assert.equal(stored.createdBy, (await b.official('je.vibhutikhand')).id);
            const queued = await b.bot.dataSource.getRepository(QueuedMessage).findBy({ broadcastId: id });
            assert.equal(queued.length, 1);
            assert.equal(queued[0].identityId, identity.id);
            assert.equal(queued[0].status, 'queued');
            assert.match(queued[0].text, /Planned shutdown on 22 Nov/);
            assert.deepEqual(await b.app.broadcasts.report(id), {
                broadcastId: id,
                kind: 'announcement',
                recipients: 1,
                queued: 1,
                sending: 0,
                sent: 0,
                failed: 0,
                unknown: 0,
                delivered: 0,
                read: 0,
                deliveryFailed: 0,
            });

            const report = await je.get(answer.location!);
            assert.equal(report.status, 200);
            const stat = (key: string) => new RegExp(`id="${key}">([^<]*)<`).exec(report.text)?.[1];
            assert.equal(stat('broadcast-recipients'), '1');
            assert.equal(stat('report-recipients'), '1');
            assert.equal(stat('report-queued'), '1');
            assert.equal(stat('report-sent'), '0');
            assert.equal(stat('report-delivered'), '0');
            assert.equal(stat('report-read'), '0');
            assert.equal(stat('report-failed'), '0');
            assert.equal(stat('report-unknown'), '0');
            assert.match(report.text, /id="broadcast-area-name">Subdivision: Vibhuti Khand \(MVVNL\)</);
            assert.ok(report.text.includes('&lt;b&gt;Sorry&lt;/b&gt;'), 'the text is escaped');
            assert.ok(!report.text.includes('<b>Sorry'));
            assert.match(report.text, /<svg class="progress" id="progress"[^>]*role="img"[^>]*data-percent="0"/);
            assert.match(report.text, /0 of 1 processed \(0%\)/);
            assert.match(report.text, /<meta http-equiv="refresh" content="10">/, 'the report refreshes itself while sending');

            // The list shows it with its counts.
            const list = (await je.get('/console/broadcasts')).text;
            const row = new RegExp(`<tr data-broadcast="${id}">([\\s\\S]*?)</tr>`).exec(list);
            assert.ok(row, 'the announcement is listed');
            assert.match(row[1], /data-col="recipients">1</);
            assert.match(row[1], /data-col="sent">0</);
            assert.match(row[1], /Amit Kumar Verma \(JE\)/);
            assert.match(row[1], new RegExp(`href="/console/broadcasts/${id}"`));

            // Once the worker has sent it and WhatsApp reported it read, the report says so and stops refreshing.
            await b.bot.dataSource
                .getRepository(QueuedMessage)
                .update({ id: queued[0].id }, { status: 'sent', attempts: 1, platformMessageId: 'wamid.console-1' });
            await b.bot.dataSource.getRepository(OutboundMessage).insert({
                channel: 'whatsapp',
                conversationId: '919415012345',
                recipient: '919415012345',
                kind: 'text',
                platformMessageId: 'wamid.console-1',
                status: 'read',
                errorCode: null,
                errorDetail: null,
            });
            const done = (await je.get(answer.location!)).text;
            const doneStat = (key: string) => new RegExp(`id="${key}">([^<]*)<`).exec(done)?.[1];
            assert.deepEqual(['report-queued', 'report-sent', 'report-delivered', 'report-read'].map(doneStat), ['0', '1', '1', '1']);
            assert.match(done, /1 of 1 processed \(100%\)/);
            assert.ok(!done.includes('http-equiv="refresh"'));
        });

        it('lets officials of the area see an announcement, and answers 404 to anyone else', async () => {
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            const answer = await post(je, { area: 'subdivision:Vibhuti Khand', text: 'Supply restored in Vibhuti Khand.' });
            const path = answer.location!;
            for (const [username, password] of [
                ['sdo.gomtinagar', 'demo-sdo-1'],
                ['xen.gomtinagar', 'demo-xen-1'],
                ['se.lucknow1', 'demo-se-1'],
                ['ce.lucknow', 'demo-ce-1'],
            ]) {
                const official = await b.as(username, password);
                assert.equal((await official.get(path)).status, 200, username);
                assert.ok((await official.get('/console/broadcasts')).text.includes('Supply restored in Vibhuti Khand.'), `${username} lists it`);
            }
            for (const [username, password] of [
                ['je.virajkhand', 'demo-je-4'],
                ['je.shastrinagar', 'demo-je-2'],
                ['sdo.meerut2', 'demo-sdo-2'],
            ]) {
                const official = await b.as(username, password);
                const page = await official.get(path);
                assert.equal(page.status, 404, username);
                assert.ok(!page.text.includes('Supply restored'));
                assert.ok(!(await official.get('/console/broadcasts')).text.includes('Supply restored in Vibhuti Khand.'), `${username} does not list it`);
            }
            assert.equal((await je.get('/console/broadcasts/999999')).status, 404);
            assert.equal((await je.get('/console/broadcasts/abc')).status, 404);
        });

        it("refuses a crafted POST for an area outside the official's scope (403) and queues nothing", async () => {
            const beforeBroadcasts = await broadcastCount();
            const beforeQueued = await queuedCount();
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            for (const area of [
                'subdivision:Viraj Khand',
                'division:EUDD Gomti Nagar, Lucknow',
                'circle:Lucknow Circle-I',
                'zone:Lucknow Zone',
                'subdivision:Kapoorthala',
                'subdivision:Shastri Nagar',
                'subdivision:vibhuti khand',
                'street:Vibhuti Khand',
                'Vibhuti Khand',
                '',
            ]) {
                const answer = await post(je, { area, text: 'Crafted announcement' });
                assert.equal(answer.status, 403, area);
                assert.match(answer.text, /own area or the areas under it|अपने क्षेत्र या उसके अंतर्गत/);
            }
            const sdo = await b.as('sdo.gomtinagar', 'demo-sdo-1');
            for (const area of ['subdivision:Kapoorthala', 'division:EUDD Aliganj, Lucknow', 'circle:Lucknow Circle-I']) {
                assert.equal((await post(sdo, { area, text: 'Crafted announcement' })).status, 403, area);
            }
            // Another discom's official naming a Lucknow area.
            const meerut = await b.as('sdo.meerut2', 'demo-sdo-2');
            assert.equal((await post(meerut, { area: 'subdivision:Vibhuti Khand', text: 'Crafted announcement' })).status, 403);
            assert.equal(await broadcastCount(), beforeBroadcasts);
            assert.equal(await queuedCount(), beforeQueued);
        });

        it('refuses a POST without the CSRF token (403) or with a wrong one, and queues nothing', async () => {
            const beforeBroadcasts = await broadcastCount();
            const beforeQueued = await queuedCount();
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            const page = await je.get('/console/broadcasts');
            const form = { area: 'subdivision:Vibhuti Khand', text: 'No token', submission: submissionOf(page.text) };
            const missing = await je.post('/console/broadcasts', form);
            assert.equal(missing.status, 403);
            assert.match(missing.text, /Request refused|अनुरोध अस्वीकार/);
            assert.equal((await je.post('/console/broadcasts', { ...form, _csrf: 'not-the-token' })).status, 403);
            const other = await b.as('je.vibhutikhand', 'demo-je-1');
            assert.equal((await je.post('/console/broadcasts', { ...form, _csrf: await other.csrf() })).status, 403, "another session's token");
            assert.equal(
                (await je.post('/console/broadcasts', { ...form, _csrf: csrfOf(page.text) }, { origin: 'https://evil.example' })).status,
                403,
                'another site'
            );
            assert.equal(await broadcastCount(), beforeBroadcasts);
            assert.equal(await queuedCount(), beforeQueued);
            // Signed out, the POST only leads to sign-in.
            const anonymous = await b.client().post('/console/broadcasts', { ...form, _csrf: csrfOf(page.text) });
            assert.equal(anonymous.status, 303);
            assert.match(anonymous.location!, /^\/console\/sign-in/);
            assert.equal(await broadcastCount(), beforeBroadcasts);
        });

        it('asks for the text again when it is empty or over 1000 characters, keeping what was typed', async () => {
            const before = await broadcastCount();
            const je = await b.as('je.vibhutikhand', 'demo-je-1');
            await je.get('/console/language/en?next=/console');
            const empty = await post(je, { area: 'subdivision:Vibhuti Khand', text: '   \n ' });
            assert.equal(empty.status, 422);
            assert.match(empty.text, /id="broadcast-error">Please write the message first\.</);
            const long = 'बिजली '.repeat(200) + 'x'; // 1201 characters
            const tooLong = await post(je, { area: 'subdivision:Vibhuti Khand', text: long });
            assert.equal(tooLong.status, 422);
            assert.match(tooLong.text, /The message has 1201 characters; at most 1000 are allowed/);
            assert.ok(tooLong.text.includes(long.slice(0, 50)), 'the text typed is kept');
            assert.match(tooLong.text, /<option value="subdivision:Vibhuti Khand" selected>/);
            const exactly = await post(je, { area: 'subdivision:Vibhuti Khand', text: 'अ'.repeat(1000) });
            assert.equal(exactly.status, 303, '1000 Devanagari characters are allowed');
            assert.equal(await broadcastCount(), before + 1);
        });

        it('posts one broadcast when the same form is submitted twice (a double click)', async () => {
            const before = await broadcastCount();
            const sdo = await b.as('sdo.gomtinagar', 'demo-sdo-1');
            const form = divisionNotice((await sdo.get('/console/broadcasts')).text, 'Tariff notice for the division');
            const [first, second] = await Promise.all([sdo.post('/console/broadcasts', form), sdo.post('/console/broadcasts', form)]);
            assert.equal(first.status, 303);
            assert.equal(second.status, 303);
            assert.equal(first.location, second.location);
            assert.equal(await broadcastCount(), before + 1);
            const third = await sdo.post('/console/broadcasts', form);
            assert.equal(third.location, first.location, 'a later resubmission too');
            const id = Number(/(\d+)$/.exec(first.location!)![1]);
            assert.equal((await b.app.broadcasts.report(id)).recipients, 1, "the division's one subscribed consumer");
            // A fresh form is a new announcement.
            assert.equal((await post(sdo, { area: 'division:EUDD Gomti Nagar, Lucknow', text: 'Tariff notice for the division' })).status, 303);
            assert.equal(await broadcastCount(), before + 2);
        });

        it('queues nobody outside the area: an announcement to Viraj Khand has no recipients', async () => {
            const je = await b.as('je.virajkhand', 'demo-je-4');
            await je.get('/console/language/en?next=/console');
            const answer = await post(je, { area: 'subdivision:Viraj Khand', text: 'Shutdown in Viraj Khand' });
            assert.equal(answer.status, 303);
            const report = (await je.get(answer.location!)).text;
            assert.match(report, /id="broadcast-recipients">0</);
            assert.match(report, /Nobody in this area has asked for updates/);
            assert.ok(!report.includes('http-equiv="refresh"'));
        });
    });

    describe('notices', () => {
        it('shows the SDO a complaint escalated to them, linked, newest first; the JE no longer sees it as theirs', async () => {
            const n = await startConsole();
            try {
                const first = await n.register(VIBHUTI_KHAND, 'no_supply', 'First outage');
                const second = await n.register(VIRAJ_KHAND, 'voltage', 'Low voltage');
                const kept = await n.register(VIBHUTI_KHAND, 'meter', 'Meter stopped');
                const sdoBefore = await n.as('sdo.gomtinagar', 'demo-sdo-1');
                assert.match((await sdoBefore.get('/console')).text, /id="notices-empty"/, 'nothing given to the SDO yet');

                assert.equal(await n.app.lifecycle.escalate(first.id, 'system', 'test'), true);
                n.clock.advance(0.5);
                assert.equal(await n.app.lifecycle.escalate(second.id, 'system', 'resolution time <passed>'), true);
                const sdo = await n.as('sdo.gomtinagar', 'demo-sdo-1');
                await sdo.get('/console/language/en?next=/console');
                const page = (await sdo.get('/console')).text;
                assert.match(page, /<section class="card notices" id="notices"/);
                assert.match(page, /<h2 id="notices-heading">Notices: complaints given to you<\/h2>/);
                assert.deepEqual(noticesIn(page), [
                    [second.ticket, 'escalated'],
                    [first.ticket, 'escalated'],
                ]);
                const row = new RegExp(`<tr data-notice="${first.ticket}" data-kind="escalated">([\\s\\S]*?)</tr>`).exec(page)![1];
                assert.match(row, new RegExp(`<a href="/console/complaints/${first.ticket}">${first.ticket}</a>`));
                assert.match(row, /Escalated to you/);
                assert.match(row, /System \(automatic\)/);
                assert.match(row, />test</);
                assert.ok(page.includes('resolution time &lt;passed&gt;'), 'the reason is escaped');
                assert.equal((await sdo.get(`/console/complaints/${first.ticket}`)).status, 200, 'the link opens the complaint');

                // The JE's panel keeps only what is still theirs.
                const je = await n.as('je.vibhutikhand', 'demo-je-1');
                assert.deepEqual(noticesIn((await je.get('/console')).text), [[kept.ticket, 'assigned']]);
                // Nobody else is told.
                assert.match((await (await n.as('xen.gomtinagar', 'demo-xen-1')).get('/console')).text, /id="notices-empty"/);

                // Handed over by an official, and escalated again: the new owner's panel shows it; the SDO's no longer.
                const sdoId = (await n.official('sdo.gomtinagar')).id;
                const xen = await n.official('xen.gomtinagar');
                await n.app.lifecycle.reassign(kept.id, sdoId, xen.id, 'please look');
                await n.app.lifecycle.escalate(first.id, { official: sdoId }, 'needs a transformer');
                const xenPage = (await (await n.as('xen.gomtinagar', 'demo-xen-1')).get('/console')).text;
                assert.deepEqual(noticesIn(xenPage), [
                    [first.ticket, 'escalated'],
                    [kept.ticket, 'reassigned'],
                ]);
                assert.match(xenPage, /Pradeep Singh Chauhan \(SDO\)/);
                assert.match(xenPage, /please look/);
                assert.deepEqual(noticesIn((await sdo.get('/console')).text), [[second.ticket, 'escalated']]);
            } finally {
                await n.server.close();
                await n.bot.close();
            }
        });

        it('lists at most the last 20', async () => {
            const n = await startConsole();
            try {
                const tickets: string[] = [];
                for (let i = 0; i < 22; i++) tickets.push((await n.register(VIBHUTI_KHAND, 'no_supply', `outage ${i}`)).ticket);
                const je = await n.as('je.vibhutikhand', 'demo-je-1');
                const listed = noticesIn((await je.get('/console')).text);
                assert.equal(listed.length, 20);
                assert.deepEqual(
                    listed.map(([ticket]) => ticket),
                    tickets.slice(2).reverse()
                );
                assert.ok(listed.every(([, kind]) => kind === 'assigned'));
            } finally {
                await n.server.close();
                await n.bot.close();
            }
        });
    });

    describe('on PostgreSQL', () => {
        let pg: Fixture;
        before(async () => {
            pg = await startConsole({ databaseUrl: await freshPostgresSchema('console_test') });
        });
        after(async () => {
            await pg?.server.close();
            await pg?.bot.close();
        });

        it('scopes, orders, filters and acts the same way', async () => {
            const late = await pg.register(VIBHUTI_KHAND, 'no_supply', 'first <script>');
            pg.clock.advance(3);
            const voltage = await pg.register(VIBHUTI_KHAND, 'voltage');
            const soon = await pg.register(VIBHUTI_KHAND, 'no_supply');
            const viraj = await pg.register(VIRAJ_KHAND, 'no_supply');
            const je = await pg.as('je.vibhutikhand', 'demo-je-1');
            assert.deepEqual(ticketsIn((await je.get('/console')).text), [late.ticket, soon.ticket, voltage.ticket]);
            assert.deepEqual(ticketsIn((await je.get('/console?category=voltage')).text), [voltage.ticket]);
            assert.equal((await je.get(`/console/complaints/${viraj.ticket}`)).status, 404);
            const detail = await je.get(`/console/complaints/${late.ticket}`);
            assert.equal(detail.status, 200);
            assert.ok(detail.text.includes('first &lt;script&gt;'));
            assert.equal((await je.post(`/console/complaints/${late.ticket}/resolve`, { _csrf: csrfOf(detail.text), note: 'done' })).status, 303);
            assert.equal((await pg.reload(late.id)).status, 'resolved');
            const sdo = await pg.as('sdo.gomtinagar', 'demo-sdo-1');
            assert.deepEqual(ticketsIn((await sdo.get('/console?subdivision=Viraj+Khand')).text), [viraj.ticket]);
            assert.deepEqual(ticketsIn((await sdo.get('/console?status=resolved')).text), [late.ticket]);
            const dashboard = (await sdo.get('/console/dashboard')).text;
            assert.match(dashboard, /id="stat-open">3</);
            assert.match(dashboard, /id="stat-resolved">1</);
            assert.match(dashboard, /id="stat-median" data-hours="3.00"/);
        });

        it('queues an announcement in scope, refuses one outside it, and shows escalation notices the same way', async () => {
            await subscribeConsumer(pg.bot, VIBHUTI_KHAND, '9415012345');
            const sdo = await pg.as('sdo.gomtinagar', 'demo-sdo-1');
            const page = await sdo.get('/console/broadcasts');
            assert.deepEqual(areaOptions(page.text), ['division:EUDD Gomti Nagar, Lucknow', 'subdivision:Vibhuti Khand', 'subdivision:Viraj Khand']);
            const form = { _csrf: csrfOf(page.text), submission: submissionOf(page.text) };
            assert.equal((await sdo.post('/console/broadcasts', { ...form, area: 'subdivision:Kapoorthala', text: 'crafted' })).status, 403);
            assert.equal(await pg.bot.dataSource.getRepository(Broadcast).count(), 0);
            const answer = await sdo.post('/console/broadcasts', {
                ...form,
                area: 'division:EUDD Gomti Nagar, Lucknow',
                text: 'Shutdown 100% of feeder_2 (10:00–12:00)',
            });
            assert.equal(answer.status, 303);
            const report = (await sdo.get(answer.location!)).text;
            assert.match(report, /id="report-recipients">1</);
            assert.match(report, /id="report-queued">1</);
            assert.match((await sdo.get('/console/broadcasts')).text, /Shutdown 100% of feeder_2/);

            const complaint = await pg.register(VIBHUTI_KHAND, 'no_supply', 'escalate me');
            assert.equal(await pg.app.lifecycle.escalate(complaint.id, 'system', 'test'), true);
            assert.deepEqual(noticesIn((await sdo.get('/console')).text), [[complaint.ticket, 'escalated']]);
        });
    });
});

describe("officials' console: resolutions the consumer did not confirm", () => {
    let f: Fixture;
    before(async () => {
        f = await startConsole();
    });
    after(async () => {
        await f.server.close();
        await f.bot.close();
    });

    /** A complaint the JE resolved 73 hours ago without an answer from the consumer: unconfirmed, re-check due. */
    async function unconfirmedComplaint(): Promise<Complaint> {
        const complaint = await f.register(VIBHUTI_KHAND);
        await f.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'Fuse replaced');
        f.clock.advance(73);
        await f.app.lifecycle.tick();
        const current = await f.reload(complaint.id);
        assert.equal(current.status, 'unconfirmed');
        return current;
    }

    it('lists an unconfirmed complaint in the JE queue as needing a re-check, labelled in both languages, with its re-check due time', async () => {
        const complaint = await unconfirmedComplaint();
        const je = await f.as('je.vibhutikhand', 'demo-je-1');
        await je.get('/console/language/en?next=/console');
        let queue = (await je.get('/console')).text;
        assert.ok(ticketsIn(queue).includes(complaint.ticket), 'in the default (open) queue');
        const row = new RegExp(`data-ticket="${complaint.ticket}">[\\s\\S]*?</tr>`).exec(queue)![0];
        assert.match(row, /Resolved – unconfirmed/);
        assert.match(row, /re-check due in 24h/);
        assert.match(queue, /<option value="unconfirmed"[^>]*>Resolved – unconfirmed<\/option>/, 'a filter of its own');
        await je.get('/console/language/hi?next=/console');
        queue = (await je.get('/console?status=unconfirmed')).text;
        assert.deepEqual(ticketsIn(queue), [complaint.ticket]);
        assert.match(queue, /समाधान – पुष्टि नहीं/);
        f.clock.advance(25);
        // A day later is a new session.
        const later = await f.as('je.vibhutikhand', 'demo-je-1');
        await later.get('/console/language/en?next=/console');
        assert.match((await later.get('/console')).text, /re-check late by 1h/);
        const detail = (await later.get(`/console/complaints/${complaint.ticket}`)).text;
        assert.match(detail, /id="form-recheck"/);
        assert.match(detail, /id="detail-recheck-due"/);
        assert.doesNotMatch(detail, /id="form-resolve"/);
    });

    it('records the re-check with a note: found fixed stays unconfirmed and asks the consumer again, not fixed reopens; nothing closes it', async () => {
        const fixed = await unconfirmedComplaint();
        const broken = await unconfirmedComplaint();
        const je = await f.as('je.vibhutikhand', 'demo-je-1');
        await je.get('/console/language/en?next=/console');
        const jeId = (await f.official('je.vibhutikhand')).id;
        const base = `/console/complaints/${fixed.ticket}`;
        assert.equal((await je.post(`${base}/recheck`, { _csrf: await je.csrf(), outcome: 'fixed', note: '  ' })).status, 303);
        assert.equal(flashOf((await je.get(base)).text), 'Please write what the re-check found.');
        assert.equal((await je.post(`${base}/recheck`, { _csrf: await je.csrf(), outcome: 'closed', note: 'ok' })).status, 303);
        assert.equal(flashOf((await je.get(base)).text), 'Please choose what the re-check found.');
        assert.equal((await f.reload(fixed.id)).recheckDueAt?.getTime(), fixed.recheckDueAt!.getTime(), 'nothing recorded yet');

        const asked = f.notifier.sent.length;
        assert.equal((await je.post(`${base}/recheck`, { _csrf: await je.csrf(), outcome: 'fixed', note: 'Lineman checked: supply on' })).status, 303);
        let page = (await je.get(base)).text;
        assert.match(flashOf(page) ?? '', /Only the consumer(&#39;|')s confirmation closes it/);
        const after = await f.reload(fixed.id);
        assert.deepEqual([after.status, after.recheckDueAt, after.closedAt], ['unconfirmed', null, null]);
        const last = (await f.events(fixed.id)).at(-1)!;
        assert.deepEqual([last.status, last.actor, last.note], ['unconfirmed', `official:${jeId}`, 're-checked, fixed: Lineman checked: supply on']);
        assert.ok(f.notifier.sent.slice(asked).some((n) => n.complaintId === fixed.id && n.to === 'consumer' && n.text.key === 'status:askFixed'));
        assert.ok(!ticketsIn((await je.get('/console')).text).includes(fixed.ticket), 're-checked: no longer in the open queue');
        assert.doesNotMatch(page, /id="form-recheck"/);
        // No console action closes it: resolving again is refused.
        await je.post(`${base}/resolve`, { _csrf: await je.csrf(), note: 'closing' });
        page = (await je.get(base)).text;
        assert.equal(flashOf(page), 'That cannot be done now: the complaint is Resolved – unconfirmed.');
        assert.equal((await f.reload(fixed.id)).status, 'unconfirmed');

        const brokenBase = `/console/complaints/${broken.ticket}`;
        await je.post(`${brokenBase}/recheck`, { _csrf: await je.csrf(), outcome: 'not_fixed', note: 'Still no supply in the lane' });
        assert.equal((await f.reload(broken.id)).status, 'reopened');
        assert.match(flashOf((await je.get(brokenBase)).text) ?? '', /has been reopened/);
        assert.ok(ticketsIn((await je.get('/console')).text).includes(broken.ticket));
    });
});

/** Officials offered by the reassign form of a detail page: [id, label]. */
function reassignOptions(page: string): Array<[number, string]> {
    const select = /<select id="reassign-official" name="officialId" required>([\s\S]*?)<\/select>/.exec(page);
    if (!select) return [];
    return [...select[1].matchAll(/<option value="(\d+)">([^<]+)<\/option>/g)].map((m) => [Number(m[1]), m[2]]);
}

/** Tests of the field view and reassign lists, on SQLite and then on PostgreSQL. */
function fieldViewSuite(databaseUrl: () => Promise<string | undefined>) {
    let f: Fixture;
    before(async () => {
        f = await startConsole({ databaseUrl: await databaseUrl() });
    });
    after(async () => {
        await f?.server.close();
        await f?.bot.close();
    });
    const numberViews = async (complaintId: number) =>
        (await f.bot.dataSource.getRepository(NumberView).find({ where: { complaintId }, order: { id: 'ASC' } })).map((v) => [
            v.officialId,
            v.viewedAt.toISOString(),
        ]);

    it("shows the official a complaint is assigned to the consumer's full account and registered mobile, and records each view", async () => {
        const complaint = await f.register(VIBHUTI_KHAND, 'no_supply', 'Pole fuse gone');
        const je = await f.as('je.vibhutikhand', 'demo-je-1');
        await je.get('/console/language/en?next=/console');
        const jeId = (await f.official('je.vibhutikhand')).id;
        const page = (await je.get(`/console/complaints/${complaint.ticket}`)).text;
        assert.match(page, /id="detail-account">1234567890</);
        assert.match(page, /id="detail-registered-mobile">9415012345</);
        assert.match(page, /Shown in full because this complaint is assigned to you/);
        assert.deepEqual(await numberViews(complaint.id), [[jeId, f.clock.now().toISOString()]]);
        f.clock.advance(1);
        await je.get(`/console/complaints/${complaint.ticket}`);
        assert.equal((await numberViews(complaint.id)).length, 2, 'every view is recorded');
        assert.ok(!/id="number-views"/.test(page), 'a JE is shown no audit of their own views');

        // The SDO sees the complaint (it is in his division) but not the numbers, and sees who was shown them.
        const sdo = await f.as('sdo.gomtinagar', 'demo-sdo-1');
        await sdo.get('/console/language/en?next=/console');
        const above = (await sdo.get(`/console/complaints/${complaint.ticket}`)).text;
        assert.match(above, /id="detail-account">\*{6}7890</);
        assert.match(above, /id="detail-registered-mobile">\*{6}2345</);
        assert.ok(!above.includes('1234567890') && !above.includes('9415012345'), 'no full number anywhere on the page');
        assert.match(above, /Numbers are masked/);
        const audit = /<table id="number-views"[\s\S]*?<\/table>/.exec(above)?.[0] ?? '';
        assert.equal([...audit.matchAll(/<tr data-viewer="(\d+)">/g)].length, 2, 'both views of the JE are listed');
        assert.match(audit, /Amit Kumar Verma \(JE\)/);
        assert.equal((await numberViews(complaint.id)).length, 2, "the SDO's masked view is no view of the numbers");
        // Logs keep masking numbers.
        assert.ok(!f.bot.logLines.some((line) => line.includes('1234567890') || line.includes('9415012345')));
    });

    it('masks the call-back mobile of a complaint without an account until it is assigned to the viewer', async () => {
        const complaint = await f.register(null, 'line', 'Wire down, no account');
        const sdo = await f.as('sdo.gomtinagar', 'demo-sdo-1');
        const unrouted = (await sdo.get(`/console/complaints/${complaint.ticket}`)).text;
        assert.match(unrouted, /id="detail-contact-mobile">\*{6}3210</);
        assert.ok(!unrouted.includes('9876543210'));
        const sdoId = (await f.official('sdo.gomtinagar')).id;
        await f.app.lifecycle.reassign(complaint.id, sdoId, sdoId, 'taking it');
        assert.match((await sdo.get(`/console/complaints/${complaint.ticket}`)).text, /id="detail-contact-mobile">9876543210</);
        assert.deepEqual(
            (await numberViews(complaint.id)).map(([id]) => id),
            [sdoId]
        );
    });

    it("shows each queue row's locality (no house number or PIN) and the start of the description, escaped", async () => {
        const long = 'Transformer <b>sparking</b> near the park gate since last night and the whole lane is dark now';
        const complaint = await f.register(VIBHUTI_KHAND, 'transformer', long);
        const noAccount = await f.register(null, 'line', 'Wire hanging low');
        const sdo = await f.as('sdo.gomtinagar', 'demo-sdo-1');
        await sdo.get('/console/language/en?next=/console');
        const page = (await sdo.get('/console')).text;
        const row = (ticket: string) => new RegExp(`data-ticket="${ticket}">([\\s\\S]*?)</tr>`).exec(page)![1];
        assert.match(row(complaint.ticket), /<td data-label="Locality" class="locality">Vibhuti Khand, Gomti Nagar<\/td>/);
        const snippet = /<td data-label="Description" class="snippet">([^<]*)<\/td>/.exec(row(complaint.ticket))?.[1];
        assert.equal(snippet, `${escapeHtml([...long].slice(0, 59).join(''))}…`);
        assert.ok(!row(complaint.ticket).includes('<b>'), 'markup is shown as text');
        assert.match(row(noAccount.ticket), /class="locality">Near the water tank, Sector 9</);
        assert.match(row(noAccount.ticket), /class="snippet">Wire hanging low</);
        assert.match(page, /<th>Locality<\/th><th>Description<\/th>/);
    });

    it("offers a JE the neighbouring subdivision's JE and every superior, and hands over to the peer", async () => {
        const complaint = await f.register(VIBHUTI_KHAND);
        const je = await f.as('je.vibhutikhand', 'demo-je-1');
        await je.get('/console/language/en?next=/console');
        const base = `/console/complaints/${complaint.ticket}`;
        const labels = reassignOptions((await je.get(base)).text).map(([, label]) => label.split(' · ')[0]);
        assert.deepEqual(labels, [
            'Sandeep Yadav (JE)',
            'Pradeep Singh Chauhan (SDO)',
            'Rakesh Chandra Pandey (XEN)',
            'Meenakshi Srivastava (SE)',
            'Vinod Kumar Awasthi (CE)',
        ]);
        const peer = await f.official('je.virajkhand');
        assert.equal(
            (await je.post(`${base}/reassign`, { _csrf: await je.csrf(), officialId: String(peer.id), note: 'the pole is on your side' })).status,
            303
        );
        assert.equal((await f.reload(complaint.id)).assignedOfficialId, peer.id);
        const theirs = await f.as('je.virajkhand', 'demo-je-4');
        assert.equal((await theirs.get(base)).status, 200, 'the new owner sees it');
    });

    it("offers an SDO the JEs of his division's subdivisions, and refuses a crafted POST to anyone else", async () => {
        const complaint = await f.register(VIBHUTI_KHAND);
        const sdo = await f.as('sdo.gomtinagar', 'demo-sdo-1');
        const base = `/console/complaints/${complaint.ticket}`;
        const offered = reassignOptions((await sdo.get(base)).text).map(([id]) => id);
        const viraj = await f.official('je.virajkhand');
        assert.ok(offered.includes(viraj.id), 'the JE of Viraj Khand, in his division');
        const inactive = await f.bot.dataSource.getRepository(Official).save({
            username: `je.retired${Math.floor(Math.random() * 1e6)}`,
            name: 'Retired JE',
            level: 'JE' as const,
            discom: 'MVVNL',
            unitName: 'Vibhuti Khand',
            mobile: null,
            passwordHash: null,
            language: 'en',
            active: false,
        });
        for (const outsider of [inactive, await f.official('je.shastrinagar'), await f.official('sdo.meerut2')]) {
            assert.ok(!offered.includes(outsider.id), outsider.username);
            assert.equal((await sdo.post(`${base}/reassign`, { _csrf: await sdo.csrf(), officialId: String(outsider.id) })).status, 303);
            assert.match(flashOf((await sdo.get(base)).text) ?? '', /choose one of the officials|सूची में से/);
            assert.equal((await f.reload(complaint.id)).assignedOfficialId, complaint.assignedOfficialId, `not handed to ${outsider.username}`);
        }
    });

    it('offers a CE holding a complaint without an account the JEs of his zone, not only himself', async () => {
        const complaint = await f.register(null, 'no_supply', 'Lane dark, no bill at hand');
        const ce = await f.official('ce.lucknow');
        await f.app.lifecycle.reassign(complaint.id, ce.id, ce.id, 'from the 1912 desk');
        const client = await f.as('ce.lucknow', 'demo-ce-1');
        const base = `/console/complaints/${complaint.ticket}`;
        const offered = reassignOptions((await client.get(base)).text).map(([id]) => id);
        const vibhuti = await f.official('je.vibhutikhand');
        const viraj = await f.official('je.virajkhand');
        assert.ok(offered.includes(vibhuti.id) && offered.includes(viraj.id), String(offered));
        assert.ok(!offered.includes(ce.id), 'not the owner himself');
        assert.ok(!offered.includes((await f.official('je.rajatalab')).id), 'no JE of another discom');
        assert.equal((await client.post(`${base}/reassign`, { _csrf: await client.csrf(), officialId: String(viraj.id) })).status, 303);
        assert.equal((await f.reload(complaint.id)).assignedOfficialId, viraj.id);
    });
}

function escapeHtml(text: string): string {
    return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

describe("officials' console: field view and reassign lists", () => {
    fieldViewSuite(async () => undefined);
    describe('on PostgreSQL', function () {
        this.timeout(60_000);
        fieldViewSuite(() => freshPostgresSchema('console_field_view'));
    });
});

describe("officials' console: callback requests", () => {
    let f: Fixture;
    beforeEach(async () => {
        f = await startConsole();
    });
    afterEach(async () => {
        await f?.server.close();
        await f?.bot.close();
    });

    /** A callback request as the bot records it, placed and started at the clock's time. */
    async function requestCallback(account: string | null, place: string | null = null) {
        const recorded = await f.app.services.handoff.request({ accountNumber: account, contactMobile: '9876543210', channel: 'test', channelUserId: 'u-cb' });
        return f.app.callbacks.start(recorded, place);
    }

    /** References listed in the callbacks table of a page. */
    function referencesIn(page: string): string[] {
        return [...page.matchAll(/<tr class="[^"]*" data-reference="([^"]+)">/g)].map((m) => m[1]);
    }

    async function english(username: string, password: string): Promise<ConsoleClient> {
        const c = await f.as(username, password);
        await c.get('/console/language/en?next=/console');
        return c;
    }

    it('shows the callbacks of the official’s area with the number to call and the time left or late, linked from the navigation in both languages', async () => {
        const mine = await requestCallback(VIBHUTI_KHAND);
        const neighbours = await requestCallback(VIRAJ_KHAND);
        const je = await english('je.vibhutikhand', 'demo-je-1');
        let page = (await je.get('/console/callbacks')).text;
        assert.match(page, /<a href="\/console\/callbacks" id="nav-callbacks">Callbacks<\/a>/);
        assert.deepEqual(referencesIn(page), [mine.reference], 'only the callbacks of the JE’s subdivision');
        assert.match(page, /<a href="tel:\+919876543210">9876543210<\/a>/);
        assert.match(page, /due in 2h 0m/);
        f.clock.advance(3);
        await f.app.callbacks.tick();
        page = (await je.get('/console/callbacks')).text;
        assert.match(page, /late by 1h/);
        const sdoName = (await f.official('sdo.gomtinagar')).name;
        assert.match(page, new RegExp(`<td data-label="With">${sdoName} \\(SDO\\)</td>`), 'escalated to the SDO');
        const sdo = await english('sdo.gomtinagar', 'demo-sdo-1');
        assert.deepEqual(referencesIn((await sdo.get('/console/callbacks')).text).sort(), [mine.reference, neighbours.reference].sort(), 'the division’s');
        await je.get('/console/language/hi?next=/console');
        page = (await je.get('/console/callbacks')).text;
        assert.match(page, /id="nav-callbacks">कॉल-बैक<\/a>/);
        assert.match(page, /<h1>कॉल-बैक अनुरोध<\/h1>/);
    });

    it('records an outcome with a note (CSRF required; another area’s callback is 404); "converted" needs a real ticket', async () => {
        const callback = await requestCallback(VIBHUTI_KHAND);
        const other = await requestCallback(VIRAJ_KHAND);
        const je = await english('je.vibhutikhand', 'demo-je-1');
        const path = `/console/callbacks/${callback.reference}/outcome`;
        assert.equal((await je.post(path, { outcome: 'called', note: 'spoke to him' })).status, 403, 'no CSRF token');
        assert.equal((await je.post(`/console/callbacks/${other.reference}/outcome`, { _csrf: await je.csrf(), outcome: 'called', note: 'x' })).status, 404);
        assert.equal((await f.bot.dataSource.getRepository(CallbackRequest).findOneByOrFail({ id: other.id })).status, 'open');

        assert.equal((await je.post(path, { _csrf: await je.csrf(), outcome: 'converted', note: 'made a complaint', ticket: 'C2611-9999' })).status, 303);
        assert.match(flashOf((await je.get('/console/callbacks')).text) ?? '', /needs the number of an existing complaint/);
        assert.equal((await je.post(path, { _csrf: await je.csrf(), outcome: 'called', note: '' })).status, 303);
        assert.equal(flashOf((await je.get('/console/callbacks')).text), 'Write a note saying what happened on the call.');
        assert.equal((await f.bot.dataSource.getRepository(CallbackRequest).findOneByOrFail({ id: callback.id })).status, 'open');

        const complaint = await f.register(VIBHUTI_KHAND);
        assert.equal((await je.post(path, { _csrf: await je.csrf(), outcome: 'converted', note: 'made a complaint', ticket: complaint.ticket })).status, 303);
        const page = (await je.get('/console/callbacks?show=all')).text;
        assert.equal(flashOf(page), `Callback ${callback.reference} recorded: Converted to a complaint.`);
        assert.match(page, new RegExp(`made a complaint \\(<a href="/console/complaints/${complaint.ticket}">${complaint.ticket}</a>\\)`));
        const saved = await f.bot.dataSource.getRepository(CallbackRequest).findOneByOrFail({ id: callback.id });
        assert.deepEqual(
            [saved.status, saved.convertedTicket, saved.outcomeOfficialId],
            ['converted', complaint.ticket, (await f.official('je.vibhutikhand')).id]
        );
        assert.deepEqual(referencesIn((await je.get('/console/callbacks')).text), [], 'no longer open');
        await je.post(path, { _csrf: await je.csrf(), outcome: 'called', note: 'again' });
        assert.equal(flashOf((await je.get('/console/callbacks')).text), `Callback ${callback.reference} already has an outcome.`);
    });

    it('a callback nobody could place is shown to the SDO and above, never to a JE', async () => {
        const unplaced = await requestCallback(null, 'somewhere far');
        const je = await english('je.vibhutikhand', 'demo-je-1');
        assert.deepEqual(referencesIn((await je.get('/console/callbacks')).text), []);
        const sdo = await english('sdo.gomtinagar', 'demo-sdo-1');
        const page = (await sdo.get('/console/callbacks')).text;
        assert.deepEqual(referencesIn(page), [unplaced.reference]);
        assert.match(page, /not placed: &quot;somewhere far&quot;/);
    });
});
