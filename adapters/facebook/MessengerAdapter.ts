import { Activity, ChannelAccount } from 'botbuilder';
import { fetchBinary } from '../shared/fetchBinary';
import { MediaFetchError } from '../shared/MediaFetchError';
import { PlatformApiError } from '../shared/PlatformApiError';
import { FetchedMedia, MediaSource } from '../shared/ports';
import { InboundBatch, OutboundPart } from '../shared/WebhookAdapter';
import { MetaWebhookAdapter, MetaWebhookAdapterOptions } from '../shared/MetaWebhookAdapter';
import { mapMessengerWebhook, MESSENGER_CHANNEL } from './mapMessengerWebhook';
import { OUTSIDE_WINDOW } from './messengerErrors';
import { MessagingType, MessengerClient } from './MessengerClient';
import { MessengerPart, renderMessenger } from './renderMessenger';

/** Time a CDN download may take. */
const MEDIA_TIMEOUT_MS = 30_000;

/** Settings of {@link MessengerAdapter}. */
export interface MessengerAdapterOptions extends MetaWebhookAdapterOptions {
    client: MessengerClient;
    /** Message tag for proactive sends outside the 24-hour window, e.g. `ACCOUNT_UPDATE` (never promotional). */
    messageTag: string;
}

/**
 * Facebook Messenger adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} and {@link handleWebhook}; replies go out through {@link MessengerClient}.
 */
export class MessengerAdapter extends MetaWebhookAdapter implements MediaSource {
    readonly channelId = MESSENGER_CHANNEL;

    constructor(private readonly options: MessengerAdapterOptions) {
        super(options);
    }

    protected mapInbound(payload: unknown): InboundBatch {
        return mapMessengerWebhook(payload);
    }

    protected render(activity: Partial<Activity>): MessengerPart[] {
        return renderMessenger(activity);
    }

    /**
     * Replies in a turn are `RESPONSE`s. Proactive messages (complaint updates, which are account updates) are
     * `UPDATE`s while the user's window is open and tagged after it closes, or when Meta says it has closed.
     */
    protected async sendPart(user: ChannelAccount, part: OutboundPart, proactive: boolean): Promise<string> {
        const { client, messageTag: tag } = this.options;
        const store = this.store;
        const message = (part as MessengerPart).message;
        if (!proactive) return client.send(user.id, message, 'RESPONSE');
        const messagingType: MessagingType = (await store.withinWindow(this.channelId, user.id)) ? 'UPDATE' : 'MESSAGE_TAG';
        try {
            return await client.send(user.id, message, messagingType, messagingType === 'MESSAGE_TAG' ? tag : undefined);
        } catch (error) {
            // Our record of the window can disagree with Meta's (the user wrote to a person in the Page inbox);
            // Meta's answer decides, and the tag is what it allows for an account update outside the window.
            if (
                messagingType === 'UPDATE' &&
                error instanceof PlatformApiError &&
                error.code === OUTSIDE_WINDOW.code &&
                error.subcode === OUTSIDE_WINDOW.subcode
            ) {
                this.logger.info('outside the 24-hour window: resending the update with a message tag', { channel: this.channelId, tag });
                return client.send(user.id, message, 'MESSAGE_TAG', tag);
            }
            throw error;
        }
    }

    /** Downloads a user's photo from the Messenger CDN link of the attachment (links expire, so soon after receipt). */
    async fetchMedia(contentUrl: string, maxBytes: number): Promise<FetchedMedia> {
        if (!/^https?:\/\//.test(contentUrl)) throw new MediaFetchError('refused', 'not a Messenger attachment link', false);
        return fetchBinary(contentUrl, { maxBytes, timeoutMs: MEDIA_TIMEOUT_MS });
    }
}
