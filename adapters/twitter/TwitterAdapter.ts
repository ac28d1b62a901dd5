import { IncomingHttpHeaders } from 'http';
import { Activity, ChannelAccount } from 'botbuilder';
import { PlatformApiError } from '../shared/PlatformApiError';
import { InboundBatch, OutboundPart, WebhookAdapter, WebhookAdapterOptions, WebhookResponse } from '../shared/WebhookAdapter';
import { signSha256, verifySha256Signature } from '../shared/webhookSignature';
import { mapTwitterWebhook, TWITTER_CHANNEL } from './mapTwitterWebhook';
import { renderTwitter, TwitterPart } from './renderTwitter';
import { TwitterClient } from './TwitterClient';
import { twitterErrorCode } from './twitterErrors';

/** Settings of {@link TwitterAdapter}. */
export interface TwitterAdapterOptions extends WebhookAdapterOptions {
    /** The app's API key secret: the key of the CRC answer and of every webhook signature. */
    consumerSecret: string;
    /** The bot account's user id (`TWITTER_USER_ID`): conversations are keyed on it and its own DMs are echoes. */
    botUserId: string;
    client: TwitterClient;
}

/**
 * The shape X's CRC tokens have. Anything else is refused: answering arbitrary strings would make the endpoint an
 * HMAC oracle for attacker-chosen input under the consumer secret (vercel/chat#775).
 */
const CRC_TOKEN = /^[A-Za-z0-9+/=_-]{16,128}$/;

/** The CRC `response_token`: `sha256=` + base64 HMAC-SHA256 of the token keyed with the consumer secret. */
export function crcResponseToken(consumerSecret: string, crcToken: string): string {
    return signSha256(consumerSecret, crcToken, 'base64');
}

/**
 * X (Twitter) direct-message adapter, usable by any botbuilder bot: `GET`/`POST` on its webhook route go to
 * {@link handshake} (the CRC) and {@link handleWebhook}; replies go out as v2 DMs through {@link TwitterClient},
 * choices as numbered text. Accepts both the Account Activity API and the X Activity API webhook shapes. X has no
 * reply window, so proactive messages are sent like replies.
 */
export class TwitterAdapter extends WebhookAdapter {
    readonly channelId = TWITTER_CHANNEL;

    constructor(private readonly options: TwitterAdapterOptions) {
        super(options);
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
}
