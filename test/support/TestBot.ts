import * as os from 'os';
import * as path from 'path';
import { Activity, ActivityTypes, TestAdapter } from 'botbuilder';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../src/config';
import { BijliMitra, BijliMitraOverrides, createBijliMitra } from '../../src/createBijliMitra';
import { openDatabase } from '../../src/data/createDataSource';
import { seedDemoData } from '../../src/data/demoData';
import { Logger } from '../../src/logger';
import { LogSmsSender } from '../../src/services/LogSmsSender';
import { vouchForSenderPhone, withIndianCountryCode } from '../../adapters/shared/senderPhone';
import { freshTestDatabase, seededSqliteCopy, TEST_DATABASE } from './testDatabase';

/** Where test bots keep downloaded photos: a directory of this process under the system's temporary directory. */
export const TEST_MEDIA_DIR = path.join(os.tmpdir(), `bijli-mitra-test-media-${process.pid}`);

/** A configuration for tests: in-memory SQLite unless `databaseUrl` is given, no .env file read. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
    return { ...loadConfig({}, null), databaseUrl: 'sqlite::memory:', demoData: 'off', mediaDir: TEST_MEDIA_DIR, ...overrides };
}

/** The bot on a fresh, migrated database with the demo data, and what tests need to look inside. */
export class TestBot {
    private constructor(
        readonly app: BijliMitra,
        readonly dataSource: DataSource,
        readonly sms: LogSmsSender,
        readonly logLines: string[],
        private readonly dropDatabase: () => Promise<void>
    ) {}

    /**
     * Builds the whole application (real dialogs, services and storage) on `databaseUrl`, or else on a new database of
     * the suite's kind (in-memory SQLite, or a PostgreSQL schema of its own under `TEST_DATABASE=postgres`).
     */
    static async create(options: { databaseUrl?: string; config?: Partial<AppConfig>; overrides?: BijliMitraOverrides } = {}): Promise<TestBot> {
        const logLines: string[] = [];
        const logger = new Logger('debug', (line) => logLines.push(line));
        const copied = options.databaseUrl === undefined && TEST_DATABASE === 'sqlite';
        const fresh = options.databaseUrl === undefined ? await freshTestDatabase() : { url: options.databaseUrl, drop: async () => undefined };
        const dataSource = copied ? await seededSqliteCopy() : await openDatabase(fresh.url);
        if (!copied) await seedDemoData(dataSource);
        const sms = new LogSmsSender(logger);
        // Channel tests run on the demo world against stand-in APIs: its published passwords are meant here.
        // No closure is drawn for the re-contact unless a test gives its own random source: a test never depends on chance.
        const app = await createBijliMitra(testConfig(options.config), {
            dataSource,
            logger,
            sms,
            allowDemoCredentials: true,
            random: () => 1,
            ...options.overrides,
        });
        // botbuilder's TestAdapter uses channel "test"; render its buttons as a channel with buttons does.
        app.services.output.register('test', { buttons: 100, buttonTitle: 100 });
        return new TestBot(app, dataSource, sms, logLines, fresh.drop);
    }

    /** A conversation of one channel user with the bot. */
    conversation(options: { userId?: string; phoneNumber?: string; channelId?: string; locale?: string } = {}): TestConversation {
        return new TestConversation(this, options);
    }

    /** The code in the last development SMS, or null. */
    lastCode(): string | null {
        const last = this.sms.sent[this.sms.sent.length - 1];
        return last?.text.match(/\b([0-9]{6})\b/)?.[1] ?? null;
    }

    async close(): Promise<void> {
        try {
            await this.app.close();
            if (this.dataSource.isInitialized) await this.dataSource.destroy();
        } finally {
            await this.dropDatabase();
        }
    }
}

/** Drives one user's conversation through botbuilder's TestAdapter and collects the bot's replies per turn. */
export class TestConversation {
    readonly adapter: TestAdapter;
    /** Every reply activity so far. */
    readonly transcript: Partial<Activity>[] = [];

    constructor(
        private readonly bot: TestBot,
        options: { userId?: string; phoneNumber?: string; channelId?: string; locale?: string }
    ) {
        const userId = options.userId ?? `user-${Math.random().toString(36).slice(2)}`;
        this.adapter = bot.app.prepareAdapter(
            new TestAdapter(async (context) => bot.app.bot.run(context), {
                channelId: options.channelId ?? 'test',
                locale: options.locale ?? 'en-IN',
                conversation: { id: `conv-${userId}`, isGroup: false, conversationType: 'personal', name: '' },
                from: { id: userId, name: 'Consumer', role: 'user' },
                recipient: { id: 'bot', name: 'Bijli Mitra', role: 'bot' },
            })
        );
        const phone = options.phoneNumber;
        // Stands in for a channel adapter that knows the sender's phone from the platform (as WhatsApp's does).
        if (phone)
            this.adapter.use({
                onTurn: async (context, next) => {
                    vouchForSenderPhone(context, withIndianCountryCode(phone));
                    await next();
                },
            });
    }

    /** Sends `text` (or a whole activity) as the user and returns the text of every reply of that turn. */
    async say(input: string | Partial<Activity>): Promise<string[]> {
        return (await this.sayFull(input)).map((a) => a.text ?? '');
    }

    /** Like {@link say}, returning the reply activities (buttons included). */
    async sayFull(input: string | Partial<Activity>): Promise<Partial<Activity>[]> {
        const activity = typeof input === 'string' ? { type: ActivityTypes.Message, text: input } : { type: ActivityTypes.Message, ...input };
        const template = this.adapter.template;
        await this.adapter.receiveActivity({ ...activity, from: template.from } as Partial<Activity>);
        const replies = this.adapter.activeQueue.splice(0);
        this.transcript.push(...replies);
        return replies;
    }

    /** Opens the conversation as a channel does (conversationUpdate with the user joining). */
    async open(): Promise<string[]> {
        const template = this.adapter.template;
        await this.adapter.receiveActivity({
            type: ActivityTypes.ConversationUpdate,
            membersAdded: [template.from!, template.recipient!],
            from: template.from,
        } as Partial<Activity>);
        const replies = this.adapter.activeQueue.splice(0);
        this.transcript.push(...replies);
        return replies.map((a) => a.text ?? '');
    }
}
