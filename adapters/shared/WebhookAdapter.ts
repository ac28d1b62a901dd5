import { IncomingHttpHeaders } from 'http';
import { continuationLogic } from './continuationLogic';
import { nestedDeeperThan } from './jsonDepth';
import { Activity, ActivityTypes, BotAdapter, ChannelAccount, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { PlatformApiError } from './PlatformApiError';
import type { ClaimsIdentity } from 'botframework-connector';
import { conversationKeyOf } from './conversationKey';
import { InMemoryChannelLedger } from './InMemoryChannelLedger';
import { AdapterLogger, ChannelLedger, DeliveryStatus, silentLogger, TurnLock } from './ports';
import { vouchForSenderPhone } from './senderPhone';
import { SenderRateLimiter } from './SenderRateLimiter';
import { markSerialized, turnLockKey } from './SerializeTurnsMiddleware';
import { WebhookObserver } from './WebhookObserver';
import { KeyedLock } from './KeyedLock';

/** The bot's turn handler, as `bot.run`. */
export type TurnLogic = (context: TurnContext) => Promise<void>;

/** What a webhook request is answered with. */
export interface WebhookResponse {
    /** HTTP status. */
    status: number;
    /** Response body (the challenge, the CRC token, a short reason). */
    body?: string;
    /** Content type of the body; plain text when absent. */
    contentType?: string;
}

/** One platform message of a rendered activity; `kind` is stored with its delivery record. */
export interface OutboundPart {
    kind: string;
}

/** One inbound platform message turned into an activity, plus what only the adapter may vouch for. */
export interface InboundItem {
    activity: Partial<Activity>;
    /** The sender's phone number as the platform itself reported it (WhatsApp's wa_id), after the signature check. */
    trustedPhone?: string | null;
}

/** A delivery receipt for messages the bot sent. */
export type DeliveryUpdate =
    | { kind: 'message'; platformMessageId: string; status: DeliveryStatus; errorCode?: string; errorDetail?: string }
    | { kind: 'watermark'; recipient: string; watermark: Date; status: 'delivered' | 'read' };

/** What a platform webhook body maps to: messages that start turns, and receipts that never do. */
export interface InboundBatch {
    items: InboundItem[];
    deliveries: DeliveryUpdate[];
}

/** Thrown by a mapper for a body that is not the platform's shape; answered with 400. */
export class MalformedWebhookError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'MalformedWebhookError';
    }
}

/** Options every webhook adapter takes. */
export interface WebhookAdapterOptions {
    /** Inbound de-duplication, the reply window and delivery records; in memory by default (lost in a crash). */
    store?: ChannelLedger;
    /** Where failures and dropped duplicates are logged; nowhere by default. */
    logger?: AdapterLogger;
    /**
     * Conversations whose turns run at once (default 4). Acknowledged deliveries beyond that wait their turn in arrival
     * order, so a burst does not starve the event loop that answers webhooks.
     */
    maxConcurrentTurns?: number;
    /**
     * The per-conversation lock, shared with the host's `SerializeTurnsMiddleware`. The default holds in this process;
     * with several processes on one database pass one that holds across them (`PostgresTurnLock`).
     */
    turnLock?: TurnLock;
    /** Spaces out the turns of a sender who floods the bot; none by default. */
    rateLimiter?: SenderRateLimiter;
    /** Told of duplicates, sends and postponements (metrics). */
    observer?: WebhookObserver;
}

const PROACTIVE = Symbol('bijliMitra.proactiveTurn');
const DEFAULT_CONCURRENT_TURNS = 4;
const DRAIN_BATCH = 20;

/**
 * The shape every platform adapter shares: handshake, signature check on the raw bytes, mapping of every element
 * of every batch, de-duplication in the database before answering, 200 at once, then turns run in the background,
 * in order per conversation (the turn lock is the `SerializeTurnsMiddleware` the host adds). Subclasses supply the
 * platform parts: handshake, signature, inbound mapping and outbound delivery.
 */
export abstract class WebhookAdapter extends BotAdapter {
    /** The Bot Framework channel id (`whatsapp`, `facebook`, `twitter`). */
    abstract readonly channelId: string;
    /** Conversations waiting for a turn slot, in the order their messages arrived. */
    private readonly ready: string[] = [];
    private readonly queued = new Set<string>();
    /** Conversations being drained now, and those that received more while being drained. */
    private readonly draining = new Set<string>();
    private readonly again = new Set<string>();
    private running = 0;
    /** Queued drains, running drains and rate-limit timers; `idle()` waits for none. */
    private outstanding = 0;
    private readonly idleWaiters: Array<() => void> = [];
    private readonly timers = new Set<NodeJS.Timeout>();
    private logic: TurnLogic | undefined;
    private stopping = false;
    private readonly turnLock: TurnLock;
    protected readonly store: ChannelLedger;
    protected readonly logger: AdapterLogger;

