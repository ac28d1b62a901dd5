/**
 * Burst benchmark (`npm run bench`; not part of `npm test`): issue 17's moment. N new WhatsApp users (2,000) each send
 * a whole complaint conversation of six messages (greeting, complaint, account number, details, confirmation, bill)
 * as fast as a separate load process can deliver them: each of 200 senders posts a user's next message as soon as the
 * webhook answered the previous one, without waiting for the bot's replies. The real server (`dist/src/main.js`) runs
 * on SQLite, or PostgreSQL with `--postgres`, with a stand-in Graph API in the load process receiving the replies.
 * The same run measures a bare `node:http` server on the same signed bodies from the same senders, and a botbuilder
 * CloudAdapter echo bot, closed loop at the same concurrency.
 *
 * Each user has a consumer account of their own (a house of its own, so no outage incident forms: that burst is
 * outage.bench.ts) and writes from its registered mobile, so WhatsApp's number verifies them for the bill.
 *
 * Printed and written to bench-results-burst[-postgres].json at the package root (git-ignored): turns/s (messages ÷
 * first delivery to last reply) and its ratio to the echo bot's requests/s, the bot's CPU milliseconds per turn
 * (process CPU time ÷ turns; with several runs, the median), database statements per turn (counted at the drivers
 * by the probe), webhook answer p50/p99 during the burst, last delivery → last reply, peak RSS and the heap after a
 * full GC; on PostgreSQL also the server's CPU per turn, connections in use (peak) and connections opened per turn.
 *
 *   npm run build && node dist/test/bench/burst.bench.js [--postgres] [--profile]
 *
 * Knobs: BENCH_NEW_USERS (2000), BENCH_NEW_USERS_SENDERS (200), BENCH_NEW_USERS_RUNS (3: bursts of fresh users, one after
 * the other, on one bot process), BENCH_REFERENCE_SECONDS (8), BENCH_KEEP=1 (keep the work dir and the schema).
 * --profile (BENCH_PROFILE=1) runs the bot under `node --cpu-prof` and prints its top self-time functions; take the
 * throughput figures from a run without it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
    BotProcess,
    BurstResult,
    Calibration,
    EchoResult,
    command,
    countComplaints,
    cpuSeconds,
    dropSchema,
    flag,
    fmt,
    forkRole,
    killChildren,
    num,
    prepareDatabase,
    probeHeapSnapshot,
    probeMemory,
    probeStatements,
    procMemory,
    startBot,
    stopProcess,
    summariseProfile,
} from './scale.bench';

/** Greeting, complaint, account number, details, confirmation, bill; `{account}` is the user's own account. */
const BURST_SCRIPT = ['नमस्ते', 'बिजली नहीं है', '{account}', 'कल रात 9 बजे से पूरे घर में बिजली नहीं है, पड़ोस में है', 'हाँ', 'मेरा बिल कितना है {account}'];

/** CPU seconds of every PostgreSQL server process, by pid (the server runs on this machine). */
function postgresCpu(): Map<number, number> {
    const byPid = new Map<number, number>();
    for (const entry of fs.readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
            byPid.set(Number(entry), cpuSeconds([Number(entry)]).ours);
        } catch {
            /* gone */
        }
    }
    return byPid;
}

/** CPU seconds the PostgreSQL processes used between two readings (a backend started in between counts from zero). */
function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
    return total;
}

interface RunFigures {
    run: number;
    burst: BurstResult;
    turns: number;
    turnsPerSecond: number;
    botCpuSeconds: number;
    cpuMsPerTurn: number;
    statementsPerTurn: number;
    /** Executions per turn of each statement text. */
    statementsByText: Array<{ text: string; perTurn: number; msPerTurn: number }>;
    lastDeliveryToLastReplySeconds: number;
    otherCores: number;
    /** Heap used after a full GC once the burst was answered. */
    heapAfterGcMb?: number;
    postgres?: { cpuMsPerTurn: number; peakConnections: number; connectionsOpened: number; connectionsOpenedPerTurn: number };
}

const median = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
    return sorted.length === 0 ? NaN : sorted[Math.floor((sorted.length - 1) / 2)];
};

