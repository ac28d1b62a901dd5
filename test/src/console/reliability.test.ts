import { strict as assert } from 'assert';
import { Incident, IncidentScope, IncidentStatus } from '../../../src/data/entities/Incident';
import { Official } from '../../../src/data/entities/Official';
import { BotServer } from '../../../src/server';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { ReliabilityFigures, ReliabilityQueries } from '../../../src/console/ReliabilityQueries';
import { ConsoleClient, startConsoleServer } from '../../support/ConsoleClient';
import { freshPostgresSchema } from '../../support/postgres';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-12-01T00:00:00Z');
const F1 = 'VIBHUTIKHAND-F1';
const F2 = 'VIBHUTIKHAND-F2';

interface Fault {
    ref: string;
    scope: IncidentScope;
    status?: IncidentStatus;
    discom?: string;
    subdivision?: string;
    feeder?: string | null;
    dt?: string | null;
    /** Days before NOW it began. */
    daysAgo: number;
    /** Hours it took to restore; none when not restored. */
    hours?: number;
    reports: number;
}

/**
 * A hand-worked history. In Vibhuti Khand, feeder F1: A (DT1, 10 days ago, 2 h), B (DT1, 6 days ago, 6 h: a repeat,
 * 4 days after A's restoration), C (the whole feeder, 3 days ago, 1 h: feeder faults are their own equipment), D (DT2,
 * 2 days ago, not restored), E (DT1, dismissed: never counts), F (DT1, 40 days ago: outside 30 days, and 30 days
 * before A, so A is no repeat). Feeder F2: H (DT3, 32 days ago, restored a day later: before the period) and I (DT3,
 * 27 days ago, 4 h: a repeat of H, whose start lies before the period). In Viraj Khand a locality fault J (5 days ago,
 * 5 h), no feeder. In Shastri Nagar (PVVNL) K: outside the scope.
 */
const HISTORY: Fault[] = [
    { ref: 'I2611-0001', scope: 'transformer', feeder: F1, dt: 'VIBHUTIKHAND-DT1', daysAgo: 10, hours: 2, reports: 5 },
    { ref: 'I2611-0002', scope: 'transformer', feeder: F1, dt: 'VIBHUTIKHAND-DT1', daysAgo: 6, hours: 6, reports: 3 },
    { ref: 'I2611-0003', scope: 'feeder', feeder: F1, daysAgo: 3, hours: 1, reports: 10 },
    { ref: 'I2611-0004', scope: 'transformer', status: 'confirmed', feeder: F1, dt: 'VIBHUTIKHAND-DT2', daysAgo: 2, reports: 4 },
    { ref: 'I2611-0005', scope: 'transformer', status: 'dismissed', feeder: F1, dt: 'VIBHUTIKHAND-DT1', daysAgo: 1, reports: 7 },
    { ref: 'I2610-0001', scope: 'transformer', feeder: F1, dt: 'VIBHUTIKHAND-DT1', daysAgo: 40, hours: 3, reports: 3 },
    { ref: 'I2610-0002', scope: 'transformer', feeder: F2, dt: 'VIBHUTIKHAND-DT3', daysAgo: 32, hours: 24, reports: 3 },
    { ref: 'I2611-0006', scope: 'transformer', feeder: F2, dt: 'VIBHUTIKHAND-DT3', daysAgo: 27, hours: 4, reports: 3 },
    { ref: 'I2611-0007', scope: 'locality', subdivision: 'Viraj Khand', daysAgo: 5, hours: 5, reports: 6 },
    { ref: 'I2611-0008', scope: 'feeder', discom: 'PVVNL', subdivision: 'Shastri Nagar', feeder: 'SHASTRINAGAR-F1', daysAgo: 1, hours: 1, reports: 9 },
];

async function writeHistory(bot: TestBot): Promise<void> {
    const incidents = bot.dataSource.getRepository(Incident);
    for (const fault of HISTORY) {
        const startedAt = new Date(NOW.getTime() - fault.daysAgo * DAY);
        const restoredAt = fault.hours === undefined ? null : new Date(startedAt.getTime() + fault.hours * HOUR);
        await incidents.save(
            incidents.create({
                reference: fault.ref,
                status: fault.status ?? (restoredAt ? 'verified' : 'confirmed'),
                scope: fault.scope,
                discom: fault.discom ?? 'MVVNL',
                subdivision: fault.subdivision ?? 'Vibhuti Khand',
                division: 'EUDD Gomti Nagar, Lucknow',
                feederCode: fault.feeder ?? null,
                dtCode: fault.dt ?? null,
                locality: fault.scope === 'locality' ? 'viraj khand' : null,
                startedAt,
                reportCount: fault.reports,
                dueAt: new Date(startedAt.getTime() + 4 * HOUR),
                restoredAt,
                dismissedAt: fault.status === 'dismissed' ? startedAt : null,
            })
        );
    }
}

