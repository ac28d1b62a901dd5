import { AsyncLocalStorage } from 'async_hooks';
import { createHash } from 'crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { datasyncFile, FileSyncer, SyncFile } from './FileSyncer';

/** How urgent a unit of database work is; `high` runs before queued `normal` work on SQLite. */
export type Priority = 'high' | 'normal';

/** A value bound to a {@link Database.sql} placeholder. */
export type SqlValue = string | number | boolean | Date | null;

/** What {@link Database.sql} returns: the rows of a statement that returns rows, and how many rows it changed. */
export interface SqlResult<Row> {
    rows: Row[];
    changes: number;
}

// The databases whose unit the current async flow runs inside. One storage for all of them: Node copies every
// AsyncLocalStorage ever used into each new promise, so one per database slowed every await as databases were opened.
const INSIDE = new AsyncLocalStorage<readonly Database[]>();

/**
 * The one way services touch the database. TypeORM's better-sqlite3 driver shares a single connection, so two
 * overlapping async units (two users' turns) interleave their statements and a second `BEGIN` fails with "cannot
 * start a transaction within a transaction", or worse, joins the first. On SQLite every unit therefore runs alone
 * (SQLite has one writer anyway, and each statement takes microseconds); nested units in the same async flow run
 * inline. Webhook bookkeeping asks for `high` priority, so acknowledging a delivery never waits behind the dialog
 * work of hundreds of queued turns. On PostgreSQL units run concurrently on the pool.
 */
export class Database {
    private readonly exclusive: boolean;
    private readonly queues: Record<Priority, Array<() => void>> = { high: [], normal: [] };
    private busy = false;
    private readonly statements = new Map<string, { text: string; name: string; sqlite?: BetterSqlite3.Statement }>();
    private readonly hydrations = new Map<unknown, { create: () => ObjectLiteral; columns: Array<[string, ColumnMetadata]> }>();

    /** Flushes the SQLite file's write-ahead log for `durable` statements; null in memory and on PostgreSQL. */
    private readonly walSyncer: FileSyncer | null;

    /**
     * @param dataSource an initialised data source.
     * @param syncFile how a SQLite file's write-ahead log is flushed for `durable` statements (tests record it).
     */
    constructor(
        readonly dataSource: DataSource,
        syncFile: SyncFile = datasyncFile
    ) {
        this.exclusive = dataSource.options.type === 'better-sqlite3';
        const file = this.exclusive ? String(dataSource.options.database) : ':memory:';
        this.walSyncer = file === ':memory:' ? null : new FileSyncer(`${file}-wal`, syncFile);
    }

    /**
     * Makes every commit so far durable, where the SQLite file syncs lazily (`synchronous = NORMAL`): one flush of the
     * write-ahead log, shared with the other durable work of the moment. Nothing to do in memory or on PostgreSQL.
     */
    async flush(): Promise<void> {
        await this.walSyncer?.sync();
    }

