import { AdapterLogger, DeliveryTurn, InboundItem, Inbox, silentLogger } from '../../adapters/shared/ports';
import { KeyedLock } from './KeyedLock';
import { SenderRateLimiter } from './SenderRateLimiter';
import { markSerialized, turnLockKey } from './SerializeTurnsMiddleware';
import { TurnLock } from './TurnLock';

/** The durable record of accepted deliveries the inbox drains ({@link ChannelStore} on the database). */
export interface DeliveryLog {
    /** Records an inbound delivery durably; null when it was recorded before (a redelivery), else its id. */
    recordInbound(channel: string, messageId: string, payload?: unknown, conversationId?: string | null): Promise<number | null>;
    /** Marks an inbound delivery's turn as done. */
    markProcessed(id: number): Promise<void>;
    /** The oldest unprocessed deliveries of one conversation, in arrival order. */
    unprocessedInbound(channel: string, conversationId: string, limit: number): Promise<Array<{ id: number; payload: unknown }>>;
    /** Conversations with deliveries waiting longer than `olderThanMs`, oldest first. */
    unprocessedConversations(channel: string, olderThanMs?: number): Promise<Array<{ conversationId: string; messages: number }>>;
}

/** Options of {@link ConversationInbox}. */
export interface ConversationInboxOptions {
    /** Where deliveries are recorded before the platform is answered. */
    log: DeliveryLog;
    /**
     * The per-conversation lock, shared with the host's `SerializeTurnsMiddleware`. The default holds in this process;
     * with several processes on one database pass one that holds across them (`PostgresTurnLock`).
     */
    lock?: TurnLock;
    /** Spaces out the turns of a sender who floods the bot; none by default. */
    rateLimiter?: SenderRateLimiter;
    /**
     * Conversations whose turns run at once (default 4). Deliveries beyond that wait their turn in arrival order, so a
     * burst does not starve the event loop that answers webhooks.
     */
    maxConcurrentTurns?: number;
    /** Told when a sender's turn is postponed by the rate limit (metrics). */
    observer?: { rateLimited?(channel: string): void };
    logger?: AdapterLogger;
}

const DEFAULT_CONCURRENT_TURNS = 4;
const DRAIN_BATCH = 20;

/**
 * The conversation runtime behind every webhook adapter: records each delivery before the platform is answered, then
 * drains each conversation's deliveries in arrival order under its lock (so with several instances, whichever holds
 * it runs what all of them recorded, none twice), a few conversations at a time, fairly, with the per-sender rate
 * limit, and replays what a stopped process left. Hand-written rather than a job-queue library: the unit of order is
 * the conversation and the lock is the one the dialogs' state already depends on.
 */
export class ConversationInbox implements Inbox {
    /** Conversations waiting for a turn slot, in the order their messages arrived. */
    private readonly ready: string[] = [];
    private readonly queued = new Set<string>();
    /** Conversations being drained now, and those that received more while being drained. */
    private readonly draining = new Set<string>();
    private readonly again = new Set<string>();
    /** How each channel's deliveries become turns (the adapter's, given with each delivery). */
    private readonly turns = new Map<string, DeliveryTurn>();
    private running = 0;
    /** Queued drains, running drains and rate-limit timers; `idle()` waits for none. */
    private outstanding = 0;
    private readonly idleWaiters: Array<() => void> = [];
    private readonly timers = new Set<NodeJS.Timeout>();
    private stopping = false;
    private readonly lock: TurnLock;
    private readonly logger: AdapterLogger;

    constructor(private readonly options: ConversationInboxOptions) {
        this.lock = options.lock ?? new KeyedLock();
        this.logger = options.logger ?? silentLogger;
    }

    /** Records the delivery (durably: the platform forgets it after the 200) and asks for its conversation's drain. */
    async accept(channel: string, messageId: string | undefined, conversationId: string, item: InboundItem, turn: DeliveryTurn): Promise<boolean> {
        this.turns.set(channel, turn);
        const recorded = messageId ? await this.options.log.recordInbound(channel, messageId, item, conversationId) : null;
        // A redelivery's first copy may have been recorded when the database failed right after: run what is left.
        this.requestDrain(channel, conversationId);
        return recorded !== null;
    }

    /**
     * Runs the deliveries that were acknowledged but never processed because a process stopped (a crash, a deploy) or
     * the database failed under a turn. Call at start, before taking webhooks, and now and then after (`olderThanMs`
     * then skips deliveries whose turn is probably just starting); safe while other instances run, since every
     * conversation is drained under its lock.
     */
    async resume(channel: string, turn: DeliveryTurn, olderThanMs = 0): Promise<number> {
        this.turns.set(channel, turn);
        const waiting = await this.options.log.unprocessedConversations(channel, olderThanMs);
        let count = 0;
        for (const { conversationId, messages } of waiting) {
            count += messages;
            this.requestDrain(channel, conversationId);
        }
        if (count > 0) this.logger.info('replaying acknowledged deliveries', { channel, count });
        return count;
    }

