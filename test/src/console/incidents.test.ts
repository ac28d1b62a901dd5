import { strict as assert } from 'assert';
import { Browser } from 'playwright-core';
import { Complaint } from '../../../src/data/entities/Complaint';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Incident } from '../../../src/data/entities/Incident';
import { BotServer } from '../../../src/server';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { indiaLocalInput, parseIndiaDateTime } from '../../../src/i18n/indiaTime';
import { launchChromium } from '../../support/browser';
import { ConsoleClient, csrfOf, flashOf, startConsoleServer } from '../../support/ConsoleClient';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const HOUR = 3600_000;

/** References of the incidents of one table of the incidents page. */
function referencesIn(page: string, table: string): string[] {
    const body = new RegExp(`<table id="${table}"[\\s\\S]*?</table>`).exec(page)?.[0] ?? '';
    return [...body.matchAll(/<tr data-reference="([^"]+)"/g)].map((m) => m[1]);
}

/** Tickets of the attached-complaints table of an incident page. */
function attachedTickets(page: string): string[] {
    const body = /<table id="incident-complaints"[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    return [...body.matchAll(/<tr data-ticket="([^"]+)"/g)].map((m) => m[1]);
}

/**
 * The officials' incidents view over real HTTP with the console on loopback: three no-supply reports from three
 * accounts of one transformer make an incident; the area's JE sees it with its reports (each on its own clock) and acts
 * on it with one action each; officials of another subdivision or discom are refused on GET and POST; a POST without
 * the session's CSRF token is refused; a restoration time reaches exactly the reporters who want updates; marking it
 * restored resolves every attached complaint and asks each consumer whether power is back.
 */
describe('outage incidents in the console', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let clock: ManualClock;
    let notifier: RecordingNotifier;
    let server: BotServer;
    let base: string;

    beforeEach(async () => {
        // Complaints are stamped by the database's clock: the test clock starts at the real time.
        clock = new ManualClock(new Date());
        notifier = new RecordingNotifier();
        bot = await TestBot.create({ overrides: { notifier, now: clock.now } });
        server = await startConsoleServer(bot.app, clock.now);
        base = `http://127.0.0.1:${server.port}`;
    });
    afterEach(async () => {
        await server.close();
        await bot.close();
    });

    const reload = (id: number) => bot.dataSource.getRepository(Incident).findOneByOrFail({ id });
    const complaint = (id: number) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ id });

    /**
     * Three no-supply reports from demo account 1234567890 and two neighbours on its transformer (VIBHUTIKHAND-DT1),
     * registered and started as the bot does: the third makes a suspected transformer incident.
     */
    async function threeReports(): Promise<{ incident: Incident; reports: Complaint[] }> {
        const consumers = bot.dataSource.getRepository(Consumer);
        const demo = await consumers.findOneByOrFail({ accountNumber: '1234567890' });
        assert.equal(demo.dtCode, 'VIBHUTIKHAND-DT1');
        for (const [accountNumber, address] of [
            ['1234567801', 'B-2/147, Vibhuti Khand, Gomti Nagar, Lucknow 226010'],
            ['1234567802', 'B-2/151, Vibhuti Khand, Gomti Nagar, Lucknow 226010'],
        ]) {
            await consumers.save(consumers.create({ ...demo, accountNumber, name: `Neighbour ${accountNumber}`, registeredMobile: null, address }));
        }
        const reports: Complaint[] = [];
        for (const [i, accountNumber] of ['1234567890', '1234567801', '1234567802'].entries()) {
            const registered = await bot.app.services.complaints.register({
                accountNumber,
                category: 'no_supply',
                description: 'No light since an hour',
                address: null,
                contactMobile: null,
                channel: 'test',
                channelUserId: `reporter-${i}`,
                sourceActivityKey: null,
                language: 'en',
            });
            reports.push(await bot.app.lifecycle.start(registered));
        }
        const joined = await bot.app.incidents.forComplaint(reports[2].id);
        assert.ok(joined, 'three reports of one transformer make an incident');
        assert.deepEqual([joined.incident.status, joined.incident.scope, joined.incident.reportCount], ['suspected', 'transformer', 3]);
        return { incident: joined.incident, reports: await Promise.all(reports.map((r) => complaint(r.id))) };
    }

    async function signedIn(username: string, password: string): Promise<ConsoleClient> {
        const client = new ConsoleClient(base);
        await client.signIn(username, password);
        assert.equal((await client.get('/console/language/en?next=%2Fconsole')).status, 303);
        return client;
    }

    it('the area’s JE sees the incident with its reports, each on its own clock, and confirms it with one action', async () => {
        const { incident, reports } = await threeReports();
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const queue = await je.get('/console');
        assert.match(queue.text, /<a href="\/console\/incidents" id="nav-incidents">Outage incidents<\/a>/);
        assert.match((await je.get('/console/dashboard')).text, /id="dashboard-incidents"/);

        const list = await je.get('/console/incidents');
        assert.equal(list.status, 200);
        assert.deepEqual(referencesIn(list.text, 'active-incidents'), [incident.reference]);
        const row = new RegExp(`<tr data-reference="${incident.reference}"[\\s\\S]*?</tr>`).exec(list.text)![0];
        assert.match(row, /Vibhuti Khand · transformer VIBHUTIKHAND-DT1/);
        assert.match(row, /Suspected/);
        assert.match(row, /<td data-label="Reports" class="reports">3<\/td>/);
        assert.match(row, /<td data-label="With">[^<]+\(JE\)<\/td>/, 'the owner is shown');
        assert.match(row, /left<\/span>/, 'its own due time, not late yet');
        assert.doesNotMatch(list.text, /Rajesh|9415012345|1234567890/, 'no consumer’s name or numbers on the list');

        const detail = await je.get(`/console/incidents/${incident.reference}`);
        assert.equal(detail.status, 200);
        assert.deepEqual(
            attachedTickets(detail.text),
            reports.map((r) => r.ticket)
        );
        assert.match(detail.text, /id="incident-followers">0</);
        // The form offers the standard's time (the incident's due time) as the restoration time, in India time.
        assert.match(detail.text, new RegExp(`name="etr" value="${indiaLocalInput(incident.dueAt!)}"`));

        // Past every report's due time: the incident and each complaint show late.
        clock.advance((incident.dueAt!.getTime() - clock.now().getTime()) / HOUR + 2);
        const late = await je.get(`/console/incidents/${incident.reference}`);
        assert.match(late.text, /id="incident-due">[^<]*breached by 2h/);
        assert.equal([...late.text.matchAll(/<tr data-ticket="[^"]+" class="breached">/g)].length, 3);

        notifier.sent.length = 0;
        const confirmed = await je.submit(`/console/incidents/${incident.reference}`, `/console/incidents/${incident.reference}/confirm`);
        assert.match(flashOf(confirmed.text) ?? '', /confirmed; the reporters have been told/);
        assert.equal((await reload(incident.id)).status, 'confirmed');
        assert.deepEqual(
            notifier.sent.filter((n) => n.text.key === 'incidents:notice.confirmed').map((n) => n.complaintId),
            reports.map((r) => r.id)
        );
        assert.doesNotMatch(confirmed.text, /id="form-confirm"/, 'confirmed once, not offered again');

        // In Hindi, the same page reads in Hindi.
        assert.equal((await je.get('/console/language/hi?next=%2Fconsole%2Fincidents')).status, 303);
        const hindi = await je.get('/console/incidents');
        assert.match(hindi.text, /<h1>बिजली गुल की घटनाएँ<\/h1>/);
        assert.match(hindi.text, /पुष्टि हुई/);
        assert.match(hindi.text, /ट्रांसफ़ॉर्मर VIBHUTIKHAND-DT1/);
        assert.equal((await je.get('/console/language/en?next=%2Fconsole')).status, 303);

        // An action the incident's state no longer allows: the service's reason, shown to the official.
        const page = await je.get(`/console/incidents/${incident.reference}`);
        const again = await je.post(`/console/incidents/${incident.reference}/confirm`, { _csrf: csrfOf(page.text) });
        assert.equal(again.status, 303);
        assert.match(flashOf((await je.get(again.location!)).text) ?? '', /Not done for I\d{4}-\d{4}: incident I\d{4}-\d{4} is confirmed, not suspected/);
    });

    it('an official of another subdivision or discom is refused on GET and POST, and nothing changes', async () => {
        const { incident } = await threeReports();
        for (const [username, password] of [
            ['je.virajkhand', 'demo-je-4'],
            ['je.shastrinagar', 'demo-je-2'],
        ]) {
            const other = await signedIn(username, password);
            const list = await other.get('/console/incidents');
            assert.equal(list.status, 200);
            assert.ok(!list.text.includes(incident.reference), `${username} does not see it listed`);
            assert.equal((await other.get(`/console/incidents/${incident.reference}`)).status, 404);
            const token = await other.csrf('/console/incidents');
            for (const [action, form] of [
                ['confirm', {}],
                ['dismiss', { note: 'not ours' }],
                ['details', { cause: 'x', etr: indiaLocalInput(new Date(clock.now().getTime() + 3 * HOUR)) }],
                ['restoring', {}],
                ['restored', { note: 'done' }],
            ] as const) {
                const answer = await other.post(`/console/incidents/${incident.reference}/${action}`, { _csrf: token, ...form });
                assert.equal(answer.status, 404, `${username} POST ${action}`);
            }
        }
        const after = await reload(incident.id);
        assert.deepEqual([after.status, after.cause, after.etr], ['suspected', null, null]);
        // The SDO above the subdivision sees it.
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        assert.equal((await sdo.get(`/console/incidents/${incident.reference}`)).status, 200);
    });

    it('a POST without the session’s CSRF token is refused and changes nothing', async () => {
        const { incident } = await threeReports();
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        assert.equal((await je.post(`/console/incidents/${incident.reference}/confirm`, {})).status, 403);
        assert.equal((await je.post(`/console/incidents/${incident.reference}/restored`, { _csrf: 'forged', note: 'done' })).status, 403);
        assert.equal((await reload(incident.id)).status, 'suspected');
    });

    it('a new restoration time goes to exactly the attached consumers who want updates', async () => {
        const { incident, reports } = await threeReports();
        await bot.app.incidents.setUpdates(reports[1].id, false);
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const from = `/console/incidents/${incident.reference}`;

        // A time in the past, or no time at all: a clear message, nothing changes, nobody is told.
        notifier.sent.length = 0;
        const past = await je.submit(from, `${from}/details`, { cause: '', etr: indiaLocalInput(new Date(clock.now().getTime() - HOUR)) });
        assert.equal(flashOf(past.text), 'The expected restoration time must be in the future.');
        const garbled = await je.submit(from, `${from}/details`, { cause: '', etr: '2026-02-31T10:00' });
        assert.equal(flashOf(garbled.text), 'Please give the expected restoration time as a date and time.');
        assert.equal(notifier.sent.length, 0, 'nobody is told');

        const etr = new Date(Math.ceil((clock.now().getTime() + 3 * HOUR) / 60_000) * 60_000);
        const saved = await je.submit(from, `${from}/details`, { cause: 'Transformer burnt', etr: indiaLocalInput(etr) });
        assert.match(flashOf(saved.text) ?? '', /Expected restoration time of .* saved/);
        const after = await reload(incident.id);
        assert.deepEqual([after.cause, after.etr?.toISOString(), after.etrFromOfficial], ['Transformer burnt', etr.toISOString(), true]);
        const told = notifier.sent.filter((n) => n.text.key.startsWith('incidents:notice.etr'));
        assert.deepEqual(
            told.map((n) => n.complaintId),
            [reports[0].id, reports[2].id],
            'the reporter who declined updates is not told'
        );
        assert.ok(told.every((n) => n.text.key === 'incidents:notice.etrCause' && n.text.vars?.reference === incident.reference));
        assert.match(saved.text, /id="incident-cause">Transformer burnt</);

        // Saving the same time again tells nobody.
        notifier.sent.length = 0;
        const same = await je.submit(from, `${from}/details`, { cause: 'Transformer burnt', etr: indiaLocalInput(etr) });
        assert.equal(flashOf(same.text), 'Nothing changed.');
        assert.equal(notifier.sent.length, 0, 'nobody is told');
    });

    it('marking it restored resolves every attached complaint and asks each consumer; it then reads restored – unconfirmed', async () => {
        const { incident, reports } = await threeReports();
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const from = `/console/incidents/${incident.reference}`;
        const restoring = await je.submit(from, `${from}/restoring`);
        assert.equal((await reload(incident.id)).status, 'restoring');
        assert.doesNotMatch(restoring.text, /id="form-restoring"/);

        const noNote = await je.submit(from, `${from}/restored`, { note: '  ' });
        assert.equal(flashOf(noNote.text), 'Please write a short note first.');
        assert.equal((await reload(incident.id)).status, 'restoring');

        notifier.sent.length = 0;
        clock.advance(1);
        const restored = await je.submit(from, `${from}/restored`, { note: 'Replaced the burnt transformer fuse' });
        assert.match(flashOf(restored.text) ?? '', /marked restored/);
        const after = await reload(incident.id);
        assert.equal(after.status, 'restored');
        for (const report of reports) assert.equal((await complaint(report.id)).status, 'resolved', report.ticket);
        assert.deepEqual(
            notifier.sent
                .filter((n) => n.text.key === 'status:askFixed')
                .map((n) => n.complaintId)
                .sort((a, b) => a - b),
            reports.map((r) => r.id)
        );
        assert.match(restored.text, /Restored – unconfirmed \(0 of 3 confirmed\)/);
        // Each complaint's own history says who restored it, as for a complaint resolved on its own.
        const history = (await je.get(`/console/complaints/${reports[1].ticket}`)).text;
        assert.match(
            history,
            /<td[^>]*>Resolved<\/td>\s*<td[^>]*>Amit Kumar Verma \(JE\)<\/td>\s*<td[^>]*>supply restored \(incident I\d{4}-\d{4}\): Replaced the burnt transformer fuse/
        );

        await bot.app.lifecycle.confirm(reports[0].id, true, 'registrant');
        const list = await je.get('/console/incidents');
        assert.deepEqual(referencesIn(list.text, 'active-incidents'), []);
        assert.deepEqual(referencesIn(list.text, 'recent-incidents'), [incident.reference]);
        assert.match(list.text, /Restored – unconfirmed \(1 of 3 confirmed\)/);
    });

    it('dismissing needs a note and sends the complaints back to their own clocks', async () => {
        const { incident, reports } = await threeReports();
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const from = `/console/incidents/${incident.reference}`;
        assert.equal(flashOf((await je.submit(from, `${from}/dismiss`, { note: '' })).text), 'Please write a short note first.');
        const dismissed = await je.submit(from, `${from}/dismiss`, { note: 'Three separate service-cable faults' });
        assert.match(flashOf(dismissed.text) ?? '', /dismissed/);
        assert.equal((await reload(incident.id)).status, 'dismissed');
        for (const report of reports) assert.equal((await complaint(report.id)).incidentId, null);
        assert.match(dismissed.text, /Three separate service-cable faults/, 'the note is in the history');
    });

    it('reads the time field as India time', () => {
        assert.equal(parseIndiaDateTime('2026-12-07T18:30')?.toISOString(), '2026-12-07T13:00:00.000Z');
        assert.equal(indiaLocalInput(new Date('2026-12-07T13:00:00Z')), '2026-12-07T18:30');
        for (const bad of ['', '2026-12-07', '2026-13-01T10:00', '2026-02-30T10:00', '2026-12-07T24:00', 'tomorrow']) {
            assert.equal(parseIndiaDateTime(bad), null, bad);
        }
    });

    describe('in Chromium', () => {
        let browser: Browser;
        before(async () => {
            browser = await launchChromium();
        });
        after(async () => {
            await browser?.close();
        });

        it('the JE opens the incident from the navigation on a phone, sets the cause and time, and marks it restored', async () => {
            const { incident, reports } = await threeReports();
            const context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
            try {
                const page = await context.newPage();
                const errors: string[] = [];
                page.on('pageerror', (error) => errors.push(error.message));
                await page.goto(`${base}/console`);
                await page.fill('#username', 'je.vibhutikhand');
                await page.fill('#password', 'demo-je-1');
                await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
                await Promise.all([page.waitForURL(`${base}/console`), page.click('#language-switch')]);
                await Promise.all([page.waitForURL(`${base}/console/incidents`), page.click('#nav-incidents')]);
                const row = page.locator(`tr[data-reference="${incident.reference}"]`);
                assert.match((await row.innerText()).replace(/\s+/g, ' '), /transformer VIBHUTIKHAND-DT1.*Suspected.*3/);
                await Promise.all([page.waitForURL(`${base}/console/incidents/${incident.reference}`), row.locator('a').click()]);
                assert.equal(await page.locator('#details-etr').inputValue(), indiaLocalInput(incident.dueAt!), 'the standard’s time offered');

                const etr = new Date(Math.ceil((clock.now().getTime() + 5 * HOUR) / 60_000) * 60_000);
                await page.fill('#details-cause', 'Jumper cut on the 11 kV line');
                await page.fill('#details-etr', indiaLocalInput(etr));
                await Promise.all([page.waitForURL(`${base}/console/incidents/${incident.reference}`), page.click('#details-submit')]);
                assert.match(await page.locator('#flash').innerText(), /Expected restoration time of .* saved/);
                assert.equal((await reload(incident.id)).etr?.toISOString(), etr.toISOString());
                assert.equal(await page.locator('#incident-cause').innerText(), 'Jumper cut on the 11 kV line');

                await page.fill('#restored-note', 'Jumper replaced');
                await Promise.all([page.waitForURL(`${base}/console/incidents/${incident.reference}`), page.click('#restored-submit')]);
                assert.match(await page.locator('#incident-status').innerText(), /Restored – unconfirmed \(0 of 3 confirmed\)/);
                assert.equal(await page.locator('#form-restored').count(), 0);
                for (const report of reports) assert.equal((await complaint(report.id)).status, 'resolved');
                assert.deepEqual(errors, []);
            } finally {
                await context.close();
            }
        });
    });
});
