import { IncomingHttpHeaders } from 'http';
import { Activity, ResourceResponse, TurnContext } from 'botbuilder';
import { ChannelStore } from '../shared/ChannelStore';
import { PlatformApiError } from '../shared/PlatformApiError';
import { InboundBatch, WebhookAdapter, WebhookAdapterOptions, WebhookResponse } from '../shared/WebhookAdapter';
import { metaHandshake, verifyMetaSignature } from '../shared/metaWebhook';
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
export interface WhatsAppAdapterOptions extends WebhookAdapterOptions {
    appSecret: string;
    verifyToken: string;
    client: WhatsAppClient;
    /** Sent instead of free-form text outside the 24-hour window; without it such messages are recorded as undeliverable. */
    template?: WhatsAppTemplate;
    /** Label of the button that opens a list, per locale of the outgoing activity. */
    listButton: (locale: string | undefined) => string;
}

const OUTSIDE_WINDOW = '131047';

/**
 * WhatsApp Cloud API adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link WhatsAppClient}. Outside the 24-hour
 * window free-form messages are not attempted: the configured template is sent, or the message is recorded as
 * undeliverable with the reason.
 */
export class WhatsAppAdapter extends WebhookAdapter {
    readonly channelId = WHATSAPP_CHANNEL;

    constructor(private readonly options: WhatsAppAdapterOptions) {
        super(options);
    }

    /** Meta's `hub.mode=subscribe` verification: the challenge as plain text, or 403 for a wrong token. */
    handshake(query: Record<string, unknown>): WebhookResponse {
        return metaHandshake(query, this.options.verifyToken);
    }

    protected verifySignature(raw: Buffer, headers: IncomingHttpHeaders): boolean {
        return verifyMetaSignature(raw, headers, this.options.appSecret);
    }

    protected mapInbound(payload: unknown): InboundBatch {
        return mapWhatsAppWebhook(payload);
    }

    protected async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const waId = (user?.properties as { waId?: string } | undefined)?.waId;
        const to: WhatsAppRecipient = waId ? { to: waId } : { recipient: user.id };
        const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
        const store = this.options.store;
        if (proactive && !(await this.options.store.withinWindow(this.channelId, user.id))) {
            return this.outsideWindow(to, user.id, conversationId, activity.text ?? '', 'window_closed');
        }
        let lastId = '';
        for (const part of renderWhatsApp(activity, { listButton: this.options.listButton(activity.locale) })) {
            try {
                lastId = await this.options.client.send(to, part.message);
                await store.recordOutbound({ channel: this.channelId, conversationId, recipient: user.id, kind: part.kind, platformMessageId: lastId, status: 'sent' });
            } catch (error) {
                if (error instanceof PlatformApiError && error.code === OUTSIDE_WINDOW) {
                    return this.outsideWindow(to, user.id, conversationId, activity.text ?? '', OUTSIDE_WINDOW);
                }
                await this.recordFailure(conversationId, user.id, part, error);
                throw error;
            }
        }
        return { id: lastId };
    }


    private async outsideWindow(to: WhatsAppRecipient, userId: string, conversationId: string, text: string, reason: string): Promise<ResourceResponse> {
        const store = this.options.store;
        const template = this.options.template;
        if (!template) {
            await store.recordOutbound({ channel: this.channelId, conversationId, recipient: userId, kind: 'text', platformMessageId: null, status: 'undeliverable', errorCode: reason, errorDetail: 'outside the 24-hour window and no template configured' });
            this.options.logger.warn('message not sent: outside the 24-hour window and no template configured', { channel: this.channelId, conversation: conversationId });
            return { id: '' };
        }
        const id = await this.options.client.send(to, {
            type: 'template',
            template: {
                name: template.name,
                language: { code: template.language, policy: 'deterministic' },
                // Template parameters may not contain newlines or long runs of spaces.
                components: [{ type: 'body', parameters: [{ type: 'text', text: text.replace(/\s+/g, ' ').slice(0, 1000) }] }],
            },
        });
        await store.recordOutbound({ channel: this.channelId, conversationId, recipient: userId, kind: 'template', platformMessageId: id, status: 'sent', errorCode: reason });
        return { id };
    }

    private async recordFailure(conversationId: string, userId: string, part: WhatsAppPart, error: unknown): Promise<void> {
        const code = error instanceof PlatformApiError ? (error.code ?? String(error.status)) : 'network';
        await this.options.store.recordOutbound({
            channel: this.channelId, conversationId, recipient: userId, kind: part.kind, platformMessageId: null,
            status: 'failed', errorCode: code, errorDetail: (error as Error).message,
        });
    }
}

