import { startConsoleServer } from '../../support/ConsoleClient';
import { strict as assert } from 'assert';
import { Complaint } from '../../../src/data/entities/Complaint';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Official } from '../../../src/data/entities/Official';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { BotServer } from '../../../src/server';
import { freshPostgresSchema } from '../../support/postgres';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const VIBHUTI_KHAND = '1234567890';
const VIRAJ_KHAND = '1100220033';
const DIVISION = 'EUDD Gomti Nagar, Lucknow';

/** Signs in over HTTP (cookies and the CSRF token kept by hand) and reads pages in English. */
async function signedIn(base: string, username: string, password: string): Promise<(path: string) => Promise<string>> {
    let cookies = new Map<string, string>();
    const request = async (path: string, init: RequestInit = {}) => {
        const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(base + path, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
        for (const line of res.headers.getSetCookie()) {
            const pair = line.split(';')[0];
            const eq = pair.indexOf('=');
            cookies = new Map(cookies).set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        return { status: res.status, text: await res.text() };
    };
    const form = await request('/console/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    const answer = await request('/console/sign-in', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: csrf, username, password, next: '/console' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(answer.status, 303, `sign-in of ${username}`);
    await request('/console/language/en?next=/console');
    return async (path) => {
        const page = await request(path);
        assert.equal(page.status, 200, `GET ${path}`);
        return page.text;
    };
}

/** The text of cell `col` in the row `key` of table `table`. */
function cell(page: string, table: string, key: string, col: string): string {
    const body = new RegExp(`<table id="${table}">([\\s\\S]*?)</table>`).exec(page);
    assert.ok(body, `table ${table}`);
    const row = new RegExp(`<tr data-key="${key}">([\\s\\S]*?)</tr>`).exec(body[1]);
    assert.ok(row, `row ${key} of ${table}`);
    return new RegExp(`data-col="${col}"[^>]*>([^<]*)<`).exec(row[1])![1];
}

function rowKeys(page: string, table: string): string[] {
    const body = new RegExp(`<table id="${table}">([\\s\\S]*?)</table>`).exec(page)![1];
    return [...body.matchAll(/<tr data-key="([^"]*)">/g)].map((m) => m[1]);
}

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('closure_dashboard')],
] as const) {
    describe(`closure quality on the console dashboard on ${name}`, () => {
        let bot: TestBot;
        let server: BotServer;
        let clock: ManualClock;
        let draw = 1;

        before(async () => {
            clock = new ManualClock();
            bot = await TestBot.create({ databaseUrl: await url(), overrides: { notifier: new RecordingNotifier(), now: clock.now, random: () => draw } });
            await bot.dataSource.getRepository(Consumer).insert({
                accountNumber: VIRAJ_KHAND,
                name: 'Kamla Devi',
                registeredMobile: null,
                address: '4/12, Viraj Khand, Gomti Nagar, Lucknow 226010',
                discom: 'MVVNL',
                division: DIVISION,
                subdivision: 'Viraj Khand',
                tariffCategory: 'LMV-1',
                areaClass: 'city',
            });
            server = await startConsoleServer(bot.app, clock.now);
            await seedHistory();
        });
        after(async () => {
            await server?.close();
            await bot?.close();
        });

        async function register(account: string): Promise<Complaint> {
            const { app } = bot;
            const complaint = await app.services.complaints.register({
                accountNumber: account,
                category: 'no_supply',
                description: 'No light since morning',
                address: null,
                contactMobile: null,
                channel: 'test',
                channelUserId: `u-${account}`,
                sourceActivityKey: null,
            });
            await bot.dataSource.getRepository(Complaint).update({ id: complaint.id }, { createdAt: clock.now() });
            return app.lifecycle.start(await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id }));
        }

        /**
         * The history the expected figures were worked out from by hand (hours after T, all in the last 30 days):
         * - JE Vibhuti Khand: A resolved 2, a note while resolved 2 (not a claim), confirmed 4 (4 h), rated 5;
         *   B resolved 2, "no" 4, resolved 5, confirmed 10 (10 h); C resolved 2, unanswered → unconfirmed at 78;
         *   D resolved 80, still waiting. 5 claims: 2 confirmed, 1 reopened, 1 unconfirmed, median (4, 10) = 7 h.
         * - JE Viraj Khand: E resolved 2, confirmed 6 (6 h), rated 2, drawn for the re-contact and answered "not
         *   working" at 78; F resolved 2, "no" 3. 2 claims: 1 confirmed, 1 reopened, median 6 h; 1 of 1 re-contact
         *   not working.
         * - Division: 7 claims, 3 confirmed (43 %), 2 reopened (29 %), 1 unconfirmed (14 %), median (4, 6, 10) = 6 h,
         *   ratings 5 and 2 = 3.5.
         * And O, 40 days before T: resolved 1, confirmed 3 (3 h), seen only over 90 days.
         */
        async function seedHistory(): Promise<void> {
            const { lifecycle } = bot.app;
            const official = async (username: string) => (await bot.dataSource.getRepository(Official).findOneByOrFail({ username })).id;
            const je1 = await official('je.vibhutikhand');
            const je2 = await official('je.virajkhand');
            const o = await register(VIBHUTI_KHAND);
            clock.advance(1);
            await lifecycle.resolve(o.id, je1, 'fuse');
            clock.advance(2);
            await lifecycle.confirm(o.id, true, 'registrant');
            clock.advance(40 * 24 - 3);
            const [a, b, c, d] = [await register(VIBHUTI_KHAND), await register(VIBHUTI_KHAND), await register(VIBHUTI_KHAND), await register(VIBHUTI_KHAND)];
            const [e, f] = [await register(VIRAJ_KHAND), await register(VIRAJ_KHAND)];
            clock.advance(2);
            for (const x of [a, b, c]) await lifecycle.resolve(x.id, je1, 'fixed');
            for (const x of [e, f]) await lifecycle.resolve(x.id, je2, 'fixed');
            await lifecycle.addNote(a.id, je1, 'checked the line again');
            clock.advance(1);
            await lifecycle.confirm(f.id, false);
            clock.advance(1);
            await lifecycle.confirm(a.id, true, 'registrant');
            await lifecycle.rate(a.id, 5);
            await lifecycle.confirm(b.id, false);
            clock.advance(1);
            await lifecycle.resolve(b.id, je1, 'fixed again');
            clock.advance(1);
            draw = 0;
            await lifecycle.confirm(e.id, true, 'registrant');
            draw = 1;
            await lifecycle.rate(e.id, 2);
            clock.advance(4);
            await lifecycle.confirm(b.id, true, 'registrant');
            clock.advance(68);
            const passed = await lifecycle.tick();
            assert.equal(passed.recontacted, 1);
            assert.equal(await lifecycle.recordRecontact(e.id, false), 'recorded');
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: c.id })).status, 'unconfirmed');
            clock.advance(2);
            await lifecycle.resolve(d.id, je1, 'fixed');
            clock.advance(1);
        }

        it('gives the SDO the rates per JE, subdivision and division computed from the events, worst first', async () => {
            const get = await signedIn(`http://127.0.0.1:${server.port}`, 'sdo.gomtinagar', 'demo-sdo-1');
            const page = await get('/console/dashboard');
            const stat = (id: string) => new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page)![1];
            assert.deepEqual(
                [
                    'closure-claimed',
                    'closure-confirmed',
                    'closure-reopened',
                    'closure-unconfirmed',
                    'closure-median',
                    'closure-rating',
                    'closure-not-working',
                ].map(stat),
                ['7', '43%', '29%', '14%', '6.0 h', '3.5 (2)', '100%']
            );
            const je1 = String((await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' })).id);
            const je2 = String((await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.virajkhand' })).id);
            const figures = (table: string, key: string) =>
                ['claimed', 'confirmed', 'reopened', 'unconfirmed', 'median', 'rating', 'recontacted', 'not-working'].map((col) => cell(page, table, key, col));
            assert.deepEqual(figures('closure-by-official', je1), ['5', '40%', '20%', '20%', '7.0 h', '5.0 (1)', '0', '—']);
            assert.deepEqual(figures('closure-by-official', je2), ['2', '50%', '50%', '0%', '6.0 h', '2.0 (1)', '1', '100%']);
            assert.deepEqual(figures('closure-by-subdivision', 'Vibhuti Khand'), figures('closure-by-official', je1));
            assert.deepEqual(figures('closure-by-subdivision', 'Viraj Khand'), figures('closure-by-official', je2));
            assert.deepEqual(figures('closure-by-division', DIVISION), ['7', '43%', '29%', '14%', '6.0 h', '3.5 (2)', '1', '100%']);
            // Worst first: half of Viraj Khand's claims were not confirmed, 40 % of Vibhuti Khand's.
            assert.deepEqual(rowKeys(page, 'closure-by-official'), [je2, je1]);
            assert.deepEqual(rowKeys(await get('/console/dashboard?sort=claimed'), 'closure-by-official'), [je1, je2]);
            assert.match(page, /<svg id="chart-closure"[^>]*role="img"/);
            // Over 90 days the older confirmed claim counts too: 6 claims, median (3, 4, 10) = 4 h.
            const longer = await get('/console/dashboard?days=90');
            assert.deepEqual([cell(longer, 'closure-by-official', je1, 'claimed'), cell(longer, 'closure-by-official', je1, 'median')], ['6', '4.0 h']);
            assert.match(longer, /<option value="90" selected>/);
            // An unknown period or order falls back to 30 days, worst first.
            const odd = await get('/console/dashboard?days=2&sort=drop');
            assert.equal(cell(odd, 'closure-by-official', je1, 'claimed'), '5');
        });

        it("shows the JE only their own subdivision's figures, and the rating on the complaint page", async () => {
            const get = await signedIn(`http://127.0.0.1:${server.port}`, 'je.vibhutikhand', 'demo-je-1');
            const page = await get('/console/dashboard');
            assert.deepEqual(rowKeys(page, 'closure-by-subdivision'), ['Vibhuti Khand']);
            assert.equal(/id="closure-claimed"[^>]*>([^<]*)</.exec(page)![1], '5');
            const rated = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ rating: 5 });
            const detail = await get(`/console/complaints/${rated.ticket}`);
            assert.match(detail, /id="detail-rating">5 of 5</);
        });

        it('lists a late field re-check in the queue and the notices of the SDO it escalated to', async () => {
            const late = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ status: 'unconfirmed' });
            clock.advance(22);
            assert.ok((await bot.app.lifecycle.tick()).escalated >= 1);
            const moved = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: late.id });
            const sdo = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'sdo.gomtinagar' });
            assert.deepEqual([moved.status, moved.assignedOfficialId], ['unconfirmed', sdo.id]);
            const get = await signedIn(`http://127.0.0.1:${server.port}`, 'sdo.gomtinagar', 'demo-sdo-1');
            const queue = await get('/console');
            const row = new RegExp(`<tr class="breached" data-ticket="${late.ticket}">([\\s\\S]*?)</tr>`).exec(queue);
            assert.ok(row, 'listed, marked late');
            assert.match(row[1], /re-check late by/);
            assert.match(queue, new RegExp(`<tr data-notice="${late.ticket}" data-kind="escalated">`));
        });
    });
}