async function main(): Promise<void> {
    const started = Date.now();
    const postgres = flag('postgres', 'BENCH_POSTGRES');
    const profile = flag('profile', 'BENCH_PROFILE');
    const users = num('BENCH_NEW_USERS', 2000);
    const senders = num('BENCH_NEW_USERS_SENDERS', 200);
    const runs = num('BENCH_NEW_USERS_RUNS', 3);
    const referenceSeconds = num('BENCH_REFERENCE_SECONDS', 8);
    const keep = process.env.BENCH_KEEP === '1';
    const schema = postgres ? `bench_burst_${process.pid}` : null;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-burst-bench-'));
    const log = (line: string) => process.stdout.write(`[burst ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
    const cleanUp = async () => {
        killChildren();
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
        if (schema && !keep) await dropSchema(schema).catch(() => undefined);
    };
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => {
            process.stderr.write(`burst bench: ${signal}, stopping\n`);
            void cleanUp().finally(() => process.exit(130));
        });
    process.once('exit', () => killChildren());

    // One for the calibration, then fresh users for every burst (the first burst uses those the bare server got).
    const pool = 1 + users * runs;
    log(`${postgres ? 'PostgreSQL' : 'SQLite'}; ${runs} × ${users.toLocaleString('en-US')} users × ${BURST_SCRIPT.length} messages from ${senders} senders`);
    const { child: loadgen, ready } = await forkRole('loadgen', { BENCH_POOL: String(pool) });
    const apiUrl = String(ready.apiUrl);

    // ---- References, before the bot starts ----
    log('reference: bare node:http on the same signed bodies');
    const bare = await forkRole('bare');
    const bareUrl = `http://127.0.0.1:${bare.ready.port}/webhooks/whatsapp`;
    // The bodies the bot's first burst gets later: the same bytes, signed the same way. A first pass warms up.
    await command<BurstResult>(loadgen, { cmd: 'burst', target: bareUrl, concurrency: senders, users, expectReplies: false, script: BURST_SCRIPT });
    const bareBurst = (
        await command<BurstResult>(loadgen, { cmd: 'burst', target: bareUrl, concurrency: senders, users, expectReplies: false, reuseLast: true })
    ).result;
    await stopProcess(bare.child);
    log(`  ${fmt(bareBurst.requestsPerSecond, 0)} requests/s, answer p50 ${fmt(bareBurst.answerMs.p50)} ms, p99 ${fmt(bareBurst.answerMs.p99)} ms`);

    log(`reference: CloudAdapter echo bot, ${senders} at a time, ${referenceSeconds} s`);
    const echo = await forkRole('echo');
    const echoUrl = `http://127.0.0.1:${echo.ready.port}/api/messages`;
    await command<EchoResult>(loadgen, { cmd: 'echo', target: echoUrl, concurrency: senders, seconds: 2 }); // warm-up
    const echoCpuBefore = cpuSeconds([echo.child.pid]).ours;
    const echoRun = (await command<EchoResult>(loadgen, { cmd: 'echo', target: echoUrl, concurrency: senders, seconds: referenceSeconds })).result;
    const echoCpuMsPerRequest = ((cpuSeconds([echo.child.pid]).ours - echoCpuBefore) * 1000) / Math.max(1, echoRun.requests);
    await stopProcess(echo.child);
    log(`  ${fmt(echoRun.requestsPerSecond, 0)} requests/s, p50 ${fmt(echoRun.latencyMs.p50)} ms, p99 ${fmt(echoRun.latencyMs.p99)} ms`);

    // ---- The bot ----
    const databaseUrl = postgres ? await (await import('../support/postgres')).freshPostgresSchema(schema!) : `sqlite:${path.join(dir, 'bench.sqlite')}`;
    log(`database: demo data and ${pool.toLocaleString('en-US')} bench consumers`);
    await prepareDatabase(databaseUrl, dir, pool);
    const profileDir = profile ? path.join(dir, 'profiles') : undefined;
    const bot: BotProcess = await startBot('bot', { dir, databaseUrl, apiUrl, profileDir });
    let peakRssMb = 0;
    const sampler = setInterval(() => {
        const m = procMemory(bot.child.pid);
        if (m) peakRssMb = Math.max(peakRssMb, m.rssMb);
    }, 250);

    log('calibration: one user, one message at a time');
    const calibration = (await command<Calibration>(loadgen, { cmd: 'calibrate', target: bot.url, script: BURST_SCRIPT })).result;
    log(`conversation: ${calibration.script.map((s) => `"${s}"`).join(' → ')}; replies per message ${calibration.replies.join('/')}`);
    const heapAtStart = await probeMemory(bot, true);

    let monitor: import('pg').Client | undefined;
    if (postgres) {
        const { Client } = await import('pg');
        const { POSTGRES_URL } = await import('../support/postgres');
        monitor = new Client({ connectionString: POSTGRES_URL, application_name: 'bench-monitor' });
        await monitor.connect();
    }
    const sessions = async () => Number((await monitor!.query('SELECT sessions FROM pg_stat_database WHERE datname = current_database()')).rows[0].sessions);
    const inUse = async () =>
        Number(
            (
                await monitor!.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            ).rows[0].n
        );

    const figures: RunFigures[] = [];
    for (let run = 1; run <= runs; run++) {
        log(`burst ${run} of ${runs}: ${users.toLocaleString('en-US')} new users × ${calibration.script.length} messages from ${senders} senders`);
        const statementsBefore = await probeStatements(bot);
        const cpuBefore = cpuSeconds([bot.child.pid, loadgen.pid, process.pid]);
        const botCpuBefore = cpuSeconds([bot.child.pid]).ours;
        const pgBefore = postgres ? postgresCpu() : null;
        const sessionsBefore = postgres ? await sessions() : 0;
        let peakConnections = 0;
        let sampling = Promise.resolve();
        const connectionSampler = postgres
            ? setInterval(() => {
                  sampling = sampling.then(async () => {
                      peakConnections = Math.max(peakConnections, await inUse().catch(() => 0));
                  });
              }, 500)
            : undefined;
        const t0 = Date.now();
        const burst = (
            await command<BurstResult>(loadgen, {
                cmd: 'burst',
                target: bot.url,
                concurrency: senders,
                users,
                expectReplies: true,
                reuseLast: run === 1,
                replyTimeoutSeconds: 1800,
            })
        ).result;
        const wall = (Date.now() - t0) / 1000;
        if (connectionSampler) clearInterval(connectionSampler);
        await sampling;
        const botCpu = cpuSeconds([bot.child.pid]).ours - botCpuBefore;
        const cpuAfter = cpuSeconds([bot.child.pid, loadgen.pid, process.pid]);
        const statementsAfter = await probeStatements(bot);
        const statements = statementsAfter.total - statementsBefore.total;
        const statementsByText = Object.entries(statementsAfter.byText)
            .map(([text, n]) => ({
                text,
                perTurn: (n - (statementsBefore.byText[text] ?? 0)) / burst.messages,
                msPerTurn: ((statementsAfter.msByText[text] ?? 0) - (statementsBefore.msByText[text] ?? 0)) / burst.messages,
            }))
            .filter((s) => s.perTurn > 0)
            .sort((a, b) => b.perTurn - a.perTurn);
        const turns = burst.messages;
        const lastReply = burst.lastReplySeconds ?? NaN;
        const figure: RunFigures = {
            run,
            burst,
            turns,
            turnsPerSecond: turns / lastReply,
            botCpuSeconds: botCpu,
            cpuMsPerTurn: (botCpu * 1000) / turns,
            statementsPerTurn: statements / turns,
            statementsByText,
            lastDeliveryToLastReplySeconds: lastReply - burst.burstSeconds,
            otherCores: (cpuAfter.machine - cpuBefore.machine - (cpuAfter.ours - cpuBefore.ours)) / wall,
        };
        if (postgres) {
            const pgCpu = postgresCpuBetween(pgBefore!, postgresCpu());
            const opened = (await sessions()) - sessionsBefore;
            figure.postgres = { cpuMsPerTurn: (pgCpu * 1000) / turns, peakConnections, connectionsOpened: opened, connectionsOpenedPerTurn: opened / turns };
        }
        // What the process retains after each burst (a full GC first): flat from burst to burst means no leak.
        figure.heapAfterGcMb = (await probeMemory(bot, true))?.heapUsedMb ?? NaN;
        if (process.env.BENCH_HEAP_SNAPSHOTS === '1') log(`  heap snapshot: ${await probeHeapSnapshot(bot)}`);
        figures.push(figure);
        log(
            `  ${fmt(figure.turnsPerSecond, 0)} turns/s; bot CPU ${fmt(figure.cpuMsPerTurn, 2)} ms/turn; ${fmt(figure.statementsPerTurn, 1)} statements/turn; ` +
                `webhook p50 ${fmt(burst.answerMs.p50)} / p99 ${fmt(burst.answerMs.p99)} ms; last delivery → last reply ${fmt(figure.lastDeliveryToLastReplySeconds)} s; ` +
                `replies ${burst.repliesReceived}/${burst.repliesExpected}` +
                (figure.postgres
                    ? `; PostgreSQL CPU ${fmt(figure.postgres.cpuMsPerTurn, 2)} ms/turn, ${figure.postgres.peakConnections} connections in use at most, ${figure.postgres.connectionsOpened} opened`
                    : '')
        );
    }
    clearInterval(sampler);
    const heapAtEnd = await probeMemory(bot, true);
    const peakRssHwm = procMemory(bot.child.pid)?.peakRssMb ?? peakRssMb;
    await monitor?.end();
    await stopProcess(bot.child);
    const complaints = await countComplaints(databaseUrl, schema);
    let cpuProfile: ReturnType<typeof summariseProfile> | undefined;
    if (profileDir) {
        const file = path.join(profileDir, 'bot.cpuprofile');
        if (fs.existsSync(file)) {
            cpuProfile = summariseProfile(file);
            const kept = path.join(path.resolve(__dirname, '..', '..', '..'), `bench-results-burst${postgres ? '-postgres' : ''}-cpuprofile.json`);
            fs.copyFileSync(file, kept);
            log(`CPU profile kept as ${kept}`);
        }
    }

    // ---- Report ----
    const expectedComplaints = 1 + users * runs;
    const best = figures.reduce((a, b) => (b.turnsPerSecond > a.turnsPerSecond ? b : a));
    const medianCpu = median(figures.map((f) => f.cpuMsPerTurn));
    const medianTurns = median(figures.map((f) => f.turnsPerSecond));
    const medianStatements = median(figures.map((f) => f.statementsPerTurn));
    const rows: Array<[string, string, string]> = [
        [
            'Turns/s (messages ÷ first delivery → last reply), median of runs',
            `${fmt(medianTurns, 0)} (runs: ${figures.map((f) => fmt(f.turnsPerSecond, 0)).join(', ')})`,
            `echo bot ${fmt(echoRun.requestsPerSecond, 0)} req/s → ${fmt(medianTurns / echoRun.requestsPerSecond, 2)}× (target ≥ 2×, milestone ≥ 1×)`,
        ],
        [
            'Bot CPU per turn, median of runs',
            `${fmt(medianCpu, 2)} ms (runs: ${figures.map((f) => fmt(f.cpuMsPerTurn, 2)).join(', ')})`,
            `echo bot ${fmt(echoCpuMsPerRequest, 2)} ms per request (target ≤ 1 ms)`,
        ],
        ['Statements per turn', fmt(medianStatements, 1), ''],
        [
            'Webhook answer p50 / p99 during the burst',
            figures.map((f) => `${fmt(f.burst.answerMs.p50)} / ${fmt(f.burst.answerMs.p99)} ms`).join('; '),
            `bare node:http ${fmt(bareBurst.answerMs.p50)} / ${fmt(bareBurst.answerMs.p99)} ms, ${fmt(bareBurst.requestsPerSecond, 0)} req/s`,
        ],
        [
            'Deliveries took (first → last webhook answer)',
            figures.map((f) => `${fmt(f.burst.burstSeconds)} s`).join('; '),
            `bare ${fmt(bareBurst.burstSeconds)} s`,
        ],
        ['Last delivery → last reply', figures.map((f) => `${fmt(f.lastDeliveryToLastReplySeconds)} s`).join('; '), 'target ≤ 10 s'],
        ['Replies received / expected', figures.map((f) => `${f.burst.repliesReceived}/${f.burst.repliesExpected}`).join('; '), ''],
        [
            'Peak RSS; heap after GC at start, after each burst',
            `${fmt(peakRssHwm, 0)} MB; ${fmt(heapAtStart?.heapUsedMb)} → ${figures.map((f) => fmt(f.heapAfterGcMb)).join(' → ')} MB`,
            'flat: within 10 % from the first burst to the last',
        ],
        ['Complaints in the database / expected', `${complaints} / ${expectedComplaints}`, ''],
        ['Other processes on the machine (cores busy)', figures.map((f) => fmt(f.otherCores, 2)).join('; '), ''],
    ];
    if (postgres) {
        rows.push(
            ['PostgreSQL server CPU per turn', figures.map((f) => `${fmt(f.postgres!.cpuMsPerTurn, 2)} ms`).join('; '), 'bot + server is the cost of a turn'],
            [
                'Connections in use (peak); opened per turn',
                figures.map((f) => `${f.postgres!.peakConnections}; ${fmt(f.postgres!.connectionsOpenedPerTurn, 4)}`).join('; '),
                '',
            ]
        );
    }
    process.stdout.write(`\n| What | Bijli Mitra | Reference / target |\n|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n\n`);
    process.stdout.write(`Statements per turn by text (last burst), and milliseconds per turn inside SQLite's calls:\n`);
    for (const s of figures[figures.length - 1].statementsByText.slice(0, 40))
        process.stdout.write(
            `  ${fmt(s.perTurn, 3).padStart(6)}  ${s.msPerTurn ? `${fmt(s.msPerTurn, 3)} ms` : ''.padStart(8)}  ${s.text.replace(/\s+/g, ' ')}\n`
        );
    if (cpuProfile) {
        process.stdout.write(`Top self time (${fmt(cpuProfile.sampledSeconds)} s sampled):\n`);
        for (const f of cpuProfile.functions.slice(0, 30)) process.stdout.write(`  ${fmt(f.percent).padStart(5)} %  ${f.fn}  ${f.where}\n`);
        process.stdout.write('By package:\n');
        for (const p of cpuProfile.packages.slice(0, 15)) process.stdout.write(`  ${fmt(p.percent).padStart(5)} %  ${p.pkg}\n`);
    }
    const results = {
        database: postgres ? 'postgres' : 'sqlite',
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        date: new Date().toISOString(),
        settings: { users, senders, runs, referenceSeconds, profile },
        conversation: { script: calibration.script, repliesPerMessage: calibration.replies, sample: calibration.transcript },
        runs: figures,
        summary: {
            turnsPerSecond: medianTurns,
            turnsPerSecondToEcho: medianTurns / echoRun.requestsPerSecond,
            bestTurnsPerSecond: best.turnsPerSecond,
            cpuMsPerTurn: medianCpu,
            statementsPerTurn: medianStatements,
            peakRssMb: peakRssHwm,
            heapAfterGcMb: { start: heapAtStart?.heapUsedMb, end: heapAtEnd?.heapUsedMb },
            complaints,
            expectedComplaints,
        },
        references: { bareHttp: bareBurst, echoBot: { ...echoRun, cpuMsPerRequest: echoCpuMsPerRequest } },
        cpuProfile: cpuProfile ? { ...cpuProfile, functions: cpuProfile.functions.slice(0, 60) } : undefined,
    };
    const file = path.join(path.resolve(__dirname, '..', '..', '..'), `bench-results-burst${postgres ? '-postgres' : ''}${profile ? '-profile' : ''}.json`);
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${file}`);
    await cleanUp();
    const problems = [
        complaints !== expectedComplaints ? `${complaints} complaints instead of ${expectedComplaints}` : '',
        ...figures
            .filter((f) => f.burst.repliesReceived !== f.burst.repliesExpected)
            .map((f) => `burst ${f.run}: ${f.burst.repliesReceived} of ${f.burst.repliesExpected} replies`),
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`burst bench: ${problems.join('; ')}`);
}

main().then(
    () => process.exit(0),
    (error: Error) => {
        console.error(error);
        killChildren();
        process.exit(1);
    }
);
