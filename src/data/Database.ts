import { AsyncLocalStorage } from 'async_hooks';
import { DataSource, EntityManager } from 'typeorm';
import { KeyedLock } from '../KeyedLock';

/**
 * The one way services touch the database. TypeORM's better-sqlite3 driver shares a single connection, so two
 * overlapping async units (two users' turns) interleave their statements and a second `BEGIN` fails with "cannot
 * start a transaction within a transaction", or worse, joins the first. On SQLite every unit therefore runs alone
 * (SQLite has one writer anyway, and each statement takes microseconds); nested units in the same async flow run
 * inline. On PostgreSQL units run concurrently on the pool.
 */
export class Database {
    private readonly exclusive: boolean;
    private readonly lock = new KeyedLock();
    private readonly inside = new AsyncLocalStorage<true>();

    constructor(readonly dataSource: DataSource) {
        this.exclusive = dataSource.options.type === 'better-sqlite3';
    }

    /** Whether the database is PostgreSQL (placeholders `$1` instead of `?`). */
    get isPostgres(): boolean {
        return this.dataSource.options.type === 'postgres';
    }

    /** Runs `work` with the data source's manager; on SQLite, alone. */
    async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
        if (!this.exclusive || this.inside.getStore()) return work(this.dataSource.manager);
        return this.lock.run('database', () => this.inside.run(true, () => work(this.dataSource.manager)));
    }

    /** Runs `work` in one transaction; on SQLite, alone. Must not be nested in another transaction. */
    async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
        return this.run(() => this.dataSource.transaction(work));
    }
}
