import { AsyncLocalStorage } from 'async_hooks';
import { TurnLock } from './TurnLock';

/**
 * Runs tasks one at a time per key, in arrival order, across async gaps: a promise chain per key, dropped again
 * when its queue drains so memory does not grow with the number of conversations. Re-entrant: a task may run another
 * task for a key it already holds (a webhook drain holds the conversation while the turn's middleware asks again).
 * One process only; {@link PostgresTurnLock} extends it across processes.
 */
export class KeyedLock implements TurnLock {
    private readonly tails = new Map<string, Promise<void>>();
    private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

    /** Runs `task` after every earlier task for `key` has settled; resolves or rejects with `task`'s outcome. */
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
        const holding = this.held.getStore();
        if (holding?.has(key)) return task();
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const current = new Promise<void>((resolve) => { release = resolve; });
        const tail = previous.then(() => current);
        this.tails.set(key, tail);
        await previous;
        try {
            return await this.held.run(new Set([...(holding ?? []), key]), task);
        } finally {
            release();
            if (this.tails.get(key) === tail) this.tails.delete(key);
        }
    }

    /** Whether the current async flow holds `key`. */
    holds(key: string): boolean {
        return this.held.getStore()?.has(key) ?? false;
    }
}
