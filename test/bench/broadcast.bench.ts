/**
 * Broadcast throughput: an area announcement queued for N opted-in WhatsApp consumers and sent by the outbound queue
 * worker through the real WhatsApp adapter to the stand-in Graph API, on SQLite (the embedded default). Measured at
 * WhatsApp's default limit of 80 messages per second (1,000 recipients: 10,000 would take over two minutes) and at a
 * limit far above what the machine can do (10,000 recipients), which shows the ceiling of one process.
 */
import * as fs from 'fs';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import * as os from 'os';
import * as path from 'path';
import { BotAdapter } from 'botbuilder';
import { BroadcastService } from '../../src/broadcast/BroadcastService';
import { OutboundQueueWorker } from '../../src/broadcast/OutboundQueueWorker';
import { createChannelAdapters } from '../../src/createChannelAdapters';
import { AccountLink } from '../../src/data/entities/AccountLink';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { Consumer } from '../../src/data/entities/Consumer';
import { QueuedMessage } from '../../src/data/entities/QueuedMessage';
import { PACKAGE_ROOT } from '../../src/paths';
import { ApiStandIn } from '../support/ApiStandIn';
import { TestBot } from '../support/TestBot';

const PHONE_ID = '100000000001';

interface ScenarioResult {
    recipients: number;
    limitPerSecond: number;
    queueSeconds: number;
    sendSeconds: number;
    messagesPerSecond: number;
    /** Achieved rate over the configured limit. */
    ratioToLimit: number;
    /** Most requests that reached the stand-in within any one second. */
    busiestSecond: number;
    busiestSecondRatioToLimit: number;
    requests: number;
    duplicates: number;
}

async function seed(bot: TestBot, count: number): Promise<void> {
    const now = new Date();
    const waIds = Array.from({ length: count }, (_, i) => `91${7000000000 + i}`);
    const account = (i: number) => `8000${String(i).padStart(6, '0')}`;
    await bot.app.db.transaction(async (m) => {
        for (let start = 0; start < count; start += 500) {
            const slice = waIds.slice(start, start + 500);
            await m
                .createQueryBuilder()
                .insert()
                .into(Consumer)
                .values(
                    slice.map((waId, j) => ({
                        accountNumber: account(start + j),
                        name: 'Bench Consumer',
                        registeredMobile: waId.slice(2),
                        address: 'Bench Nagar, Lucknow',
                        discom: 'MVVNL',
                        division: 'EUDD Gomti Nagar, Lucknow',
                        subdivision: 'Bench Nagar',
                        tariffCategory: 'LMV-1',
                        areaClass: 'city' as const,
                    }))
                )
                .execute();
            await m
                .createQueryBuilder()
                .insert()
                .into(ChannelIdentity)
                .values(
                    slice.map((waId, j) => ({
                        channel: 'whatsapp',
                        channelUserId: waId,
                        phoneNumber: waId.slice(2),
                        preferredLanguage: j % 2 === 0 ? 'en' : 'hi',
                        lastInboundAt: now,
                        subscribed: true,
                        updatesOptOut: false,
                        conversationRef: JSON.stringify({
                            channelId: 'whatsapp',
                            serviceUrl: 'whatsapp:',
                            conversation: { id: `${PHONE_ID}:${waId}` },
                            user: { id: waId, properties: { waId } },
                            bot: { id: PHONE_ID },
                        }),
                    }))
                )
                .execute();
        }
        const ids = new Map(
            (await m.getRepository(ChannelIdentity).find({ where: { channel: 'whatsapp' }, select: { id: true, channelUserId: true } })).map((identity) => [
                identity.channelUserId,
                identity.id,
            ])
        );
        for (let start = 0; start < count; start += 500) {
            await m
                .createQueryBuilder()
                .insert()
                .into(AccountLink)
                .values(
                    waIds.slice(start, start + 500).map((waId, j) => ({
                        identityId: ids.get(waId)!,
                        accountNumber: account(start + j),
                        method: 'phone_match' as const,
                        verifiedMobile: waId.slice(2),
                    }))
                )
                .execute();
        }
    });
}