    /**
     * For shutdown: turns postponed by the rate limit are not waited for (their messages stay stored for the next
     * start), and none is postponed from now on. Turns already queued or running still finish; see {@link idle}.
     */
    stop(): void {
        this.stopping = true;
        for (const timer of this.timers) {
            clearTimeout(timer);
            this.settle();
        }
        this.timers.clear();
    }

    /** Resolves when every delivery seen so far has had its turn (tests, graceful shutdown). */
    async idle(): Promise<void> {
        if (this.outstanding === 0) return;
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }

    /**
     * Asks for the conversation's stored deliveries to be run. Only a few conversations drain at once, so a burst does
     * not starve the event loop that answers webhooks, and a user whose replies are slow to send delays no one else.
     */
    private requestDrain(channel: string, conversationId: string): void {
        const slot = `${channel}\u0000${conversationId}`;
        if (this.draining.has(slot)) {
            // Rows recorded while a drain runs may be after its last read: drain once more when it ends.
            this.again.add(slot);
            return;
        }
        if (this.queued.has(slot)) return;
        this.outstanding += 1;
        this.queued.add(slot);
        this.ready.push(slot);
        // Start no earlier than the next macrotask, so the webhook's 200 goes out before any dialog work.
        setImmediate(() => this.pump());
    }

    private pump(): void {
        const slots = this.options.maxConcurrentTurns ?? DEFAULT_CONCURRENT_TURNS;
        while (this.running < slots && this.ready.length > 0) {
            const slot = this.ready.shift()!;
            this.queued.delete(slot);
            this.running += 1;
            this.draining.add(slot);
            const [channel, conversationId] = slot.split('\u0000') as [string, string];
            void this.drain(channel, conversationId, slot)
                .catch((error: Error) => this.logger.error('could not run stored deliveries; they will be retried', { channel, error }))
                .finally(() => {
                    this.running -= 1;
                    this.draining.delete(slot);
                    if (this.again.delete(slot)) this.requestDrain(channel, conversationId);
                    this.settle();
                    this.pump();
                });
        }
    }

    /**
     * Runs every stored, unprocessed delivery of one conversation in the order they arrived, holding the conversation's
     * lock. A sender over the rate limit is put back for later without holding a slot.
     */
    private async drain(channel: string, conversationId: string, slot: string): Promise<void> {
        const turn = this.turns.get(channel);
        if (!turn) return;
        const key = turnLockKey(channel, conversationId);
        await this.lock.run(key, async () => {
            for (;;) {
                const rows = await this.options.log.unprocessedInbound(channel, conversationId, DRAIN_BATCH);
                if (rows.length === 0) return;
                for (const { id, payload } of rows) {
                    const wait = (await this.options.rateLimiter?.take(key)) ?? 0;
                    if (wait > 0) {
                        this.options.observer?.rateLimited?.(channel);
                        if (!this.stopping) this.later(channel, conversationId, wait);
                        return;
                    }
                    const item = payload as InboundItem;
                    if (item.activity?.timestamp) item.activity.timestamp = new Date(item.activity.timestamp);
                    // This drain holds the conversation's lock for the turn: the serialising middleware need not take it again.
                    await turn(item, markSerialized);
                    try {
                        await this.options.log.markProcessed(id);
                    } catch (error) {
                        // Stop rather than run the same delivery again at once; it is replayed later.
                        this.logger.error('could not mark a delivery processed; it may be replayed', { channel, error: error as Error });
                        this.again.delete(slot);
                        return;
                    }
                    // One turn per slot while others wait: a user who writes fast goes to the back of the line, so a
                    // new user's first message is not stuck behind a whole conversation.
                    if (this.ready.length > 0) {
                        this.again.add(slot);
                        return;
                    }
                }
                // A short batch was everything: a message recorded since asks for its own drain (this process sets
                // `again`; another instance drains after this lock is released), so no second read is needed.
                if (rows.length < DRAIN_BATCH) return;
            }
        });
    }

    private later(channel: string, conversationId: string, ms: number): void {
        this.outstanding += 1;
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.requestDrain(channel, conversationId);
            this.settle();
        }, ms);
        this.timers.add(timer);
    }

    private settle(): void {
        this.outstanding -= 1;
        if (this.outstanding === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
}
