/**
 * Spaces calls so that no more than `perSecond` start in any second: each caller waits for its slot. WhatsApp
 * answers 130429 above a number's throughput (80 messages per second by default); pacing avoids the error rather
 * than retrying into it.
 */
export class RatePacer {
    private nextSlot = 0;

    constructor(private readonly perSecond: number, private readonly now: () => number = () => Date.now()) {
        if (!(perSecond > 0)) throw new Error(`RatePacer needs a positive rate, got ${perSecond}`);
    }

    /** Resolves when the caller may send. */
    async wait(): Promise<void> {
        const interval = 1000 / this.perSecond;
        const now = this.now();
        const slot = Math.max(now, this.nextSlot);
        this.nextSlot = slot + interval;
        if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
    }
}
