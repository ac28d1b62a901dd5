import { randomBytes } from 'crypto';
/**
 * Scale benchmark (`npm run bench`, last; not part of `npm test`). The real server (`node dist/src/main.js`,
 * configured through its environment as a deployment is) on SQLite, or on PostgreSQL with `--postgres`, is driven
 * through signed WhatsApp webhooks by many distinct users holding whole Hindi conversations (greeting, complaint,
 * account number, confirmation, status, bill), with a stand-in Graph API on loopback receiving the replies.
 * References are measured in the same run on the same machine: a bare `node:http` server answering 200 to the same
 * signed bodies at the same concurrency, and a minimal botbuilder CloudAdapter echo bot (no app id, Emulator-style
 * activities, reply POSTed to a local sink over keep-alive). Prints a table with the ratios and the
 * issue's targets, and writes bench-results-scale[-postgres][-long][-profile].json at the package root (git-ignored).
 *
 * Processes: this orchestrator (prepares the database, starts and stops everything, samples memory and CPU from
 * /proc); a load generator (fork: sends the webhooks and hosts the stand-in Graph API and the echo bot's reply sink,
 * so send and arrival times are on one clock); the bot under test; each reference in a process of its own.
 *
 * Users write from the registered mobile of a consumer account of their own (imported before the start, in the
 * README's three demo subdivisions), so WhatsApp's wa_id verifies them for the bill query without a one-time code,
 * as in production. A calibration conversation first learns how many replies each message gets and checks that
 * the script lands where it should (a ticket after "हाँ", a bill at the end).
 *
 * Phases on the bot: closed loop (each user sends the next message once every reply to the previous one reached the
 * stand-in, no think time: turns/s and end-to-end latency at saturation); closed loop with users who read and type
 * (think time, so end-to-end latency below saturation); with --postgres, a second instance and two-instance runs
 * (round-robin per message as a plain load balancer does, and sticky per user); finally an open-loop burst from 200
 * senders that wait only for the webhook's answer, then the time until every reply arrived.
 *
 *   npm run bench -- --postgres                       (all benches; the flags reach this one, which runs last)
 *   npm run build && node dist/test/bench/scale.bench.js [--postgres] [--long] [--profile]
 *
 * --postgres (or BENCH_POSTGRES=1): TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), in a fresh
 *   schema bench_scale_<pid> that is dropped afterwards.
 * --long (or BENCH_LONG=1): the closed loop is 100,000 messages instead of 30 s, to judge whether memory stays flat.
 * --profile (or BENCH_PROFILE=1): bot-1 runs under `node --cpu-prof`; the top self-time functions are printed and the
 *   profile is kept as bench-results-scale[-postgres][-long]-profile-cpuprofile.json (Chrome DevTools opens it). Profiling slows
 *   the bot, so take the throughput figures from a run without it.
 * Knobs: BENCH_SECONDS (30), BENCH_MESSAGES (closed-loop messages; overrides BENCH_SECONDS), BENCH_CONCURRENCY (50),
 * BENCH_THINK_MS (1000, mean think time of the paced run), BENCH_PACED_SECONDS (20), BENCH_BURST_CONCURRENCY (200),
 * BENCH_BURST_USERS (250), BENCH_REFERENCE_SECONDS (8); BENCH_KEEP=1 keeps the work dir (logs, SQLite file) and schema.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, fork, spawn } from 'child_process';
import { AddressInfo } from 'net';
import { performance } from 'perf_hooks';

// ---------------------------------------------------------------------------------------------------------------
// Shared by every role
// ---------------------------------------------------------------------------------------------------------------

/** The WhatsApp app secret the bench's bots are started with; deliveries are signed with it. */
export const SECRET = 'bench-app-secret';
/** The bots' WhatsApp phone number id. */
export const PHONE_ID = '100000000001';
const TURN_TIMEOUT_MS = 30_000;
/** One user: a consumer account of their own whose registered mobile is their WhatsApp number. */
interface BenchUser {
    index: number;
    waId: string;
    mobile: string;
    account: string;
}

function benchUser(index: number): BenchUser {
    const mobile = String(9_100_000_000 + index);
    return { index, waId: `91${mobile}`, mobile, account: String(5_100_000_000 + index) };
}

/** The conversation, in Hindi; `{account}` is the user's own account number. A language step is added if asked. */
const SCRIPT = ['नमस्ते', 'मेरे घर में कल रात से बिजली नहीं है', '{account}', 'हाँ', 'मेरी शिकायत का क्या हुआ', 'मेरी शिकायतें', 'मेरा बिल कितना है', '{account}'];

/** Percentiles of a set of measurements. */
export interface Summary {
    n: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    mean: number;
}

