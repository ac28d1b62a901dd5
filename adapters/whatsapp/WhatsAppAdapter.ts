import { randomUUID } from 'crypto';
import { IncomingHttpHeaders } from 'http';
import { Activity, ActivityTypes, ChannelAccount, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { MediaFetchError } from '../shared/MediaFetchError';
import { FetchedMedia, IdentityAliases, MediaSource, ReachesByMobile } from '../shared/ports';
import { InMemoryIdentityAliases } from '../shared/InMemoryIdentityAliases';
import { PlatformApiError } from '../shared/PlatformApiError';
import { InboundBatch, OutboundPart, TurnLogic, WebhookResponse } from '../shared/WebhookAdapter';
import { MetaWebhookAdapter, MetaWebhookAdapterOptions } from '../shared/MetaWebhookAdapter';
import { InMemoryWhatsAppLedger } from './InMemoryWhatsAppLedger';
import { mapWhatsAppFailures, WhatsAppFailure } from './mapWhatsAppFailures';
import { mapWhatsAppWebhook, WHATSAPP_CHANNEL, WhatsAppInboundBatch } from './mapWhatsAppWebhook';
import { WhatsAppIdentities } from './WhatsAppIdentities';
import { renderWhatsApp, WhatsAppPart } from './renderWhatsApp';
import { addressOf, recipientOfAddress, WhatsAppClient, WhatsAppRecipient } from './WhatsAppClient';
import { isWhatsAppLedger, TemplateFallback, WhatsAppLedger } from './WhatsAppLedger';
import { fitTemplateParameter, templateFor, WhatsAppTemplates } from './whatsAppTemplates';

export type { WhatsAppTemplate } from './whatsAppTemplates';

/** Settings of {@link WhatsAppAdapter}. */
export interface WhatsAppAdapterOptions extends MetaWebhookAdapterOptions {
    /** The business number this adapter answers for; messages to other numbers of the account are skipped. */
    phoneNumberId: string;
    client: WhatsAppClient;
    /**
     * Templates by language (`hi`, `en`), sent instead of free-form text outside the 24-hour window in the language of
     * the message; without them such messages are recorded as undeliverable.
     */
    templates?: WhatsAppTemplates;
    /** Template fallbacks and unreachable users; the host's `store` when it implements it, else in memory. */
    whatsAppLedger?: WhatsAppLedger;
    /** Label of the button that opens a list, per locale of the outgoing activity. */
    listButton: (locale: string | undefined) => string;
    /** Country code put before a 10-digit national mobile number to make a WhatsApp id; India's by default. */
    countryCode?: string;
    /**
     * Every id each user has had (number, business-scoped id, parent id) and the person it names, so a changed id
     * continues the same conversation; in memory by default. Shared by every instance in a host that runs several.
     */
    identityAliases?: IdentityAliases;
}

/** A rendered part with what it would become as a template, should WhatsApp report it outside the window. */
interface WhatsAppOutboundPart extends WhatsAppPart {
    /** What the message becomes as a template should WhatsApp report it outside the window; none where it cannot be. */
    fallback?: Omit<TemplateFallback, 'userId' | 'address'>;
}

/**
 * A reply to a message WhatsApp delivered less than this long ago is inside the 24-hour window on any clock, so no
 * template fallback is kept for it (one statement less for every message of an ordinary turn).
 */
const SURELY_INSIDE_WINDOW_MS = 20 * 3600_000;

/** Who a template goes to and what it carries. */
interface TemplateTarget {
    conversationId: string;
    userId: string;
    to: WhatsAppRecipient;
    locale: string | null;
    text: string;
}

const OUTSIDE_WINDOW = '131047';
const UNREACHABLE = '131026';
const THROUGHPUT = '130429';
const PAIR_RATE = '131056';

/**
 * WhatsApp Cloud API adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link WhatsAppClient}. Outside the 24-hour
 * window free-form messages are not attempted: the template of the message's language is sent, or the message is
 * recorded as undeliverable with the reason. WhatsApp's own verdicts count too, in the send response or later in a
 * `failed` status: 131047 sends the template instead (once per message), 131026 marks the user unreachable, 130429
 * and 131056 slow the sender. Each user message is marked read with the typing indicator as its turn starts. A user
 * whose number or business-scoped id changed stays the same person ({@link WhatsAppIdentities}): their activities
 * carry the id their conversation began with, and updates go to where they can be reached now.
 */
export class WhatsAppAdapter extends MetaWebhookAdapter implements ReachesByMobile, MediaSource {
    readonly channelId = WHATSAPP_CHANNEL;
    private readonly ledger: WhatsAppLedger;
    private readonly identities: WhatsAppIdentities;
    /** Read receipts under way, per user: their reply waits for it so the typing indicator never outlives the reply. */
    private readonly reading = new Map<string, Promise<void>>();
    /** The fallback group of each activity being delivered: its parts, and a 131047 for one of them, share it. */
    private readonly groups = new WeakMap<Partial<Activity>, string>();
    /** Replies to a recent message, which need no template fallback (see {@link SURELY_INSIDE_WINDOW_MS}). */
    private readonly surelyInsideWindow = new WeakSet<Partial<Activity>>();

    constructor(private readonly options: WhatsAppAdapterOptions) {
        super(options);
        this.ledger = options.whatsAppLedger ?? (isWhatsAppLedger(options.store) ? options.store : new InMemoryWhatsAppLedger());
        this.identities = new WhatsAppIdentities(options.identityAliases ?? new InMemoryIdentityAliases(), this.channelId, this.logger);
    }

    /** The conversation with a mobile number as an inbound message from it would open it (same ids, same service URL). */
    referenceForMobile(mobile: string, name = ''): Partial<ConversationReference> {
        const digits = mobile.replace(/\D/g, '');
        const waId = digits.length === 10 ? `${this.options.countryCode ?? '91'}${digits}` : digits;
        const phoneNumberId = this.options.phoneNumberId;
        return {
            channelId: this.channelId,
            serviceUrl: 'whatsapp:',
            conversation: { id: `${phoneNumberId}:${waId}`, isGroup: false, conversationType: 'personal', name: '' },
            user: { id: waId, name, properties: { waId } },
            bot: { id: phoneNumberId, name: '' },
        };
    }

    /**
     * Handles a webhook POST as every channel does, then acts on the failures it reported, before answering: a status
     * Meta redelivers finds its template already claimed.
     */
    override async handleWebhook(raw: Buffer, headers: IncomingHttpHeaders, logic: TurnLogic): Promise<WebhookResponse> {
        const response = await super.handleWebhook(raw, headers, logic);
        // Failures are rare: only bodies that carry an errors array are read a second time.
        if (response.status === 200 && raw.includes('"errors"')) {
            for (const failure of mapWhatsAppFailures(JSON.parse(raw.toString('utf8')), this.options.phoneNumberId)) await this.onFailure(failure);
        }
        return response;
    }

    /** Resolves when every turn and every read receipt under way is done. */
    override async idle(): Promise<void> {
        await super.idle();
        await Promise.all(this.reading.values());
    }

    protected mapInbound(payload: unknown): WhatsAppInboundBatch {
        const batch = mapWhatsAppWebhook(payload);
        // One WhatsApp Business Account can have several numbers on the same webhook; only ours is answered here.
        // Identity changes are about the user, whichever number WhatsApp reported them on.
        return { ...batch, items: batch.items.filter((item) => item.activity.recipient?.id === this.options.phoneNumberId) };
    }

    /**
     * Applies the identity changes of the batch (they start no turn and get no answer), then names each sender by the
     * person their ids belong to: the conversation, the reply window and everything recorded under the user stay
     * theirs after a new number or business-scoped id. Before the 200, so the inbox keys the delivery on that person.
     */
    protected override async settleInbound(mapped: InboundBatch): Promise<InboundBatch> {
        const batch = mapped as WhatsAppInboundBatch;
        for (const change of batch.identityChanges ?? []) {
            // A 131026 for the old number says nothing of the new one.
            await this.ledger.markReachable(this.channelId, await this.identities.apply(change));
        }
        for (const { activity } of batch.items) {
            const ids = (activity.from?.properties ?? {}) as { waId?: string; userId?: string; parentUserId?: string };
            const sent = activity.timestamp ? new Date(activity.timestamp).getTime() : Date.now();
            const person = await this.identities.personOf({ phone: ids.waId, user: ids.userId, parent: ids.parentUserId }, sent);
            if (!person || person === activity.from!.id) continue;
            activity.from = { ...activity.from!, id: person };
            activity.conversation = { ...activity.conversation!, id: `${this.options.phoneNumberId}:${person}` };
            if (activity.membersAdded) activity.membersAdded = activity.membersAdded.map((member) => ({ ...member, id: person }));
        }
        return batch;
    }

    /** Starts the read receipt with the typing indicator for a user's message, without waiting for it. */
    protected override async runMiddleware(context: TurnContext, logic: TurnLogic): Promise<void> {
        const { activity } = context;
        if (activity.type === ActivityTypes.Message && activity.id && activity.from?.id && activity.channelId === this.channelId) {
            this.startReading(activity.from.id, activity.id);
        }
        await super.runMiddleware(context, logic);
    }

    protected render(activity: Partial<Activity>): WhatsAppOutboundPart[] {
        const parts = renderWhatsApp(activity, { listButton: this.options.listButton(activity.locale) });
        if (!this.options.templates || this.surelyInsideWindow.has(activity)) return parts;
        let group = this.groups.get(activity);
        if (!group) this.groups.set(activity, (group = randomUUID()));
        const fallback = { group, conversationId: activity.conversation?.id ?? '', locale: activity.locale ?? null, text: templateText(activity, parts) };
        return parts.map((part) => ({ ...part, fallback }));
    }

    protected async sendPart(user: ChannelAccount, part: OutboundPart, proactive: boolean): Promise<string> {
        await this.reading.get(user.id);
        const { message, fallback } = part as WhatsAppOutboundPart;
        // A reply goes where the user just wrote from; an update to where they can be reached now, which a number
        // or business-scoped id change since the stored conversation may have moved.
        const to = proactive ? await this.reachableAt(user) : recipientOf(user);
        const id = await this.options.client.send(to, message);
        if (fallback) {
            try {
                await this.ledger.rememberFallback(this.channelId, id, { ...fallback, userId: user.id, address: addressOf(to) });
            } catch (error) {
                // The message went; only a later 131047 would miss its template.
                this.logger.error('template fallback not stored', { channel: this.channelId, error: error as Error });
            }
        }
        return id;
    }

    /** Outside the 24-hour window no free-form message is attempted: the template goes instead, or nothing. */
    protected override async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        if (proactive) {
            const user = activity.recipient ?? context.activity.from;
            if (await this.ledger.isUnreachable(this.channelId, user.id)) {
                await this.store.recordOutbound({
                    channel: this.channelId,
                    conversationId: activity.conversation?.id ?? context.activity.conversation.id,
                    recipient: user.id,
                    kind: 'text',
                    platformMessageId: null,
                    status: 'undeliverable',
                    errorCode: UNREACHABLE,
                    errorDetail: 'WhatsApp reported the user unreachable and they have not written since',
                });
                return { id: '' };
            }
            if (!(await this.store.withinWindow(this.channelId, user.id))) return this.outsideWindow(context, activity, 'window_closed');
        } else {
            const wrote = context.activity.timestamp ? new Date(context.activity.timestamp).getTime() : NaN;
            if (Date.now() - wrote < SURELY_INSIDE_WINDOW_MS) this.surelyInsideWindow.add(activity);
        }
        return super.deliver(context, activity, proactive);
    }

    /**
     * WhatsApp's own clock decides: a 131047 means the window has closed, so the template is sent instead (unless a
     * status webhook already sent it for an earlier part). 131026 marks the user unreachable; 131056 holds their
     * next message.
     */
    protected override async onSendRefused(context: TurnContext, activity: Partial<Activity>, error: PlatformApiError): Promise<boolean> {
        const user = activity.recipient ?? context.activity.from;
        if (error.code === UNREACHABLE) await this.ledger.markUnreachable(this.channelId, { userId: user.id }, UNREACHABLE);
        if (error.code === PAIR_RATE) this.options.client.holdRecipient(addressOf(await this.reachableAt(user)));
        if (error.code !== OUTSIDE_WINDOW) return false;
        const group = this.groups.get(activity);
        if (group && !(await this.ledger.claimGroup(this.channelId, group))) return true;
        await this.outsideWindow(context, activity, OUTSIDE_WINDOW);
        return true;
    }

    /** Where `user` can be reached now: their current number or business-scoped id, else as their activity named them. */
    private async reachableAt(user: ChannelAccount): Promise<WhatsAppRecipient> {
        return (await this.identities.addressOf(user.id)) ?? recipientOf(user);
    }

    private async outsideWindow(context: TurnContext, activity: Partial<Activity>, reason: string): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        return this.sendTemplate(
            {
                conversationId: activity.conversation?.id ?? context.activity.conversation.id,
                userId: user.id,
                to: await this.reachableAt(user),
                locale: activity.locale ?? null,
                text: templateText(activity, renderWhatsApp(activity, { listButton: this.options.listButton(activity.locale) })),
            },
            reason
        );
    }

    /** Acts on a failure WhatsApp reported after accepting a message, or for the whole number. */
    private async onFailure(failure: WhatsAppFailure): Promise<void> {
        const { code, messageId } = failure;
        if (code === THROUGHPUT || (code === PAIR_RATE && !failure.recipient)) this.options.client.slowDown();
        else if (code === PAIR_RATE) this.options.client.holdRecipient(failure.recipient!);
        if (!messageId) {
            this.logger.warn('WhatsApp reported an error for the number', { channel: this.channelId, code, detail: failure.detail });
            return;
        }
        if (code === UNREACHABLE) {
            await this.ledger.markUnreachable(this.channelId, { platformMessageId: messageId }, UNREACHABLE);
        } else if (code === OUTSIDE_WINDOW) {
            const fallback = await this.ledger.claimFallback(this.channelId, messageId);
            if (!fallback) return;
            await this.sendTemplate(
                {
                    conversationId: fallback.conversationId,
                    userId: fallback.userId,
                    to: recipientOfAddress(fallback.address),
                    locale: fallback.locale,
                    text: fallback.text,
                },
                `${OUTSIDE_WINDOW}, reported after the send`
            );
        }
    }

    /** Sends the template of the target's language carrying the message, and records it (or why nothing went). */
    private async sendTemplate(target: TemplateTarget, reason: string): Promise<ResourceResponse> {
        const { store, logger } = this;
        const record = { channel: this.channelId, conversationId: target.conversationId, recipient: target.userId, kind: 'template' };
        const template = this.options.templates && templateFor(this.options.templates, target.locale);
        if (!template) {
            await store.recordOutbound({
                ...record,
                platformMessageId: null,
                status: 'undeliverable',
                errorCode: reason.split(',')[0],
                errorDetail: 'outside the 24-hour window and no template configured',
            });
            logger.warn('message not sent: outside the 24-hour window and no template configured', {
                channel: this.channelId,
                conversation: target.conversationId,
            });
            return { id: '' };
        }
        try {
            const id = await this.options.client.send(target.to, {
                type: 'template',
                template: {
                    name: template.name,
                    language: { code: template.language, policy: 'deterministic' },
                    components: [{ type: 'body', parameters: [{ type: 'text', text: fitTemplateParameter(target.text, template) }] }],
                },
            });
            this.shared.observer?.sendResult?.(this.channelId, 'sent');
            await store.recordOutbound({
                ...record,
                platformMessageId: id,
                status: 'sent',
                errorDetail: `template sent instead of free-form text (${reason})`,
            });
            return { id };
        } catch (error) {
            if (!(error instanceof PlatformApiError)) throw error;
            await this.recordFailure(record, this.errorCodeOf(error), error.message);
            return { id: '' };
        }
    }

    /** Downloads a user's photo or document by the `whatsapp-media:<id>` the mapper gave it. */
    async fetchMedia(contentUrl: string, maxBytes: number): Promise<FetchedMedia> {
        const id = /^whatsapp-media:([A-Za-z0-9_.-]{1,200})$/.exec(contentUrl)?.[1];
        if (!id) throw new MediaFetchError('refused', 'not a WhatsApp media reference', false);
        return this.options.client.fetchMedia(id, maxBytes);
    }

    private startReading(userId: string, messageId: string): void {
        const reading = this.options.client
            .markRead(messageId)
            .catch((error: unknown) => {
                this.logger.debug('read receipt not sent', { channel: this.channelId, code: (error as PlatformApiError).code, error: error as Error });
            })
            .finally(() => {
                if (this.reading.get(userId) === reading) this.reading.delete(userId);
            });
        this.reading.set(userId, reading);
    }
}

