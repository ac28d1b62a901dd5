import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { AccountLink } from './entities/AccountLink';
import { Bill } from './entities/Bill';
import { BotStateRecord } from './entities/BotStateRecord';
import { CallbackRequest } from './entities/CallbackRequest';
import { OneTimeCode } from './entities/OneTimeCode';
import { OneTimeCodes1766100000000 } from './migrations/1766100000000-OneTimeCodes';
import { ClaimAmountOpen1766200000000 } from './migrations/1766200000000-ClaimAmountOpen';
import { OutageIncidents1766300000000 } from './migrations/1766300000000-OutageIncidents';
import { Incident } from './entities/Incident';
import { PlannedShutdown } from './entities/PlannedShutdown';
import { PlannedShutdowns1766400000000 } from './migrations/1766400000000-PlannedShutdowns';
import { IncidentEvent } from './entities/IncidentEvent';
import { IncidentFollower } from './entities/IncidentFollower';
import { OutageSighting } from './entities/OutageSighting';
import { ChannelIdentity } from './entities/ChannelIdentity';
import { Complaint } from './entities/Complaint';
import { ComplaintEvent } from './entities/ComplaintEvent';
import { Consumer } from './entities/Consumer';
import { Meter } from './entities/Meter';
import { MeterReading } from './entities/MeterReading';
import { SequenceCounter } from './entities/SequenceCounter';
import { InboundMessage } from './entities/InboundMessage';
import { OutboundMessage } from './entities/OutboundMessage';
import { Official } from './entities/Official';
import { OrgUnit } from './entities/OrgUnit';
import { Broadcast } from './entities/Broadcast';
import { QueuedMessage } from './entities/QueuedMessage';
import { NumberView } from './entities/NumberView';
import { Initial1764100000000 } from './migrations/1764100000000-Initial';
import { Channels1764200000000 } from './migrations/1764200000000-Channels';
import { Accountability1764300000000 } from './migrations/1764300000000-Accountability';
import { Broadcasts1764400000000 } from './migrations/1764400000000-Broadcasts';
import { ProblemSince1764500000000 } from './migrations/1764500000000-ProblemSince';
import { InboundConversations1764600000000 } from './migrations/1764600000000-InboundConversations';
import { ConsumerMobileIndex1764700000000 } from './migrations/1764700000000-ConsumerMobileIndex';
import { SharedSecurityState1764800000000 } from './migrations/1764800000000-SharedSecurityState';
import { Media1764850000000 } from './migrations/1764850000000-Media';
import { ConversationTakeovers1764900000000 } from './migrations/1764900000000-ConversationTakeovers';
import { XChannelState1765000000000 } from './migrations/1765000000000-XChannelState';
import { WhatsAppDeliveryFailures1765100000000 } from './migrations/1765100000000-WhatsAppDeliveryFailures';
import { IdentityAliases1765200000000 } from './migrations/1765200000000-IdentityAliases';
import { HonestClosure1765300000000 } from './migrations/1765300000000-HonestClosure';
import { NumberViews1765500000000 } from './migrations/1765500000000-NumberViews';
import { CompensationClaims1765600000000 } from './migrations/1765600000000-CompensationClaims';
import { CompensationClaim } from './entities/CompensationClaim';
import { ClosureQuality1766000000000 } from './migrations/1766000000000-ClosureQuality';
import { RepairPhotos1766050000000 } from './migrations/1766050000000-RepairPhotos';
import { LiveChat } from './entities/LiveChat';
import { LiveChatMessage } from './entities/LiveChatMessage';
import { LiveChat1765700000000 } from './migrations/1765700000000-LiveChat';
import { EveryComplaintOwned1765800000000 } from './migrations/1765800000000-EveryComplaintOwned';
import { QuarantinedConsumer } from './entities/QuarantinedConsumer';
import { MobileChanges1765900000000 } from './migrations/1765900000000-MobileChanges';
import { MobileChangeRequest } from './entities/MobileChangeRequest';
import { MobileChangeEvent } from './entities/MobileChangeEvent';
import { MobileProofAttempt } from './entities/MobileProofAttempt';
import { CallbackWork1765400000000 } from './migrations/1765400000000-CallbackWork';

/** Every entity of the schema. */
export const ENTITIES = [
    Consumer,
    Meter,
    Bill,
    Complaint,
    ComplaintEvent,
    ChannelIdentity,
    AccountLink,
    OneTimeCode,
    CallbackRequest,
    MeterReading,
    BotStateRecord,
    SequenceCounter,
    InboundMessage,
    OutboundMessage,
    Official,
    OrgUnit,
    Broadcast,
    QueuedMessage,
    CompensationClaim,
    LiveChat,
    LiveChatMessage,
    QuarantinedConsumer,
    NumberView,
    MobileChangeRequest,
    MobileChangeEvent,
    MobileProofAttempt,
    Incident,
    IncidentEvent,
    IncidentFollower,
    OutageSighting,
    PlannedShutdown,
];

