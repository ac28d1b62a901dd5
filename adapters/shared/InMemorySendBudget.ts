import { SendBudget, SendWindow } from './ports';

/** Effectively unlimited use: what an exhausted window records, so that every limit refuses. */
const EXHAUSTED = Number.MAX_SAFE_INTEGER;

/** A {@link SendBudget} in memory, for a bot that runs one process: each instance would count its own sends. */
export class InMemorySendBudget implements SendBudget {
    private readonly windows = new Map<string, { endsAt: number; used: number }>();

    async take(key: string, windows: readonly SendWindow[], now: number): Promise<number> {
        let wait = 0;
        for (const window of windows) {
            const state = this.windows.get(`${key}:${window.name}`);
            if (state && state.endsAt > now && state.used >= window.limit) wait = Math.max(wait, state.endsAt - now);
        }
        if (wait > 0) return wait;
        for (const window of windows) {
            const id = `${key}:${window.name}`;
            const state = this.windows.get(id);
            if (!state || state.endsAt <= now) this.windows.set(id, { endsAt: now + window.periodMs, used: 1 });
            else state.used += 1;
        }
        return 0;
    }

    async exhaust(key: string, name: string, until: number, now: number): Promise<void> {
        const id = `${key}:${name}`;
        const state = this.windows.get(id);
        this.windows.set(id, { endsAt: Math.max(until, state && state.endsAt > now ? state.endsAt : 0), used: EXHAUSTED });
    }
}
