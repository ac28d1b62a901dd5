/**
 * The outage burst (issue 16, "Under load"): a transformer trips and N new WhatsApp users on it write "light nahi
 * hai" with their account number at once. The real server (`dist/src/main.js`, started as scale.bench starts it) on
 * SQLite or PostgreSQL gets signed webhook deliveries from a separate load process, which hosts the stand-in Graph API
 * too, so send and arrival times are on one clock. Each user answers whatever the bot asks, read from its replies: the
 * language ("हिंदी"), the description and "हाँ" when the full complaint flow runs (before the incident exists), and
 * "हाँ" to the known-fault answer's "send me the restoration-time changes?".
 *
 * The consumers are imported before the start with the area and network codes of demo account 1234567890 (Vibhuti
 * Khand, VIBHUTIKHAND-DT1), each user writing from the registered mobile of their own account. Used by
 * outage.bench.ts (`npm run bench`) and by a smoke test with a few users.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, fork } from 'child_process';
import { performance } from 'perf_hooks';
import {
    cpuSeconds,
    fmt,
    PHONE_ID,
    prepareDatabase,
    procMemory,
    SECRET,
    startBot,
    stopProcess,
    summarise,
    Summary,
    tail,
    track,
    killChildren,
} from './scale.bench';

/** Options of {@link runOutageBurst}. */
export interface OutageBurstOptions {
    /** Users on the one transformer, each reporting once. */
    users: number;
    /** Deliveries in flight at once (the sender's connections). */
    senders: number;
    /** PostgreSQL in a fresh schema of TEST_DATABASE_URL's database (dropped afterwards) instead of a SQLite file. */
    postgres: boolean;
    /** Give up on users still waiting for a reply after this long from the first delivery. */
    timeoutSeconds?: number;
    /** Progress lines. */
    log?: (line: string) => void;
    /** Keep the work directory (bot log, SQLite file) and the schema. */
    keep?: boolean;
}

/** What the load process saw. */
export interface OutageLoadResult {
    users: number;
    senders: number;
    /** Webhook deliveries made, one per user message: the turns. */
    deliveries: number;
    /** Replies to the users that reached the stand-in Graph API. */
    replies: number;
    webhookAnswerMs: Summary;
    non200: number;
    sendErrors: number;
    /** Deliveries made again after an error or a status other than 200 (at most {@link MAX_ATTEMPTS} attempts). */
    redeliveries: number;
    /** Users whose replies named the incident (the known-fault answer). */
    knownFault: number;
    /** Users who got a ticket of their own without an incident: single-house cases (the first K − 1 reporters). */
    singleComplaint: number;
    /** Users still waiting for the bot when the run gave up. */
    stalled: number;
    /** The incident references the users were given. */
    references: string[];
    /** From the first delivery: until every user who got the known-fault answer had it, and until the last reply. */
    lastKnownFaultSeconds: number;
    lastReplySeconds: number;
    /** Sending the N first messages took this long. */
    firstMessagesSentSeconds: number;
    /** When each user had the known-fault answer, from the first delivery. */
    knownFaultSeconds: Summary;
    /** Full turns per second: deliveries ÷ time from the first delivery to the last reply. */
    turnsPerSecond: number;
    /** How many users sent how many messages: e.g. { "3": 1990, "4": 10 }. */
    messagesPerUser: Record<string, number>;
    /** Users asked to describe or confirm their report: the full complaint flow ran (no incident known yet). */
    fullFlow: number;
    /** One conversation of each kind that happened. */
    samples: Array<{ kind: string; transcript: Array<{ from: 'user' | 'bot'; text: string }> }>;
    /** The first stalled users: where they were. */
    stalls: Array<{ waId: string; sent: number; lastReply: string }>;
    /** Messages the bot sent to anyone else (the JE's notices), by recipient. */
    toOthers: Record<string, number>;
    /** Read receipts (one per message read). */
    readReceipts: number;
}

/** What the database held afterwards. */
export interface OutageDatabaseCheck {
    incidents: Array<{ reference: string; status: string; scope: string; reportCount: number }>;
    /** Incidents not dismissed: the one fault must be one incident. */
    activeIncidents: number;
    complaints: number;
    /** Complaints joined to the (first) active incident. */
    joined: number;
    /** Distinct accounts among the complaints: one each, no duplicates. */
    accounts: number;
}

