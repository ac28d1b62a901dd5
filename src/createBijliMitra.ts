import { BotAdapter, ConversationState, Storage, TurnContext } from 'botbuilder';
import { DataSource } from 'typeorm';
import { ChannelStore } from './inbox/ChannelStore';
import { SenderRateLimiter } from './inbox/SenderRateLimiter';
import { DirectoryMediaStore } from './media/DirectoryMediaStore';
import { MediaService } from './media/MediaService';
import { MediaStore } from './media/MediaStore';
import { RepairPhotoService } from './media/RepairPhotoService';
import { photoReferences } from './media/photoReferences';
import { SerializeTurnsMiddleware } from './inbox/SerializeTurnsMiddleware';
import { KeyedLock } from './inbox/KeyedLock';
import { ConversationInbox } from './inbox/ConversationInbox';
import { CHANNELS } from './channels';
import { AppConfig, ConfigError, isPublicDeployment } from './config';
import { Metrics } from './Metrics';
import { TurnLock } from './inbox/TurnLock';
import { PostgresTurnLock } from './inbox/PostgresTurnLock';
import { QueuedMessage } from './data/entities/QueuedMessage';
import { Complaint } from './data/entities/Complaint';
import { In, LessThan } from 'typeorm';
import { DialogServices, ShutdownSchedule } from '../dialogs/DialogServices';
import { MainDialog } from '../dialogs/MainDialog';
import { BijliMitraBot } from './bot/BijliMitraBot';
import { ChannelOutput } from './bot/ChannelOutput';
import { openDatabase } from './data/createDataSource';
import { Database } from './data/Database';
import { WalCheckpointer } from './data/WalCheckpointer';
import { demoOfficialsWithPublishedPasswords, seedDemoData } from './data/demoData';
import { Consumer } from './data/entities/Consumer';
import { Translator } from './i18n/Translator';
import { Logger } from './logger';
import { FaqMatcher } from './nlu/FaqMatcher';
import { IntentRecognizer, Recognizer } from './nlu/IntentRecognizer';
import { ComplaintCategories } from './services/ComplaintCategories';
import { ComplaintService } from './services/ComplaintService';
import { DatabaseUtilityBackend } from './services/DatabaseUtilityBackend';
import { HandoffService } from './services/HandoffService';
import { Districts } from './services/Districts';
import { PlaceFinder } from './services/PlaceFinder';
import { CallbackLifecycle } from './services/CallbackLifecycle';
import { CallbackNotifier } from './services/CallbackNotifier';
import { HttpSmsSender } from './services/HttpSmsSender';
import { IdentityService } from './services/IdentityService';
import { LogSmsSender } from './services/LogSmsSender';
import { SmsSender } from './services/SmsSender';
import { UtilityBackend } from './services/UtilityBackend';
import { VerificationService } from './services/VerificationService';
import { TypeOrmStorage } from './storage/TypeOrmStorage';
import { ComplaintLifecycle } from './services/ComplaintLifecycle';
import { IncidentNotifier, IncidentService } from './services/IncidentService';
import { OPEN_STATUSES } from './services/complaintStatuses';
import { ComplaintNotifier, ResolutionPhoto } from './services/ComplaintNotifier';
import { OfficialDirectory } from './services/OfficialDirectory';
import { ProactiveNotifier } from './services/ProactiveNotifier';
import { LiveChatService } from './services/LiveChatService';
import { ClosureCodeService } from './services/ClosureCodeService';
import { OneTimeCodes } from './services/OneTimeCodes';
import { MobileChangeService } from './services/MobileChangeService';
import { MobileChangeNotifier } from './services/MobileChangeNotifier';
import { ReferenceNumbers } from './services/ReferenceNumbers';
import { CgrfForums } from './services/CgrfForums';
import { CompensationClaimService } from './services/CompensationClaimService';
import { ServiceStandards } from './services/ServiceStandards';
import { BroadcastService } from './broadcast/BroadcastService';
import { OutboundQueueWorker } from './broadcast/OutboundQueueWorker';

