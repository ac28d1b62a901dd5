import { IncomingHttpHeaders } from 'http';
import { continuationLogic } from './continuationLogic';
import { nestedDeeperThan } from './jsonDepth';
import { Activity, ActivityTypes, BotAdapter, ChannelAccount, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { AuthCircuit, AuthCircuitOptions } from './AuthCircuit';
import { PlatformApiError } from './PlatformApiError';
import type { ClaimsIdentity } from 'botframework-connector';
import { conversationKeyOf } from './conversationKey';
import { InMemoryChannelLedger } from './InMemoryChannelLedger';
import { InMemoryInbox } from './InMemoryInbox';
import { choiceTitles, numberedChoices } from './choices';
import { AdapterLogger, ChannelLedger, DeferredSends, DeliveryStatus, InboundItem, Inbox, OutboundRecord, silentLogger } from './ports';
import { queuedSendOf } from './queuedSend';
import { vouchForSenderPhone } from './senderPhone';
import { WebhookObserver } from './WebhookObserver';

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

/** A delivery receipt for messages the bot sent. */
export type DeliveryUpdate =
    | { kind: 'message'; platformMessageId: string; status: DeliveryStatus; errorCode?: string; errorDetail?: string }
    | { kind: 'watermark'; recipient: string; watermark: Date; status: 'delivered' | 'read' };

/** An inbound event the bot cannot read (X's encrypted chats): acknowledged, never answered, but logged and counted. */
export interface UnreadableEvent {
    /** What it is, a short fixed name (`chat.received`): the metrics label. */
    kind: string;
    /** The platform's id of the event, for tracing. */
    eventId?: string;
    /** Who sent it, when the event says. */
    senderId?: string;
}

/** What a platform webhook body maps to: messages that start turns, receipts that never do, and what cannot be read. */
export interface InboundBatch {
    items: InboundItem[];
    deliveries: DeliveryUpdate[];
    /** Events the bot cannot read; none when absent. */
    unreadable?: UnreadableEvent[];
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
    /**
     * Takes each accepted delivery before the platform is answered and runs it as a turn later, in order per
     * conversation; in memory by default (lost in a crash).
     */
    inbox?: Inbox;
    /** The reply window and delivery records; in memory by default. */
    store?: ChannelLedger;
    /** Where failures and dropped duplicates are logged; nowhere by default. */
    logger?: AdapterLogger;
    /** Told of duplicates and sends (metrics). */
    observer?: WebhookObserver;
    /**
     * Messages older than this by the platform's own timestamp are acknowledged and not run (default 7 days, as long
     * as platforms retry): a signed webhook replayed after its id has left the duplicate record is not a new message.
     * Keep the host's duplicate record at least this long.
     */
    maxMessageAgeMs?: number;
    /** When sends stop after the platform rejects the credentials, and for how long (tests shorten it). */
    authCircuit?: AuthCircuitOptions;
    /**
     * The host's outbound queue, for a reply that must wait (the platform answers 429 or is down past the client's
     * short retries, or X's allowance is used up): queued for later instead of a sleep that holds the conversation.
     * Without one, such a reply is recorded as failed.
     */
    deferred?: DeferredSends;
}

/** How long platforms retry a webhook (Meta: up to 7 days); older messages are replays. */
export const DEFAULT_MAX_MESSAGE_AGE_MS = 7 * 24 * 3600_000;

const PROACTIVE = Symbol('bijliMitra.proactiveTurn');

/** How long a reply waits in the queue after a transient failure when the platform named no time. */
const DEFAULT_DEFER_MS = 30_000;
/** Where a turn notes until when its conversation's replies wait in the host's queue. */
const WAITING = Symbol('bijliMitra.repliesWaitUntil');

/** The error code recorded for a send not attempted while the platform keeps rejecting the access token. */
export const CREDENTIALS_REJECTED = 'credentials_rejected';

/**
 * The transport every platform adapter shares: handshake, signature check on the raw bytes, mapping of every element
 * of every batch, each message handed to the {@link Inbox} before answering 200, delivery receipts applied, replies
 * rendered, sent and recorded. When and in what order turns run is the inbox's business. Subclasses supply the
 * platform parts: handshake, signature, inbound mapping and outbound delivery.
 */
export abstract class WebhookAdapter extends BotAdapter {
    /** The Bot Framework channel id (`whatsapp`, `facebook`, `twitter`). */
    abstract readonly channelId: string;
    protected readonly inbox: Inbox;
    protected readonly store: ChannelLedger;
    protected readonly logger: AdapterLogger;
    /** Stops sends for a while once the platform keeps rejecting the access token. */
    private circuit?: AuthCircuit;

    constructor(protected readonly shared: WebhookAdapterOptions) {
        super();
        this.inbox = shared.inbox ?? new InMemoryInbox();
        this.store = shared.store ?? new InMemoryChannelLedger();
        this.logger = shared.logger ?? silentLogger;
    }

    /** Whether the platform rejects the channel's credentials: Meta's OAuth code 190, or HTTP 401 (X). */
    protected isCredentialsError(error: PlatformApiError): boolean {
        return error.status === 401 || error.code === '190';
    }

    /** Whether sends are held because the platform keeps rejecting the credentials (for readiness reports). */
    get credentialsRejected(): boolean {
        return this.circuit?.open ?? false;
    }

    private get authCircuit(): AuthCircuit {
        // Built on first use: `channelId` is a subclass field, not set yet while this constructor runs.
        return (this.circuit ??= new AuthCircuit((failing, code) => {
            if (failing)
                this.logger.error("the platform rejects this channel's access token: sends are paused; renew the token", { channel: this.channelId, code });
            else this.logger.info("the platform accepts this channel's access token again", { channel: this.channelId });
            this.shared.observer?.credentialsRejected?.(this.channelId, failing, code);
        }, this.shared.authCircuit));
    }

    /** Answers the platform's GET verification (hub challenge, CRC). */
    abstract handshake(query: Record<string, unknown>): WebhookResponse;

    /** Whether the raw body carries a valid signature from the platform. */
    protected abstract verifySignature(raw: Buffer, headers: IncomingHttpHeaders): boolean;

    /** Maps a parsed body to activities and delivery receipts; pure, and throws {@link MalformedWebhookError}. */
    protected abstract mapInbound(payload: unknown): InboundBatch;

    /**
     * Completes a mapped batch with what only the host's records know, before anything is accepted (WhatsApp names each
     * sender by the person their ids belong to). Runs before the platform is answered; by default nothing changes.
     */
    protected async settleInbound(batch: InboundBatch): Promise<InboundBatch> {
        return batch;
    }

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
        // Replies already waiting in the queue for this conversation go first: this one waits behind them.
        const waiting = await this.waitingUntil(context, conversationId);
        if (waiting) return this.queueReply(context, activity, conversationId, waiting, 'behind-queued');
        let lastId = '';
        let index = 0;
        for (const part of this.render(activity)) {
            const record = { channel: this.channelId, conversationId, recipient: user.id, kind: part.kind };
            if (!this.authCircuit.allows()) {
                // The token was rejected again and again: recorded as not sent, without another request that must fail.
                await this.recordFailure(record, CREDENTIALS_REJECTED, 'not attempted: the platform keeps rejecting the access token');
                return { id: '' };
            }
            try {
                lastId = await this.sendPart(user, part, proactive);
                this.authCircuit.succeeded();
            } catch (error) {
                if (!(error instanceof PlatformApiError)) throw error;
                if (this.isCredentialsError(error)) this.authCircuit.rejected(this.errorCodeOf(error));
                // A rate limit or an outage that outlasted the client's short retries: the reply waits in the queue and the
                // turn goes on, rather than holding the conversation in a sleep. (Only a whole activity is requeued: a later
                // part's failure would otherwise resend the parts that went out.)
                if (index === 0 && error.retryable && !this.isCredentialsError(error) && this.canQueue(context)) {
                    this.onSendDeferred(error);
                    const until = new Date(Date.now() + (error.retryAfterMs ?? DEFAULT_DEFER_MS));
                    return this.queueReply(context, activity, conversationId, until, `retry:${this.errorCodeOf(error)}`);
                }
                if (await this.onSendRefused(context, activity, error)) {
                    this.shared.observer?.sendResult?.(this.channelId, 'failed', this.errorCodeOf(error));
                    return { id: '' };
                }
                await this.recordFailure(record, this.errorCodeOf(error), error.message);
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
            index += 1;
        }
        return { id: lastId };
    }

    /**
     * Until when this conversation's replies wait in the host's queue, asked once per turn (and known after this turn
     * queues one); null when nothing waits, for a turn the queue itself runs, or without a queue.
     */
    private async waitingUntil(context: TurnContext, conversationId: string): Promise<Date | null> {
        const deferred = this.shared.deferred;
        if (!deferred || !this.canQueue(context)) return null;
        if (!context.turnState.has(WAITING)) context.turnState.set(WAITING, await deferred.lastWaiting(this.channelId, conversationId));
        const until = context.turnState.get(WAITING) as Date | null;
        return until === null ? null : new Date(Math.max(until.getTime(), Date.now()));
    }

    /** Records a part that did not go out (and counts it): refused by the platform, or not attempted. */
    protected async recordFailure(
        record: Pick<OutboundRecord, 'channel' | 'conversationId' | 'recipient' | 'kind'>,
        code: string,
        detail: string
    ): Promise<void> {
        this.shared.observer?.sendResult?.(this.channelId, 'failed', code);
        await this.store.recordOutbound({ ...record, platformMessageId: null, status: 'failed', errorCode: code, errorDetail: detail });
    }

    /** Whether a reply of this turn can wait in the host's queue: there is one, and the queue is not running this turn. */
    protected canQueue(context: TurnContext): boolean {
        return this.shared.deferred !== undefined && queuedSendOf(context) === undefined;
    }

    /** A transient failure is sending a reply to the queue (Messenger starts its throttling cool-down here). */
    protected onSendDeferred(_error: PlatformApiError): void {}

    /** Queues `activity` as text (its choices numbered, which every prompt accepts) for `notBefore`. */
    protected async queueReply(
        context: TurnContext,
        activity: Partial<Activity>,
        conversationId: string,
        notBefore: Date,
        reason: string
    ): Promise<ResourceResponse> {
        const text = numberedChoices(activity.text ?? '', choiceTitles(activity.suggestedActions?.actions));
        const reference = TurnContext.getConversationReference(context.activity);
        await this.shared.deferred!.defer({ channel: this.channelId, conversationId, reference, text, notBefore, reason });
        context.turnState.set(WAITING, notBefore);
        this.shared.observer?.sendResult?.(this.channelId, 'deferred', reason);
        this.logger.info('reply queued to be sent later', { channel: this.channelId, conversation: conversationId, until: notBefore.toISOString(), reason });
        return { id: '' };
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
        batch = await this.settleInbound(batch);
        for (const delivery of batch.deliveries) await this.applyDelivery(delivery);
        this.reportUnreadable(batch.unreadable ?? []);
        const turn = this.turnFor(logic);
        let duplicates = 0;
        let stale = 0;
        const oldest = Date.now() - (this.shared.maxMessageAgeMs ?? DEFAULT_MAX_MESSAGE_AGE_MS);
        for (const item of batch.items) {
            const sent = item.activity.timestamp ? new Date(item.activity.timestamp).getTime() : NaN;
            if (sent < oldest) {
                stale += 1;
                continue;
            }
            // Keyed by the stored form, so a replay (which knows only that) and a webhook name the same conversation.
            const conversationId = conversationKeyOf(item.activity.conversation?.id ?? '');
            if (!(await this.inbox.accept(this.channelId, item.activity.id, conversationId, item, turn))) duplicates += 1;
        }
        if (stale > 0) this.logger.warn('messages older than the platforms retry ignored (a replay?)', { channel: this.channelId, stale });
        if (duplicates > 0) {
            this.logger.info('duplicate deliveries dropped', { channel: this.channelId, duplicates });
            this.shared.observer?.duplicatesDropped?.(this.channelId, duplicates);
        }
        return { status: 200 };
    }

    /**
     * Runs the deliveries the inbox accepted but never ran because a process stopped (a crash, a deploy). Call at
     * start, before taking webhooks, and now and then after (`olderThanMs` skips turns probably just starting).
     * Resolves with how many deliveries were waiting.
     */
    async resumeUnprocessed(logic: TurnLogic, olderThanMs = 0): Promise<number> {
        return this.inbox.resume(this.channelId, this.turnFor(logic), olderThanMs);
    }

    /** Resolves when every delivery accepted so far has had its turn (tests, graceful shutdown). */
    async idle(): Promise<void> {
        await this.inbox.idle();
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

    /** How this adapter runs one delivery the inbox hands back: as a turn of `logic`, through the middleware. */
    private turnFor(logic: TurnLogic) {
        return async (item: InboundItem, prepare?: (context: TurnContext) => void): Promise<void> => {
            // The user's message opens the platform's reply window; noted as the turn starts rather than before the 200,
            // so the answer costs one insert. (Platform timestamps are not used: a replayed message must not shrink it.)
            if (item.activity.from?.id) await this.store.markInbound(this.channelId, item.activity.from.id);
            const context = new TurnContext(this, item.activity);
            prepare?.(context);
            if (item.trustedPhone) vouchForSenderPhone(context, item.trustedPhone);
            try {
                await this.runMiddleware(context, logic);
            } catch (error) {
                this.logger.error('turn failed', { channel: this.channelId, conversation: item.activity.conversation?.id, error: error as Error });
            }
        };
    }

    /** A consumer wrote and will get no answer: every such event is a warning in the log and a count in the metrics. */
    private reportUnreadable(events: UnreadableEvent[]): void {
        const counts = new Map<string, number>();
        for (const event of events) {
            this.logger.warn('event the bot cannot read acknowledged, not answered', {
                channel: this.channelId,
                kind: event.kind,
                event: event.eventId,
                sender: event.senderId,
            });
            counts.set(event.kind, (counts.get(event.kind) ?? 0) + 1);
        }
        for (const [kind, count] of counts) this.shared.observer?.unreadable?.(this.channelId, kind, count);
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
