import type { Database } from '../data/Database';

/** How one kind of key is throttled. */
export interface ThrottleRule {
    /** Failures allowed before the first wait. */
    free: number;
    /** The first wait; each further failure doubles it. */
    firstBlockMs: number;
    /** The longest wait. */
    maxBlockMs: number;
    /** Failures are forgotten this long after the first of them. */
    windowMs: number;
}

/** A key and the rule it is counted under. */
export type ThrottleKey = readonly [key: string, rule: ThrottleRule];

/** How often counters that ran out are deleted. */
const SWEEP_EVERY_MS = 10 * 60_000;

interface FailureRow {
    failures: number | string;
    windowEndsAt: number | string;
    blockedUntil: number | string;
}

/**
 * Failed sign-ins with exponential back-off, counted in the database so that every instance enforces the same limit.
 * An attempt is counted before its password is checked (parallel attempts cannot all slip through) and forgiven when
 * it succeeds; while any of its keys is blocked nothing is checked or counted. The keys are counted in one transaction,
 * in a fixed order, each row locked on PostgreSQL.
 */
export class SignInThrottle {
    private lastSweep = 0;

    constructor(
        private readonly db: Database,
        private readonly now: () => Date
    ) {}

    /** Counts an attempt under every key and returns 0, or, when a key is blocked, counts nothing and returns the wait in ms. */
    async attempt(keys: readonly ThrottleKey[]): Promise<number> {
        const sorted = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        const at = this.now().getTime();
        if (at - this.lastSweep >= SWEEP_EVERY_MS) {
            this.lastSweep = at;
            await this.sweep();
        }
        const lock = this.db.isPostgres ? ' FOR UPDATE' : '';
        return this.db.transaction(async (within) => {
            const rows = new Map<string, { failures: number; windowEndsAt: number; blockedUntil: number }>();
            for (const [key] of sorted) {
                await this.db.sql(
                    'INSERT INTO "sign_in_failures" ("key", "failures", "windowEndsAt", "blockedUntil") VALUES (?, 0, 0, 0) ON CONFLICT ("key") DO NOTHING',
                    [key],
                    { within }
                );
                const { rows: found } = await this.db.sql<FailureRow>(
                    `SELECT "failures", "windowEndsAt", "blockedUntil" FROM "sign_in_failures" WHERE "key" = ?${lock}`,
                    [key],
                    { within }
                );
                const row = found[0];
                rows.set(key, { failures: Number(row.failures), windowEndsAt: Number(row.windowEndsAt), blockedUntil: Number(row.blockedUntil) });
            }
            const wait = Math.max(0, ...[...rows.values()].map((row) => row.blockedUntil - at));
            if (wait > 0) return wait;
            for (const [key, rule] of sorted) {
                const row = rows.get(key)!;
                const fresh = row.windowEndsAt <= at;
                const failures = (fresh ? 0 : row.failures) + 1;
                const windowEndsAt = fresh ? at + rule.windowMs : row.windowEndsAt;
                const blockedUntil = failures >= rule.free ? at + Math.min(rule.maxBlockMs, rule.firstBlockMs * 2 ** (failures - rule.free)) : 0;
                await this.db.sql(
                    'UPDATE "sign_in_failures" SET "failures" = ?, "windowEndsAt" = CAST(? AS BIGINT), "blockedUntil" = CAST(? AS BIGINT) WHERE "key" = ?',
                    [failures, Math.max(windowEndsAt, blockedUntil), blockedUntil, key],
                    { within }
                );
            }
            return 0;
        }, 'high');
    }

    /**
     * The attempt succeeded: it is taken back under each key of `forgive` (it was not a failure; the block it may have
     * set goes, since no block stood when it was counted), and every failure under each key of `reset` is forgotten.
     */
    async succeeded(forgive: readonly string[], reset: readonly string[]): Promise<void> {
        for (const key of forgive) {
            await this.db.sql('UPDATE "sign_in_failures" SET "failures" = "failures" - 1, "blockedUntil" = 0 WHERE "key" = ? AND "failures" > 0', [key]);
        }
        for (const key of reset) await this.db.sql('DELETE FROM "sign_in_failures" WHERE "key" = ?', [key]);
    }

    /** Deletes counters whose window and block have both ended. */
    async sweep(): Promise<void> {
        const at = this.now().getTime();
        await this.db.sql('DELETE FROM "sign_in_failures" WHERE "windowEndsAt" <= CAST(? AS BIGINT) AND "blockedUntil" <= CAST(? AS BIGINT)', [at, at]);
    }
}
