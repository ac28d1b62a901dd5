import { IncomingHttpHeaders } from 'http';
import { Activity, ResourceResponse, TurnContext } from 'botbuilder';
import { PlatformApiError } from '../shared/PlatformApiError';
import { InboundBatch, WebhookAdapter, WebhookAdapterOptions, WebhookResponse } from '../shared/WebhookAdapter';
import { metaHandshake, verifyMetaSignature } from '../shared/metaWebhook';
import { mapMessengerWebhook, MESSENGER_CHANNEL } from './mapMessengerWebhook';
import { OUTSIDE_WINDOW } from './messengerErrors';
import { MessagingType, MessengerClient } from './MessengerClient';
import { MessengerPart, renderMessenger } from './renderMessenger';

/** Settings of {@link MessengerAdapter}. */
export interface MessengerAdapterOptions extends WebhookAdapterOptions {
    appSecret: string;
    verifyToken: string;
    client: MessengerClient;
    /** Message tag for proactive sends outside the 24-hour window, e.g. `ACCOUNT_UPDATE` (never promotional). */
    messageTag: string;
}


/**
 * Facebook Messenger adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link MessengerClient}. Replies in a turn
 * are `RESPONSE`s; proactive messages are `UPDATE`s while the user's 24-hour window is open and carry the
 * configured message tag after it closes.
 */
export class MessengerAdapter extends WebhookAdapter {
    readonly channelId = MESSENGER_CHANNEL;

    constructor(private readonly options: MessengerAdapterOptions) {
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
        return mapMessengerWebhook(payload);
    }

    protected async deliver(context: TurnContext, activity: Partial<Activity>, proactive: boolean): Promise<ResourceResponse> {
        const user = activity.recipient ?? context.activity.from;
        const conversationId = activity.conversation?.id ?? context.activity.conversation.id;
        const messagingType: MessagingType = !proactive ? 'RESPONSE' : (await this.options.store.withinWindow(this.channelId, user.id)) ? 'UPDATE' : 'MESSAGE_TAG';
        let lastId = '';
        for (const part of renderMessenger(activity)) {
            try {
                lastId = await this.sendPart(user.id, part, messagingType);
                await this.options.store.recordOutbound({ channel: this.channelId, conversationId, recipient: user.id, kind: part.kind, platformMessageId: lastId, status: 'sent' });
            } catch (error) {
                await this.recordFailure(conversationId, user.id, part, error);
                throw error;
            }
        }
        return { id: lastId };
    }

    private async sendPart(psid: string, part: MessengerPart, messagingType: MessagingType): Promise<string> {
        const client = this.options.client;
        const tag = this.options.messageTag;
        try {
            return await client.send(psid, part.message, messagingType, messagingType === 'MESSAGE_TAG' ? tag : undefined);
        } catch (error) {
            // Our record of the window can disagree with Meta's (the user wrote to a person in the Page inbox, clock
            // skew); Meta's answer decides, and a tagged message is what it allows outside the window.
            if (messagingType !== 'MESSAGE_TAG' && error instanceof PlatformApiError && error.code === OUTSIDE_WINDOW.code && error.subcode === OUTSIDE_WINDOW.subcode) {
                this.options.logger.info('outside the 24-hour window: resending with a message tag', { channel: this.channelId, tag });
                return client.send(psid, part.message, 'MESSAGE_TAG', tag);
            }
            throw error;
        }
    }


    private async recordFailure(conversationId: string, psid: string, part: MessengerPart, error: unknown): Promise<void> {
        // `code/subcode` as in messengerErrors: Meta's subcode is what tells the window and restriction cases apart.
        let code = 'unexpected';
        if (error instanceof PlatformApiError) {
            if (error.code === undefined) code = error.status === 0 ? 'network' : String(error.status);
            else code = error.subcode === undefined ? error.code : `${error.code}/${error.subcode}`;
        }
        await this.options.store.recordOutbound({
            channel: this.channelId, conversationId, recipient: psid, kind: part.kind, platformMessageId: null,
            status: 'failed', errorCode: code, errorDetail: (error as Error).message,
        });
    }
}
