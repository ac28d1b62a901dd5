/**
 * Webhook answer time under a burst of signed WhatsApp deliveries, beside a bare `node:http` server answering 200 to
 * the same requests at the same concurrency. The bot answers after verifying and recording each delivery; the turns
 * run afterwards, so their cost is reported separately (time until every reply reached the stand-in Graph API).
 */
import * as fs from 'fs';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import { fork } from 'child_process';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { createChannelAdapters } from '../../src/createChannelAdapters';
import { PACKAGE_ROOT } from '../../src/paths';
import { startServer } from '../../src/server';
import { ApiStandIn } from '../support/ApiStandIn';
import { metaHeaders, metaWireJson, whatsAppText } from '../support/metaPayloads';
import { TestBot } from '../support/TestBot';

const SECRET = 'bench-secret';
const PHONE_ID = '100000000001';

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface BurstResult {
    latencies: number[];
    seconds: number;
    statuses: Record<number, number>;
}

/**
 * Runs the burst from a separate process, so the load generator does not share the event loop (and its pauses)
 * with the server being measured.
 */
async function burstFromChild(url: string, bodiesFile: string, concurrency: number): Promise<BurstResult> {
    const child = fork(__filename, [], {
        env: { ...process.env, BENCH_ROLE: 'client', BENCH_URL: url, BENCH_BODIES: bodiesFile, BENCH_CONCURRENCY: String(concurrency) },
    });
    return new Promise((resolve, reject) => {
        child.once('message', (message) => resolve(message as BurstResult));
        child.once('error', reject);
        child.once('exit', (code) => {
            if (code) reject(new Error(`load generator exited with ${code}`));
        });
    });
}

async function burst(url: string, bodies: Buffer[], concurrency: number): Promise<BurstResult> {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    let next = 0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const target = new URL(url);
    const send = (body: Buffer) =>
        new Promise<number>((resolve, reject) => {
            const req = http.request(
                {
                    host: target.hostname,
                    port: target.port,
                    path: target.pathname,
                    method: 'POST',
                    agent,
                    headers: { ...metaHeaders(body, SECRET), 'content-length': body.length },
                },
                (res) => {
                    res.resume();
                    res.on('end', () => resolve(res.statusCode ?? 0));
                }
            );
            req.on('error', reject);
            req.end(body);
        });
    const started = process.hrtime.bigint();
    await Promise.all(
        Array.from({ length: concurrency }, async () => {
            while (next < bodies.length) {
                const body = bodies[next++];
                const t0 = process.hrtime.bigint();
                const status = await send(body);
                latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
                statuses[status] = (statuses[status] ?? 0) + 1;
            }
        })
    );
    agent.destroy();
    return { latencies: latencies.sort((a, b) => a - b), seconds: Number(process.hrtime.bigint() - started) / 1e9, statuses };
}

async function client(): Promise<void> {
    const bodies = (JSON.parse(fs.readFileSync(process.env.BENCH_BODIES!, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
    const result = await burst(process.env.BENCH_URL!, bodies, Number(process.env.BENCH_CONCURRENCY));
    process.send!(result, () => process.exit(0));
}

async function main(): Promise<void> {
    const deliveries = Number(process.env.BENCH_DELIVERIES ?? 500);
    const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
    const bodies = Array.from({ length: deliveries }, (_, i) =>
        metaWireJson(whatsAppText(PHONE_ID, `9190${String(i).padStart(8, '0')}`, 'कल रात से बिजली नहीं आ रही है', { id: `wamid.bench${i}` }))
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-webhook-bench-'));
    const bodiesFile = path.join(dir, 'bodies.json');
    fs.writeFileSync(bodiesFile, JSON.stringify(bodies.map((b) => b.toString('base64'))));

    // Reference: a bare server that reads the body and answers 200, loaded the same way.
    const bare = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/webhooks/whatsapp`;
    await burstFromChild(bareUrl, bodiesFile, concurrency);
    const reference = await burstFromChild(bareUrl, bodiesFile, concurrency);
    bare.close();

    const api = new ApiStandIn();
    await api.start();
    api.respondWith('POST', /\/messages$/, (_req, n) => ({ status: 200, body: { messages: [{ id: `wamid.out${n}` }] } }));
    const bot = await TestBot.create({
        databaseUrl: `sqlite:${path.join(dir, 'bench.sqlite')}`,
        config: {
            logLevel: 'warn',
            channels: {
                whatsapp: {
                    appSecret: SECRET,
                    verifyToken: 'v',
                    accessToken: 't',
                    phoneNumberId: PHONE_ID,
                    apiUrl: api.url,
                    maxMessagesPerSecond: 1000,
                    templates: null,
                } satisfies WhatsAppSettings,
            },
        },
    });
    const channels = createChannelAdapters(bot.app);
    const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
    const url = `http://127.0.0.1:${server.port}/webhooks/whatsapp`;
    const started = process.hrtime.bigint();
    const ours = await burstFromChild(url, bodiesFile, concurrency);
    await channels[0].adapter.idle();
    const allTurnsSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const replies = api.requests.length;
    await server.close();
    await api.stop();
    await bot.close();
    fs.rmSync(dir, { recursive: true, force: true });

    const results = {
        deliveries,
        concurrency,
        webhookAnswerMs: { p50: percentile(ours.latencies, 50), p99: percentile(ours.latencies, 99), max: ours.latencies[ours.latencies.length - 1] },
        bareHttpAnswerMs: { p50: percentile(reference.latencies, 50), p99: percentile(reference.latencies, 99) },
        ratioP50: percentile(ours.latencies, 50) / percentile(reference.latencies, 50),
        ratioP99: percentile(ours.latencies, 99) / percentile(reference.latencies, 99),
        statuses: ours.statuses,
        burstSeconds: ours.seconds,
        allTurnsDoneSeconds: allTurnsSeconds,
        turnsPerSecond: deliveries / allTurnsSeconds,
        repliesSent: replies,
    };
    const out = path.join(PACKAGE_ROOT, 'bench-results-webhooks.json');
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to ${out}\n`);
}

(process.env.BENCH_ROLE === 'client' ? client() : main()).catch((error) => {
    console.error(error);
    process.exit(1);
});