/** Parts a host (or a test) may supply instead of the defaults. */
export interface BijliMitraOverrides {
    dataSource?: DataSource;
    backend?: UtilityBackend;
    sms?: SmsSender;
    storage?: Storage;
    recognizer?: Recognizer;
    logger?: Logger;
    /** Called for every development SMS (the terminal chat shows codes with it). */
    onDevelopmentSms?: (mobile: string, text: string) => void;
    /** Service standards (tests use their own table). */
    standards?: ServiceStandards;
    /** Where complaint notices go (tests record them). */
    notifier?: ComplaintNotifier;
    /** Where incident news goes (default: the channels); tests pass the RecordingNotifier they pass as `notifier`. */
    incidentNotifier?: IncidentNotifier;
    /** Planned shutdowns the dialogs answer "is there a cut tomorrow?" from (PlannedShutdowns; tests pass a fake). */
    shutdowns?: ShutdownSchedule;
    /** Callback notices (to owners, and "were you called?"); the proactive notifier by default. */
    callbackNotifier?: CallbackNotifier;
    /** Mobile change decisions told to the consumer; the proactive notifier by default. */
    mobileNotifier?: MobileChangeNotifier;
    /** The clock of the SLA and escalation (tests control it). */
    now?: () => Date;
    /** The random source that draws confirmed closures for the re-contact (tests make it predictable). */
    random?: () => number;
    /** Where downloaded photos are kept (tests use a directory of their own); `MEDIA_DIR` by default. */
    mediaStore?: MediaStore;
    /**
     * Starts a public-looking configuration (a channel, an app id, production) on the demo world anyway: for tests and
     * benchmarks, which run channels against stand-in APIs on loopback. Code only, never configuration.
     */
    allowDemoCredentials?: boolean;
}

/** The assembled application: everything an adapter needs to run turns, and what to close at shutdown. */
export interface BijliMitra {
    /** The validated configuration it was built from. */
    config: AppConfig;
    /** The open TypeORM data source. */
    dataSource: DataSource;
    /** Serialised access to the data source (see {@link Database}). */
    db: Database;
    /** Structured logger with number masking. */
    logger: Logger;
    /** The bot; adapters route turns to `bot.run`. */
    bot: BijliMitraBot;
    /** What the dialogs were built with. */
    services: DialogServices;
    /** All user-facing text. */
    translator: Translator;
    /** Bot state storage (TypeORM unless overridden). */
    storage: Storage;
    /** Conversation state on {@link storage}. */
    conversationState: ConversationState;
    /** The complaint lifecycle and SLA clock; the scheduler calls its `tick`. */
    lifecycle: ComplaintLifecycle;
    /** Callback requests' ownership, clock and outcomes; the scheduler calls its `tick`. */
    callbacks: CallbackLifecycle;
    /** Outage incidents: grouping, restoration time, restoration; the scheduler calls its `tick` (escalation). */
    incidents: IncidentService;
    /** Live chat from the console (takeover, replies, hand back); the scheduler calls its `tick` (idle end). */
    liveChat: LiveChatService;
    /** Area announcements and bill reminders (queued for the worker). */
    broadcasts: BroadcastService;
    /** Sends the persistent outbound queue through the adapters; started by the host. */
    outboundQueue: OutboundQueueWorker;
    /** Prometheus metrics, served at `/metrics`. */
    metrics: Metrics;
    /**
     * Where every webhook adapter hands its deliveries: recorded before the 200, run in order per conversation under
     * the turn lock (in this process on SQLite, across processes on PostgreSQL), replayed after a crash.
     */
    inbox: ConversationInbox;
    /** The inbox's record of deliveries, reply windows and delivery records, for every channel adapter. */
    channelStore: ChannelStore;
    /** Photos users send, downloaded into storage the project owns and shown in the console. */
    media: MediaService;
    /** After-repair photos officials attach to a resolution, shown in the console and sent to the consumer. */
    repairPhotos: RepairPhotoService;
    /** The per-sender limit of webhooks and `/api/messages`; undefined when `RATE_LIMIT_PER_MINUTE` is 0. */
    rateLimiter: SenderRateLimiter | undefined;
    /**
     * Adds the shared middleware and error handler to an adapter, and registers it for proactive messages on its
     * channels (`*`, the default, for the Bot Framework adapter that serves many). Call once per adapter.
     */
    prepareAdapter<T extends BotAdapter>(adapter: T, channels?: string[]): T;
    /** Closes the database when this instance opened it. */
    close(): Promise<void>;
}

