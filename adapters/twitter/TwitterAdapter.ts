import { IncomingHttpHeaders } from 'http';
import { Activity, ActivityTypes, ChannelAccount, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { InMemorySendBudget } from '../shared/InMemorySendBudget';
import { PlatformApiError } from '../shared/PlatformApiError';
import { SendBudget, SendWindow } from '../shared/ports';
import { queuedSendOf, reportQueuedSend } from '../shared/queuedSend';
import { splitText } from '../shared/splitText';
import { InboundBatch, OutboundPart, TurnLogic, WebhookAdapter, WebhookAdapterOptions, WebhookResponse } from '../shared/WebhookAdapter';
import { signSha256, verifySha256Signature } from '../shared/webhookSignature';
import { mapTwitterWebhook, TWITTER_CHANNEL } from './mapTwitterWebhook';
import { renderTwitter, TWITTER_LIMITS, TwitterPart } from './renderTwitter';
import { TwitterClient } from './TwitterClient';
import { twitterErrorCode } from './twitterErrors';

/** The bot account's DM allowance (X: 15 per 15 minutes and 1,440 per 24 hours for a user). */
export interface TwitterDmLimits {
    per15Minutes: number;
    perDay: number;
}

/** X's DM allowance for one account, as the rate-limit table of docs.x.com states it. */
export const X_DM_LIMITS: TwitterDmLimits = { per15Minutes: 15, perDay: 1440 };

/** Settings of {@link TwitterAdapter}. */
export interface TwitterAdapterOptions extends WebhookAdapterOptions {
    /** The app's API key secret: the key of the CRC answer and of every webhook signature. */
    consumerSecret: string;
    /** The bot account's user id (`TWITTER_USER_ID`): conversations are keyed on it and its own DMs are echoes. */
    botUserId: string;
    client: TwitterClient;
    /** The account's DM allowance, shared by every instance (in memory by default: this process only). */
    budget?: SendBudget;
    /** The allowance to pace sends under (default {@link X_DM_LIMITS}). */
    limits?: TwitterDmLimits;
    /** Told when X's monthly usage cap stops every DM (an operator must raise the plan or wait for the month). */
    onAlarm?: (reason: 'usage-capped') => void;
    /** Clock in ms since the epoch (tests). */
    now?: () => number;
}

/**
 * The shape X's CRC tokens have. Anything else is refused: answering arbitrary strings would make the endpoint an
 * HMAC oracle for attacker-chosen input under the consumer secret (vercel/chat#775).
 */
const CRC_TOKEN = /^[A-Za-z0-9+/=_-]{16,128}$/;

const FIFTEEN_MINUTES = 15 * 60_000;
const DAY = 24 * 3600_000;
/** Share of each window broadcasts may use: a third stays for replies, so a long broadcast never silences the bot. */
const BULK_SHARE = 2 / 3;

/** The turn's outgoing messages, held until its logic ends. */
const OUTGOING = Symbol('bijliMitra.twitterOutgoing');

/** The CRC `response_token`: `sha256=` + base64 HMAC-SHA256 of the token keyed with the consumer secret. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
    return signSha256(consumerSecret, crcToken, 'base64');
}

/**
 * X (Twitter) direct-message adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} (the CRC) and {@link handleWebhook}; replies go out as v2 DMs through {@link TwitterClient},
 * choices as numbered text. Accepts both the Account Activity API and the X Activity API webhook shapes. X has no
 * reply window, so proactive messages are sent like replies.
 *
 * X allows an account about one DM a minute on average, so every message of one turn goes out as one DM (split only
 * past X's 10,000 characters), sent when the turn's logic ends. Each DM first takes its place in the account's
 * allowance ({@link SendBudget}, shared by every instance); when there is none, or X answers 429, the DM is handed to
 * the host's outbound queue for after the reset instead of waiting inside the turn. A conversation with DMs queued
 * sends its next ones behind them, so the order holds. X's monthly usage cap is final: recorded, logged and alarmed.
 */
export class TwitterAdapter extends WebhookAdapter {
    readonly channelId = TWITTER_CHANNEL;
    private readonly budget: SendBudget;
    private readonly budgetKey: string;
    private readonly replyWindows: SendWindow[];
    private readonly bulkWindows: SendWindow[];
    private readonly now: () => number;

    constructor(private readonly options: TwitterAdapterOptions) {
        super(options);
        this.budget = options.budget ?? new InMemorySendBudget();
        this.budgetKey = `twitter:${options.botUserId}:dm`;
        const limits = options.limits ?? X_DM_LIMITS;
        for (const [name, value] of Object.entries(limits)) {
            if (!Number.isInteger(value) || value < 1) throw new RangeError(`TwitterAdapter: the DM limit ${name} must be a positive integer, got ${value}`);
        }
        this.replyWindows = [
            { name: '15m', limit: limits.per15Minutes, periodMs: FIFTEEN_MINUTES },
            { name: '24h', limit: limits.perDay, periodMs: DAY },
        ];
        this.bulkWindows = this.replyWindows.map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit * BULK_SHARE)) }));
        this.now = options.now ?? Date.now;
    }

    /** X's Challenge-Response Check: 200 JSON `{"response_token": "sha256=…"}`, or 400 for a missing or odd token. */
    handshake(query: Record<string, unknown>): WebhookResponse {
        const token = query.crc_token;
        if (typeof token !== 'string' || !CRC_TOKEN.test(token) || !this.options.consumerSecret) {
            return { status: 400, body: 'invalid crc_token' };
        }
        return {
            status: 200,
            body: JSON.stringify({ response_token: crcResponseToken(this.options.consumerSecret, token) }),
            contentType: 'application/json',
        };
    }

    override handleWebhook(raw: Buffer, headers: IncomingHttpHeaders, logic: TurnLogic): Promise<WebhookResponse> {
        return super.handleWebhook(raw, headers, this.coalescing(logic));
    }

    override resumeUnprocessed(logic: TurnLogic, olderThanMs?: number): Promise<number> {
        return super.resumeUnprocessed(this.coalescing(logic), olderThanMs);
    }

    override continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void> {
        return super.continueConversation(reference, this.coalescing(logic));
    }

    /** Holds the turn's messages while `logic` runs (still under the conversation's lock) and sends them as one DM after. */
    private coalescing(logic: TurnLogic): TurnLogic {
        return async (context) => {
            context.turnState.set(OUTGOING, []);
            try {
                await logic(context);
            } finally {
                await this.flush(context);
            }
        };
    }

    /** Message activities of a turn are held for {@link flush}; outside a turn they are sent at once. */
    override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        const outgoing = context.turnState.get(OUTGOING) as Partial<Activity>[] | undefined;
        if (!outgoing) return super.sendActivities(context, activities);
        // Delays and typing mean nothing for a DM sent after the turn: only messages are kept.
        for (const activity of activities) if (activity.type === ActivityTypes.Message) outgoing.push(activity);
        return activities.map(() => ({ id: '' }));
    }

    protected verifySignature(raw: Buffer, headers: IncomingHttpHeaders): boolean {
        return verifySha256Signature(raw, headers['x-twitter-webhooks-signature'], this.options.consumerSecret, 'base64');
    }

    protected mapInbound(payload: unknown): InboundBatch {
        return mapTwitterWebhook(payload, this.options.botUserId);
    }

    protected render(activity: Partial<Activity>): TwitterPart[] {
        return renderTwitter(activity);
    }

    protected sendPart(user: ChannelAccount, part: OutboundPart): Promise<string> {
        return this.options.client.sendDirectMessage(user.id, (part as TwitterPart).text);
    }

    /** X reports error types as URLs; the stored code is their last segment, which fits the delivery record. */
    protected override errorCodeOf(error: PlatformApiError): string {
        return twitterErrorCode(error.code) ?? String(error.status);
    }

    /** Sends the turn's held messages, joined, as few DMs as X's text limit allows (one, nearly always). */
    private async flush(context: TurnContext): Promise<void> {
        const outgoing = context.turnState.get(OUTGOING) as Partial<Activity>[] | undefined;
        context.turnState.delete(OUTGOING);
        if (!outgoing || outgoing.length === 0) return;
        const first = outgoing[0];
        const user = first.recipient ?? context.activity.from;
        const conversationId = first.conversation?.id ?? context.activity.conversation.id;
        const text = outgoing
            .flatMap((activity) => renderTwitter(activity).map((part) => part.text))
            .filter((part) => part.trim() !== '')
            .join('\n\n');
        const chunks = splitText(text, TWITTER_LIMITS.text);
        if (chunks.length > 0) await this.sendChunks(context, user, conversationId, chunks);
    }

    /**
     * Sends `chunks` in order, each taking its place in the allowance first. The first that must wait, and all after it,
     * go to the host's queue (or, in a turn the queue runs, back to it: reported, not queued twice).
     */
    private async sendChunks(context: TurnContext, user: ChannelAccount, conversationId: string, chunks: string[]): Promise<void> {
        const queued = queuedSendOf(context);
        const deferred = this.options.deferred;
        let waitUntil: Date | null = null;
        let reason = '';
        if (!queued && deferred) {
            // DMs of this conversation wait in the queue: this one goes behind them, or the user would read out of order.
            const last = await deferred.lastWaiting(this.channelId, conversationId);
            if (last) {
                waitUntil = new Date(Math.max(last.getTime(), this.now()));
                reason = 'behind-queued';
            }
        }
        let sentId: string | null = null;
        for (let index = 0; index < chunks.length; index++) {
            const chunk = chunks[index];
            if (waitUntil === null) {
                const waitMs = await this.budget.take(this.budgetKey, queued?.bulk ? this.bulkWindows : this.replyWindows, this.now());
                if (waitMs > 0) {
                    waitUntil = new Date(this.now() + waitMs);
                    reason = 'pacing';
                }
            }
            if (waitUntil === null) {
                try {
                    sentId = await this.options.client.sendDirectMessage(user.id, chunk);
                } catch (error) {
                    if (!(error instanceof PlatformApiError)) throw error;
                    const code = this.errorCodeOf(error);
                    if (error.status !== 429 || code === 'usage-capped') {
                        await this.refused(context, user, conversationId, error, code);
                        return;
                    }
                    // X's reset time, or a window's length when X gave none; every instance waits for it too.
                    const until = this.now() + (error.retryAfterMs ?? FIFTEEN_MINUTES);
                    await this.budget.exhaust(this.budgetKey, '15m', until, this.now());
                    waitUntil = new Date(until);
                    reason = 'rate-limited';
                }
            }
            if (waitUntil === null) {
                this.shared.observer?.sendResult?.(this.channelId, 'sent');
                await this.store.recordOutbound({
                    channel: this.channelId,
                    conversationId,
                    recipient: user.id,
                    kind: 'text',
                    platformMessageId: sentId,
                    status: 'sent',
                });
                continue;
            }
            const rest = chunks.slice(index);
            if (queued && index === 0) {
                // The queue's own message: it keeps the row and sends it again after the reset.
                reportQueuedSend(context, { status: 'deferred', until: waitUntil, reason });
                this.shared.observer?.sendResult?.(this.channelId, 'deferred', reason);
                return;
            }
            await this.defer(context, user, conversationId, rest, waitUntil, reason);
            break;
        }
        if (queued) reportQueuedSend(context, sentId !== null ? { status: 'sent', platformMessageId: sentId } : { status: 'failed', reason: 'not sent' });
    }

    /** Hands `chunks` to the host's queue for `notBefore`; without a queue they are recorded as not sent. */
    private async defer(context: TurnContext, user: ChannelAccount, conversationId: string, chunks: string[], notBefore: Date, reason: string): Promise<void> {
        const deferred = this.options.deferred;
        if (!deferred) {
            await this.recordFailure(
                { channel: this.channelId, conversationId, recipient: user.id, kind: 'text' },
                'rate-limited',
                `X's DM allowance is used up until ${notBefore.toISOString()} and the host has no queue to send it later`
            );
            this.logger.warn('X DM not sent: the allowance is used up and there is no queue', {
                channel: this.channelId,
                conversation: conversationId,
                reason,
            });
            return;
        }
        const reference = TurnContext.getConversationReference(context.activity);
        for (const text of chunks) {
            await deferred.defer({ channel: this.channelId, conversationId, reference, text, notBefore, reason });
            this.shared.observer?.sendResult?.(this.channelId, 'deferred', reason);
        }
        this.logger.info('X DM queued until the allowance allows it', {
            channel: this.channelId,
            conversation: conversationId,
            until: notBefore.toISOString(),
            reason,
            messages: chunks.length,
        });
    }

    /** A DM X refused for good: recorded as failed; the monthly usage cap also raises an alarm. */
    private async refused(context: TurnContext, user: ChannelAccount, conversationId: string, error: PlatformApiError, code: string): Promise<void> {
        await this.recordFailure({ channel: this.channelId, conversationId, recipient: user.id, kind: 'text' }, code, error.message);
        if (code === 'usage-capped') {
            this.logger.error('X usage cap reached: no DM can be sent until the cap resets or the plan is raised', {
                channel: this.channelId,
                detail: error.platformMessage,
            });
            this.options.onAlarm?.('usage-capped');
        } else {
            this.logger.warn('message not delivered', { channel: this.channelId, conversation: conversationId, code });
        }
        reportQueuedSend(context, { status: 'failed', reason: code, final: !error.retryable });
    }
}
