import { createHash } from 'crypto';
import { DataSource } from 'typeorm';
import { KeyedLock } from './KeyedLock';
import { TurnLock } from './TurnLock';

// First key of the two-int advisory lock: one namespace for conversation locks, so no other use of advisory locks
// in the same database can collide with them. ("BM" in ASCII.)
const NAMESPACE = 0x424d;

/**
 * A {@link TurnLock} that holds across processes sharing one PostgreSQL database: a session advisory lock per key on a
 * connection of its own, held for the task. Waiters of the same process queue in memory first, so a busy
 * conversation ties up one connection, not one per waiting turn. If the process dies, PostgreSQL ends its session and
 * the lock is released with it.
 */
export class PostgresTurnLock implements TurnLock {
    private readonly local = new KeyedLock();
    private holders = 0;
    private readonly waiting: Array<() => void> = [];

    private readonly maxHolders: number;

    /**
     * @param maxHolders turns that may hold locks at once; default a fifth of the pool. Each holder may also take one
     * nested lock (a second connection) and use two more at once (a transaction and a read beside it), so more holders
     * than that would wait for connections that holders keep: a deadlock.
     */
    constructor(
        private readonly dataSource: DataSource,
        maxHolders?: number
    ) {
        const poolSize = Number((dataSource.options as { extra?: { max?: number } }).extra?.max ?? 10);
        this.maxHolders = maxHolders ?? Math.max(1, Math.floor(poolSize / 5));
    }

    /** Runs `task` holding `key` in this process and in the database. */
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
        if (this.local.holds(key)) return task();
        // A turn that takes a second conversation's lock (a complaint's notice to its engineer) already holds a slot:
        // making it wait for another could leave every holder waiting on the others.
        const nested = this.local.holdsAny();
        return this.local.run(key, async () => {
            if (!nested) await this.acquireSlot();
            const runner = this.dataSource.createQueryRunner();
            try {
                await runner.connect();
                const id = lockId(key);
                await runner.query('SELECT pg_advisory_lock($1, $2)', [NAMESPACE, id]);
                try {
                    return await task();
                } finally {
                    await runner.query('SELECT pg_advisory_unlock($1, $2)', [NAMESPACE, id]).catch(() => undefined);
                }
            } finally {
                await runner.release().catch(() => undefined);
                if (!nested) this.releaseSlot();
            }
        });
    }

    private acquireSlot(): Promise<void> {
        if (this.holders < this.maxHolders) {
            this.holders += 1;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    private releaseSlot(): void {
        const next = this.waiting.shift();
        if (next) next();
        else this.holders -= 1;
    }
}

/** A signed 32-bit number for `key`; two keys sharing one only wait for each other, which is safe. */
function lockId(key: string): number {
    return createHash('sha256').update(key).digest().readInt32BE(0);
}
