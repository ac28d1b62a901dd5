import { openDatabase } from '../../src/data/createDataSource';
import { DEMO_CONSUMERS, seedDemoData } from '../../src/data/demoData';
import { Official } from '../../src/data/entities/Official';
import { strict as assert } from 'assert';
import Sqlite from 'better-sqlite3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { ApiStandIn, RecordedRequest } from '../support/ApiStandIn';
import { BotProcess } from '../support/BotProcess';
import { metaHeaders, metaWireJson, whatsAppText } from '../support/metaPayloads';
import { freshPostgresSchema } from '../support/postgres';

const SECRET = 'crash-app-secret';
const PHONE_ID = '100000000088';
const COMPLAINT = ['मेरे घर में सुबह से बिजली नहीं है', '1234567890', 'हाँ'];
/** The complaint on a user's own account: one outage on one account from several users would join one complaint. */
const complaintOn = (i: number) => [COMPLAINT[0], DEMO_CONSUMERS[i % DEMO_CONSUMERS.length].accountNumber, COMPLAINT[2]];

/** Counts rows with one SQL query on either database. */
type Count = (sql: string) => Promise<number>;

interface Database {
    url: string;
    count: Count;
    close(): Promise<void>;
}

async function sqliteDatabase(): Promise<Database> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bm-crash-')), 'bot.sqlite');
    let db: Sqlite.Database | undefined;
    return {
        url: `sqlite:${file}`,
        count: async (sql) => {
            db ??= new Sqlite(file, { readonly: true, fileMustExist: true });
            return Number((db.prepare(sql).get() as { n: number }).n);
        },
        close: async () => {
            db?.close();
        },
    };
}

async function postgresDatabase(schema: string): Promise<Database> {
    const url = await freshPostgresSchema(schema);
    const client = new Client({ connectionString: url.replace(/\?schema=.*$/, ''), options: `-c search_path=${schema}` });
    await client.connect();
    return {
        url,
        count: async (sql) => Number((await client.query(sql)).rows[0].n),
        close: () => client.end(),
    };
}

/**
 * The demo consumers, as an operator would load real ones: a production start neither loads demo data by itself nor
 * runs while demo officials can sign in with their published passwords, so they are switched off here.
 */
async function seedConsumers(databaseUrl: string): Promise<void> {
    const dataSource = await openDatabase(databaseUrl);
    try {
        await seedDemoData(dataSource);
        await dataSource.createQueryBuilder().update(Official).set({ active: false }).execute();
    } finally {
        await dataSource.destroy();
    }
}

function botEnv(databaseUrl: string, apiUrl: string): Record<string, string> {
    return {
        DATABASE_URL: databaseUrl,
        DEMO_DATA: 'off',
        // A public deployment never writes one-time codes to its log; none is sent in these tests.
        SMS_SENDER: 'http',
        SMS_HTTP_URL: 'http://127.0.0.1:9/sms',
        LOG_LEVEL: 'info',
        WHATSAPP_APP_SECRET: SECRET,
        WHATSAPP_VERIFY_TOKEN: 'verify',
        WHATSAPP_ACCESS_TOKEN: 'WA-TOKEN',
        WHATSAPP_PHONE_NUMBER_ID: PHONE_ID,
        WHATSAPP_API_URL: apiUrl,
        WHATSAPP_MAX_MESSAGES_PER_SECOND: '1000',
    };
}

/**
 * Delivers a webhook as Meta does: again and again until it is answered 200, to whichever bot process is up now.
 * Resolves when acknowledged.
 */
