/** Options of {@link SenderRateLimiter}. */
export interface SenderRateLimiterOptions {
    /** Messages a sender may send at once before being slowed; default 10. */
    burst?: number;
    /** Sustained messages per minute per sender; default 20. */
    perMinute?: number;
    /** Clock, for tests. */
    now?: () => number;
}

const SWEEP_AT = 10_000;

/**
 * A token bucket per sender. A consumer typing normally never meets it; one flooding the bot has their turns spaced out
 * (their messages are kept, not dropped) while everyone else's run as usual. Buckets that have refilled are forgotten,
 * so memory follows the number of senders active in the last minutes.
 */
export class SenderRateLimiter {
    private readonly burst: number;
    private readonly perMs: number;
    private readonly now: () => number;
    private readonly buckets = new Map<string, { tokens: number; at: number }>();

    constructor(options: SenderRateLimiterOptions = {}) {
        this.burst = options.burst ?? 10;
        this.perMs = (options.perMinute ?? 20) / 60_000;
        this.now = options.now ?? Date.now;
        if (!(this.burst >= 1) || !(this.perMs > 0)) throw new Error('SenderRateLimiter: burst must be ≥ 1 and perMinute > 0');
    }

    /** Takes a token for `sender` and returns 0, or returns how many ms to wait for one (taking nothing). */
    take(sender: string): number {
        const now = this.now();
        const bucket = this.buckets.get(sender) ?? { tokens: this.burst, at: now };
        bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
        bucket.at = now;
        if (this.buckets.size >= SWEEP_AT) this.sweep(now);
        this.buckets.set(sender, bucket);
        if (bucket.tokens >= 1) {
            bucket.tokens -= 1;
            return 0;
        }
        return Math.ceil((1 - bucket.tokens) / this.perMs);
    }

    /** Senders currently tracked (tests, metrics). */
    get size(): number {
        return this.buckets.size;
    }

    private sweep(now: number): void {
        for (const [sender, bucket] of this.buckets) {
            if (bucket.tokens + (now - bucket.at) * this.perMs >= this.burst) this.buckets.delete(sender);
        }
    }
}
