/**
 * Outage burst benchmark (`npm run bench`; not part of `npm test`): N new WhatsApp users on one transformer report
 * "light nahi hai" with their account number at once, through signed webhooks to the real server from a separate load
 * process (see outageBurst.ts). Prints how many incidents and complaints the burst made, how many reporters got the
 * known-fault answer and when the last of them had it, turns/s and the webhook answer p50/p99, and writes
 * bench-results-outage[-postgres].json at the package root (git-ignored).
 *
 *   npm run build && node dist/test/bench/outage.bench.js [--postgres]
 *
 * --postgres (or BENCH_POSTGRES=1): in a fresh schema of TEST_DATABASE_URL's database, dropped afterwards.
 * Knobs: BENCH_OUTAGE_USERS (2000; e.g. 100 for a quick check), BENCH_OUTAGE_SENDERS (200 deliveries in flight),
 * BENCH_OUTAGE_TIMEOUT_SECONDS (900); BENCH_KEEP=1 keeps the work dir (bot log, SQLite file) and the schema.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { abortOutageBursts, runOutageBurst } from './outageBurst';
import { flag, fmt, num } from './scale.bench';

async function main(): Promise<void> {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.once(signal, () => {
            process.stderr.write(`outage bench: ${signal}, stopping\n`);
            void abortOutageBursts().finally(() => process.exit(130));
        });
    const postgres = flag('postgres', 'BENCH_POSTGRES');
    const users = num('BENCH_OUTAGE_USERS', 2000);
    const senders = num('BENCH_OUTAGE_SENDERS', 200);
    const started = Date.now();
    const log = (line: string) => process.stdout.write(`[outage ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
    log(`${postgres ? 'PostgreSQL' : 'SQLite'}; ${users.toLocaleString('en-US')} users on one transformer, ${senders} deliveries in flight`);
    const result = await runOutageBurst({
        users,
        senders,
        postgres,
        timeoutSeconds: num('BENCH_OUTAGE_TIMEOUT_SECONDS', 900),
        keep: process.env.BENCH_KEEP === '1',
        log,
    });
    const { load, check } = result;
    const expectedKnown = load.users - load.singleComplaint;
    const problems = [
        check.activeIncidents !== 1 ? `${check.activeIncidents} incidents instead of 1` : '',
        check.complaints !== load.users ? `${check.complaints} complaints for ${load.users} users` : '',
        check.accounts !== check.complaints ? `${check.complaints - check.accounts} duplicate complaints` : '',
        check.joined !== check.complaints ? `${check.complaints - check.joined} complaints not joined to the incident` : '',
        load.stalled ? `${load.stalled} users stalled` : '',
    ].filter(Boolean);
    const perUser = Object.entries(load.messagesPerUser)
        .map(([messages, count]) => `${count.toLocaleString('en-US')} users × ${messages}`)
        .join(', ');
    const rows: Array<[string, string]> = [
        [
            'Incidents created (not dismissed / all)',
            `${check.activeIncidents} / ${check.incidents.length} (${check.incidents.map((i) => `${i.reference} ${i.status} ${i.scope}, ${i.reportCount} reports`).join('; ')})`,
        ],
        [
            'Complaints (distinct accounts, joined to the incident)',
            `${check.complaints.toLocaleString('en-US')} (${check.accounts.toLocaleString('en-US')}, ${check.joined.toLocaleString('en-US')})`,
        ],
        [
            'Reporters with the known-fault answer (incident reference in a reply)',
            `${load.knownFault.toLocaleString('en-US')} of ${load.users.toLocaleString('en-US')} (single-house tickets before the incident: ${load.singleComplaint})`,
        ],
        [
            'Reporters asked to describe or confirm (the full complaint flow)',
            `${load.fullFlow.toLocaleString('en-US')} of ${load.users.toLocaleString('en-US')}`,
        ],
        ['First delivery → every reporter has the known-fault answer', `${fmt(load.lastKnownFaultSeconds)} s (p50 ${fmt(load.knownFaultSeconds.p50)} s)`],
        [
            'First delivery → last reply',
            `${fmt(load.lastReplySeconds)} s (the ${load.users.toLocaleString('en-US')} first messages were sent within ${fmt(load.firstMessagesSentSeconds)} s)`,
        ],
        [
            'Full turns/s (deliveries ÷ first delivery to last reply)',
            `${fmt(load.turnsPerSecond)} (${load.deliveries.toLocaleString('en-US')} deliveries: ${perUser})`,
        ],
        ['Webhook answers not 200 / send errors (each delivered again)', `${load.non200} / ${load.sendErrors}`],
        ['Webhook answer p50 / p99 / max', `${fmt(load.webhookAnswerMs.p50)} / ${fmt(load.webhookAnswerMs.p99)} / ${fmt(load.webhookAnswerMs.max)} ms`],
        [
            'Sent to others (the JE) / read receipts',
            `${Object.values(load.toOthers).reduce((a, b) => a + b, 0)} to ${Object.keys(load.toOthers).length} recipients / ${load.readReceipts.toLocaleString('en-US')}`,
        ],
        [
            "Cores busy during the burst (of the machine's)",
            `bot ${fmt(result.cores.bot, 2)}, load process ${fmt(result.cores.loadGenerator, 2)}, other processes${postgres ? ' (PostgreSQL included)' : ''} ${fmt(result.cores.other, 2)} (of ${os.cpus().length}); load average ${result.cores.loadAverageAtEnd.map((l) => fmt(l)).join(' ')}`,
        ],
        ['Bot CPU per turn; peak RSS', `${fmt(result.botCpuMsPerTurn)} ms; ${fmt(result.botPeakRssMb, 0)} MB`],
    ];
    const width = Math.max(...rows.map((r) => [...r[0]].length));
    const out = [
        '',
        `Bijli Mitra outage burst: ${postgres ? 'PostgreSQL' : 'SQLite'}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
        ...rows.map(([what, value]) => `  ${what}${' '.repeat(width - [...what].length)}  ${value}`),
    ];
    for (const sample of load.samples)
        out.push(
            '',
            `A reporter who got the ${sample.kind}:`,
            ...sample.transcript.map((m) => `  ${m.from === 'user' ? '>' : '<'} ${m.text.replace(/\n/g, ' ⏎ ').slice(0, 160)}`)
        );
    if (load.stalls.length)
        out.push('Stalled users:', ...load.stalls.map((s) => `  ${s.waId} after ${s.sent} messages; last reply: ${s.lastReply.replace(/\n/g, ' ⏎ ')}`));
    if (problems.length) out.push('', `WARNING: ${problems.join('; ')}`);
    else if (expectedKnown !== load.knownFault) out.push('', `WARNING: ${expectedKnown - load.knownFault} reporters joined without the known-fault answer`);
    const file = path.join(path.resolve(__dirname, '..', '..', '..'), `bench-results-outage${postgres ? '-postgres' : ''}.json`);
    fs.writeFileSync(
        file,
        JSON.stringify({ date: new Date().toISOString(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, ...result }, null, 2)
    );
    out.push('', `written to ${file}`);
    process.stdout.write(out.join('\n') + '\n');
}

main().then(
    () => process.exit(0),
    (error: Error) => {
        console.error(error);
        process.exit(1);
    }
);