/** p50, p90, p99, max and mean of `values`. */
export function summarise(values: number[]): Summary {
    if (values.length === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
    const sorted = Float64Array.from(values).sort();
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    let sum = 0;
    for (const v of sorted) sum += v;
    const r = (x: number) => Math.round(x * 100) / 100;
    return { n: sorted.length, p50: r(at(50)), p90: r(at(90)), p99: r(at(99)), max: r(sorted[sorted.length - 1]), mean: r(sum / sorted.length) };
}

// IPC between the orchestrator and the load generator.
export type Command =
    | { cmd: 'calibrate'; target: string; script?: string[] }
    | {
          cmd: 'closed';
          targets: string[];
          concurrency: number;
          seconds?: number;
          conversations?: number;
          thinkMs?: number;
          routing?: 'round-robin' | 'sticky';
          label: string;
      }
    | {
          cmd: 'burst';
          target: string;
          concurrency: number;
          users: number;
          expectReplies: boolean;
          reuseLast?: boolean;
          /** The conversation of this and later bursts, instead of the default one (the calibration's is kept otherwise). */
          script?: string[];
          /** How long to wait for every reply after the last delivery was answered (180 s). */
          replyTimeoutSeconds?: number;
      }
    | { cmd: 'echo'; target: string; concurrency: number; seconds: number };

export interface Calibration {
    script: string[];
    replies: number[];
    kinds: string[];
    transcript: Array<{ user: string; bot: string[]; lastReplyMs: number }>;
}

interface ClosedResult {
    label: string;
    concurrency: number;
    targets: number;
    seconds: number;
    thinkMs: number;
    conversationsStarted: number;
    conversationsCompleted: number;
    messagesSent: number;
    turns: number;
    turnsPerSecond: number;
    webhookAnswerMs: Summary;
    endToEndMs: Summary;
    firstReplyMs: Summary;
    /** End-to-end per message of the script, to see which step is slow. */
    endToEndByStepMs: Array<{ message: string; p50: number; p99: number; max: number }>;
    non200: number;
    sendErrors: number;
    stalled: number;
    offScript: number;
    strayReplies: number;
    /** The first stalled users (no complete reply within 30 s): who, at which message, and what had arrived. */
    stalls: Array<{ waId: string; step: number; message: string; repliesReceived: number; sentAtMs: number }>;
    /** Messages the bot sent to others meanwhile: the assigned JE's WhatsApp notice of each new complaint. */
    noticesToOfficials: number;
}

export interface BurstResult {
    concurrency: number;
    messages: number;
    users: number;
    burstSeconds: number;
    requestsPerSecond: number;
    answerMs: Summary;
    statuses: Record<string, number>;
    sendErrors: number;
    /** Webhook answers by when they were sent, in 250 ms windows: where in the burst the slow ones are. */
    answerTimeline: Array<{ fromMs: number; sent: number; p50: number; p99: number; max: number }>;
    /** First delivery until every reply arrived (or the wait for them ended). */
    drainSeconds?: number;
    /** First delivery until the last reply arrived. */
    lastReplySeconds?: number;
    turnsPerSecond?: number;
    repliesExpected?: number;
    repliesReceived?: number;
}

export interface EchoResult {
    concurrency: number;
    seconds: number;
    requests: number;
    requestsPerSecond: number;
    latencyMs: Summary;
    non200: number;
    errors: number;
    sinkReplies: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Load generator (BENCH_ROLE=loadgen): signed webhooks out, stand-in Graph API and echo sink in
// ---------------------------------------------------------------------------------------------------------------

async function loadGenerator(): Promise<void> {
    const { ApiStandIn } = await import('../support/ApiStandIn');
    const { metaHeaders, metaWireJson, whatsAppText } = await import('../support/metaPayloads');
    const nonce = `${process.pid}${Date.now().toString(36)}`;
    let sequence = 0;
    let nextUser = 0;
    const poolSize = Number(process.env.BENCH_POOL);
    const takeUser = (): BenchUser => {
        if (nextUser >= poolSize) throw new Error(`user pool of ${poolSize} exhausted: raise the pool in scale.bench`);
        return benchUser(nextUser++);
    };
    let complaintsConfirmed = 0;

    /** Who waits for replies to which WhatsApp number; a reply to anyone else is a stray. */
    type Waiter = (kind: string, text: string, at: number) => void;
    const waiting = new Map<string, Waiter>();
    let strays = 0;
    let noticesToOfficials = 0;
    let sinkReplies = 0;
    let graphId = 0;

    const api = new ApiStandIn();
    await api.start();
    api.respondWith('POST', /\/messages$/, (request) => {
        const at = performance.now();
        api.requests.length = 0; // nothing is kept, so a 100,000-message run does not grow this process
        const body = request.body as { to?: string; type?: string; text?: { body?: string }; interactive?: { type?: string; body?: { text?: string } } };
        const to = String(body?.to ?? '');
        const waiter = waiting.get(to);
        const kind = body?.type === 'interactive' ? `interactive/${body.interactive?.type ?? ''}` : String(body?.type);
        if (waiter) waiter(kind, body?.text?.body ?? body?.interactive?.body?.text ?? '', at);
        else if (/^91910\d{7}$/.test(to)) strays += 1;
        else noticesToOfficials += 1;
        return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.out${++graphId}` }] } };
    });
    // The echo bot's serviceUrl: replyToActivity and sendToConversation.
    api.respondWith('POST', /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/, () => {
        api.requests.length = 0;
        sinkReplies += 1;
        return { status: 200, body: { id: String(sinkReplies) } };
    });

    const sharedAgent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
    const post = (url: string, body: Buffer, headers: Record<string, string>, agent = sharedAgent): Promise<{ status: number; ms: number }> =>
        new Promise((resolve, reject) => {
            const target = new URL(url);
            const t0 = performance.now();
            const req = http.request(
                {
                    host: target.hostname,
                    port: target.port,
                    path: target.pathname,
                    method: 'POST',
                    agent,
                    headers: { ...headers, 'content-length': String(body.length) },
                },
                (res) => {
                    res.resume();
                    res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
                    res.on('error', reject);
                }
            );
            req.on('error', reject);
            req.end(body);
        });
    const signed = (user: BenchUser, text: string): { raw: Buffer; headers: Record<string, string> } => {
        const raw = metaWireJson(whatsAppText(PHONE_ID, user.waId, text, { id: `wamid.scale.${nonce}.${++sequence}`, name: 'Consumer' }));
        return { raw, headers: metaHeaders(raw, SECRET) };
    };

    let script = SCRIPT.slice();
    let expected: number[] = [];
    let expectedKinds: string[] = [];
    let confirmStep = -1;
    const textOf = (step: number, user: BenchUser) => script[step].replace('{account}', user.account);

    /** One message of one user, waiting for the replies the calibration saw (or, calibrating, for quiet). */
    function exchange(
        target: string,
        user: BenchUser,
        text: string,
        settle: { count: number } | { quietMs: number }
    ): Promise<{
        sentAt: number;
        answer: Promise<{ status: number; ms: number } | Error>;
        replies: Array<{ kind: string; text: string; at: number }>;
        timedOut: boolean;
    }> {
        return new Promise((resolve) => {
            const replies: Array<{ kind: string; text: string; at: number }> = [];
            let quiet: NodeJS.Timeout | undefined;
            const finish = (timedOut: boolean) => {
                clearTimeout(timer);
                if (quiet) clearTimeout(quiet);
                waiting.delete(user.waId);
                resolve({ sentAt, answer, replies, timedOut });
            };
            waiting.set(user.waId, (kind, replyText, at) => {
                replies.push({ kind, text: replyText, at });
                if ('count' in settle) {
                    if (replies.length >= settle.count) finish(false);
                } else {
                    if (quiet) clearTimeout(quiet);
                    quiet = setTimeout(() => finish(false), settle.quietMs);
                }
            });
            const timer = setTimeout(() => finish(true), TURN_TIMEOUT_MS);
            const { raw, headers } = signed(user, text);
            const sentAt = performance.now();
            const answer = post(target, raw, headers).catch((error: Error) => error);
        });
    }

    async function calibrate(target: string, ownScript?: string[]): Promise<Calibration> {
        const user = takeUser();
        script = (ownScript ?? SCRIPT).slice();
        const replies: number[] = [];
        const kinds: string[] = [];
        const transcript: Calibration['transcript'] = [];
        for (let step = 0; step < script.length; step++) {
            const text = textOf(step, user);
            const result = await exchange(target, user, text, { quietMs: 700 });
            const answer = await result.answer;
            if (answer instanceof Error || answer.status !== 200)
                throw new Error(`calibration: webhook answered ${answer instanceof Error ? answer.message : answer.status} to "${text}"`);
            transcript.push({
                user: text,
                bot: result.replies.map((r) => r.text),
                lastReplyMs: Math.round((result.replies[result.replies.length - 1]?.at - result.sentAt) * 10) / 10,
            });
            if (result.replies.length === 0) throw new Error(`calibration: no reply to "${text}" within ${TURN_TIMEOUT_MS} ms`);
            replies.push(result.replies.length);
            kinds.push(result.replies.map((r) => r.kind).join(','));
            // A language question (both languages offered, nothing else): answer it in Hindi and go on.
            if (
                step === 0 &&
                result.replies.length === 1 &&
                /हिंदी/.test(result.replies[0].text) &&
                /English/.test(result.replies[0].text) &&
                !/शिकायत/.test(result.replies[0].text)
            ) {
                script.splice(1, 0, 'हिंदी');
            }
        }
        const all = transcript.map((t) => t.bot.join('\n'));
        confirmStep = script.indexOf('हाँ');
        // The conversation must have gone where the script means it to: a ticket after "हाँ", a bill at the end.
        const problems: string[] = [];
        if (!/C\d{4}-\d{4,}/.test(all[confirmStep] ?? '')) problems.push('no complaint ticket after "हाँ"');
        if (!/₹/.test(all[all.length - 1] ?? '')) problems.push('no bill amount after the bill query');
        if (problems.length > 0) {
            throw new Error(
                `calibration: the conversation went off script (${problems.join('; ')}):\n${transcript.map((t) => `  > ${t.user}\n${t.bot.map((b) => `    < ${b.replace(/\n/g, ' ⏎ ')}`).join('\n')}`).join('\n')}`
            );
        }
        complaintsConfirmed += 1;
        expected = replies;
        expectedKinds = kinds;
        return { script, replies, kinds, transcript };
    }

    async function closed(command: Extract<Command, { cmd: 'closed' }>): Promise<ClosedResult> {
        const answers: number[] = [];
        const endToEnd: number[] = [];
        const firstReply: number[] = [];
        const byStep: number[][] = script.map(() => []);
        const stalls: ClosedResult['stalls'] = [];
        let sent = 0,
            turns = 0,
            non200 = 0,
            sendErrors = 0,
            stalled = 0,
            offScript = 0,
            started = 0,
            completed = 0,
            roundRobin = 0;
        const straysBefore = strays;
        const noticesBefore = noticesToOfficials;
        const thinkMs = command.thinkMs ?? 0;
        const t0 = performance.now();
        const deadline = command.seconds !== undefined ? t0 + command.seconds * 1000 : Infinity;
        const targetTurns = command.conversations !== undefined ? command.conversations * script.length : Infinity;
        const progress = setInterval(() => {
            const fraction = command.seconds !== undefined ? (performance.now() - t0) / (command.seconds * 1000) : turns / targetTurns;
            process.send!({ type: 'progress', fraction, turns, sent });
        }, 250);
        const slot = async () => {
            // Users who think arrive at random moments, as real ones do: started together, the 50 first messages would
            // form one burst, and its queue alone would be the p99 (it was: 299 ms at the first step, ≤ 83 ms at
            // every other).
            if (thinkMs > 0) await new Promise((resolve) => setTimeout(resolve, thinkMs * 1.5 * Math.random()));
            for (;;) {
                if (command.conversations !== undefined && started >= command.conversations) return;
                if (performance.now() >= deadline) return;
                started += 1;
                const user = takeUser();
                let step = 0;
                for (; step < script.length; step++) {
                    if (performance.now() >= deadline) return;
                    // A plain load balancer alternates requests; a sticky one keeps a user on one instance.
                    const target =
                        command.routing === 'sticky'
                            ? command.targets[user.index % command.targets.length]
                            : command.targets[roundRobin++ % command.targets.length];
                    sent += 1;
                    const result = await exchange(target, user, textOf(step, user), { count: expected[step] });
                    void result.answer.then((answer) => {
                        if (answer instanceof Error) sendErrors += 1;
                        else if (result.sentAt < deadline) {
                            answers.push(answer.ms);
                            if (answer.status !== 200) non200 += 1;
                        }
                    });
                    if (result.timedOut) {
                        stalled += 1;
                        if (stalls.length < 20)
                            stalls.push({
                                waId: user.waId,
                                step,
                                message: textOf(step, user),
                                repliesReceived: result.replies.length,
                                sentAtMs: Math.round(result.sentAt - t0),
                            });
                        break; // this user is stuck; the slot takes the next one
                    }
                    const done = result.replies[result.replies.length - 1].at;
                    if (done <= deadline) {
                        turns += 1;
                        endToEnd.push(done - result.sentAt);
                        byStep[step].push(done - result.sentAt);
                        firstReply.push(result.replies[0].at - result.sentAt);
                    }
                    if (result.replies.map((r) => r.kind).join(',') !== expectedKinds[step]) offScript += 1;
                    if (step === confirmStep) complaintsConfirmed += 1;
                    // Reading and typing: uniform in [0.5, 1.5] x the mean think time.
                    if (thinkMs > 0 && step < script.length - 1) await new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + Math.random())));
                }
                if (step === script.length) completed += 1;
            }
        };
        await Promise.all(Array.from({ length: command.concurrency }, slot));
        clearInterval(progress);
        const seconds = (Math.min(performance.now(), deadline) - t0) / 1000;
        // Let the last answers land before summarising them.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return {
            label: command.label,
            concurrency: command.concurrency,
            targets: command.targets.length,
            seconds,
            thinkMs,
            conversationsStarted: started,
            conversationsCompleted: completed,
            messagesSent: sent,
            turns,
            turnsPerSecond: turns / seconds,
            webhookAnswerMs: summarise(answers),
            endToEndMs: summarise(endToEnd),
            firstReplyMs: summarise(firstReply),
            endToEndByStepMs: byStep.map((values, step) => {
                const s = summarise(values);
                return { message: script[step], p50: s.p50, p99: s.p99, max: s.max };
            }),
            non200,
            sendErrors,
            stalled,
            stalls,
            offScript,
            strayReplies: strays - straysBefore,
            noticesToOfficials: noticesToOfficials - noticesBefore,
        };
    }

    let lastBurst: { users: BenchUser[]; bodies: Array<Array<{ raw: Buffer; headers: Record<string, string> }>> } | undefined;

    /** Open loop: `concurrency` senders, each with its own users, every message as soon as the previous one was answered. */
    async function burst(command: Extract<Command, { cmd: 'burst' }>): Promise<BurstResult> {
        if (command.script) script = command.script.slice();
        if (!command.reuseLast || !lastBurst || lastBurst.bodies[0].length !== script.length) {
            const users = Array.from({ length: command.users }, takeUser);
            lastBurst = { users, bodies: users.map((user) => script.map((_, step) => signed(user, textOf(step, user)))) };
        }
        const { users, bodies } = lastBurst;
        const perUser = expected.reduce((a, b) => a + b, 0);
        if (command.expectReplies && perUser === 0) throw new Error('burst: no calibration yet, so the replies to expect are unknown');
        const remaining = new Map<string, number>();
        let repliesReceived = 0;
        let lastReplyAt = NaN;
        let drained!: () => void;
        const allReplies = new Promise<void>((resolve) => {
            drained = resolve;
        });
        if (command.expectReplies) {
            for (const user of users) {
                remaining.set(user.waId, perUser);
                waiting.set(user.waId, (_kind, _text, at) => {
                    repliesReceived += 1;
                    lastReplyAt = at;
                    const left = remaining.get(user.waId)! - 1;
                    remaining.set(user.waId, left);
                    if (left === 0) {
                        remaining.delete(user.waId);
                        waiting.delete(user.waId);
                        complaintsConfirmed += 1;
                        if (remaining.size === 0) drained();
                    }
                });
            }
        }
        const answers: number[] = [];
        const windows: number[][] = [];
        const statuses: Record<string, number> = {};
        let sendErrors = 0;
        // Fresh connections for every burst, for the bot and the bare server alike, as a platform opens them for a burst.
        const agent = new http.Agent({ keepAlive: true, maxSockets: command.concurrency });
        const t0 = performance.now();
        await Promise.all(
            Array.from({ length: command.concurrency }, async (_, sender) => {
                for (let u = sender; u < users.length; u += command.concurrency) {
                    for (const { raw, headers } of bodies[u]) {
                        try {
                            const window = Math.floor((performance.now() - t0) / 250);
                            const answer = await post(command.target, raw, headers, agent);
                            answers.push(answer.ms);
                            (windows[window] ??= []).push(answer.ms);
                            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
                        } catch {
                            sendErrors += 1;
                        }
                    }
                }
            })
        );
        const burstSeconds = (performance.now() - t0) / 1000;
        agent.destroy();
        const messages = users.length * script.length;
        const result: BurstResult = {
            concurrency: command.concurrency,
            messages,
            users: users.length,
            burstSeconds,
            requestsPerSecond: messages / burstSeconds,
            answerMs: summarise(answers),
            statuses,
            sendErrors,
            answerTimeline: Array.from(windows, (values, i) => {
                const s = summarise(values ?? []);
                return { fromMs: i * 250, sent: s.n, p50: s.p50, p99: s.p99, max: s.max };
            }),
        };
        if (command.expectReplies) {
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<void>((resolve) => {
                timer = setTimeout(resolve, (command.replyTimeoutSeconds ?? 180) * 1000);
            });
            await Promise.race([allReplies, timeout]);
            clearTimeout(timer);
            for (const user of users) waiting.delete(user.waId);
            const drainSeconds = (performance.now() - t0) / 1000;
            Object.assign(result, {
                drainSeconds,
                turnsPerSecond: messages / drainSeconds,
                repliesExpected: perUser * users.length,
                repliesReceived,
                lastReplySeconds: (lastReplyAt - t0) / 1000,
            });
        }
        return result;
    }

    /** The echo reference, closed loop: each virtual user POSTs the next activity once the previous one was answered. */
    async function echo(command: Extract<Command, { cmd: 'echo' }>): Promise<EchoResult> {
        const latencies: number[] = [];
        let non200 = 0,
            errors = 0;
        const sinkBefore = sinkReplies;
        const t0 = performance.now();
        const deadline = t0 + command.seconds * 1000;
        await Promise.all(
            Array.from({ length: command.concurrency }, async (_, slot) => {
                const conversation = `echo-${nonce}-${slot}|livechat`;
                for (let n = 0; performance.now() < deadline; n++) {
                    const activity = {
                        type: 'message',
                        id: `${slot}-${n}`,
                        channelId: 'emulator',
                        timestamp: new Date().toISOString(),
                        localTimestamp: new Date().toISOString(),
                        serviceUrl: api.url,
                        conversation: { id: conversation },
                        from: { id: `user-${slot}`, name: 'User', role: 'user' },
                        recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
                        locale: 'hi-IN',
                        textFormat: 'plain',
                        text: SCRIPT[n % SCRIPT.length].replace('{account}', '1234567890'),
                    };
                    try {
                        const answer = await post(command.target, Buffer.from(JSON.stringify(activity)), { 'content-type': 'application/json' });
                        latencies.push(answer.ms);
                        if (answer.status !== 200) non200 += 1;
                    } catch {
                        errors += 1;
                    }
                }
            })
        );
        const seconds = (performance.now() - t0) / 1000;
        return {
            concurrency: command.concurrency,
            seconds,
            requests: latencies.length,
            requestsPerSecond: latencies.length / seconds,
            latencyMs: summarise(latencies),
            non200,
            errors,
            sinkReplies: sinkReplies - sinkBefore,
        };
    }

    process.on('message', (message: Command & { id: number }) => {
        const run = async (): Promise<unknown> => {
            switch (message.cmd) {
                case 'calibrate':
                    return calibrate(message.target, message.script);
                case 'closed':
                    return closed(message);
                case 'burst':
                    return burst(message);
                case 'echo':
                    return echo(message);
            }
        };
        run().then(
            (result) => process.send!({ type: 'result', id: message.id, result, complaintsConfirmed }),
            (error: Error) => process.send!({ type: 'error', id: message.id, message: error.stack ?? error.message })
        );
    });
    process.on('disconnect', () => process.exit(0));
    process.send!({ type: 'ready', apiUrl: api.url });
}

// ---------------------------------------------------------------------------------------------------------------
// References, each in its own process
// ---------------------------------------------------------------------------------------------------------------

/** BENCH_ROLE=bare: reads the body and answers 200, nothing else. */
async function bareServer(): Promise<void> {
    const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.on('disconnect', () => process.exit(0));
    process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

/** BENCH_ROLE=echo: the echo bot: CloudAdapter without app id behind express, one reply per message. */
async function echoBot(): Promise<void> {
    const { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import('botbuilder');
    const express = (await import('express')).default;
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
        await context.sendActivity(`Echo: ${context.activity.text}`);
        await next();
    });
    const web = express();
    web.post('/api/messages', express.json({ limit: '256kb' }), (req, res) => adapter.process(req, res, (context) => bot.run(context)));
    const server = http.createServer(web);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.on('disconnect', () => process.exit(0));
    process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
}

// ---------------------------------------------------------------------------------------------------------------
// Orchestrator
// ---------------------------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
/** Set on SIGINT/SIGTERM: the main flow then fails quietly while the signal handler cleans up and exits. */
let interrupted = false;

/** Kills every process the bench started (bots, load generators, references) that is still running. */
export function killChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
    for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
            try {
                child.kill(signal);
            } catch {
                /* already gone */
            }
        }
    }
}

/** Remembers `child` for {@link killChildren}. */
export function track<T extends ChildProcess>(child: T): T {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
}

export interface Forked {
    child: ChildProcess;
    ready: Record<string, unknown>;
}

/** Starts this file in a process of its own as `role` (loadgen, bare, echo) and waits for its ready message. */
export async function forkRole(role: string, env: Record<string, string> = {}): Promise<Forked> {
    const child = track(fork(__filename, [], { env: { ...process.env, ...env, BENCH_ROLE: role }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
        child.once('message', (message) => resolve(message as Record<string, unknown>));
        child.once('exit', (code) => reject(new Error(`${role} process exited with ${code} before it was ready`)));
    });
    return { child, ready };
}

let commandId = 0;

/** Sends one command to the load generator; `onProgress` sees its progress reports meanwhile. */
export function command<T>(
    loadgen: ChildProcess,
    cmd: Command,
    onProgress?: (p: { fraction: number; turns: number; sent: number }) => void
): Promise<{ result: T; complaintsConfirmed: number }> {
    const id = ++commandId;
    return new Promise((resolve, reject) => {
        const onMessage = (raw: unknown) => {
            const message = raw as {
                type: string;
                id?: number;
                result?: T;
                message?: string;
                fraction?: number;
                turns?: number;
                sent?: number;
                complaintsConfirmed?: number;
            };
            if (message.type === 'progress') {
                onProgress?.(message as { fraction: number; turns: number; sent: number });
                return;
            }
            if (message.id !== id) return;
            cleanup();
            if (message.type === 'error') reject(new Error(`load generator: ${message.message}`));
            else resolve({ result: message.result as T, complaintsConfirmed: message.complaintsConfirmed ?? 0 });
        };
        const onExit = (code: number | null) => {
            cleanup();
            reject(new Error(`load generator exited with ${code}`));
        };
        const cleanup = () => {
            loadgen.off('message', onMessage);
            loadgen.off('exit', onExit);
        };
        loadgen.on('message', onMessage);
        loadgen.on('exit', onExit);
        loadgen.send({ ...cmd, id });
    });
}

/** VmRSS, VmHWM (peak RSS) and RSS split into anonymous and file-backed memory, of a process, in MB. */
export function procMemory(pid: number | undefined): { rssMb: number; peakRssMb: number; anonMb: number; fileMb: number } | null {
    if (!pid) return null;
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
        return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: (kb('RssFile') + kb('RssShmem')) / 1024 };
    } catch {
        return null;
    }
}

/** Busy CPU time of the whole machine, and of the given processes (with their reaped children), in seconds. */
export function cpuSeconds(pids: Array<number | undefined>): { machine: number; ours: number } {
    const ticks = 100; // USER_HZ
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
    const machine = (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticks;
    let ours = 0;
    for (const pid of pids) {
        if (!pid) continue;
        try {
            const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
            const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            ours += (Number(after[11]) + Number(after[12]) + Number(after[13]) + Number(after[14])) / ticks;
        } catch {
            /* gone */
        }
    }
    return { machine, ours };
}

async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

/** A bot under test (`dist/src/main.js`) and its WhatsApp webhook URL. */
export interface BotProcess {
    name: string;
    child: ChildProcess;
    port: number;
    url: string;
    logFile: string;
    memorySamples: number[];
}

/** The last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 30): string {
    try {
        return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
        return '(no log)';
    }
}

/** Starts the real server on `databaseUrl`, configured through its environment, and waits until /healthz answers. */
export async function startBot(name: string, options: { dir: string; databaseUrl: string; apiUrl: string; profileDir?: string }): Promise<BotProcess> {
    const port = await freePort();
    const logFile = path.join(options.dir, `${name}.log`);
    const log = fs.openSync(logFile, 'a');
    const main = path.resolve(__dirname, '..', '..', 'src', 'main.js');
    const args = ['--expose-gc', '-r', path.join(__dirname, 'scaleProbe.js')];
    if (options.profileDir) args.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`);
    args.push(main);
    // A clean environment (nothing of the caller's DATABASE_URL or channel secrets) and a working directory without
    // a .env file: exactly the settings below, as a deployment would set them.
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? os.tmpdir(),
        NODE_ENV: 'production',
        BENCH_PROBE: '1',
        PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        DEMO_DATA: 'off',
        LOG_LEVEL: 'info',
        // Every bench user writes from a registered mobile, so no code is sent; the log sender is refused here anyway.
        SMS_SENDER: 'http',
        SMS_HTTP_URL: 'http://127.0.0.1:9/sms',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: 'bench-verify',
        WHATSAPP_ACCESS_TOKEN: 'bench-token',
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_API_URL: `${options.apiUrl}/v25.0`,
        // The platform's own limit (80/s by default) would otherwise be what is measured.
        WHATSAPP_MAX_MESSAGES_PER_SECOND: '1000',
        // As in a deployment that notifies officials: each new complaint's JE gets a template message (they have not
        // written to the bot within 24 hours); without a template the bot records the notice as undeliverable.
        WHATSAPP_TEMPLATES: JSON.stringify({
            hi: { name: 'bench_update', language: 'hi', body: 'बिजली मित्र: {{1}}' },
            en: { name: 'bench_update', language: 'en', body: 'Bijli Mitra: {{1}}' },
        }),
    };
    const child = track(spawn(process.execPath, args, { cwd: options.dir, env, stdio: ['ignore', log, log, 'ipc'] }));
    fs.closeSync(log);
    const url = `http://127.0.0.1:${port}/webhooks/whatsapp`;
    const deadline = Date.now() + 90_000;
    for (;;) {
        if (child.exitCode !== null || child.signalCode !== null)
            throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode} while starting:\n${tail(logFile)}`);
        if (Date.now() > deadline) throw new Error(`${name} did not answer /healthz within 90 s:\n${tail(logFile)}`);
        const healthy = await new Promise<boolean>((resolve) => {
            const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
                res.resume();
                resolve(res.statusCode === 200);
            });
            req.on('error', () => resolve(false));
            req.on('timeout', () => {
                req.destroy();
                resolve(false);
            });
        });
        if (healthy) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { name, child, port, url, logFile, memorySamples: [] };
}

let probeId = 0;

/** Asks the bot's probe (scaleProbe.ts) a question on the IPC channel; null if it does not answer in time. */
function askProbe<T>(bot: BotProcess, question: Record<string, unknown> & { probe: string }, timeoutMs = 5000): Promise<T | null> {
    const id = ++probeId;
    return new Promise((resolve) => {
        const timer = setTimeout(() => {
            bot.child.off('message', onMessage);
            resolve(null);
        }, timeoutMs);
        const onMessage = (message: unknown) => {
            const m = message as { probe?: string; id?: number };
            if (m.probe !== question.probe || m.id !== id) return;
            clearTimeout(timer);
            bot.child.off('message', onMessage);
            resolve(message as T);
        };
        bot.child.on('message', onMessage);
        bot.child.send({ ...question, id });
    });
}

/** heapUsed / RSS as the bot process itself reports them, after a full GC when `gc` is set. */
export async function probeMemory(
    bot: BotProcess,
    gc: boolean
): Promise<{ heapUsedMb: number; heapTotalMb: number; rssMb: number; externalMb: number; arrayBuffersMb: number } | null> {
    const m = await askProbe<{ heapUsed: number; heapTotal: number; rss: number; external: number; arrayBuffers: number }>(bot, { probe: 'memory', gc });
    if (!m) return null;
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    return { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), rssMb: mb(m.rss), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) };
}

/** Writes a heap snapshot of the bot (in its working directory) and returns the file's path. */
export async function probeHeapSnapshot(bot: BotProcess): Promise<string> {
    const m = await askProbe<{ file: string }>(bot, { probe: 'heap-snapshot' }, 120_000);
    return m?.file ?? '(no answer within 2 minutes)';
}

/** Database statements the bot process has executed so far, counted at the drivers by its probe, in all and by text. */
export async function probeStatements(bot: BotProcess): Promise<{ total: number; byText: Record<string, number>; msByText: Record<string, number> }> {
    const m = await askProbe<{ statements: number; byText: Record<string, number>; msByText: Record<string, number> }>(bot, { probe: 'stats' });
    return { total: m?.statements ?? NaN, byText: m?.byText ?? {}, msByText: m?.msByText ?? {} };
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
}

/**
 * Consumers of the bench users, spread over the README's three demo subdivisions (so complaints get a JE), one bill
 * each. Each lives in a block of their own, and no other word of the address names a place, so that the thousands
 * of no-supply reports stay single-house complaints with the whole flow, as this bench means them; a burst of
 * reports from one place (an outage incident) is outage.bench.ts.
 */
function writeUserCsv(dir: string, count: number): { consumers: string; bills: string } {
    const profiles = [
        {
            discom: 'MVVNL',
            division: 'EUDD Gomti Nagar, Lucknow',
            subdivision: 'Vibhuti Khand',
            area: 'city',
            pin: '226010',
        },
        { discom: 'PVVNL', division: 'EUDD-II Meerut', subdivision: 'Shastri Nagar', area: 'urban', pin: '250004' },
        {
            discom: 'PuVVNL',
            division: 'EDD-II Varanasi (Rural)',
            subdivision: 'Rajatalab',
            area: 'rural',
            pin: '221311',
        },
    ];
    const consumers = [
        'account_number,name,registered_mobile,address,discom,division,subdivision,tariff_category,area_class,meter_number,meter_type,last_reading,last_reading_date,prepaid_balance',
    ];
    const bills = ['account_number,bill_month,units,amount,arrears,due_date,paid,payment_date'];
    for (let i = 0; i < count; i++) {
        const user = benchUser(i);
        const p = profiles[i % profiles.length];
        consumers.push(
            `${user.account},Bench Consumer ${i},${user.mobile},"House ${i}, Block ${i}, ${p.subdivision} ${p.pin}",${p.discom},"${p.division}",${p.subdivision},LMV-1,${p.area},BMS${String(i).padStart(8, '0')},postpaid,${4000 + (i % 3000)},2026-10-28,`
        );
        bills.push(`${user.account},2026-10,${150 + (i % 200)},${1200 + (i % 900)},,2026-11-15,no,`);
    }
    const files = { consumers: path.join(dir, 'bench-consumers.csv'), bills: path.join(dir, 'bench-bills.csv') };
    fs.writeFileSync(files.consumers, consumers.join('\n'));
    fs.writeFileSync(files.bills, bills.join('\n'));
    return files;
}

/** Migrates, loads the demo data (as a first start would) and imports the bench users' consumers and bills, as `writeCsv` writes them. */
export async function prepareDatabase(
    databaseUrl: string,
    dir: string,
    users: number,
    writeCsv: (dir: string, count: number) => { consumers: string; bills: string } = writeUserCsv
): Promise<void> {
    const { openDatabase } = await import('../../src/data/createDataSource');
    const { seedDemoData } = await import('../../src/data/demoData');
    const { CsvImporter } = await import('../../src/data/CsvImporter');
    const dataSource = await openDatabase(databaseUrl);
    try {
        await seedDemoData(dataSource);
        // A production start refuses demo officials with their published passwords: these get one of their own.
        const { hashPassword } = await import('../../src/data/passwords');
        const { Official } = await import('../../src/data/entities/Official');
        const ownPassword = await hashPassword(randomBytes(18).toString('base64'));
        await dataSource.createQueryBuilder().update(Official).set({ passwordHash: ownPassword }).execute();
        const files = writeCsv(dir, users);
        const importer = new CsvImporter(dataSource, { batchSize: 1000 });
        for (const report of [await importer.importConsumers(files.consumers), await importer.importBills(files.bills)]) {
            if (report.rejected.length > 0)
                throw new Error(
                    `bench ${report.kind} import rejected ${report.rejected.length} rows, e.g. line ${report.rejected[0].line}: ${report.rejected[0].reason}`
                );
        }
    } finally {
        await dataSource.destroy();
    }
}

export async function countComplaints(databaseUrl: string, schema: string | null): Promise<number> {
    if (schema === null) {
        const Sqlite = (await import('better-sqlite3')).default;
        const db = new Sqlite(databaseUrl.slice('sqlite:'.length), { readonly: true });
        try {
            return Number((db.prepare('SELECT COUNT(*) AS n FROM complaints').get() as { n: number }).n);
        } finally {
            db.close();
        }
    }
    const { Client } = await import('pg');
    const { POSTGRES_URL } = await import('../support/postgres');
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
        return Number((await client.query(`SELECT COUNT(*) AS n FROM "${schema}".complaints`)).rows[0].n);
    } finally {
        await client.end();
    }
}

export async function dropSchema(schema: string): Promise<void> {
    const { dropPostgresSchema } = await import('../support/postgres');
    await dropPostgresSchema(schema);
}

/** Self time per function (and per package) from a V8 .cpuprofile, idle excluded. */
export function summariseProfile(file: string): {
    sampledSeconds: number;
    functions: Array<{ fn: string; where: string; selfMs: number; percent: number }>;
    packages: Array<{ pkg: string; selfMs: number; percent: number }>;
} {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
        samples: number[];
        timeDeltas: number[];
    };
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    const self = new Map<number, number>();
    for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    const byFunction = new Map<string, { fn: string; where: string; us: number }>();
    const byPackage = new Map<string, number>();
    let total = 0;
    const root = path.resolve(__dirname, '..', '..', '..');
    for (const [id, us] of self) {
        const frame = frames.get(id)!;
        if (frame.functionName === '(idle)') continue;
        total += us;
        const url = frame.url.replace(/^file:\/\//, '');
        const where = url ? `${path.relative(root, url).replace(/^(\.\.\/)+/, '')}:${frame.lineNumber + 1}` : '';
        const key = `${frame.functionName}|${where}`;
        const entry = byFunction.get(key) ?? { fn: frame.functionName || '(anonymous)', where, us: 0 };
        entry.us += us;
        byFunction.set(key, entry);
        const pkg =
            /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
            (url.startsWith('node:')
                ? 'node (internal)'
                : url.includes('/dist/')
                  ? `bijli-mitra ${/\/dist\/([^/]+)/.exec(url)?.[1] ?? ''}`
                  : url
                    ? 'other'
                    : frame.functionName);
        byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    }
    const pct = (us: number) => Math.round((us / total) * 1000) / 10;
    return {
        sampledSeconds: total / 1e6,
        functions: [...byFunction.values()]
            .sort((a, b) => b.us - a.us)
            .slice(0, 25)
            .map((e) => ({ fn: e.fn, where: e.where, selfMs: Math.round(e.us / 1000), percent: pct(e.us) })),
        packages: [...byPackage.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 15)
            .map(([pkg, us]) => ({ pkg, selfMs: Math.round(us / 1000), percent: pct(us) })),
    };
}

/** Whether `--name` was given or `envName` is set to 1/true/yes. */
export function flag(name: string, envName: string): boolean {
    return process.argv.includes(`--${name}`) || ['1', 'true', 'yes'].includes(String(process.env[envName] ?? '').toLowerCase());
}

/** A positive number from the environment variable `name`, else `fallback`. */
export function num(name: string, fallback: number): number {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`);
    return value;
}

/** A number for the printed table, with `digits` decimals; – when not a number. */
export const fmt = (n: number | undefined, digits = 1) =>
    n === undefined || !Number.isFinite(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${fmt(a / b, 2)}×` : '–');

async function orchestrate(): Promise<void> {
    const runStarted = Date.now();
    const postgres = flag('postgres', 'BENCH_POSTGRES');
    const long = flag('long', 'BENCH_LONG');
    const profile = flag('profile', 'BENCH_PROFILE');
    const concurrency = num('BENCH_CONCURRENCY', 50);
    const burstConcurrency = num('BENCH_BURST_CONCURRENCY', 200);
    const burstUsers = num('BENCH_BURST_USERS', 250);
    const referenceSeconds = num('BENCH_REFERENCE_SECONDS', 8);
    const thinkMs = num('BENCH_THINK_MS', 1000);
    const pacedSeconds = num('BENCH_PACED_SECONDS', 20);
    const messages = process.env.BENCH_MESSAGES ? num('BENCH_MESSAGES', 0) : long ? 100_000 : undefined;
    const seconds = messages === undefined ? num('BENCH_SECONDS', 30) : undefined;
    const steps = SCRIPT.length + 1; // a language step may be added
    const closedConversations = messages !== undefined ? Math.ceil(messages / SCRIPT.length) : undefined;
    // Time-bound runs draw users as fast as the bot serves them: room for 1,000 turns/s.
    const perClosedRun = closedConversations ?? Math.ceil((seconds! * 1000) / (steps - 1));
    const warmupConversations = concurrency;
    const perPacedRun = concurrency * (1 + Math.ceil((pacedSeconds * 1000) / ((steps - 1) * 0.5 * thinkMs)));
    const twoInstanceSeconds = num('BENCH_SECONDS', 30);
    const perTwoInstanceRun = Math.ceil((twoInstanceSeconds * 1000) / (steps - 1));
    const pool = 1 + warmupConversations * 2 + perClosedRun + perPacedRun + burstUsers + (postgres ? 2 * perTwoInstanceRun : 0);
    const schema = postgres ? `bench_scale_${process.pid}` : null;
    // Runs of another kind never overwrite the results of a plain run.
    const resultsName = `bench-results-scale${postgres ? '-postgres' : ''}${messages !== undefined ? '-long' : ''}${profile ? '-profile' : ''}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-scale-bench-'));
    const log = (line: string) => process.stdout.write(`[scale ${((Date.now() - runStarted) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
    let failed = true;

    const onSignal = (signal: NodeJS.Signals) => {
        interrupted = true;
        killChildren();
        process.stderr.write(`scale bench: ${signal}, child processes killed\n`);
        if (process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
        const dropped = schema && process.env.BENCH_KEEP !== '1' ? dropSchema(schema).catch(() => undefined) : Promise.resolve();
        void Promise.race([dropped, new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => killChildren());

    const bots: BotProcess[] = [];
    /** Cores busy on average during each measured phase: the bot process(es), the load generator, everything else. */
    const phases: Record<string, { seconds: number; botCores: number; loadGeneratorCores: number; otherCores: number }> = {};
    let loadgenPid: number | undefined;
    const measure = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
        const botPids = bots.map((b) => b.child.pid);
        const before = { bot: cpuSeconds(botPids), loadgen: cpuSeconds([loadgenPid]), self: cpuSeconds([process.pid]) };
        const t0 = Date.now();
        const result = await run();
        const wall = (Date.now() - t0) / 1000;
        const after = { bot: cpuSeconds(botPids), loadgen: cpuSeconds([loadgenPid]), self: cpuSeconds([process.pid]) };
        const botCpu = after.bot.ours - before.bot.ours;
        const loadgenCpu = after.loadgen.ours - before.loadgen.ours;
        const selfCpu = after.self.ours - before.self.ours;
        phases[label] = {
            seconds: wall,
            botCores: botCpu / wall,
            loadGeneratorCores: loadgenCpu / wall,
            otherCores: (after.bot.machine - before.bot.machine - botCpu - loadgenCpu - selfCpu) / wall,
        };
        return result;
    };
    try {
        log(
            `${postgres ? 'PostgreSQL' : 'SQLite'}; ${messages !== undefined ? `${messages.toLocaleString('en-US')} closed-loop messages` : `${seconds} s closed loop`} at ${concurrency} users; burst of ${burstUsers} users at ${burstConcurrency} senders; work dir ${dir}`
        );
        const { child: loadgen, ready } = await forkRole('loadgen', { BENCH_POOL: String(pool) });
        loadgenPid = loadgen.pid;
        const refCpuStart = cpuSeconds([process.pid, loadgen.pid]);
        const refWallStart = Date.now();
        const apiUrl = String(ready.apiUrl);

        // ---- References ----
        log('reference: bare node:http');
        const bare = await forkRole('bare');
        const bareUrl = `http://127.0.0.1:${bare.ready.port}/webhooks/whatsapp`;
        // Bodies of the users the bot's burst will use later: the same bytes, signed the same way.
        await command<BurstResult>(loadgen, { cmd: 'burst', target: bareUrl, concurrency: burstConcurrency, users: burstUsers, expectReplies: false }); // warm-up
        const bareBurst = (
            await command<BurstResult>(loadgen, {
                cmd: 'burst',
                target: bareUrl,
                concurrency: burstConcurrency,
                users: burstUsers,
                expectReplies: false,
                reuseLast: true,
            })
        ).result;
        const bareAt50 = (
            await command<BurstResult>(loadgen, { cmd: 'burst', target: bareUrl, concurrency, users: burstUsers, expectReplies: false, reuseLast: true })
        ).result;
        const barePeak = procMemory(bare.child.pid)?.peakRssMb;
        const bareCpu = cpuSeconds([bare.child.pid]).ours;
        await stopProcess(bare.child);

        log('reference: CloudAdapter echo bot');
        const echoProcess = await forkRole('echo');
        const echoUrl = `http://127.0.0.1:${echoProcess.ready.port}/api/messages`;
        await command<EchoResult>(loadgen, { cmd: 'echo', target: echoUrl, concurrency, seconds: 2 }); // warm-up
        const echoAtConcurrency = (await command<EchoResult>(loadgen, { cmd: 'echo', target: echoUrl, concurrency, seconds: referenceSeconds })).result;
        const echoAtBurst = (await command<EchoResult>(loadgen, { cmd: 'echo', target: echoUrl, concurrency: burstConcurrency, seconds: referenceSeconds }))
            .result;
        const echoPeak = procMemory(echoProcess.child.pid)?.peakRssMb;
        const echoCpu = cpuSeconds([echoProcess.child.pid]).ours;
        const refCpuEnd = cpuSeconds([process.pid, loadgen.pid]);
        const refWall = (Date.now() - refWallStart) / 1000;
        const refOurs = refCpuEnd.ours - refCpuStart.ours + bareCpu + echoCpu;
        const referenceCpu = {
            seconds: refWall,
            benchProcessesCores: refOurs / refWall,
            otherProcessesCores: (refCpuEnd.machine - refCpuStart.machine - refOurs) / refWall,
        };
        await stopProcess(echoProcess.child);

        // ---- The bot ----
        const databaseUrl = postgres ? await (await import('../support/postgres')).freshPostgresSchema(schema!) : `sqlite:${path.join(dir, 'bench.sqlite')}`;
        log(`database: demo data and ${pool.toLocaleString('en-US')} bench consumers`);
        const prepareStarted = Date.now();
        await prepareDatabase(databaseUrl, dir, pool);
        const prepareSeconds = (Date.now() - prepareStarted) / 1000;
        const profileDir = profile ? path.join(dir, 'profiles') : undefined;
        const startedAt = Date.now();
        bots.push(await startBot('bot-1', { dir, databaseUrl, apiUrl, profileDir }));
        const startSeconds = (Date.now() - startedAt) / 1000;
        const sampler = setInterval(() => {
            for (const bot of bots) {
                const m = procMemory(bot.child.pid);
                if (m) bot.memorySamples.push(m.rssMb);
            }
        }, 250);

        const ourPids = () => [process.pid, loadgen.pid, ...bots.map((b) => b.child.pid)];
        const cpuAtStart = cpuSeconds(ourPids());
        const wallAtStart = Date.now();
        log('calibration: one user, one message at a time');
        const calibration = (await command<Calibration>(loadgen, { cmd: 'calibrate', target: bots[0].url })).result;
        const messagesPerConversation = calibration.script.length;
        log(
            `conversation: ${calibration.script.map((s) => `"${s}"`).join(' → ')}; replies per message ${calibration.replies.join('/')}; unloaded ms until the last reply ${calibration.transcript.map((t) => t.lastReplyMs).join('/')}`
        );
        await command<ClosedResult>(loadgen, { cmd: 'closed', targets: [bots[0].url], concurrency, conversations: warmupConversations, label: 'warm-up' });

        const memory: Record<string, unknown> = {};
        const rssAt = (label: string) => {
            const m = procMemory(bots[0].child.pid);
            memory[`rssMbAt${label}`] = m ? Math.round(m.rssMb * 10) / 10 : null;
            memory[`rssSplitAt${label}`] = m ? { anonMb: Math.round(m.anonMb), fileMb: Math.round(m.fileMb) } : null;
        };
        rssAt('Start');
        memory.afterWarmup = await probeMemory(bots[0], true);
        const checkpoints = [0.1, 0.5];
        const taken = new Set<number>();
        const pendingProbes: Array<Promise<void>> = [];
        log(
            `closed loop: ${concurrency} users${messages !== undefined ? `, ${closedConversations!.toLocaleString('en-US')} conversations` : `, ${seconds} s`}`
        );
        let lastShown = 0;
        const closedRun = await measure('closed loop', () =>
            command<ClosedResult>(
                loadgen,
                { cmd: 'closed', targets: [bots[0].url], concurrency, seconds, conversations: closedConversations, label: 'one instance' },
                (p) => {
                    for (const c of checkpoints) {
                        if (p.fraction >= c && !taken.has(c)) {
                            taken.add(c);
                            const label = `${Math.round(c * 100)}Percent`;
                            rssAt(label);
                            // Heap after a full GC is what the process really retains: the flatness criterion.
                            pendingProbes.push(
                                probeMemory(bots[0], true).then((m) => {
                                    memory[`heapAt${label}`] = m;
                                })
                            );
                        }
                    }
                    if (messages !== undefined && p.fraction - lastShown >= 0.1) {
                        lastShown = p.fraction;
                        const m = procMemory(bots[0].child.pid);
                        log(
                            `  ${Math.round(p.fraction * 100)} %: ${p.turns.toLocaleString('en-US')} turns, RSS ${fmt(m?.rssMb, 0)} MB (anonymous ${fmt(m?.anonMb, 0)}, files ${fmt(m?.fileMb, 0)})`
                        );
                    }
                }
            )
        );
        await Promise.all(pendingProbes);
        rssAt('100Percent');
        memory.heapAt100Percent = await probeMemory(bots[0], true);
        const closed = closedRun.result;

        log(`closed loop, paced: ${concurrency} users reading and typing for ${thinkMs / 2}–${(thinkMs * 3) / 2} ms between messages, ${pacedSeconds} s`);
        const paced = (
            await measure('paced closed loop', () =>
                command<ClosedResult>(loadgen, { cmd: 'closed', targets: [bots[0].url], concurrency, seconds: pacedSeconds, thinkMs, label: 'paced users' })
            )
        ).result;

        let twoInstances: ClosedResult | undefined;
        let twoInstancesSticky: ClosedResult | undefined;
        let oneInstanceForTwo = closed;
        if (postgres) {
            if (messages !== undefined) {
                // The long run is for memory; the scaling comparison uses equal, time-bound runs.
                log(`closed loop on one instance for the comparison: ${concurrency} users, ${twoInstanceSeconds} s`);
                oneInstanceForTwo = (
                    await measure('closed loop, one instance', () =>
                        command<ClosedResult>(loadgen, {
                            cmd: 'closed',
                            targets: [bots[0].url],
                            concurrency,
                            seconds: twoInstanceSeconds,
                            label: 'one instance',
                        })
                    )
                ).result;
            }
            log('second instance on the same schema');
            bots.push(await startBot('bot-2', { dir, databaseUrl, apiUrl, profileDir }));
            await command<ClosedResult>(loadgen, {
                cmd: 'closed',
                targets: [bots[1].url],
                concurrency,
                conversations: warmupConversations,
                label: 'warm-up bot-2',
            });
            log(`closed loop on two instances, round-robin per message: ${concurrency} users, ${twoInstanceSeconds} s`);
            twoInstances = (
                await measure('two instances, round-robin', () =>
                    command<ClosedResult>(loadgen, {
                        cmd: 'closed',
                        targets: bots.map((b) => b.url),
                        concurrency,
                        seconds: twoInstanceSeconds,
                        routing: 'round-robin',
                        label: 'two instances, round-robin',
                    })
                )
            ).result;
            log(`closed loop on two instances, each user kept on one instance: ${concurrency} users, ${twoInstanceSeconds} s`);
            twoInstancesSticky = (
                await measure('two instances, sticky', () =>
                    command<ClosedResult>(loadgen, {
                        cmd: 'closed',
                        targets: bots.map((b) => b.url),
                        concurrency,
                        seconds: twoInstanceSeconds,
                        routing: 'sticky',
                        label: 'two instances, sticky',
                    })
                )
            ).result;
        }

        log(`open-loop burst: ${burstUsers} users × ${messagesPerConversation} messages from ${burstConcurrency} senders`);
        // The very bodies the bare server answered (those users have not written to the bot yet).
        const burstRun = await measure('burst and drain', () =>
            command<BurstResult>(loadgen, {
                cmd: 'burst',
                target: bots[0].url,
                concurrency: burstConcurrency,
                users: burstUsers,
                expectReplies: true,
                reuseLast: true,
            })
        );
        const burst = burstRun.result;
        clearInterval(sampler);

        const cpuAtEnd = cpuSeconds(ourPids());
        const wallSeconds = (Date.now() - wallAtStart) / 1000;
        const cpu = {
            seconds: wallSeconds,
            benchProcessesCores: (cpuAtEnd.ours - cpuAtStart.ours) / wallSeconds,
            otherProcessesCores: (cpuAtEnd.machine - cpuAtStart.machine - (cpuAtEnd.ours - cpuAtStart.ours)) / wallSeconds,
            loadAverage: os.loadavg(),
        };
        const peaks = bots.map((bot) => ({
            name: bot.name,
            peakRssMb: procMemory(bot.child.pid)?.peakRssMb ?? NaN,
            maxSampledRssMb: Math.max(...bot.memorySamples),
        }));
        log('stopping the bot');
        for (const bot of bots) await stopProcess(bot.child);
        const complaintsInDatabase = await countComplaints(databaseUrl, schema);
        const complaintsConfirmed = burstRun.complaintsConfirmed;

        let cpuProfile: ReturnType<typeof summariseProfile> | undefined;
        if (profileDir) {
            const file = path.join(profileDir, 'bot-1.cpuprofile');
            if (fs.existsSync(file)) {
                cpuProfile = summariseProfile(file);
                const keep = path.join(path.resolve(__dirname, '..', '..', '..'), `${resultsName}-cpuprofile.json`);
                fs.copyFileSync(file, keep);
                log(`CPU profile of bot-1 kept as ${keep}`);
            } else log('no CPU profile was written');
        }

        // ---- Report ----
        const closedRuns = [
            closed,
            paced,
            ...(oneInstanceForTwo === closed ? [] : [oneInstanceForTwo]),
            ...(twoInstances ? [twoInstances] : []),
            ...(twoInstancesSticky ? [twoInstancesSticky] : []),
        ];
        const totalSeconds = (Date.now() - runStarted) / 1000;
        const results = {
            database: postgres ? 'postgres' : 'sqlite',
            node: process.version,
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model,
            date: new Date().toISOString(),
            runSeconds: totalSeconds,
            settings: {
                concurrency,
                burstConcurrency,
                burstUsers,
                referenceSeconds,
                closedSeconds: seconds ?? null,
                closedMessages: messages ?? null,
                whatsappMaxMessagesPerSecond: 1000,
                logLevel: 'info',
                nodeEnv: 'production',
            },
            conversation: { script: calibration.script, repliesPerMessage: calibration.replies, kinds: calibration.kinds, sample: calibration.transcript },
            setup: { databasePrepareSeconds: prepareSeconds, benchConsumers: pool, botStartSeconds: startSeconds },
            bot: {
                closedLoop: closed,
                pacedClosedLoop: paced,
                oneInstanceForScaling: oneInstanceForTwo === closed ? undefined : oneInstanceForTwo,
                twoInstances,
                twoInstancesSticky,
                burst,
            },
            references: {
                bareHttp: { atBurstConcurrency: bareBurst, atConcurrency: bareAt50, peakRssMb: barePeak },
                echoBot: { atConcurrency: echoAtConcurrency, atBurstConcurrency: echoAtBurst, peakRssMb: echoPeak },
            },
            memory: { ...memory, peaks },
            machine: {
                cpuDuringReferences: referenceCpu,
                cpuDuringBotPhases: cpu,
                cpuByPhase: phases,
                note: 'cores busy on average; "other" includes PostgreSQL and anything else running on the machine',
            },
            ratios: {
                turnsPerSecondToEcho: closed.turnsPerSecond / echoAtConcurrency.requestsPerSecond,
                burstTurnsPerSecondToEcho: (burst.turnsPerSecond ?? NaN) / echoAtBurst.requestsPerSecond,
                webhookAnswerP50ToBare: burst.answerMs.p50 / bareBurst.answerMs.p50,
                webhookAnswerP99ToBare: burst.answerMs.p99 / bareBurst.answerMs.p99,
                webhookRequestsPerSecondToBare: burst.requestsPerSecond / bareBurst.requestsPerSecond,
                endToEndP50ToEcho: closed.endToEndMs.p50 / echoAtConcurrency.latencyMs.p50,
                endToEndP99ToEcho: closed.endToEndMs.p99 / echoAtConcurrency.latencyMs.p99,
                peakRssToEcho: peaks[0].peakRssMb / (echoPeak ?? NaN),
                peakRssToBare: peaks[0].peakRssMb / (barePeak ?? NaN),
                twoInstancesToOne: twoInstances ? twoInstances.turnsPerSecond / oneInstanceForTwo.turnsPerSecond : null,
                twoInstancesStickyToOne: twoInstancesSticky ? twoInstancesSticky.turnsPerSecond / oneInstanceForTwo.turnsPerSecond : null,
            },
            checks: {
                complaintsConfirmedByReplies: complaintsConfirmed,
                complaintsInDatabase,
                closedLoopProblems: {
                    stalled: closed.stalled,
                    offScript: closed.offScript,
                    non200: closed.non200,
                    sendErrors: closed.sendErrors,
                    strayReplies: closed.strayReplies,
                },
                burstRepliesMissing: (burst.repliesExpected ?? 0) - (burst.repliesReceived ?? 0),
            },
            targets: {} as Record<string, { target: string; measured: string; met: boolean }>,
            cpuProfile,
        };
        const heap10 = memory.heapAt10Percent as { heapUsedMb: number } | undefined;
        const heap100 = memory.heapAt100Percent as { heapUsedMb: number } | undefined;
        const turnsBetween = closed.turns * 0.9;
        results.targets = {
            turnsPerSecond: {
                target: 'full turns/s ≥ 2× echo bot req/s',
                measured: ratio(closed.turnsPerSecond, echoAtConcurrency.requestsPerSecond),
                met: results.ratios.turnsPerSecondToEcho >= 2,
            },
            webhookAnswerP99: {
                target: `webhook answer p99 ≤ 20 ms at ${burstConcurrency} senders`,
                measured: `${fmt(burst.answerMs.p99)} ms`,
                met: burst.answerMs.p99 <= 20,
            },
            endToEndP99: {
                target: `end-to-end p99 ≤ 150 ms at ${concurrency} users writing back at once (saturation)`,
                measured: `${fmt(closed.endToEndMs.p99)} ms`,
                met: closed.endToEndMs.p99 <= 150 && closed.stalled === 0,
            },
            endToEndP99Paced: {
                target: `end-to-end p99 ≤ 150 ms at ${concurrency} users who think ~${fmt(thinkMs / 1000)} s`,
                measured: `${fmt(paced.endToEndMs.p99)} ms`,
                met: paced.endToEndMs.p99 <= 150 && paced.stalled === 0,
            },
            ...(twoInstances
                ? {
                      twoInstances: {
                          target: 'two instances ≥ 1.6× one (PostgreSQL)',
                          measured: `${ratio(twoInstances.turnsPerSecond, oneInstanceForTwo.turnsPerSecond)} round-robin, ${ratio(twoInstancesSticky!.turnsPerSecond, oneInstanceForTwo.turnsPerSecond)} sticky`,
                          met: results.ratios.twoInstancesToOne! >= 1.6 && twoInstances.stalled === 0,
                      },
                  }
                : {}),
            ...(heap10 && heap100
                ? {
                      memoryFlat: {
                          target: 'heap flat from 10 % to 100 % of the run',
                          measured: `${fmt(heap10.heapUsedMb)} → ${fmt(heap100.heapUsedMb)} MB (${fmt(((heap100.heapUsedMb - heap10.heapUsedMb) * 1024 * 1024) / (turnsBetween / messagesPerConversation), 0)} B per conversation)`,
                          met: closed.turns > 0 && heap100.heapUsedMb - heap10.heapUsedMb <= Math.max(5, heap10.heapUsedMb * 0.1),
                      },
                  }
                : {}),
        };

        const rows: Array<[string, string, string, string]> = [
            [
                `Full turns/s, closed loop, ${concurrency} users (${closed.turns.toLocaleString('en-US')} turns)`,
                fmt(closed.turnsPerSecond),
                `echo bot @${concurrency}: ${fmt(echoAtConcurrency.requestsPerSecond)} req/s`,
                ratio(closed.turnsPerSecond, echoAtConcurrency.requestsPerSecond),
            ],
            [
                `Full turns/s, burst backlog drained, ${burstConcurrency} senders`,
                fmt(burst.turnsPerSecond),
                `echo bot @${burstConcurrency}: ${fmt(echoAtBurst.requestsPerSecond)} req/s`,
                ratio(burst.turnsPerSecond ?? NaN, echoAtBurst.requestsPerSecond),
            ],
            [
                `Webhook answer p50 / p99, burst @${burstConcurrency}`,
                `${fmt(burst.answerMs.p50)} / ${fmt(burst.answerMs.p99)} ms`,
                `bare node:http: ${fmt(bareBurst.answerMs.p50)} / ${fmt(bareBurst.answerMs.p99)} ms`,
                `${ratio(burst.answerMs.p50, bareBurst.answerMs.p50)} / ${ratio(burst.answerMs.p99, bareBurst.answerMs.p99)}`,
            ],
            [
                `Webhooks answered/s, burst @${burstConcurrency}`,
                fmt(burst.requestsPerSecond, 0),
                `bare node:http: ${fmt(bareBurst.requestsPerSecond, 0)} req/s`,
                ratio(burst.requestsPerSecond, bareBurst.requestsPerSecond),
            ],
            [
                `Webhook answer p50 / p99, closed loop @${concurrency}`,
                `${fmt(closed.webhookAnswerMs.p50)} / ${fmt(closed.webhookAnswerMs.p99)} ms`,
                `bare node:http burst @${concurrency}: ${fmt(bareAt50.answerMs.p50)} / ${fmt(bareAt50.answerMs.p99)} ms`,
                `${ratio(closed.webhookAnswerMs.p50, bareAt50.answerMs.p50)} / ${ratio(closed.webhookAnswerMs.p99, bareAt50.answerMs.p99)}`,
            ],
            [
                `End-to-end (webhook → last reply at stand-in) p50 / p99 @${concurrency}`,
                `${fmt(closed.endToEndMs.p50)} / ${fmt(closed.endToEndMs.p99)} ms`,
                `echo bot request (reply included) @${concurrency}: ${fmt(echoAtConcurrency.latencyMs.p50)} / ${fmt(echoAtConcurrency.latencyMs.p99)} ms`,
                `${ratio(closed.endToEndMs.p50, echoAtConcurrency.latencyMs.p50)} / ${ratio(closed.endToEndMs.p99, echoAtConcurrency.latencyMs.p99)}`,
            ],
            [`End-to-end, first reply p50 / p99 @${concurrency}`, `${fmt(closed.firstReplyMs.p50)} / ${fmt(closed.firstReplyMs.p99)} ms`, '', ''],
            [
                `End-to-end p50 / p99, ${concurrency} paced users (think ${thinkMs / 1000} s, ${fmt(paced.turnsPerSecond)} turns/s)`,
                `${fmt(paced.endToEndMs.p50)} / ${fmt(paced.endToEndMs.p99)} ms`,
                `echo bot request @${concurrency}: ${fmt(echoAtConcurrency.latencyMs.p50)} / ${fmt(echoAtConcurrency.latencyMs.p99)} ms`,
                `${ratio(paced.endToEndMs.p50, echoAtConcurrency.latencyMs.p50)} / ${ratio(paced.endToEndMs.p99, echoAtConcurrency.latencyMs.p99)}`,
            ],
            [
                'Peak RSS (VmHWM) of the bot process',
                `${fmt(peaks[0].peakRssMb, 0)} MB`,
                `echo bot ${fmt(echoPeak, 0)} MB, bare ${fmt(barePeak, 0)} MB`,
                `${ratio(peaks[0].peakRssMb, echoPeak ?? NaN)} / ${ratio(peaks[0].peakRssMb, barePeak ?? NaN)}`,
            ],
            [
                'RSS at start / 10 % / 50 % / 100 % of the closed run',
                `${fmt(memory.rssMbAtStart as number, 0)} / ${fmt(memory.rssMbAt10Percent as number, 0)} / ${fmt(memory.rssMbAt50Percent as number, 0)} / ${fmt(memory.rssMbAt100Percent as number, 0)} MB`,
                '',
                '',
            ],
            [
                'Heap after full GC at 10 % / 50 % / 100 %',
                `${fmt(heap10?.heapUsedMb)} / ${fmt((memory.heapAt50Percent as { heapUsedMb: number } | undefined)?.heapUsedMb)} / ${fmt(heap100?.heapUsedMb)} MB`,
                '',
                '',
            ],
        ];
        if (twoInstances && twoInstancesSticky) {
            const one = oneInstanceForTwo;
            rows.splice(
                1,
                0,
                [
                    `Full turns/s, two instances, round-robin per message, ${concurrency} users`,
                    fmt(twoInstances.turnsPerSecond),
                    `one instance: ${fmt(one.turnsPerSecond)}`,
                    ratio(twoInstances.turnsPerSecond, one.turnsPerSecond),
                ],
                [
                    `Full turns/s, two instances, each user on one instance`,
                    fmt(twoInstancesSticky.turnsPerSecond),
                    `one instance: ${fmt(one.turnsPerSecond)}`,
                    ratio(twoInstancesSticky.turnsPerSecond, one.turnsPerSecond),
                ],
                [
                    `End-to-end p50 / p99, two instances round-robin / sticky`,
                    `${fmt(twoInstances.endToEndMs.p50)} / ${fmt(twoInstances.endToEndMs.p99)}; ${fmt(twoInstancesSticky.endToEndMs.p50)} / ${fmt(twoInstancesSticky.endToEndMs.p99)} ms`,
                    `one instance: ${fmt(one.endToEndMs.p50)} / ${fmt(one.endToEndMs.p99)} ms`,
                    '',
                ]
            );
        }
        const widths = [0, 1, 2, 3].map((i) =>
            Math.max(...rows.map((r) => [...r[i]].length), [...['What', 'Bijli Mitra', 'Reference (same run)', 'Ratio'][i]].length)
        );
        const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
        const out: string[] = [];
        out.push(
            '',
            `Bijli Mitra scale benchmark: ${postgres ? 'PostgreSQL' : 'SQLite'}, ${os.cpus().length} CPUs, Node ${process.version}, run took ${fmt(totalSeconds, 0)} s`
        );
        if (profile) out.push('(bot-1 ran under --cpu-prof: its figures are lower than in a run without profiling)');
        out.push(
            `Conversation (${messagesPerConversation} messages, ${calibration.replies.reduce((a, b) => a + b, 0)} replies): ${calibration.script.join(' → ')}`
        );
        out.push(line(['What', 'Bijli Mitra', 'Reference (same run)', 'Ratio']), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
        out.push(
            '',
            `End-to-end p50 / p99 by message, ${concurrency} paced users: ${paced.endToEndByStepMs.map((s) => `${fmt(s.p50)}/${fmt(s.p99)}`).join(', ')} ms`
        );
        out.push('', 'Targets:');
        for (const t of Object.values(results.targets)) out.push(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.measured}`);
        out.push(
            '',
            `CPU (cores busy on average, of ${os.cpus().length}): references ${fmt(referenceCpu.seconds, 0)} s: bench ${fmt(referenceCpu.benchProcessesCores, 2)}, other processes ${fmt(referenceCpu.otherProcessesCores, 2)}`
        );
        for (const [label, p] of Object.entries(phases))
            out.push(
                `  ${label} ${fmt(p.seconds, 0)} s: bot ${fmt(p.botCores, 2)}, load generator ${fmt(p.loadGeneratorCores, 2)}, other processes${postgres ? ' (PostgreSQL included)' : ''} ${fmt(p.otherCores, 2)}`
            );
        if (referenceCpu.otherProcessesCores > 0.25 || (!postgres && Object.values(phases).some((p) => p.otherCores > 0.25))) {
            out.push('  NOTE: other processes kept the machine busy during the run; the figures and ratios are less reliable than usual.');
        }
        out.push(
            `Checks: complaints registered ${complaintsInDatabase.toLocaleString('en-US')} (confirmed by replies ${complaintsConfirmed.toLocaleString('en-US')}); closed loops stalled ${closedRuns.reduce((n, r) => n + r.stalled, 0)}, off script ${closedRuns.reduce((n, r) => n + r.offScript, 0)}, non-200 ${closedRuns.reduce((n, r) => n + r.non200, 0)}, stray replies ${closedRuns.reduce((n, r) => n + r.strayReplies, 0)}; JE notices ${closedRuns.reduce((n, r) => n + r.noticesToOfficials, 0)}; burst replies missing ${results.checks.burstRepliesMissing}`
        );
        if (cpuProfile) {
            out.push('', `CPU profile of bot-1 (${fmt(cpuProfile.sampledSeconds)} s on CPU, idle excluded), top self time:`);
            for (const f of cpuProfile.functions.slice(0, 15)) out.push(`  ${fmt(f.percent).padStart(5)} %  ${f.fn}  ${f.where}`);
            out.push('  by package:');
            for (const p of cpuProfile.packages.slice(0, 10)) out.push(`  ${fmt(p.percent).padStart(5)} %  ${p.pkg}`);
        }
        const file = path.join(path.resolve(__dirname, '..', '..', '..'), `${resultsName}.json`);
        fs.writeFileSync(file, JSON.stringify(results, null, 2));
        out.push('', `written to ${file}`);
        process.stdout.write(out.join('\n') + '\n');
        const problems = closedRuns.reduce((n, r) => n + r.stalled + r.non200 + r.sendErrors, 0) + results.checks.burstRepliesMissing;
        if (problems > 0 || complaintsInDatabase !== complaintsConfirmed) {
            process.stdout.write(`\nWARNING: the run had problems (see Checks); the bot's log is in ${dir}\n`);
            process.env.BENCH_KEEP = '1';
        }
        failed = false;
    } finally {
        if (failed && !interrupted) {
            for (const bot of bots) process.stderr.write(`--- last lines of ${bot.name}'s log ---\n${tail(bot.logFile)}\n`);
        }
        for (const bot of bots) await stopProcess(bot.child, 10_000).catch(() => undefined);
        killChildren();
        if (schema && process.env.BENCH_KEEP === '1') process.stdout.write(`schema kept: ${schema}\n`);
        else if (schema) await dropSchema(schema).catch((error: Error) => process.stderr.write(`could not drop schema ${schema}: ${error.message}\n`));
        if (process.env.BENCH_KEEP === '1') process.stdout.write(`work dir kept: ${dir}\n`);
        else fs.rmSync(dir, { recursive: true, force: true });
    }
}

// Only when run (or forked) as a script: the outage burst bench imports the helpers above.
if (require.main === module) runAsScript();

function runAsScript(): void {
    const role = process.env.BENCH_ROLE;
    const entry = role === 'loadgen' ? loadGenerator : role === 'bare' ? bareServer : role === 'echo' ? echoBot : orchestrate;
    entry().then(
        () => {
            if (!role) process.exit(0);
        },
        (error: Error) => {
            if (interrupted) return; // the signal handler exits once it has cleaned up
            console.error(error);
            killChildren();
            process.exit(1);
        }
    );
}