    /**
     * Runs one statement straight on the driver, outside TypeORM: for the few statements every turn runs, where
     * TypeORM's query building and its query runner cost more than the statement (the turn's CPU profile). Write `?`
     * placeholders; they become `$1…` on PostgreSQL, so the text must hold no other `?` (literals go in parameters).
     * Dates are bound as TypeORM binds them (UTC text on SQLite, a `Date` on PostgreSQL), booleans as 1/0 on SQLite.
     * Statements are prepared once per connection. Inside a {@link transaction}, pass its manager as `within` so the
     * statement runs on the transaction's connection (`durable` does not apply there: the commit comes later).
     * `durable` makes the commit reach the disk before the promise resolves, where the SQLite file otherwise syncs
     * lazily (`synchronous = NORMAL`). The write-ahead log is flushed with `fdatasync` off the event loop, shared by
     * the durable statements of the moment (group commit); what SQLite's FULL mode would do, without blocking every
     * turn for the disk. Flushing the log makes every earlier commit durable too. PostgreSQL always syncs its commits.
     */
    async sql<Row = Record<string, unknown>>(
        text: string,
        params: readonly SqlValue[] = [],
        options: { priority?: Priority; within?: EntityManager; durable?: boolean } = {}
    ): Promise<SqlResult<Row>> {
        let statement = this.statements.get(text);
        if (!statement) {
            let index = 0;
            const dialect = this.isPostgres ? text.replace(/\?/g, () => `$${++index}`) : text;
            // Named by content: prepared statements live on pooled connections, shared by every Database on the pool.
            statement = { text: dialect, name: `bijli_${createHash('sha1').update(dialect).digest('hex').slice(0, 20)}` };
            this.statements.set(text, statement);
        }
        const prepared = statement;
        const runner = options.within?.queryRunner;
        if (runner) {
            const values = this.isPostgres ? [...params] : params.map(sqliteValue);
            const result = await runner.query(prepared.text, values, true);
            return { rows: (result.records ?? []) as Row[], changes: result.affected ?? 0 };
        }
        if (this.isPostgres) {
            const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
            const result = await pool.query({ name: prepared.name, text: prepared.text, values: params as SqlValue[] });
            return { rows: result.rows as Row[], changes: result.rowCount ?? 0 };
        }
        const execute = (): SqlResult<Row> => {
            if (!prepared.sqlite) {
                const connection = (this.dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
                prepared.sqlite = connection.prepare(prepared.text);
            }
            const values = params.map(sqliteValue);
            return prepared.sqlite.reader
                ? { rows: prepared.sqlite.all(...values) as Row[], changes: 0 }
                : { rows: [], changes: prepared.sqlite.run(...values).changes };
        };
        let result: SqlResult<Row>;
        if (INSIDE.getStore()?.includes(this)) result = execute();
        else {
            // One synchronous statement: nothing can nest inside it, so it takes its turn without a unit's async context.
            await this.takeTurn(options.priority ?? 'normal');
            try {
                result = execute();
            } finally {
                this.release();
            }
        }
        // Outside the exclusive section: other statements run while the disk flushes.
        if (options.durable) await this.flush();
        return result;
    }

    /**
     * Reads entities with one statement through {@link sql}: `SELECT *` (or any columns) of the entity's table, each row
     * made an instance of the entity with its values converted as TypeORM converts them (dates, booleans, JSON). For the
     * reads every turn makes, where TypeORM's query building and result transformation cost more than the statement.
     */
    async entities<T extends ObjectLiteral>(
        target: EntityTarget<T>,
        text: string,
        params: readonly SqlValue[] = [],
        options: { priority?: Priority; within?: EntityManager } = {}
    ): Promise<T[]> {
        let hydration = this.hydrations.get(target);
        if (!hydration) {
            const metadata = this.dataSource.getMetadata(target);
            hydration = { create: () => metadata.create() as ObjectLiteral, columns: metadata.columns.map((column) => [column.databaseName, column]) };
            this.hydrations.set(target, hydration);
        }
        const { create, columns } = hydration;
        const driver = this.dataSource.driver;
        const { rows } = await this.sql<Record<string, unknown>>(text, params, options);
        return rows.map((row) => {
            const entity = create();
            for (const [name, column] of columns) {
                const raw = row[name];
                if (raw !== undefined) column.setEntityValue(entity, driver.prepareHydratedValue(raw, column));
            }
            return entity as T;
        });
    }

    /** Whether the database is PostgreSQL (placeholders `$1` instead of `?`). */
    get isPostgres(): boolean {
        return this.dataSource.options.type === 'postgres';
    }

    /** Runs `work` with the data source's manager; on SQLite, alone. */
    async run<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
        if (!this.exclusive || INSIDE.getStore()?.includes(this)) return work(this.dataSource.manager);
        await this.takeTurn(priority);
        try {
            return await INSIDE.run([...(INSIDE.getStore() ?? []), this], () => work(this.dataSource.manager));
        } finally {
            this.release();
        }
    }

    /** Runs `work` in one transaction; on SQLite, alone. Must not be nested in another transaction. */
    async transaction<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
        return this.run(() => this.dataSource.transaction(work), priority);
    }

    /**
     * Waits for this database's exclusive section (SQLite). better-sqlite3 answers synchronously, so a turn's units
     * would otherwise chain as microtasks without ever letting the event loop read new requests: ordinary work yields
     * once first. Pair with {@link release}.
     */
    private async takeTurn(priority: Priority): Promise<void> {
        if (priority === 'normal') await new Promise((resolve) => setImmediate(resolve));
        await this.acquire(priority);
    }

    private acquire(priority: Priority): Promise<void> {
        if (!this.busy) {
            this.busy = true;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.queues[priority].push(resolve));
    }

    private release(): void {
        const next = this.queues.high.shift() ?? this.queues.normal.shift();
        if (next) next();
        else this.busy = false;
    }
}

/**
 * A date column read through {@link Database.sql}: PostgreSQL's driver gives a `Date`, SQLite the UTC text TypeORM
 * wrote (`2026-12-07 18:02:06.123`). Null stays null.
 */
export function dateFromDatabase(value: unknown): Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return value;
    return new Date(`${String(value).replace(' ', 'T')}Z`);
}

/** Binds as TypeORM's SQLite driver stores: `2026-11-27 02:05:09.123` in UTC for dates, 1/0 for booleans. */
function sqliteValue(value: SqlValue): string | number | null {
    if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 23);
    if (typeof value === 'boolean') return value ? 1 : 0;
    return value;
}