    constructor(protected readonly shared: WebhookAdapterOptions) {
        super();
        this.turnLock = shared.turnLock ?? new KeyedLock();
        this.store = shared.store ?? new InMemoryChannelLedger();
        this.logger = shared.logger ?? silentLogger;
    }

    /** Answers the platform's GET verification (hub challenge, CRC). */
    abstract handshake(query: Record<string, unknown>): WebhookResponse;

    /** Whether the raw body carries a valid signature from the platform. */
    protected abstract verifySignature(raw: Buffer, headers: IncomingHttpHeaders): boolean;

    /** Maps a parsed body to activities and delivery receipts; pure, and throws {@link MalformedWebhookError}. */
    protected abstract mapInbound(payload: unknown): InboundBatch;

    /** Renders one outgoing message activity as the platform messages that carry it (text chunks, buttons…). */
    protected abstract render(activity: Partial<Activity>): OutboundPart[];

    /** Sends one rendered part to `user`; resolves with the platform message id, rejects with PlatformApiError. */
    protected abstract sendPart(user: ChannelAccount, part: OutboundPart, proactive: boolean): Promise<string>;

    /** The error code stored for a failed send (platform code, `code/subcode`, or the HTTP status). */
    protected errorCodeOf(error: PlatformApiError): string {
        if (error.code === undefined) return error.status === 0 ? 'network' : String(error.status);
        return error.subcode === undefined ? error.code : `${error.code}/${error.subcode}`;
    }

    /**
     * A platform refused a part for good. Return true when the subclass dealt with it (WhatsApp sends its template
     * instead); otherwise the failure is recorded and the rest of the activity is not sent.
     */
    protected async onSendRefused(_context: TurnContext, _activity: Partial<Activity>, _error: PlatformApiError): Promise<boolean> {
        return false;
    }