/** The figures of a row without its key, for comparing with the hand-worked ones. */
function figures(rows: ReliabilityFigures[]): Array<[string, string, number, number, number, number | null, number | null, number]> {
    return rows.map((r) => [r.key, r.subdivision, r.incidents, r.reports, r.restored, r.medianHoursToRestore, r.worstHoursToRestore, r.repeatFaults]);
}

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('reliability_figures')],
] as const) {
    describe(`reliability figures on ${name}`, function () {
        this.timeout(60_000);
        let bot: TestBot;
        let queries: ReliabilityQueries;
        const scope = { discom: 'MVVNL', subdivisions: ['Vibhuti Khand', 'Viraj Khand'] };

        before(async () => {
            bot = await TestBot.create({ databaseUrl: await url(), overrides: { notifier: new RecordingNotifier() } });
            await writeHistory(bot);
            queries = new ReliabilityQueries(bot.app.db);
        });
        after(async () => {
            await bot.close();
        });

        it('over 30 days: per feeder and per subdivision, worst first, dismissed and out-of-scope faults left out', async () => {
            const report = await queries.report(scope, NOW, 30);
            assert.deepEqual(figures(report.byFeeder), [
                [F1, 'Vibhuti Khand', 4, 22, 3, 2, 6, 1],
                [F2, 'Vibhuti Khand', 1, 3, 1, 4, 4, 1],
            ]);
            assert.deepEqual(figures(report.bySubdivision), [
                ['Vibhuti Khand', 'Vibhuti Khand', 5, 25, 4, 3, 6, 2],
                ['Viraj Khand', 'Viraj Khand', 1, 6, 1, 5, 5, 0],
            ]);
        });

        it('over 7 days: a repeat counts against the fault before the period', async () => {
            const report = await queries.report(scope, NOW, 7);
            assert.deepEqual(figures(report.byFeeder), [[F1, 'Vibhuti Khand', 3, 17, 2, 3.5, 6, 1]]);
            assert.deepEqual(figures(report.bySubdivision), [
                ['Vibhuti Khand', 'Vibhuti Khand', 3, 17, 2, 3.5, 6, 1],
                ['Viraj Khand', 'Viraj Khand', 1, 6, 1, 5, 5, 0],
            ]);
        });

        it('over 90 days the older faults count too; an area without subdivisions has none', async () => {
            const report = await queries.report(scope, NOW, 90);
            // F1 gains F (40 days ago, 3 h); F2 gains H (32 days ago, 24 h).
            assert.deepEqual(figures(report.byFeeder), [
                [F1, 'Vibhuti Khand', 5, 25, 4, 2.5, 6, 1],
                [F2, 'Vibhuti Khand', 2, 6, 2, 14, 24, 1],
            ]);
            assert.deepEqual(await queries.report({ discom: 'MVVNL', subdivisions: [] }, NOW, 90), { days: 90, byFeeder: [], bySubdivision: [] });
        });
    });
}

describe('reliability page in the console', function () {
    this.timeout(60_000);
    let bot: TestBot;
    let server: BotServer;

    before(async () => {
        const clock = new ManualClock(NOW);
        bot = await TestBot.create({ overrides: { notifier: new RecordingNotifier(), now: clock.now } });
        await writeHistory(bot);
        server = await startConsoleServer(bot.app, clock.now);
    });
    after(async () => {
        await server.close();
        await bot.close();
    });

    it('shows the JE’s own area with the worst feeders as a chart, linked from the dashboard', async () => {
        assert.ok(await bot.dataSource.getRepository(Official).findOneBy({ username: 'je.vibhutikhand' }));
        const je = new ConsoleClient(`http://127.0.0.1:${server.port}`);
        await je.signIn('je.vibhutikhand', 'demo-je-1');
        assert.equal((await je.get('/console/language/en?next=%2Fconsole')).status, 303);
        assert.match((await je.get('/console/dashboard')).text, /<a href="\/console\/reliability" id="dashboard-reliability">/);
        const page = await je.get('/console/reliability');
        assert.equal(page.status, 200);
        const feeders = /<table id="reliability-by-feeder">[\s\S]*?<\/table>/.exec(page.text)![0];
        assert.deepEqual(
            [...feeders.matchAll(/<tr data-key="([^"]+)">/g)].map((m) => m[1]),
            [F1, F2]
        );
        assert.match(feeders, new RegExp(`<tr data-key="${F1}">[\\s\\S]*?<td data-col="incidents">4</td><td data-col="reports">22</td>`));
        assert.match(page.text, /<svg id="chart-feeders"/);
        assert.match(page.text, /Worst feeders \(2\)/);
        // Only his subdivision: Viraj Khand's locality fault and Shastri Nagar's feeder are not his.
        assert.doesNotMatch(page.text, /Viraj Khand<\/td>|SHASTRINAGAR/);
        const week = await je.get('/console/reliability?days=7');
        assert.match(week.text, /<option value="7" selected>/);
    });
});
