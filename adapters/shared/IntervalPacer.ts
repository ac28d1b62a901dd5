/** Settings of {@link IntervalPacer}. */
export interface IntervalPacerOptions {
    /**
     * Share of `perSecond` actually used (default 0.95). Platforms count messages as they arrive, and network and
     * event-loop jitter bunch messages that left evenly spaced; the headroom keeps the arrivals under the limit too.
     */
    headroom?: number;
    /** Clock in ms (tests). */
    now?: () => number;
}

/**
 * How early a grant may come. Timers fire at best every millisecond, so high rates need a few grants per tick; 5 ms
 * keeps any 1-second window at or under the limit once the headroom is applied (at most 0.955 x rate + 1 grants).
 */
const TOLERANCE_MS = 5;

/**
 * Spaces sends so that no 1-second window holds more than `perSecond` of them (a GCRA with a small tolerance).
 * Unlike a pacer that hands out future slots when asked, it decides when a caller wakes: callers delayed by a busy
 * event loop or a slow database never get to go together afterwards, so a stall cannot turn into a burst.
 */
export class IntervalPacer {
    /** Time between grants, in ms. */
    readonly intervalMs: number;
    private readonly now: () => number;
    /** When the next grant would be due at the exact rate. */
    private theoreticalAt = -Infinity;
    private queue: Promise<void> = Promise.resolve();

    /** @throws RangeError for a rate that is not a positive number or a headroom outside (0, 1]. */
    constructor(perSecond: number, options: IntervalPacerOptions = {}) {
        const headroom = options.headroom ?? 0.95;
        if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`IntervalPacer needs a positive rate per second, got ${perSecond}`);
        if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`IntervalPacer headroom must be in (0, 1], got ${headroom}`);
        this.intervalMs = 1000 / (perSecond * headroom);
        this.now = options.now ?? (() => performance.now());
    }

    /** Ms until a caller asking now would be let through (0: at once), ignoring callers already waiting. */
    delayMs(): number {
        return Math.max(0, this.theoreticalAt - TOLERANCE_MS - this.now());
    }

    /** Resolves when the caller may send; callers are served in the order they asked. */
    wait(): Promise<void> {
        const turn = this.queue.then(() => this.grant());
        this.queue = turn;
        return turn;
    }

    private async grant(): Promise<void> {
        for (;;) {
            const now = this.now();
            const allowedAt = this.theoreticalAt - TOLERANCE_MS;
            if (now >= allowedAt) {
                // Late callers restart the schedule from now rather than catching up on the slots they missed.
                this.theoreticalAt = Math.max(this.theoreticalAt, now) + this.intervalMs;
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, Math.max(1, allowedAt - now)));
        }
    }
}
