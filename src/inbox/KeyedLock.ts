import { AsyncLocalStorage } from 'async_hooks';
import { TurnLock } from './TurnLock';

/** One holding of a key by a lock; timers and callbacks created while holding outlive it, so they check `live`. */
interface Holding {
    lock: KeyedLock;
    key: string;
    live: boolean;
}

// One storage for every lock: Node keeps each AsyncLocalStorage it has seen in use and copies every one of them into
// each new promise, so a storage per lock made every await slower with each lock ever created (one per app in tests).
const HELD = new AsyncLocalStorage<readonly Holding[]>();

/**
 * Runs tasks one at a time per key, in arrival order, across async gaps: a promise chain per key, dropped again
 * when its queue drains so memory does not grow with the number of conversations. Re-entrant: a task may run another
 * task for a key it already holds (a webhook drain holds the conversation while the turn's middleware asks again).
 * One process only; {@link PostgresTurnLock} extends it across processes.
 */
export class KeyedLock implements TurnLock {
    private readonly tails = new Map<string, Promise<void>>();

    /** Runs `task` after every earlier task for `key` has settled; resolves or rejects with `task`'s outcome. */
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
        if (this.holds(key)) return task();
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const current = new Promise<void>((resolve) => {
            release = resolve;
        });
        const tail = previous.then(() => current);
        this.tails.set(key, tail);
        await previous;
        // A timer set inside the task inherits this context; once released the holding must not count for it.
        const holding: Holding = { lock: this, key, live: true };
        try {
            // Other locks' holdings stay in the flow: a turn holding a conversation may take another lock's key.
            return await HELD.run([...(HELD.getStore() ?? []).filter((h) => h.live), holding], task);
        } finally {
            holding.live = false;
            release();
            if (this.tails.get(key) === tail) this.tails.delete(key);
        }
    }

    /** Whether the current async flow holds `key` now. */
    holds(key: string): boolean {
        return this.liveHoldings().some((h) => h.key === key);
    }

    /** Whether the current async flow holds any key now. */
    holdsAny(): boolean {
        return this.liveHoldings().length > 0;
    }

    private liveHoldings(): Holding[] {
        return (HELD.getStore() ?? []).filter((h) => h.live && h.lock === this);
    }
}