/** Everything {@link runOutageBurst} measured. */
export interface OutageBurstResult {
    database: 'sqlite' | 'postgres';
    load: OutageLoadResult;
    check: OutageDatabaseCheck;
    /** CPU time of the bot process during the burst ÷ deliveries. */
    botCpuMsPerTurn: number;
    botPeakRssMb: number;
    setupSeconds: number;
    /** Cores busy on average during the burst: the bot, the load process, everything else on the machine. */
    cores: { bot: number; loadGenerator: number; other: number; loadAverageAtEnd: number[] };
}

/** Attempts at one delivery, as the platform redelivers what was not answered 200. */
const MAX_ATTEMPTS = 5;
const REFERENCE = /\bI\d{4}-\d{4,}\b/;
const TICKET = /\bC\d{4}-\d{4,}\b/;
const DESCRIPTION = 'कल रात 9 बजे से पूरे मोहल्ले में बिजली नहीं है, ट्रांसफॉर्मर से आवाज़ आई थी';

/** User `index` of the burst: a consumer account of their own, written to from its registered mobile. */
function outageUser(index: number): { waId: string; mobile: string; account: string } {
    const mobile = String(9_200_000_000 + index);
    return { waId: `91${mobile}`, mobile, account: String(5_200_000_000 + index) };
}

/** The first message of user `index`. */
function firstMessage(index: number): string {
    return `light nahi hai, account ${outageUser(index).account}`;
}