/** Every migration, oldest first. */
export const MIGRATIONS = [
    Initial1764100000000,
    Channels1764200000000,
    Accountability1764300000000,
    Broadcasts1764400000000,
    ProblemSince1764500000000,
    InboundConversations1764600000000,
    ConsumerMobileIndex1764700000000,
    SharedSecurityState1764800000000,
    Media1764850000000,
    ConversationTakeovers1764900000000,
    XChannelState1765000000000,
    WhatsAppDeliveryFailures1765100000000,
    IdentityAliases1765200000000,
    HonestClosure1765300000000,
    CallbackWork1765400000000,
    NumberViews1765500000000,
    CompensationClaims1765600000000,
    LiveChat1765700000000,
    EveryComplaintOwned1765800000000,
    MobileChanges1765900000000,
    ClosureQuality1766000000000,
    RepairPhotos1766050000000,
    OneTimeCodes1766100000000,
    ClaimAmountOpen1766200000000,
    OutageIncidents1766300000000,
    PlannedShutdowns1766400000000,
];

// Connections per instance. A turn holds one for its conversation lock, may take one more for a nested lock and uses
// up to two for its queries, so a fifth of the pool may be lock holders (see PostgresTurnLock).
const DEFAULT_POOL_SIZE = 20;

/** SQLite's page cache per connection, in KiB (64 MiB). */
const SQLITE_CACHE_KIB = 64 * 1024;

/**
 * Builds (but does not open) a TypeORM data source for `databaseUrl`:
 * `sqlite:<path>` (`sqlite::memory:` for an in-memory database) or `postgres://…` (an optional `?schema=` picks the
 * PostgreSQL schema, `&pool=` the connections per process, default 20). Migrations run on `initialize()`; the schema is never synchronised from entities.
 */
export function createDataSource(databaseUrl: string): DataSource {
    if (databaseUrl.startsWith('sqlite:')) {
        const file = databaseUrl.slice('sqlite:'.length);
        const database = file === ':memory:' ? ':memory:' : path.resolve(file);
        if (database !== ':memory:') fs.mkdirSync(path.dirname(database), { recursive: true });
        return new DataSource({
            type: 'better-sqlite3',
            database,
            entities: ENTITIES,
            migrations: MIGRATIONS,
            migrationsRun: true,
            synchronize: false,
            // WAL lets readers (the console, a second CLI) work while the bot writes. NORMAL syncs the WAL at checkpoints
            // rather than at every commit: an fsync took 0.2–0.3 ms here, blocking the event loop, and a turn commits
            // about six times. A crash of the process loses nothing; a power cut may lose the last commits, always a
            // prefix-consistent tail, so a lost turn's message is unprocessed again and replayed. Acknowledged webhook
            // messages are written with `durable`, which syncs (see Database.sql).
            prepareDatabase: (db: { pragma(sql: string): unknown }) => {
                if (database !== ':memory:') {
                    db.pragma('journal_mode = WAL');
                    db.pragma('synchronous = NORMAL');
                    // A page cache that holds the tables a turn touches (SQLite's default is 2 MB, a few hundred pages
                    // of a database that holds the state's consumers): fewer pages fetched from the kernel again.
                    db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
                }
                db.pragma('busy_timeout = 5000');
            },
        });
    }
    if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
        const url = new URL(databaseUrl);
        const schema = url.searchParams.get('schema') ?? undefined;
        const poolParameter = url.searchParams.get('pool');
        const poolSize = Number(poolParameter ?? DEFAULT_POOL_SIZE);
        url.searchParams.delete('schema');
        url.searchParams.delete('pool');
        if (!Number.isInteger(poolSize) || poolSize < 4 || poolSize > 500) {
            throw new Error(`PostgreSQL pool size "pool=${poolParameter}" in DATABASE_URL must be a whole number from 4 to 500`);
        }
        if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
            throw new Error(`PostgreSQL schema name "${schema}" in DATABASE_URL must be lowercase letters, digits and _`);
        }
        return new DataSource({
            type: 'postgres',
            url: url.toString(),
            schema,
            entities: ENTITIES,
            migrations: MIGRATIONS,
            migrationsRun: true,
            synchronize: false,
            // Raw SQL (reference counters, tests) names tables without a schema, so put the schema on the path.
            extra: { max: poolSize, connectionTimeoutMillis: 5000, ...(schema ? { options: `-c search_path=${schema}` } : {}) },
        });
    }
    throw new Error(`DATABASE_URL must start with "sqlite:" or "postgres://" (got "${databaseUrl}")`);
}

/** Opens `databaseUrl`, creating the PostgreSQL schema first when one is named, and runs pending migrations. */
export async function openDatabase(databaseUrl: string, options: { runMigrations?: boolean } = {}): Promise<DataSource> {
    const dataSource = createDataSource(databaseUrl);
    // `migrate` runs them itself, to say which it applied.
    if (options.runMigrations === false) dataSource.setOptions({ migrationsRun: false });
    const schema = (dataSource.options as { schema?: string }).schema;
    if (schema) {
        const bootstrap = new DataSource({
            ...(dataSource.options as object),
            schema: undefined,
            extra: {},
            migrationsRun: false,
            entities: [],
            migrations: [],
        } as never);
        await bootstrap.initialize();
        await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await bootstrap.destroy();
    }
    await dataSource.initialize();
    return dataSource;
}
