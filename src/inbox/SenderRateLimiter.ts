import { randomBytes } from 'crypto';
import type { Database } from '../data/Database';

/** Options of {@link SenderRateLimiter}. */
export interface SenderRateLimiterOptions {
    /** Messages a sender may send at once before being slowed; default 10. */
    burst?: number;
    /** Sustained messages per minute per sender; default 20. */
    perMinute?: number;
    /** Clock, for tests. */
    now?: () => number;
}

/** How often allowances that have refilled are deleted. */
const SWEEP_EVERY_MS = 10 * 60_000;
/** Senders tracked in memory beyond which refilled allowances are deleted at once. */
const LOCAL_SWEEP_SIZE = 5_000;

/**
 * A token bucket per sender, kept in the database so that every instance draws on the same allowance (a flood spread
 * over several instances is slowed as much as one on a single instance); on SQLite, where one process takes the
 * turns, in that process's memory. A consumer typing normally never meets it; one flooding the bot has their turns
 * spaced out (their messages are kept, not dropped) while everyone else's run as usual. The bucket is one number per sender (the generic cell rate algorithm's theoretical arrival time), taken and
 * checked in one statement, so two instances cannot both spend the last token.
 */
export class SenderRateLimiter {
    private readonly burst: number;
    private readonly intervalMs: number;
    private readonly now: () => number;
    private lastSweep = 0;
    /**
     * Each sender's arrival time, when this process is the only one taking turns (SQLite): the same arithmetic as the
     * statement below, without a statement per turn. Null on PostgreSQL, where instances share the table.
     */
    private readonly local: Map<string, number> | null;

    constructor(
        private readonly db: Database,
        options: SenderRateLimiterOptions = {}
    ) {
        this.local = db.isPostgres ? null : new Map();
        this.burst = options.burst ?? 10;
        const perMinute = options.perMinute ?? 20;
        this.now = options.now ?? Date.now;
        if (!(this.burst >= 1) || !(perMinute > 0)) throw new Error('SenderRateLimiter: burst must be ≥ 1 and perMinute > 0');
        this.intervalMs = 60_000 / perMinute;
    }

    /** Takes a token for `sender` and returns 0, or returns how many ms to wait for one (taking nothing). */
    async take(sender: string): Promise<number> {
        const now = Math.floor(this.now());
        const tolerance = Math.round((this.burst - 1) * this.intervalMs);
        const interval = Math.round(this.intervalMs);
        if (this.local) return this.takeLocally(sender.slice(0, 300), now, tolerance, interval);
        const grant = randomBytes(12).toString('base64url');
        // A token is there when the arrival time is at most `tolerance` ahead; taking one moves it on by one interval
        // from now or from where it was, whichever is later. The grant id says whether this statement took it.
        const { rows } = await this.db.sql<{ nextFreeAt: string | number; grantId: string }>(
            `INSERT INTO "sender_allowances" ("key", "nextFreeAt", "grantId") VALUES (?, CAST(? AS BIGINT), ?)
             ON CONFLICT ("key") DO UPDATE SET
               "nextFreeAt" = CASE WHEN "sender_allowances"."nextFreeAt" - CAST(? AS BIGINT) <= CAST(? AS BIGINT)
                 THEN (CASE WHEN "sender_allowances"."nextFreeAt" > CAST(? AS BIGINT) THEN "sender_allowances"."nextFreeAt" ELSE CAST(? AS BIGINT) END) + CAST(? AS BIGINT)
                 ELSE "sender_allowances"."nextFreeAt" END,
               "grantId" = CASE WHEN "sender_allowances"."nextFreeAt" - CAST(? AS BIGINT) <= CAST(? AS BIGINT) THEN ? ELSE "sender_allowances"."grantId" END
             RETURNING "nextFreeAt", "grantId"`,
            [sender.slice(0, 300), now + interval, grant, now, tolerance, now, now, interval, now, tolerance, grant]
        );
        await this.sweep(now);
        const row = rows[0];
        if (row.grantId === grant) return 0;
        return Math.max(1, Number(row.nextFreeAt) - tolerance - now);
    }

    private takeLocally(key: string, now: number, tolerance: number, interval: number): number {
        const next = this.local!.get(key);
        // Also (at most once a second) when many senders are tracked: a burst of new users would otherwise be held
        // until the next sweep.
        const due = now - this.lastSweep;
        if (due >= SWEEP_EVERY_MS || (this.local!.size >= LOCAL_SWEEP_SIZE && due >= 1000)) {
            this.lastSweep = now;
            for (const [sender, at] of this.local!) if (at < now) this.local!.delete(sender);
        }
        if (next !== undefined && next - now > tolerance) return Math.max(1, next - tolerance - now);
        this.local!.set(key, Math.max(next ?? now, now) + interval);
        return 0;
    }

    /** Senders currently tracked (tests, metrics). */
    async size(): Promise<number> {
        if (this.local) return this.local.size;
        const { rows } = await this.db.sql<{ n: string | number }>('SELECT COUNT(*) AS "n" FROM "sender_allowances"');
        return Number(rows[0].n);
    }

    /** Forgets senders whose allowance is full again, so the table follows the senders active in the last minutes. */
    private async sweep(now: number): Promise<void> {
        if (now - this.lastSweep < SWEEP_EVERY_MS) return;
        this.lastSweep = now;
        await this.db.sql('DELETE FROM "sender_allowances" WHERE "nextFreeAt" < CAST(? AS BIGINT)', [now]);
    }
}
