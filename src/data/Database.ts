import { AsyncLocalStorage } from 'async_hooks';
import { DataSource, EntityManager } from 'typeorm';

/** How urgent a unit of database work is; `high` runs before queued `normal` work on SQLite. */
export type Priority = 'high' | 'normal';

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
    private readonly inside = new AsyncLocalStorage<true>();
    private readonly queues: Record<Priority, Array<() => void>> = { high: [], normal: [] };
    private busy = false;

    constructor(readonly dataSource: DataSource) {
        this.exclusive = dataSource.options.type === 'better-sqlite3';
    }

    /** Whether the database is PostgreSQL (placeholders `$1` instead of `?`). */
    get isPostgres(): boolean {
        return this.dataSource.options.type === 'postgres';
    }

    /** Runs `work` with the data source's manager; on SQLite, alone. */
    async run<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
        if (!this.exclusive || this.inside.getStore()) return work(this.dataSource.manager);
        // better-sqlite3 answers synchronously, so a turn's units would otherwise chain as microtasks without ever
        // letting the event loop read new requests: yield once per unit of ordinary work.
        if (priority === 'normal') await new Promise((resolve) => setImmediate(resolve));
        await this.acquire(priority);
        try {
            return await this.inside.run(true, () => work(this.dataSource.manager));
        } finally {
            this.release();
        }
    }

    /** Runs `work` in one transaction; on SQLite, alone. Must not be nested in another transaction. */
    async transaction<T>(work: (manager: EntityManager) => Promise<T>, priority: Priority = 'normal'): Promise<T> {
        return this.run(() => this.dataSource.transaction(work), priority);
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