/** Everything the user would have seen of an activity, numbered choices included, as one template parameter. */
function templateText(activity: Partial<Activity>, parts: WhatsAppPart[]): string {
    const text = parts
        .map((part) => {
            const m = part.message as { text?: { body?: string }; interactive?: { body?: { text?: string } }; image?: { link?: string; caption?: string } };
            // A template carries no image: its address goes as a link.
            if (m.image) return [m.image.caption, m.image.link].filter(Boolean).join(' ');
            return m.text?.body ?? m.interactive?.body?.text ?? '';
        })
        .join(' ');
    const choices = (activity.suggestedActions?.actions ?? []).map((a, i) => `${i + 1}. ${a.title ?? a.value}`).join(' ');
    return `${text} ${text.includes('1. ') ? '' : choices}`;
}

/**
 * Where to send: users who hide their number are addressed by their business-scoped user id (`IN.1648…`), everyone
 * else by their WhatsApp number, as the message they wrote named them; else the shape of the id decides, so a
 * conversation rebuilt from storage works too.
 */
function recipientOf(user: ChannelAccount): WhatsAppRecipient {
    const { waId, userId } = (user.properties ?? {}) as { waId?: string; userId?: string };
    if (waId) return { to: waId };
    if (userId) return { recipient: userId };
    return /^[A-Z]{2}\./.test(user.id) ? { recipient: user.id } : { to: user.id };
}
