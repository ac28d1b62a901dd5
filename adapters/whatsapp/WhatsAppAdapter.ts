import { Activity, ChannelAccount, ConversationReference, ResourceResponse, TurnContext } from 'botbuilder';
import { MediaFetchError } from '../shared/MediaFetchError';
import { FetchedMedia, MediaSource, ReachesByMobile } from '../shared/ports';
import { PlatformApiError } from '../shared/PlatformApiError';
import { InboundBatch, OutboundPart } from '../shared/WebhookAdapter';
import { MetaWebhookAdapter, MetaWebhookAdapterOptions } from '../shared/MetaWebhookAdapter';
import { mapWhatsAppWebhook, WHATSAPP_CHANNEL } from './mapWhatsAppWebhook';
import { renderWhatsApp, WhatsAppPart } from './renderWhatsApp';
import { WhatsAppClient, WhatsAppRecipient } from './WhatsAppClient';

/** A pre-approved template used outside the 24-hour window; its body has one text parameter: the message. */
export interface WhatsAppTemplate {
    name: string;
    /** The approved language code, e.g. `hi` or `en`. */
    language: string;
}

/** Settings of {@link WhatsAppAdapter}. */
export interface WhatsAppAdapterOptions extends MetaWebhookAdapterOptions {
    /** The business number this adapter answers for; messages to other numbers of the account are skipped. */
    phoneNumberId: string;
    client: WhatsAppClient;
    /** Sent instead of free-form text outside the 24-hour window; without it such messages are recorded as undeliverable. */
    template?: WhatsAppTemplate;
    /** Label of the button that opens a list, per locale of the outgoing activity. */
    listButton: (locale: string | undefined) => string;
    /** Country code put before a 10-digit national mobile number to make a WhatsApp id; India's by default. */
    countryCode?: string;
}

const OUTSIDE_WINDOW = '131047';

/**
 * WhatsApp Cloud API adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link WhatsAppClient}. Outside the 24-hour
 * window free-form messages are not attempted: the configured template is sent, or the message is recorded as
 * undeliverable with the reason.
 */
export class WhatsAppAdapter extends MetaWebhookAdapter implements ReachesByMobile, MediaSource {
    readonly channelId = WHATSAPP_CHANNEL;

    constructor(private readonly options: WhatsAppAdapterOptions) {
        super(options);
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

    protected mapInbound(payload: unknown): InboundBatch {
        const batch = mapWhatsAppWebhook(payload);
        // One WhatsApp Business Account can have several numbers on the same webhook; only ours is answered here.
        return { ...batch, items: batch.items.filter((item) => item.activity.recipient?.id === this.options.phoneNumberId) };
    }

    protected render(activity: Partial<Activity>): WhatsAppPart[] {
        return renderWhatsApp(activity, { listButton: this.options.listButton(activity.locale) });
    }

    protected sendPart(user: ChannelAccount, part: OutboundPart): Promise<string> {
        return this.options.client.send(recipientOf(user), (part as WhatsAppPart).message);
    }

    /** Outside the 24-hour window no free-form message is attempted: the template goes instead, or nothing. */
    protected override async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        if (proactive && !(await this.store.withinWindow(this.channelId, (activity.recipient ?? context.activity.from).id))) {
            return this.outsideWindow(context, activity, 'window_closed');
        }
        return super.deliver(context, activity, proactive);
    }

    /** WhatsApp's own clock decides: a 131047 means the window has closed, so the template is sent instead. */
    protected override async onSendRefused(context: TurnContext, activity: Partial<Activity>, error: PlatformApiError): Promise<boolean> {
        if (error.code !== OUTSIDE_WINDOW) return false;
        await this.outsideWindow(context, activity, OUTSIDE_WINDOW);
        return true;
    }

    private async outsideWindow(context: TurnContext, activity: Partial<Activity>, reason: string): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
        const { template } = this.options;
        const { store, logger } = this;
        const record = { channel: this.channelId, conversationId, recipient: user.id, kind: 'template' };
        if (!template) {
            await store.recordOutbound({
                ...record,
                platformMessageId: null,
                status: 'undeliverable',
                errorCode: reason,
                errorDetail: 'outside the 24-hour window and no template configured',
            });
            logger.warn('message not sent: outside the 24-hour window and no template configured', { channel: this.channelId, conversation: conversationId });
            return { id: '' };
        }
        // The parameter carries everything the user would have seen, numbered choices included.
        const text = this.render(activity)
            .map((part) => {
                const m = (part as WhatsAppPart).message as { text?: { body?: string }; interactive?: { body?: { text?: string } } };
                return m.text?.body ?? m.interactive?.body?.text ?? '';
            })
            .join(' ');
        const choices = (activity.suggestedActions?.actions ?? []).map((a, i) => `${i + 1}. ${a.title ?? a.value}`).join(' ');
        const parameter = `${text} ${text.includes('1. ') ? '' : choices}`.replace(/\s+/g, ' ').trim().slice(0, 1000) || '-';
        try {
            const id = await this.options.client.send(recipientOf(user), {
                type: 'template',
                template: {
                    name: template.name,
                    language: { code: template.language, policy: 'deterministic' },
                    // Template parameters may not contain newlines or long runs of spaces.
                    components: [{ type: 'body', parameters: [{ type: 'text', text: parameter }] }],
                },
            });
            await store.recordOutbound({
                ...record,
                platformMessageId: id,
                status: 'sent',
                errorDetail: `template sent instead of free-form text (${reason})`,
            });
            return { id };
        } catch (error) {
            if (!(error instanceof PlatformApiError)) throw error;
            await store.recordOutbound({
                ...record,
                platformMessageId: null,
                status: 'failed',
                errorCode: this.errorCodeOf(error),
                errorDetail: error.message,
            });
            return { id: '' };
        }
    }

    /** Downloads a user's photo or document by the `whatsapp-media:<id>` the mapper gave it. */
    async fetchMedia(contentUrl: string, maxBytes: number): Promise<FetchedMedia> {
        const id = /^whatsapp-media:([A-Za-z0-9_.-]{1,200})$/.exec(contentUrl)?.[1];
        if (!id) throw new MediaFetchError('refused', 'not a WhatsApp media reference', false);
        return this.options.client.fetchMedia(id, maxBytes);
    }
}

/**
 * Where to send: users who hide their number are addressed by their business-scoped user id (`IN.1648…`), everyone
 * else by their WhatsApp number. The shape of the id decides, so a conversation rebuilt from storage works too.
 */
function recipientOf(user: ChannelAccount): WhatsAppRecipient {
    const waId = (user.properties as { waId?: string } | undefined)?.waId;
    if (waId) return { to: waId };
    return /^[A-Z]{2}\./.test(user.id) ? { recipient: user.id } : { to: user.id };
}