async function deliver(current: () => BotProcess, body: object): Promise<void> {
    const raw = metaWireJson(body);
    for (let attempt = 0; attempt < 400; attempt++) {
        try {
            const response = await fetch(`${current().url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
            await response.text();
            if (response.status === 200) return;
        } catch {
            // The process is down: the platform waits and retries.
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('never acknowledged');
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting until ${what}`);
}

for (const kind of ['SQLite', 'PostgreSQL'] as const) {
    describe(`the bot process killed and stopped under load (${kind})`, function () {
        this.timeout(120_000);
        let api: ApiStandIn;
        let db: Database;
        let bot: BotProcess | undefined;
        const sentTo = (request: RecordedRequest) => (request.body as { to?: string } | undefined)?.to;

        beforeEach(async () => {
            api = new ApiStandIn();
            await api.start();
            // A little latency per send keeps turns in flight when the process is killed.
            api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (_req, n) => ({
                status: 200,
                delayMs: 20,
                body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${n}` }] },
            }));
            db = kind === 'SQLite' ? await sqliteDatabase() : await postgresDatabase(`crash_${Date.now()}`);
            await seedConsumers(db.url);
        });

        afterEach(async () => {
            if (bot && bot.child.exitCode === null) await bot.stop('SIGKILL');
            await api.stop();
            await db.close();
        });

        it('processes every acknowledged message once after a SIGKILL and a restart: no complaint lost or doubled', async () => {
            bot = await BotProcess.start(botEnv(db.url, api.url));
            const users = Array.from({ length: 20 }, (_, i) => `9198600${String(i).padStart(5, '0')}`);
            let acknowledged = 0;
            let killed: Promise<void> | undefined;
            let waitingAtKill = 0;
            const killAt = Math.floor((users.length * COMPLAINT.length) / 2);
            await Promise.all(
                users.map(async (waId, i) => {
                    for (const [step, text] of complaintOn(i).entries()) {
                        await deliver(() => bot!, whatsAppText(PHONE_ID, waId, text, { id: `wamid.crash.${waId}.${step}` }));
                        acknowledged += 1;
                        if (acknowledged === killAt) {
                            killed = (async () => {
                                const signal = await bot!.stop('SIGKILL');
                                assert.equal(signal, null, 'killed, not exited');
                                waitingAtKill = await db.count('SELECT COUNT(*) AS n FROM inbound_messages WHERE "processedAt" IS NULL');
                                bot = await BotProcess.start(botEnv(db.url, api.url));
                            })();
                        }
                        if (killed && acknowledged > killAt) await killed;
                    }
                })
            );
            await killed;
            assert.ok(waitingAtKill > 0, 'the kill left acknowledged messages unprocessed, so the restart had to replay them');
            await waitUntil(
                'every acknowledged message has been processed',
                async () => (await db.count('SELECT COUNT(*) AS n FROM inbound_messages WHERE "processedAt" IS NULL')) === 0
            ).catch(async (error: Error) => {
                throw new Error(
                    `${error.message}: ${await db.count('SELECT COUNT(*) AS n FROM inbound_messages WHERE "processedAt" IS NULL')} left; the restarted bot said:\n${bot?.output
                        .split('\n')
                        .filter((l) => !/24-hour window/.test(l))
                        .join('\n')
                        .slice(-6000)}`
                );
            });
            assert.equal(await db.count('SELECT COUNT(*) AS n FROM inbound_messages'), users.length * COMPLAINT.length, 'each message recorded once');
            assert.equal(await db.count('SELECT COUNT(*) AS n FROM complaints'), users.length, 'one complaint per user, none lost, none doubled');
            assert.equal(await db.count('SELECT COUNT(DISTINCT "channelUserId") AS n FROM complaints'), users.length);
            for (const waId of users)
                assert.ok(
                    api.requests.some((r) => sentTo(r) === waId),
                    `${waId} was answered`
                );
        });

        it('stops on SIGTERM by refusing new webhooks and finishing the turns it acknowledged', async () => {
            bot = await BotProcess.start(botEnv(db.url, api.url));
            const users = Array.from({ length: 15 }, (_, i) => `9198700${String(i).padStart(5, '0')}`);
            for (const waId of users) await deliver(() => bot!, whatsAppText(PHONE_ID, waId, COMPLAINT[0], { id: `wamid.term.${waId}` }));
            const exited = bot.stop('SIGTERM');
            await waitUntil('the process has begun shutting down', async () => /shutting down/.test(bot!.output), 10_000);
            // Once draining, the process refuses new webhooks (or is already gone): either way Meta keeps them.
            const raw = metaWireJson(whatsAppText(PHONE_ID, '919870099999', 'bijli nahi hai', { id: 'wamid.term.late' }));
            const late = await fetch(`${bot.url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw }).then(
                (r) => r.status,
                () => 0
            );
            assert.ok(late === 503 || late === 0, `a webhook after SIGTERM got ${late}`);
            assert.equal(await exited, 0, bot.output);
            assert.match(bot.output, /stopped cleanly/);
            assert.equal(
                await db.count('SELECT COUNT(*) AS n FROM inbound_messages WHERE "processedAt" IS NULL'),
                0,
                'every acknowledged message had its turn'
            );
            for (const waId of users)
                assert.ok(
                    api.requests.some((r) => sentTo(r) === waId),
                    `${waId} was answered before the exit`
                );
            bot = undefined;
        });
    });
}