async function scenario(recipients: number, limit: number, dir: string): Promise<ScenarioResult> {
    const api = new ApiStandIn();
    await api.start();
    api.respondWith('POST', /\/messages$/, (_req, n) => ({ status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.bench${n}` }] } }));
    const bot = await TestBot.create({
        databaseUrl: `sqlite:${path.join(dir, `bench-${limit}.sqlite`)}`,
        config: {
            logLevel: 'warn',
            channels: {
                whatsapp: {
                    appSecret: 's',
                    verifyToken: 'v',
                    accessToken: 't',
                    phoneNumberId: PHONE_ID,
                    apiUrl: api.url,
                    maxMessagesPerSecond: limit,
                    templates: null,
                } satisfies WhatsAppSettings,
            },
        },
    });
    try {
        await seed(bot, recipients);
        const adapter = createChannelAdapters(bot.app)[0].adapter;
        const service = new BroadcastService(bot.app.db, bot.app.translator);
        const queueStarted = process.hrtime.bigint();
        const broadcast = await service.createAnnouncement({
            discom: 'MVVNL',
            unitKind: 'subdivision',
            unitName: 'Bench Nagar',
            text: 'Planned shutdown tomorrow 10:00–13:00 for transformer work.',
            createdBy: null,
        });
        const queueSeconds = Number(process.hrtime.bigint() - queueStarted) / 1e9;
        const worker = new OutboundQueueWorker(bot.app.db, new Map<string, BotAdapter>([['whatsapp', adapter]]), {
            botAppId: '',
            logger: bot.app.logger,
            perChannelPerSecond: { whatsapp: limit },
        });
        await worker.recoverAfterRestart();
        const started = process.hrtime.bigint();
        // Passes back to back until nothing is due: what start() does while there is a backlog.
        while ((await worker.runOnce()).claimed > 0) {
            /* next batch */
        }
        const sendSeconds = Number(process.hrtime.bigint() - started) / 1e9;
        const remaining = await bot.dataSource.getRepository(QueuedMessage).countBy({ broadcastId: broadcast.id, status: 'queued' });
        if (remaining > 0) throw new Error(`${remaining} messages were left queued`);

        const times = api.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        let busiest = 0;
        for (let i = 0, j = 0; i < times.length; i++) {
            while (j < times.length && times[j] < times[i] + 1000) j++;
            busiest = Math.max(busiest, j - i);
        }
        const distinct = new Set(api.requests.map((r) => (r.body as { to: string }).to)).size;
        const messagesPerSecond = api.requests.length / sendSeconds;
        return {
            recipients,
            limitPerSecond: limit,
            queueSeconds,
            sendSeconds,
            messagesPerSecond,
            ratioToLimit: messagesPerSecond / limit,
            busiestSecond: busiest,
            busiestSecondRatioToLimit: busiest / limit,
            requests: api.requests.length,
            duplicates: api.requests.length - distinct,
        };
    } finally {
        await bot.close();
        await api.stop();
    }
}

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-broadcast-bench-'));
    try {
        const atWhatsAppLimit = await scenario(Number(process.env.BENCH_RECIPIENTS_AT_LIMIT ?? 1000), 80, dir);
        const unthrottled = await scenario(Number(process.env.BENCH_RECIPIENTS ?? 10_000), Number(process.env.BENCH_HIGH_LIMIT ?? 5000), dir);
        const results = {
            database: 'sqlite (file, WAL)',
            cpus: os.cpus().length,
            node: process.version,
            atWhatsAppLimit,
            unthrottled,
            note: 'messages/s = requests at the stand-in Graph API / time from the first pass to an empty queue; the worker paces at 95% of the limit',
        };
        const out = path.join(PACKAGE_ROOT, 'bench-results-broadcast.json');
        fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
        process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to ${out}\n`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