/** `count` consumers on the transformer of demo account 1234567890 (its discom, division, subdivision, codes), a bill each. */
async function writeTransformerCsv(dir: string, count: number): Promise<{ consumers: string; bills: string }> {
    const { DEMO_CONSUMERS } = await import('../../src/data/demoData');
    const demo = DEMO_CONSUMERS.find((c) => c.accountNumber === '1234567890');
    if (!demo?.dtCode || !demo.feederCode) throw new Error('outage burst: demo account 1234567890 has no feeder or transformer code');
    const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
    const consumers = [
        'account_number,name,registered_mobile,address,discom,division,subdivision,tariff_category,area_class,meter_number,meter_type,last_reading,last_reading_date,prepaid_balance,feeder_code,dt_code',
    ];
    const bills = ['account_number,bill_month,units,amount,arrears,due_date,paid,payment_date'];
    const street = demo.address.replace(/^[^,]*,\s*/, '');
    for (let i = 0; i < count; i++) {
        const user = outageUser(i);
        consumers.push(
            [
                user.account,
                `Outage Bench ${i}`,
                user.mobile,
                quote(`House ${i + 1}, ${street}`),
                demo.discom,
                quote(demo.division),
                quote(demo.subdivision),
                demo.tariffCategory,
                demo.areaClass,
                `OBM${String(i).padStart(8, '0')}`,
                'postpaid',
                4000 + (i % 3000),
                '2026-10-28',
                '',
                demo.feederCode,
                demo.dtCode,
            ].join(',')
        );
        bills.push(`${user.account},2026-10,${150 + (i % 200)},${1200 + (i % 900)},,2026-11-15,no,`);
    }
    const files = { consumers: path.join(dir, 'outage-consumers.csv'), bills: path.join(dir, 'outage-bills.csv') };
    fs.writeFileSync(files.consumers, consumers.join('\n'));
    fs.writeFileSync(files.bills, bills.join('\n'));
    return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Load process (BENCH_ROLE=outage-loadgen)
// ---------------------------------------------------------------------------------------------------------------

interface RunCommand {
    cmd: 'run';
    target: string;
    users: number;
    senders: number;
    timeoutSeconds: number;
}

/** The bot's questions, as the Hindi (and English) locale words them. */
function questions(): { description: string[]; confirm: string[]; updates: string[]; updatesDone: string[] } {
    const root = path.resolve(__dirname, '..', '..', '..', 'locales');
    const read = (language: string, file: string) => JSON.parse(fs.readFileSync(path.join(root, language, `${file}.json`), 'utf8'));
    const both = (file: string, pick: (json: any) => string) => ['hi', 'en'].map((language) => pick(read(language, file)));
    // The confirmation's question is its last line, after the summary's variables.
    const lastLine = (text: string) => text.split('\n').pop()!.trim();
    return {
        description: both('complaint', (j) => j.askDescription),
        confirm: both('complaint', (j) => lastLine(j.confirm)),
        updates: both('incidents', (j) => j.askUpdates),
        updatesDone: both('incidents', (j) => j.updatesOn),
    };
}

async function outageLoadGenerator(): Promise<void> {
    const { ApiStandIn } = await import('../support/ApiStandIn');
    const { metaHeaders, metaWireJson, whatsAppText } = await import('../support/metaPayloads');
    const asked = questions();
    const nonce = `${process.pid}${Date.now().toString(36)}`;
    let sequence = 0;

    interface UserState {
        index: number;
        waId: string;
        sent: number;
        done: boolean;
        knownFaultAt?: number;
        ticketOnly: boolean;
        lastReply: string;
        /** Asked to describe or confirm: the full complaint flow ran for this report. */
        fullFlow: boolean;
        transcript: Array<{ from: 'user' | 'bot'; text: string }>;
    }
    interface Delivery {
        user: UserState;
        text: string;
        attempt: number;
        raw?: Buffer;
    }
    const byWaId = new Map<string, UserState>();
    let onReply: (user: UserState, text: string, at: number) => void = () => undefined;
    let toOthers: Record<string, number> = {};
    let readReceipts = 0;
    let outId = 0;

    const api = new ApiStandIn();
    await api.start();
    api.respondWith('POST', /\/messages$/, (request) => {
        const at = performance.now();
        api.requests.length = 0; // nothing kept: the process stays small however many replies come
        const body = request.body as {
            to?: string;
            status?: string;
            text?: { body?: string };
            interactive?: {
                body?: { text?: string };
                action?: { buttons?: Array<{ reply?: { title?: string } }>; sections?: Array<{ rows?: Array<{ title?: string }> }> };
            };
        };
        const to = String(body?.to ?? '');
        const user = byWaId.get(to);
        if (body?.status === 'read') readReceipts += 1;
        else if (!user) toOthers[to] = (toOthers[to] ?? 0) + 1;
        else {
            const options = [
                ...(body.interactive?.action?.buttons ?? []).map((b) => b.reply?.title ?? ''),
                ...(body.interactive?.action?.sections ?? []).flatMap((s) => (s.rows ?? []).map((r) => r.title ?? '')),
            ];
            const text = [body.text?.body ?? body.interactive?.body?.text ?? '', ...options].join('\n');
            onReply(user, text, at);
        }
        return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.out${++outId}` }] } };
    });

    async function run(command: RunCommand): Promise<OutageLoadResult> {
        const users: UserState[] = Array.from({ length: command.users }, (_, index) => ({
            index,
            waId: outageUser(index).waId,
            sent: 0,
            done: false,
            ticketOnly: false,
            lastReply: '',
            fullFlow: false,
            transcript: [],
        }));
        byWaId.clear();
        toOthers = {};
        readReceipts = 0;
        for (const user of users) byWaId.set(user.waId, user);
        const answers: number[] = [];
        const statuses = { non200: 0, sendErrors: 0, redeliveries: 0 };
        let replies = 0;
        let lastReplyAt = 0;
        let firstSentAt = 0;
        let firstMessagesSentAt = 0;
        let open = users.length;
        const references = new Set<string>();
        let finished!: () => void;
        const allDone = new Promise<void>((resolve) => (finished = resolve));

        // Deliveries wait in one queue, first messages and answers alike, and `senders` of them are in flight at once.
        const queue: Delivery[] = users.map((user) => ({ user, text: firstMessage(user.index), attempt: 1 }));
        const agent = new http.Agent({ keepAlive: true, maxSockets: command.senders });
        const target = new URL(command.target);
        let inFlight = 0;
        let firstMessagesLeft = users.length;
        /** A delivery the bot did not take (no answer, or not 200) is made again, same message id, as the platform does. */
        const redeliver = (delivery: Delivery) => {
            statuses.redeliveries += 1;
            if (delivery.attempt >= MAX_ATTEMPTS) return;
            setTimeout(() => {
                queue.unshift({ ...delivery, attempt: delivery.attempt + 1 });
                pump();
            }, 200 * delivery.attempt);
        };
        const deliver = (delivery: Delivery) => {
            const { user, text } = delivery;
            delivery.raw ??= metaWireJson(whatsAppText(PHONE_ID, user.waId, text, { id: `wamid.outage.${nonce}.${++sequence}`, name: 'Consumer' }));
            const raw = delivery.raw;
            const headers = { ...metaHeaders(raw, SECRET), 'content-length': String(raw.length) };
            if (delivery.attempt === 1) {
                user.sent += 1;
                user.transcript.push({ from: 'user', text });
            }
            inFlight += 1;
            const t0 = performance.now();
            if (!firstSentAt) firstSentAt = t0;
            const settled = () => {
                inFlight -= 1;
                pump();
            };
            const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
                res.resume();
                res.on('end', () => {
                    answers.push(performance.now() - t0);
                    if (res.statusCode !== 200) {
                        statuses.non200 += 1;
                        redeliver(delivery);
                    }
                    settled();
                });
            });
            req.on('error', () => {
                statuses.sendErrors += 1;
                redeliver(delivery);
                settled();
            });
            req.end(raw);
        };
        const pump = () => {
            while (inFlight < command.senders && queue.length > 0) {
                const next = queue.shift()!;
                if (firstMessagesLeft > 0 && next.user.sent === 0 && --firstMessagesLeft === 0) firstMessagesSentAt = performance.now();
                deliver(next);
            }
        };
        const answer = (user: UserState, text: string) => queue.push({ user, text, attempt: 1 }) && pump();
        const finish = (user: UserState) => {
            if (user.done) return;
            user.done = true;
            if (--open === 0) finished();
        };

        onReply = (user, text, at) => {
            replies += 1;
            lastReplyAt = at;
            user.lastReply = text;
            user.transcript.push({ from: 'bot', text });
            const reference = REFERENCE.exec(text)?.[0];
            if (reference) {
                references.add(reference);
                user.knownFaultAt ??= at;
            }
            if (asked.updatesDone.some((q) => text.includes(q))) return finish(user);
            if (asked.updates.some((q) => text.includes(q))) return answer(user, 'हाँ');
            if (asked.confirm.some((q) => text.includes(q))) {
                user.fullFlow = true;
                return answer(user, 'हाँ');
            }
            if (asked.description.some((q) => text.includes(q))) {
                user.fullFlow = true;
                return answer(user, DESCRIPTION);
            }
            // The language question: both languages offered.
            if (/हिंदी/.test(text) && /English/.test(text) && user.sent === 1) return answer(user, 'हिंदी');
            // A ticket of its own, no incident: a single-house case, registered; nothing more is asked.
            if (!reference && user.knownFaultAt === undefined && TICKET.test(text)) {
                user.ticketOnly = true;
                return finish(user);
            }
        };

        const progress = setInterval(() => process.send!({ type: 'progress', open, replies, queued: queue.length }), 1000);
        const t0 = performance.now();
        pump();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([allDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, command.timeoutSeconds * 1000)))]);
        clearTimeout(timer);
        clearInterval(progress);
        // The last webhook answers, then nothing more is expected.
        while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        agent.destroy();
        onReply = () => undefined;

        const since = (at: number) => (at - firstSentAt) / 1000;
        const known = users.filter((u) => u.knownFaultAt !== undefined);
        const deliveries = users.reduce((n, u) => n + u.sent, 0);
        const messagesPerUser: Record<string, number> = {};
        for (const u of users) messagesPerUser[u.sent] = (messagesPerUser[u.sent] ?? 0) + 1;
        const stalled = users.filter((u) => !u.done);
        const elapsed = since(lastReplyAt || t0);
        return {
            users: users.length,
            senders: command.senders,
            deliveries,
            replies,
            webhookAnswerMs: summarise(answers),
            non200: statuses.non200,
            sendErrors: statuses.sendErrors,
            redeliveries: statuses.redeliveries,
            knownFault: known.length,
            singleComplaint: users.filter((u) => u.ticketOnly).length,
            stalled: stalled.length,
            references: [...references],
            lastKnownFaultSeconds: known.length ? Math.max(...known.map((u) => since(u.knownFaultAt!))) : NaN,
            lastReplySeconds: elapsed,
            firstMessagesSentSeconds: firstMessagesSentAt ? since(firstMessagesSentAt) : NaN,
            knownFaultSeconds: summarise(known.map((u) => since(u.knownFaultAt!))),
            turnsPerSecond: deliveries / elapsed,
            messagesPerUser,
            fullFlow: users.filter((u) => u.fullFlow).length,
            samples: [
                { kind: 'known fault at once', of: (u: UserState) => u.knownFaultAt !== undefined && !u.fullFlow },
                { kind: 'known fault after the full flow', of: (u: UserState) => u.knownFaultAt !== undefined && u.fullFlow },
                { kind: 'single-house ticket', of: (u: UserState) => u.ticketOnly },
            ].flatMap(({ kind, of }) => {
                const user = users.find(of);
                return user ? [{ kind, transcript: user.transcript }] : [];
            }),
            stalls: stalled.slice(0, 10).map((u) => ({ waId: u.waId, sent: u.sent, lastReply: u.lastReply.slice(0, 200) })),
            toOthers,
            readReceipts,
        };
    }

    process.on('message', (message: RunCommand & { id: number }) => {
        if (message.cmd !== 'run') return;
        run(message).then(
            (result) => process.send!({ type: 'result', id: message.id, result }),
            (error: Error) => process.send!({ type: 'error', id: message.id, message: error.stack ?? error.message })
        );
    });
    process.on('disconnect', () => process.exit(0));
    process.send!({ type: 'ready', apiUrl: api.url });
}

// ---------------------------------------------------------------------------------------------------------------
// Orchestration
// ---------------------------------------------------------------------------------------------------------------

async function forkLoadGenerator(): Promise<{ child: ChildProcess; apiUrl: string }> {
    const child = track(fork(__filename, [], { env: { ...process.env, BENCH_ROLE: 'outage-loadgen' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const ready = await new Promise<{ apiUrl: string }>((resolve, reject) => {
        child.once('message', (message) => resolve(message as { apiUrl: string }));
        child.once('exit', (code) => reject(new Error(`outage load process exited with ${code} before it was ready`)));
    });
    return { child, apiUrl: ready.apiUrl };
}

function runLoad(
    child: ChildProcess,
    command: RunCommand,
    onProgress: (p: { open: number; replies: number; queued: number }) => void
): Promise<OutageLoadResult> {
    return new Promise((resolve, reject) => {
        const onMessage = (raw: unknown) => {
            const message = raw as { type: string; result?: OutageLoadResult; message?: string; open: number; replies: number; queued: number };
            if (message.type === 'progress') return onProgress(message);
            child.off('message', onMessage);
            child.off('exit', onExit);
            if (message.type === 'error') reject(new Error(`outage load process: ${message.message}`));
            else resolve(message.result!);
        };
        const onExit = (code: number | null) => reject(new Error(`outage load process exited with ${code}`));
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ ...command, id: 1 });
    });
}

/** Incidents and complaints as the database holds them after the burst. */
async function checkDatabase(databaseUrl: string): Promise<OutageDatabaseCheck> {
    const { openDatabase } = await import('../../src/data/createDataSource');
    const { Incident } = await import('../../src/data/entities/Incident');
    const { Complaint } = await import('../../src/data/entities/Complaint');
    const dataSource = await openDatabase(databaseUrl);
    try {
        const incidents = await dataSource.getRepository(Incident).find({ order: { id: 'ASC' } });
        const active = incidents.filter((i) => i.status !== 'dismissed');
        const complaints = await dataSource.getRepository(Complaint).find({ select: { id: true, accountNumber: true, incidentId: true } });
        return {
            incidents: incidents.map((i) => ({ reference: i.reference, status: i.status, scope: i.scope, reportCount: i.reportCount })),
            activeIncidents: active.length,
            complaints: complaints.length,
            joined: active.length ? complaints.filter((c) => c.incidentId === active[0].id).length : 0,
            accounts: new Set(complaints.map((c) => c.accountNumber)).size,
        };
    } finally {
        await dataSource.destroy();
    }
}

/** Work directories and schemas of runs under way, for {@link abortOutageBursts}. */
const underWay = new Map<string, string | null>();

/**
 * Interrupted (SIGINT/SIGTERM): kills the bots and load processes (a bot would otherwise drain its whole backlog
 * before it stops) and removes the work directories and schemas of the runs under way.
 */
export async function abortOutageBursts(): Promise<void> {
    killChildren();
    const { dropPostgresSchema } = await import('../support/postgres');
    for (const [dir, schema] of underWay) {
        fs.rmSync(dir, { recursive: true, force: true });
        if (schema) await dropPostgresSchema(schema).catch(() => undefined);
    }
}

/**
 * Runs the outage burst once: a fresh database with the demo data and `users` consumers on one transformer, the real
 * server, a separate load process; returns what the users saw, what the database holds, and the bot's CPU per turn.
 */
export async function runOutageBurst(options: OutageBurstOptions): Promise<OutageBurstResult> {
    const log = options.log ?? (() => undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-outage-bench-'));
    const schema = options.postgres ? `bench_outage_${process.pid}_${Date.now().toString(36)}` : null;
    const postgres = options.postgres ? await import('../support/postgres') : null;
    if (!options.keep) underWay.set(dir, schema);
    let loadgen: ChildProcess | undefined;
    let bot: Awaited<ReturnType<typeof startBot>> | undefined;
    let ok = false;
    try {
        const setupStarted = Date.now();
        const databaseUrl = postgres ? await postgres.freshPostgresSchema(schema!) : `sqlite:${path.join(dir, 'outage.sqlite')}`;
        log(`database: demo data and ${options.users.toLocaleString('en-US')} consumers on one transformer`);
        const csv = await writeTransformerCsv(dir, options.users);
        await prepareDatabase(databaseUrl, dir, options.users, () => csv);
        log(`database ready in ${fmt((Date.now() - setupStarted) / 1000)} s; starting the bot`);
        const started = await forkLoadGenerator();
        loadgen = started.child;
        bot = await startBot('bot-outage', { dir, databaseUrl, apiUrl: started.apiUrl });
        const setupSeconds = (Date.now() - setupStarted) / 1000;
        log(`bot ready after ${fmt(setupSeconds)} s; burst: ${options.users.toLocaleString('en-US')} users, ${options.senders} deliveries in flight`);
        const cpuBefore = { bot: cpuSeconds([bot.child.pid]), loadgen: cpuSeconds([loadgen.pid]).ours, self: cpuSeconds([process.pid]).ours };
        const burstStarted = Date.now();
        let lastLog = 0;
        const load = await runLoad(
            loadgen,
            { cmd: 'run', target: bot.url, users: options.users, senders: options.senders, timeoutSeconds: options.timeoutSeconds ?? 300 },
            (p) => {
                if (Date.now() - lastLog < 5000) return;
                lastLog = Date.now();
                log(`  ${p.open.toLocaleString('en-US')} users still waiting, ${p.replies.toLocaleString('en-US')} replies, ${p.queued} deliveries queued`);
            }
        );
        const wall = (Date.now() - burstStarted) / 1000;
        const botCpuAfter = cpuSeconds([bot.child.pid]);
        const botCpu = botCpuAfter.ours - cpuBefore.bot.ours;
        const loadgenCpu = cpuSeconds([loadgen.pid]).ours - cpuBefore.loadgen;
        const selfCpu = cpuSeconds([process.pid]).ours - cpuBefore.self;
        const cores = {
            bot: botCpu / wall,
            loadGenerator: loadgenCpu / wall,
            other: (botCpuAfter.machine - cpuBefore.bot.machine - botCpu - loadgenCpu - selfCpu) / wall,
            loadAverageAtEnd: os.loadavg(),
        };
        const botPeakRssMb = procMemory(bot.child.pid)?.peakRssMb ?? NaN;
        await stopProcess(bot.child);
        const check = await checkDatabase(databaseUrl);
        ok = load.stalled === 0;
        return {
            database: options.postgres ? 'postgres' : 'sqlite',
            load,
            check,
            botCpuMsPerTurn: (botCpu * 1000) / load.deliveries,
            botPeakRssMb,
            setupSeconds,
            cores,
        };
    } finally {
        if (bot) {
            if (!ok) log(`--- last lines of the bot's log ---\n${tail(bot.logFile)}`);
            await stopProcess(bot.child, 10_000).catch(() => undefined);
        }
        if (loadgen) await stopProcess(loadgen, 5000).catch(() => undefined);
        if (options.keep) log(`work dir kept: ${dir}${schema ? `, schema ${schema}` : ''}`);
        else {
            fs.rmSync(dir, { recursive: true, force: true });
            if (schema) await postgres!.dropPostgresSchema(schema).catch(() => undefined);
            underWay.delete(dir);
        }
    }
}

if (require.main === module && process.env.BENCH_ROLE === 'outage-loadgen') {
    outageLoadGenerator().catch((error: Error) => {
        console.error(error);
        process.exit(1);
    });
}