    /**
     * Renders, sends and records one outgoing activity. A platform error is recorded as a failed delivery and the
     * dialog goes on: the user misses one message but keeps their conversation (throwing would make the bot reset
     * it and send an apology to the same unreachable user). Only programming errors propagate.
     */
    protected async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
        const store = this.store;
        let lastId = '';
        for (const part of this.render(activity)) {
            try {
                lastId = await this.sendPart(user, part, proactive);
            } catch (error) {
                if (!(error instanceof PlatformApiError)) throw error;
                this.shared.observer?.sendResult?.(this.channelId, 'failed', this.errorCodeOf(error));
                if (await this.onSendRefused(context, activity, error)) return { id: '' };
                await store.recordOutbound({
                    channel: this.channelId,
                    conversationId,
                    recipient: user.id,
                    kind: part.kind,
                    platformMessageId: null,
                    status: 'failed',
                    errorCode: this.errorCodeOf(error),
                    errorDetail: error.message,
                });
                this.logger.warn('message not delivered', { channel: this.channelId, conversation: conversationId, code: this.errorCodeOf(error) });
                return { id: '' };
            }
            // Recorded outside the try: a database error after a successful send must not be taken for a failed send.
            this.shared.observer?.sendResult?.(this.channelId, 'sent');
            await store.recordOutbound({
                channel: this.channelId,
                conversationId,
                recipient: user.id,
                kind: part.kind,
                platformMessageId: lastId,
                status: 'sent',
            });
        }
        return { id: lastId };
    }

    /**
     * Handles one webhook POST: answers 401 for a bad signature and 400 for a body that is not JSON or not the
     * platform's structure, with nothing processed; otherwise records receipts and new messages and answers 200 while
     * turns run after. Event types the mapper does not know are acknowledged and skipped.
     */
    async handleWebhook(raw: Buffer, headers: IncomingHttpHeaders, logic: TurnLogic): Promise<WebhookResponse> {
        if (!this.verifySignature(raw, headers)) {
            this.logger.warn('webhook signature rejected', { channel: this.channelId });
            return { status: 401, body: 'invalid signature' };
        }
        let payload: unknown;
        try {
            payload = JSON.parse(raw.toString('utf8'));
        } catch {
            return { status: 400, body: 'malformed JSON' };
        }
        // Mapping, storing and logging recurse into the payload: refuse absurd nesting before any of them.
        if (nestedDeeperThan(payload)) return { status: 400, body: 'malformed webhook body: nested too deeply' };
        let batch: InboundBatch;
        try {
            batch = this.mapInbound(payload);
        } catch (error) {
            // Mappers skip event types they do not know (a new webhook field is acknowledged, or the platform would
            // retry it for days); they throw only for a body of the wrong structure, which no platform sends.
            if (!(error instanceof MalformedWebhookError)) throw error;
            this.logger.warn('webhook body malformed; nothing processed', { channel: this.channelId, reason: error.message });
            return { status: 400, body: 'malformed webhook body' };
        }
        for (const delivery of batch.deliveries) await this.applyDelivery(delivery);
        this.logic = logic;
        let duplicates = 0;
        for (const item of batch.items) {
            const activity = item.activity;
            // Drains are keyed by the stored form, so a sweep (which knows only that) and a webhook name the same one.
            const conversationId = conversationKeyOf(activity.conversation?.id ?? '');
            const recorded = activity.id ? await this.store.recordInbound(this.channelId, activity.id, item, conversationId) : null;
            if (recorded === null) {
                duplicates += 1;
                // Its first delivery may have been recorded when the database failed right after: run what is left.
                this.requestDrain(conversationId);
                continue;
            }
            this.requestDrain(conversationId);
        }
        if (duplicates > 0) {
            this.logger.info('duplicate deliveries dropped', { channel: this.channelId, duplicates });
            this.shared.observer?.duplicatesDropped?.(this.channelId, duplicates);
        }
        return { status: 200 };
    }

    /**
     * Runs the turns of deliveries that were acknowledged but never processed because a process stopped (a crash, a
     * deploy) or the database failed under a turn. Call at start, before taking webhooks, and now and then after
     * (`olderThanMs` then skips deliveries whose turn is probably just starting); safe while other instances run, since
     * every conversation is drained under its lock. Resolves with how many deliveries were waiting.
     */
    async resumeUnprocessed(logic: TurnLogic, olderThanMs = 0): Promise<number> {
        this.logic = logic;
        const waiting = await this.store.unprocessedConversations(this.channelId, olderThanMs);
        let count = 0;
        for (const { conversationId, messages } of waiting) {
            count += messages;
            this.requestDrain(conversationId);
        }
        if (count > 0) this.logger.info('replaying acknowledged deliveries', { channel: this.channelId, count });
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

    /** Resolves when every acknowledged delivery seen so far has had its turn (tests, graceful shutdown). */
    async idle(): Promise<void> {
        if (this.outstanding === 0) return;
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }

    /** Sends each outgoing activity; `delay` activities wait, other non-message activities are dropped. */
    async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        const responses: ResourceResponse[] = [];
        const proactive = context.turnState.get(PROACTIVE) === true;
        for (const activity of activities) {
            if (activity.type === ActivityTypes.Message) {
                responses.push(await this.deliver(context, activity, proactive));
            } else {
                if (activity.type === 'delay') await new Promise((resolve) => setTimeout(resolve, Number(activity.value) || 1000));
                responses.push({ id: '' });
            }
        }
        return responses;
    }

    /** Platforms here cannot edit a sent message. */
    async updateActivity(): Promise<void> {
        throw new Error(`${this.constructor.name}: the platform cannot edit a message once sent`);
    }

    /** Platforms here cannot delete a sent message for the user. */
    async deleteActivity(): Promise<void> {
        throw new Error(`${this.constructor.name}: the platform cannot delete a message once sent`);
    }

    /** Runs `logic` as a proactive turn (complaint updates, outage notices) in a stored conversation. */
    async continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
        const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
        const context = new TurnContext(this, activity);
        context.turnState.set(PROACTIVE, true);
        await this.runMiddleware(context, logic);
    }

    /** Same as {@link continueConversation}; Bot Framework app ids and claims do not apply to these platforms. */
    override async continueConversationAsync(
        _botAppIdOrClaims: string | ClaimsIdentity,
        reference: Partial<ConversationReference>,
        logicOrAudience: TurnLogic | string,
        maybeLogic?: TurnLogic
    ): Promise<void> {
        const logic = continuationLogic(logicOrAudience, maybeLogic);
        await this.continueConversation(reference, logic);
    }

    /**
     * Asks for the conversation's stored deliveries to be run. Only a few conversations drain at once, so a burst does
     * not starve the event loop that answers webhooks, and a user whose replies are slow to send delays no one else.
     */
    private requestDrain(conversationId: string): void {
        if (this.draining.has(conversationId)) {
            // Rows recorded while a drain runs may be after its last read: drain once more when it ends.
            this.again.add(conversationId);
            return;
        }
        if (this.queued.has(conversationId)) return;
        this.outstanding += 1;
        this.queued.add(conversationId);
        this.ready.push(conversationId);
        // Start no earlier than the next macrotask, so the webhook's 200 goes out before any dialog work.
        setImmediate(() => this.pump());
    }

    private pump(): void {
        const slots = this.shared.maxConcurrentTurns ?? DEFAULT_CONCURRENT_TURNS;
        while (this.running < slots && this.ready.length > 0) {
            const conversationId = this.ready.shift()!;
            this.queued.delete(conversationId);
            this.running += 1;
            this.draining.add(conversationId);
            void this.drain(conversationId)
                .catch((error: Error) => this.logger.error('could not run stored deliveries; they will be retried', { channel: this.channelId, error }))
                .finally(() => {
                    this.running -= 1;
                    this.draining.delete(conversationId);
                    if (this.again.delete(conversationId)) this.requestDrain(conversationId);
                    this.settle();
                    this.pump();
                });
        }
    }

    /**
     * Runs every stored, unprocessed delivery of one conversation in the order they arrived, holding the conversation's
     * lock: with several instances, whichever holds it runs the deliveries all instances recorded, so none runs twice
     * or out of order. A sender over the rate limit is put back for later without holding a slot.
     */
    private async drain(conversationId: string): Promise<void> {
        const logic = this.logic;
        if (!logic) return;
        const key = turnLockKey(this.channelId, conversationId);
        await this.turnLock.run(key, async () => {
            for (;;) {
                const rows = await this.store.unprocessedInbound(this.channelId, conversationId, DRAIN_BATCH);
                if (rows.length === 0) return;
                for (const { id, payload } of rows) {
                    const wait = this.shared.rateLimiter?.take(key) ?? 0;
                    if (wait > 0) {
                        this.shared.observer?.rateLimited?.(this.channelId);
                        if (!this.stopping) this.later(conversationId, wait);
                        return;
                    }
                    const item = payload as InboundItem;
                    if (item.activity?.timestamp) item.activity.timestamp = new Date(item.activity.timestamp);
                    // The user's message opens the platform's reply window; noted here rather than before the 200, so the
                    // answer costs one insert. (Platform timestamps are not used: a replayed message must not shrink it.)
                    if (item.activity?.from?.id) await this.store.markInbound(this.channelId, item.activity.from.id);
                    await this.runTurn(item, logic);
                    try {
                        await this.store.markProcessed(id);
                    } catch (error) {
                        // Stop rather than run the same delivery again at once; it is replayed later.
                        this.logger.error('could not mark a delivery processed; it may be replayed', { channel: this.channelId, error: error as Error });
                        this.again.delete(conversationId);
                        return;
                    }
                    // One turn per slot while others wait: a user who writes fast goes to the back of the line, so a
                    // new user's first message is not stuck behind a whole conversation.
                    if (this.ready.length > 0) {
                        this.again.add(conversationId);
                        return;
                    }
                }
                // A short batch was everything: a message recorded since asks for its own drain (this process sets
                // `again`; another instance drains after this lock is released), so no second read is needed.
                if (rows.length < DRAIN_BATCH) return;
            }
        });
    }

    private later(conversationId: string, ms: number): void {
        this.outstanding += 1;
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.requestDrain(conversationId);
            this.settle();
        }, ms);
        this.timers.add(timer);
    }

    private settle(): void {
        this.outstanding -= 1;
        if (this.outstanding === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }

    private async runTurn(item: InboundItem, logic: TurnLogic): Promise<void> {
        const context = new TurnContext(this, item.activity);
        // drain() holds the conversation's lock for this turn: the serialising middleware need not take it again.
        markSerialized(context);
        if (item.trustedPhone) vouchForSenderPhone(context, item.trustedPhone);
        try {
            await this.runMiddleware(context, logic);
        } catch (error) {
            this.logger.error('turn failed', { channel: this.channelId, conversation: item.activity.conversation?.id, error: error as Error });
        }
    }

    private async applyDelivery(delivery: DeliveryUpdate): Promise<void> {
        if (delivery.kind === 'message') {
            const found = await this.store.updateDelivery(
                this.channelId,
                delivery.platformMessageId,
                delivery.status,
                delivery.errorCode,
                delivery.errorDetail
            );
            if (delivery.status === 'failed') {
                this.logger.warn('message delivery failed', { channel: this.channelId, code: delivery.errorCode, detail: delivery.errorDetail, known: found });
            }
        } else {
            await this.store.markUpTo(this.channelId, delivery.recipient, delivery.watermark, delivery.status);
        }
    }
}