/**
 * The composition root: opens the database (running migrations, loading demo data into an empty one when
 * configured), then builds storage, state, recognizer, services, dialogs and the bot. Adapters are built by the
 * caller (server, terminal chat, tests) and passed through {@link BijliMitra.prepareAdapter}.
 */
export async function createBijliMitra(config: AppConfig, overrides: BijliMitraOverrides = {}): Promise<BijliMitra> {
    const logger = overrides.logger ?? new Logger(config.logLevel);
    const dataSource = overrides.dataSource ?? (await openDatabase(config.databaseUrl));
    // Demo officials sign in with passwords the README publishes: `auto` loads the demo world only where nothing is
    // public (SQLite, no channel, no app id, not production), and a public deployment never starts with one of them.
    const isPublic = isPublicDeployment(config);
    const automatic = config.demoData === 'auto' && !isPublic && dataSource.options.type === 'better-sqlite3';
    if (config.demoData === 'on' || (automatic && (await dataSource.getRepository(Consumer).count()) === 0)) {
        const seeded = await seedDemoData(dataSource);
        logger.info('demo data loaded', { ...seeded });
    }
    if (isPublic && !overrides.allowDemoCredentials) {
        const open = await demoOfficialsWithPublishedPasswords(dataSource);
        if (open.length > 0) {
            if (!overrides.dataSource) await dataSource.destroy();
            throw new ConfigError([
                `demo officials can sign in to the console with the passwords the README publishes (${open.join(', ')}), and a channel, ` +
                    'MicrosoftAppId or NODE_ENV=production is set: give each a password of its own with ' +
                    '"npx bijli-mitra officials set-password <username>", or "npx bijli-mitra officials deactivate <username>"',
            ]);
        }
    }
    const db = new Database(dataSource);
    const translator = new Translator();
    const storage = overrides.storage ?? new TypeOrmStorage(db);
    const conversationState = new ConversationState(storage);
    const recognizer = overrides.recognizer ?? new IntentRecognizer();
    const identities = new IdentityService(db);
    const sms =
        overrides.sms ??
        (config.smsSender === 'http' ? new HttpSmsSender(config.smsHttpUrl, config.smsHttpToken) : new LogSmsSender(logger, overrides.onDevelopmentSms));
    const otpText = translator.forLanguage('hi');
    const adapters = new Map<string, BotAdapter>();
    const standards = overrides.standards ?? ServiceStandards.load();
    // The notifier starts the bot's "is it fixed?" turn, and the bot is built from the services that include the
    // notifier: the turn reaches the bot through this binding, used only once an official resolves a complaint.
    const confirmTurn = (ticket: string, note: string | null, photo?: ResolutionPhoto) => (context: TurnContext) =>
        bot.askToConfirm(context, ticket, note, photo);
    const calledTurn = (reference: string) => (context: TurnContext) => bot.askIfCalled(context, reference);
    const stillWorkingTurn = (ticket: string) => (context: TurnContext) => bot.askStillWorking(context, ticket);
    const proactive = new ProactiveNotifier(adapters, translator, logger, config.microsoftAppId, confirmTurn, calledTurn, stillWorkingTurn);
    const notifier = overrides.notifier ?? proactive;
    const backend = overrides.backend ?? new DatabaseUtilityBackend(db);
    const categories = ComplaintCategories.load();
    const places = new PlaceFinder(new OfficialDirectory(db), Districts.load(), config.placeRadiusKm);
    const incidents = new IncidentService(
        db,
        new OfficialDirectory(db),
        overrides.incidentNotifier ??
            (overrides.notifier && 'toFollower' in overrides.notifier ? (overrides.notifier as unknown as IncidentNotifier) : proactive),
        {
            categories,
            reports: config.incidentReports,
            windowMinutes: config.incidentWindowMinutes,
            radiusMeters: config.incidentRadiusMeters,
            verifyShare: config.incidentVerifyShare,
            escalationIntervalHours: config.escalationIntervalHours,
        },
        overrides.now
    );
    const lifecycle = new ComplaintLifecycle(
        db,
        standards,
        new OfficialDirectory(db),
        backend,
        notifier,
        {
            escalationIntervalHours: config.escalationIntervalHours,
            confirmReminderHours: config.confirmReminderHours,
            unconfirmedAfterHours: config.unconfirmedAfterHours,
            recheckHours: config.recheckHours,
            hazards: { isHazard: (category) => categories.isHazard(category), ackMinutes: config.hazardAckMinutes },
            recontact: { share: config.recontactShare, afterDays: config.recontactAfterDays },
            triage: { places, dueHours: config.triageDueHours },
            incidents,
        },
        overrides.now,
        overrides.random
    );
    const callbacks = new CallbackLifecycle(
        db,
        new OfficialDirectory(db),
        backend,
        overrides.callbackNotifier ?? proactive,
        { dueHours: config.callbackDueHours, hours: config.callbackHours, escalationIntervalHours: config.escalationIntervalHours },
        overrides.now,
        places
    );
    const codes = new OneTimeCodes(
        db,
        sms,
        { ttlSeconds: config.otpTtlSeconds, maxAttempts: config.otpMaxAttempts, maxSendsPerHour: config.otpMaxSendsPerHour },
        () => (overrides.now?.() ?? new Date()).getTime()
    );
    const channelStore = new ChannelStore(db);
    const liveChat = new LiveChatService(
        db,
        proactive,
        channelStore,
        translator,
        logger,
        { hours: config.liveChatHours, idleMinutes: config.liveChatIdleMinutes, answerMinutes: config.liveChatAnswerMinutes },
        overrides.now
    );
    const services: DialogServices = {
        backend,
        lifecycle,
        complaints: new ComplaintService(db),
        incidents,
        shutdowns: overrides.shutdowns,
        identities,
        verification: new VerificationService(
            codes,
            identities,
            // SMS goes to a phone whose owner's language we may not know: one bilingual text.
            (code, minutes) => otpText('verify:sms', { code, minutes })
        ),
        closureCodes: new ClosureCodeService(codes, (code, ticket, minutes) => otpText('status:closureSms', { code, ticket, minutes })),
        mobileChanges: new MobileChangeService(
            db,
            backend,
            codes,
            new ReferenceNumbers(db, overrides.now),
            overrides.mobileNotifier ?? proactive,
            { dueHours: config.mobileRequestDueHours, maxKnowledgeAttempts: config.mobileProofMaxAttempts },
            (code, minutes) => otpText('mobile:sms', { code, minutes }),
            overrides.now
        ),
        claims: new CompensationClaimService(db, standards, notifier, { decisionDays: config.claimDecisionDays }, overrides.now),
        forums: CgrfForums.load(),
        handoff: new HandoffService(db),
        callbacks,
        liveChat,
        places,
        categories,
        output: new ChannelOutput(),
        recognizer,
        faq: new FaqMatcher(translator),
        settings: {
            paymentUrlTemplate: config.paymentUrlTemplate,
            meterReadingMaxJump: config.meterReadingMaxJump,
            callbackDueHours: config.callbackDueHours,
            callbackHours: config.callbackHours,
            statusPageUrl: config.publicBaseUrl ? `${config.publicBaseUrl}/status` : null,
        },
    };
    const bot = new BijliMitraBot(conversationState, new MainDialog(services), identities, recognizer, translator, logger, services.output);
    const channelIdOf = (adapter: BotAdapter) => (adapter as { channelId?: unknown }).channelId;

    // Failures inside the bot are handled by the bot under the turn lock; this catches the rest (middleware, sends).
    const onTurnError = async (context: TurnContext, error: Error) => {
        logger.error('turn failed outside the dialogs', { channel: context.activity.channelId, conversation: context.activity.conversation?.id, error });
    };
    const turnLock: TurnLock = db.isPostgres ? new PostgresTurnLock(dataSource) : new KeyedLock();
    const rateLimiter =
        config.rateLimitPerMinute > 0 ? new SenderRateLimiter(db, { burst: config.rateLimitBurst, perMinute: config.rateLimitPerMinute }) : undefined;
    const metrics = new Metrics(async () => {
        const queued = await db.run((m) =>
            m
                .getRepository(QueuedMessage)
                .createQueryBuilder('q')
                .select('q.channel', 'channel')
                .addSelect('COUNT(*)', 'count')
                .where('q.status = :status', { status: 'queued' })
                .groupBy('q.channel')
                .getRawMany<{ channel: string; count: string | number }>()
        );
        return {
            queued: Object.fromEntries(queued.map((row) => [row.channel, Number(row.count)])),
            unprocessedInbound: await channelStore.unprocessedCount(),
            breachedComplaints: await db.run((m) => m.getRepository(Complaint).countBy({ status: In(OPEN_STATUSES), dueAt: LessThan(new Date()) })),
        };
    });

    const media = new MediaService(db, overrides.mediaStore ?? new DirectoryMediaStore(config.mediaDir), {
        maxBytes: config.mediaMaxBytes,
        logger,
        onFetched: (channel, result, reason) => metrics.mediaFetched(channel, result, reason),
        now: overrides.now ? () => overrides.now!().getTime() : undefined,
    });
    const repairPhotos = new RepairPhotoService(db, overrides.mediaStore ?? new DirectoryMediaStore(config.mediaDir), {
        maxBytes: config.mediaMaxBytes,
        linkHours: config.repairPhotoLinkHours,
        publicBaseUrl: config.publicBaseUrl,
        now: overrides.now ? () => overrides.now!().getTime() : undefined,
    });
    const inbox = new ConversationInbox({ log: channelStore, lock: turnLock, rateLimiter, observer: metrics, logger });

    // Last, so a failed start leaves no worker behind.
    const checkpointer = WalCheckpointer.start(dataSource, logger);
    return {
        config,
        dataSource,
        db,
        logger,
        bot,
        services,
        translator,
        storage,
        conversationState,
        lifecycle,
        callbacks,
        incidents,
        liveChat,
        broadcasts: new BroadcastService(db, translator, new OfficialDirectory(db)),
        outboundQueue: new OutboundQueueWorker(db, adapters, {
            botAppId: config.microsoftAppId,
            logger,
            perChannelPerSecond: Object.fromEntries(
                CHANNELS.flatMap((c) => (c.sendsPerSecond && config.channels[c.id] !== undefined ? [[c.id, c.sendsPerSecond(config.channels[c.id])]] : []))
            ),
        }),
        metrics,
        inbox,
        channelStore,
        rateLimiter,
        media,
        repairPhotos,
        prepareAdapter(adapter, channels) {
            adapter.use(new SerializeTurnsMiddleware(turnLock));
            // A photo is recorded as it arrives and fetched beside the turn: platform links and media ids expire.
            adapter.use(async (context, next) => {
                const { activity } = context;
                if (activity.type === 'message' && media.handles(activity.channelId)) await media.noteInbound(activity.channelId, photoReferences(activity));
                await next();
            });
            // Under the turn lock: a held chat's messages are recorded in order, and no dialog runs for them.
            adapter.use(liveChat.middleware());
            adapter.use(metrics.turnMiddleware());
            adapter.onTurnError = onTurnError;
            const own = channelIdOf(adapter);
            for (const channel of channels ?? (typeof own === 'string' ? [own] : ['*'])) adapters.set(channel, adapter);
            return adapter;
        },
        async close() {
            await media.idle();
            await checkpointer?.stop();
            if (!overrides.dataSource && dataSource.isInitialized) await dataSource.destroy();
        },
    };
}
