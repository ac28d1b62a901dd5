/**
 * Runs tasks one at a time per key, in arrival order, across async gaps: a promise chain per key, dropped again
 * when its queue drains so memory does not grow with the number of conversations.
 */
export class KeyedLock {
    private readonly tails = new Map<string, Promise<void>>();

    /** Runs `task` after every earlier task for `key` has settled; resolves or rejects with `task`'s outcome. */
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const current = new Promise<void>((resolve) => { release = resolve; });
        const tail = previous.then(() => current);
        this.tails.set(key, tail);
        await previous;
        try {
            return await task();
        } finally {
            release();
            if (this.tails.get(key) === tail) this.tails.delete(key);
        }
    }

}
