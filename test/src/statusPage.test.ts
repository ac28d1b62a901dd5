import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { Complaint } from '../../src/data/entities/Complaint';
import { Consumer } from '../../src/data/entities/Consumer';
import { Incident } from '../../src/data/entities/Incident';
import { RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { BotServer, startServer } from '../../src/server';
import { PublicShutdown, PublicShutdowns } from '../../src/statusPage';
import { ManualClock } from '../support/ManualClock';
import { freshPostgresSchema } from '../support/postgres';
import { TestBot } from '../support/TestBot';

const HOUR = 3600_000;

/** Neighbours of demo account 1234567890 on its transformer, with everything a status page must never show. */
const NEIGHBOURS = [
    { account: '5550000001', name: 'Sunita Devi Agarwal', mobile: '9876501234', home: 'House 12, Kavita Bhawan, Vibhuti Khand, Lucknow' },
    { account: '5550000002', name: 'Mohd Irfan Siddiqui', mobile: '9876502345', home: 'Flat 3, Irfan Manzil, Vibhuti Khand, Lucknow' },
    { account: '5550000003', name: 'Kavita Rani Tripathi', mobile: '9876503456', home: 'B-7, Tripathi Sadan, Vibhuti Khand, Lucknow' },
];

/** Stands in for PlannedShutdowns (built on another branch): the one method the page uses. */
class ListedShutdowns implements PublicShutdowns {
    asked: Date[] = [];
    constructor(readonly items: PublicShutdown[]) {}
    async listPublic(now: Date): Promise<PublicShutdown[]> {
        this.asked.push(now);
        return this.items;
    }
}

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('status_page_test')],
] as const) {
    describe(`public status page on ${name}`, function () {
        this.timeout(60_000);
        let bot: TestBot;
        let clock: ManualClock;
        let server: BotServer;
        let base: string;
        let tickets: string[];
        let transformerIncident: Incident;
        let shutdowns: ListedShutdowns;

        async function get(path: string, headers: Record<string, string> = {}) {
            const res = await fetch(base + path, { headers });
            return { status: res.status, headers: res.headers, text: await res.text() };
        }

        /** Moves the clock past the page's reuse time, so the next request reads the database again. */
        function afterCache(): void {
            clock.advance(bot.app.config.statusPageCacheSeconds / 3600 + 1 / 3600);
        }

        async function insertIncident(fields: Partial<Incident>): Promise<Incident> {
            const repo = bot.dataSource.getRepository(Incident);
            return repo.save(
                repo.create({
                    scope: 'feeder',
                    division: '',
                    feederCode: null,
                    dtCode: null,
                    startedAt: new Date(clock.now().getTime() - 2 * HOUR),
                    reportCount: 4,
                    ...fields,
                } as Partial<Incident>)
            );
        }

        before(async () => {
            clock = new ManualClock();
            bot = await TestBot.create({ databaseUrl: await url(), overrides: { notifier: new RecordingNotifier(), now: clock.now } });
            await bot.dataSource.getRepository(Consumer).insert(
                NEIGHBOURS.map((n) => ({
                    accountNumber: n.account,
                    name: n.name,
                    registeredMobile: n.mobile,
                    address: n.home,
                    discom: 'MVVNL',
                    division: 'EUDD Gomti Nagar, Lucknow',
                    subdivision: 'Vibhuti Khand',
                    tariffCategory: 'LMV-1',
                    areaClass: 'city' as const,
                    feederCode: 'VIBHUTIKHAND-F1',
                    dtCode: 'VIBHUTIKHAND-DT1',
                }))
            );
            tickets = [];
            for (const [i, n] of NEIGHBOURS.entries()) {
                const registered = await bot.app.services.complaints.register({
                    accountNumber: n.account,
                    category: 'no_supply',
                    description: `${n.name.split(' ')[0]} ji ke ghar light nahi, call ${n.mobile} or 98765099${i}9`,
                    address: `Gate ${i + 1}, ${n.name.split(' ')[1]} Nivas, Vibhuti Khand`,
                    contactMobile: `98765099${i}9`,
                    channel: 'test',
                    channelUserId: `status-page-${i}`,
                    sourceActivityKey: null,
                });
                await bot.dataSource.getRepository(Complaint).update({ id: registered.id }, { createdAt: clock.now() });
                const started = await bot.app.lifecycle.start(await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: registered.id }));
                tickets.push(started.ticket);
            }
            const grouped = await bot.app.incidents.forComplaint((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket: tickets[0] })).id);
            assert.ok(grouped, 'three reports on one transformer made an incident');
            const je = grouped.incident.assignedOfficialId!;
            await bot.app.incidents.confirm(grouped.incident.id, je);
            transformerIncident = await bot.app.incidents.setDetails(grouped.incident.id, je, {
                cause: 'DT fuse blown',
                etr: new Date(clock.now().getTime() + 3 * HOUR),
            });
            // Another discom's feeder fault, a locality fault (its words come from reporters' addresses), and those
            // the page must leave out or keep by their restoration time.
            await insertIncident({
                reference: 'I2611-0801',
                status: 'suspected',
                discom: 'PVVNL',
                subdivision: 'Shastri Nagar',
                feederCode: 'SHASTRINAGAR-F2',
            });
            await insertIncident({
                reference: 'I2611-0802',
                status: 'restoring',
                scope: 'locality',
                discom: 'MVVNL',
                subdivision: 'Vibhuti Khand',
                locality: 'kaveripuram sharmaji',
            });
            await insertIncident({ reference: 'I2611-0803', status: 'verified', discom: 'PuVVNL', subdivision: 'Rajatalab', feederCode: 'RAJATALAB-F1' });
            await insertIncident({ reference: 'I2611-0804', status: 'dismissed', discom: 'PuVVNL', subdivision: 'Rajatalab', feederCode: 'RAJATALAB-F1' });
            await insertIncident({
                reference: 'I2611-0805',
                status: 'restored',
                discom: 'PVVNL',
                subdivision: 'Shastri Nagar',
                feederCode: 'SHASTRINAGAR-F5',
                restoredAt: new Date(clock.now().getTime() - HOUR),
            });
            await insertIncident({
                reference: 'I2611-0806',
                status: 'restored',
                discom: 'PVVNL',
                subdivision: 'Shastri Nagar',
                feederCode: 'SHASTRINAGAR-F6',
                restoredAt: new Date(clock.now().getTime() - (bot.app.config.statusPageRestoredHours + 1) * HOUR),
            });
            shutdowns = new ListedShutdowns([
                {
                    discom: 'MVVNL',
                    subdivision: 'Vibhuti Khand',
                    feederCode: 'VIBHUTIKHAND-F1',
                    startsAt: new Date(clock.now().getTime() + 20 * HOUR),
                    endsAt: new Date(clock.now().getTime() + 24 * HOUR),
                    reason: 'Line maintenance',
                },
                {
                    discom: 'PVVNL',
                    subdivision: 'Shastri Nagar',
                    feederCode: null,
                    startsAt: new Date(clock.now().getTime() + 30 * HOUR),
                    endsAt: new Date(clock.now().getTime() + 32 * HOUR),
                    reason: 'Tree trimming',
                },
            ]);
            server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], {
                console: false,
                statusPage: { now: clock.now, shutdowns },
            });
            base = `http://127.0.0.1:${server.port}`;
        });
        after(async () => {
            await server?.close();
            await bot?.close();
        });

        it('lists active faults and those restored in the last hours, with area, state, reports, since, cause and ETR', async () => {
            const page = await get('/status?lang=en');
            assert.equal(page.status, 200);
            assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
            assert.match(page.text, /<html lang="en">/);
            assert.match(page.text, /<meta http-equiv="refresh" content="60">/);
            assert.doesNotMatch(page.text, /<script/i, 'works without JavaScript');
            assert.ok(Buffer.byteLength(page.text) < 12_000, `a small page (${Buffer.byteLength(page.text)} bytes)`);
            assert.doesNotMatch(page.text, /(src|href)="(https?:)?\/\/|rel="stylesheet"/i, 'no external assets');
            const card = cardOf(page.text, transformerIncident.reference);
            assert.match(card, /Vibhuti Khand \(MVVNL\)/);
            assert.match(card, /Fault confirmed/);
            assert.match(card, /Transformer VIBHUTIKHAND-DT1/);
            assert.match(card, /3 reports/);
            assert.match(card, /Cause: DT fuse blown/);
            assert.match(card, /Expected back by 20 Nov 2026, 1:00\s?pm \(engineer(&#39;|')s estimate\)/);
            assert.match(card, /Off since 20 Nov 2026, 10:00\s?am/);
            assert.match(cardOf(page.text, 'I2611-0801'), /Reports being checked[\s\S]*Feeder SHASTRINAGAR-F2[\s\S]*Time of restoration not known yet/);
            assert.match(cardOf(page.text, 'I2611-0802'), /Repair under way[\s\S]*Part of the area \(being located\)/);
            assert.match(cardOf(page.text, 'I2611-0805'), /Restored – being confirmed[\s\S]*Restored at 20 Nov 2026, 9:00\s?am/);
            for (const gone of ['I2611-0803', 'I2611-0804', 'I2611-0806']) assert.ok(!page.text.includes(gone), `${gone} is not listed`);
            assert.ok(page.text.indexOf('I2611-0805') > page.text.indexOf('I2611-0801'), 'restored faults come after those still off');
            assert.match(page.text, /Planned shutdowns[\s\S]*Vibhuti Khand \(MVVNL\)[\s\S]*Feeder VIBHUTIKHAND-F1[\s\S]*Reason: Line maintenance/);

            const json = await get('/status.json');
            assert.equal(json.status, 200);
            const data = JSON.parse(json.text);
            assert.deepEqual(
                data.incidents.map((i: { reference: string }) => i.reference).sort(),
                ['I2611-0801', 'I2611-0802', 'I2611-0805', transformerIncident.reference].sort()
            );
            const fault = data.incidents.find((i: { reference: string }) => i.reference === transformerIncident.reference);
            assert.deepEqual(fault, {
                reference: transformerIncident.reference,
                discom: 'MVVNL',
                subdivision: 'Vibhuti Khand',
                scope: 'transformer',
                feederCode: 'VIBHUTIKHAND-F1',
                dtCode: 'VIBHUTIKHAND-DT1',
                status: 'confirmed',
                reports: 3,
                since: clock.now().toISOString(),
                cause: 'DT fuse blown',
                etr: transformerIncident.etr!.toISOString(),
                etrSource: 'official',
                restoredAt: null,
            });
            assert.equal(data.plannedShutdowns.length, 2);
            assert.equal(data.refreshSeconds, 60);
        });

        it('shows no personal data: no names, accounts, mobiles, tickets, addresses, descriptions or locality words', async () => {
            const answers = [
                (await get('/status?lang=en')).text,
                (await get('/status?lang=hi')).text,
                (await get('/status')).text,
                (await get('/status.json')).text,
                (await get('/status?lang=hi&discom=MVVNL&subdivision=Vibhuti%20Khand')).text,
                (await get('/status.json?discom=mvvnl')).text,
            ];
            const secrets = [
                ...NEIGHBOURS.flatMap((n) => [n.account, n.mobile, n.name, n.name.split(' ')[0], n.name.split(' ').at(-1)!, n.home]),
                'Bhawan',
                'Manzil',
                'Sadan',
                ...tickets,
                '9876509909',
                '9876509919',
                '9876509929',
                'Nivas',
                'ji ke ghar',
                'light nahi',
                'kaveripuram',
                'sharmaji',
                '1234567890',
                'Rajesh',
                'B-2/145',
            ];
            for (const answer of answers) {
                for (const secret of secrets) assert.ok(!answer.toLowerCase().includes(secret.toLowerCase()), `"${secret}" must not appear`);
                assert.ok(answer.includes(transformerIncident.reference), 'the fault itself is there');
            }
        });

        it('filters by discom and subdivision (any case), offers the areas listed, and says when an area has nothing', async () => {
            const discom = await get('/status?lang=en&discom=pvvnl');
            assert.ok(discom.text.includes('I2611-0801') && discom.text.includes('I2611-0805'));
            assert.ok(!discom.text.includes(transformerIncident.reference) && !discom.text.includes('I2611-0802'));
            assert.match(discom.text, /<a href="\/status\?lang=en&amp;discom=PVVNL&amp;subdivision=Shastri\+Nagar">Shastri Nagar<\/a>/);
            assert.match(discom.text, /<a href="\/status\?lang=en&amp;discom=PVVNL" aria-current="page">PVVNL<\/a>/);
            assert.match(discom.text, /Tree trimming/);
            assert.doesNotMatch(discom.text, /Line maintenance/);

            const subdivision = await get('/status?lang=en&discom=MVVNL&subdivision=vibhuti%20khand');
            assert.ok(subdivision.text.includes(transformerIncident.reference) && subdivision.text.includes('I2611-0802'));
            assert.ok(!subdivision.text.includes('I2611-0801'));
            assert.match(subdivision.text, /<title>Power supply status: Vibhuti Khand \(MVVNL\)<\/title>/);

            const json = JSON.parse((await get('/status.json?subdivision=Shastri%20Nagar')).text);
            assert.deepEqual(json.incidents.map((i: { reference: string }) => i.reference).sort(), ['I2611-0801', 'I2611-0805']);
            assert.deepEqual(
                json.plannedShutdowns.map((s: { reason: string }) => s.reason),
                ['Tree trimming']
            );

            const nowhere = await get('/status?lang=en&discom=KESCo&subdivision=%3Cb%3ENowhere%3C%2Fb%3E');
            assert.equal(nowhere.status, 200);
            assert.match(nowhere.text, /No known faults in &lt;b&gt;Nowhere&lt;\/b&gt; \(KESCo\) right now\./);
            assert.match(nowhere.text, /No planned shutdowns listed for &lt;b&gt;Nowhere/);
            assert.match(nowhere.text, /<a href="\/status\?lang=en">All areas<\/a>/, 'a way back to every area');
            assert.doesNotMatch(nowhere.text, /<b>Nowhere/);
            const repeated = await get('/status.json?discom=MVVNL&discom=PVVNL');
            assert.equal(repeated.status, 200, 'a repeated parameter takes the first');
            assert.ok(JSON.parse(repeated.text).incidents.every((i: { discom: string }) => i.discom === 'MVVNL'));
        });

        it('speaks Hindi by default, English when the browser or ?lang asks, and offers a switch', async () => {
            const plain = await get('/status');
            assert.match(plain.text, /<html lang="hi">/);
            assert.match(plain.text, /बिजली आपूर्ति की स्थिति/);
            assert.match(cardOf(plain.text, transformerIncident.reference), /खराबी की पुष्टि हो गई[\s\S]*ट्रांसफ़ॉर्मर VIBHUTIKHAND-DT1[\s\S]*3 शिकायतें/);
            assert.match(plain.text, /<a href="\/status\?lang=en" hreflang="en" lang="en">View in English<\/a>/);
            assert.match(plain.headers.get('vary') ?? '', /Accept-Language/i);

            const browserEnglish = await get('/status', { 'accept-language': 'en-IN,en;q=0.9,hi;q=0.8' });
            assert.match(browserEnglish.text, /<html lang="en">/);
            assert.notEqual(browserEnglish.headers.get('etag'), plain.headers.get('etag'));
            const french = await get('/status', { 'accept-language': 'fr-FR' });
            assert.match(french.text, /<html lang="hi">/);

            const asked = await get('/status?lang=hi&discom=MVVNL', { 'accept-language': 'en' });
            assert.match(asked.text, /<html lang="hi">/);
            assert.doesNotMatch(asked.headers.get('vary') ?? '', /Accept-Language/i);
            assert.match(
                asked.text,
                /<a href="\/status\?lang=en&amp;discom=MVVNL" hreflang="en" lang="en">View in English<\/a>/,
                'the switch keeps the filter'
            );
            assert.match((await get('/status?lang=xx', { 'accept-language': 'en' })).text, /<html lang="en">/, 'an unknown ?lang falls back');
        });

        it('is cheap under a burst: one read per interval, ETags answered 304, and news after the interval', async () => {
            afterCache();
            const first = await get('/status?lang=en');
            const readsBefore = shutdowns.asked.length;
            const burst = await Promise.all(Array.from({ length: 30 }, () => get('/status?lang=en')));
            assert.ok(burst.every((b) => b.status === 200 && b.text === first.text));
            assert.equal(shutdowns.asked.length, readsBefore, 'the burst read nothing');
            assert.match(first.headers.get('cache-control') ?? '', /public, max-age=10/);
            const etag = first.headers.get('etag');
            assert.match(etag ?? '', /^"[A-Za-z0-9_-]{27}"$/);
            assert.equal((await get('/status?lang=en', { 'if-none-match': etag! })).status, 304);

            // Unchanged content keeps its ETag after the interval: a reload still costs nothing to send.
            afterCache();
            assert.equal((await get('/status?lang=en', { 'if-none-match': etag! })).status, 304);
            assert.equal(shutdowns.asked.length, readsBefore + 1);

            const je = transformerIncident.assignedOfficialId!;
            await bot.app.incidents.markRestoring(transformerIncident.id, je);
            assert.match(cardOf((await get('/status?lang=en')).text, transformerIncident.reference), /Fault confirmed/, 'within the interval: the read before');
            afterCache();
            const changed = await get('/status?lang=en', { 'if-none-match': etag! });
            assert.equal(changed.status, 200);
            assert.match(cardOf(changed.text, transformerIncident.reference), /Repair under way/);
            assert.notEqual(changed.headers.get('etag'), etag);
            const jsonEtag = (await get('/status.json')).headers.get('etag');
            assert.equal((await get('/status.json', { 'if-none-match': jsonEtag! })).status, 304);
        });

        it('carries a policy that allows its own inline style only, and the home page links it', async () => {
            const page = await get('/status?lang=en');
            const policy = page.headers.get('content-security-policy') ?? '';
            assert.match(policy, /default-src 'none'/);
            assert.match(policy, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
            assert.doesNotMatch(policy, /script-src|unsafe-inline/);
            assert.equal(page.headers.get('x-frame-options'), 'DENY');
            const home = await get('/');
            assert.match(home.text, /<a href="\/status">\/status<\/a>: the public status page/);
        });
    });
}

describe('public status page with nothing listed, and with the database away', () => {
    let bot: TestBot;
    let clock: ManualClock;
    let server: BotServer;

    before(async () => {
        clock = new ManualClock();
        bot = await TestBot.create({ overrides: { now: clock.now } });
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], {
            console: false,
            statusPage: { now: clock.now },
        });
    });
    after(async () => {
        await server?.close();
        await bot?.close();
    });

    it("says when nothing is listed, and answers 503 in the reader's language when nothing can be read", async () => {
        const base = `http://127.0.0.1:${server.port}`;
        const page = await (await fetch(`${base}/status?lang=en`)).text();
        assert.match(page, /No known faults here right now\./);
        assert.match(page, /No planned shutdowns listed here\./, "the application's own schedule, empty");
        assert.deepEqual(JSON.parse(await (await fetch(`${base}/status.json`)).text()).plannedShutdowns, []);

        const fresh = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, [], {
            console: false,
            statusPage: { now: clock.now },
        });
        try {
            await bot.dataSource.query('DROP TABLE incidents');
            const down = await fetch(`http://127.0.0.1:${fresh.port}/status`);
            assert.equal(down.status, 503);
            assert.equal(down.headers.get('retry-after'), '30');
            assert.equal(down.headers.get('cache-control'), 'no-store');
            assert.match(await down.text(), /अभी स्थिति पढ़ी नहीं जा सकी/);
            assert.equal((await fetch(`http://127.0.0.1:${fresh.port}/status.json`)).status, 503);
            // A server that has read once keeps showing that, past its interval, while the database is away.
            clock.advance(1);
            const stale = await fetch(`${base}/status?lang=en`);
            assert.equal(stale.status, 200);
            assert.match(await stale.text(), /No known faults here right now\./);
            assert.ok(bot.logLines.some((line) => line.includes('status page: could not read')));
        } finally {
            await fresh.close();
        }
    });
});

/** The card (article) of one incident reference in a page. */
function cardOf(page: string, reference: string): string {
    const at = page.indexOf(reference);
    assert.ok(at >= 0, `${reference} is listed`);
    const start = page.lastIndexOf('<article', at);
    return page.slice(start, page.indexOf('</article>', at));
}
