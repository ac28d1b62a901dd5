import { DeliveryTurn, InboundItem, Inbox } from './ports';

/** Message ids remembered for de-duplication; platforms redeliver within minutes, not after this many messages. */
const REMEMBERED_IDS = 50_000;

/**
 * An {@link Inbox} in memory, for a bot that runs one process and may lose deliveries in a crash (a test, a
 * prototype): a redelivered id is run once, and each conversation's turns run one after another in arrival order,
 * starting after the platform has been answered. It holds no lock of the host's: a host that also sends proactive
 * messages adds its own serialising middleware, which then takes its lock once a turn.
 */
export class InMemoryInbox implements Inbox {
    private readonly seen = new Set<string>();
    private readonly tails = new Map<string, Promise<void>>();
    private outstanding = 0;
    private readonly idleWaiters: Array<() => void> = [];

    async accept(channel: string, messageId: string | undefined, conversationId: string, item: InboundItem, turn: DeliveryTurn): Promise<boolean> {
        if (messageId !== undefined) {
            const key = `${channel}\u0000${messageId}`;
            if (this.seen.has(key)) return false;
            this.seen.add(key);
            // A Set iterates in insertion order: the first entry is the oldest.
            if (this.seen.size > REMEMBERED_IDS) this.seen.delete(this.seen.values().next().value as string);
        }
        const key = `${channel}\u0000${conversationId}`;
        this.outstanding += 1;
        const previous = this.tails.get(key) ?? Promise.resolve();
        // setImmediate: the webhook's 200 goes out before any dialog work. The turn reports its own failures.
        const tail = previous
            .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
            .then(() => turn(item))
            .catch(() => undefined)
            .finally(() => {
                if (this.tails.get(key) === tail) this.tails.delete(key);
                this.outstanding -= 1;
                if (this.outstanding === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
            });
        this.tails.set(key, tail);
        return true;
    }

    /** Nothing survives a restart here, so nothing is waiting. */
    async resume(): Promise<number> {
        return 0;
    }

    async idle(): Promise<void> {
        if (this.outstanding === 0) return;
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
}
