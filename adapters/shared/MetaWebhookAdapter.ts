import { IncomingHttpHeaders } from 'http';
import { WebhookAdapter, WebhookAdapterOptions, WebhookResponse } from './WebhookAdapter';
import { metaHandshake, verifyMetaSignature } from './metaWebhook';

/** Settings every Meta platform (WhatsApp, Messenger) adapter has. */
export interface MetaWebhookAdapterOptions extends WebhookAdapterOptions {
    /** The Meta app's secret: the key of every `X-Hub-Signature-256`. */
    appSecret: string;
    /** The token entered with the callback URL in the App Dashboard. */
    verifyToken: string;
}

/** The webhook half Meta's platforms share: the `hub.challenge` handshake and the app-secret signature. */
export abstract class MetaWebhookAdapter extends WebhookAdapter {
    constructor(private readonly meta: MetaWebhookAdapterOptions) {
        super(meta);
    }

    /** Meta's `hub.mode=subscribe` verification: the challenge as plain text, or 403 for a wrong token. */
    handshake(query: Record<string, unknown>): WebhookResponse {
        return metaHandshake(query, this.meta.verifyToken);
    }

    protected verifySignature(raw: Buffer, headers: IncomingHttpHeaders): boolean {
        return verifyMetaSignature(raw, headers, this.meta.appSecret);
    }
}
