import { IncomingHttpHeaders } from 'http';
import { WebhookResponse } from './WebhookAdapter';
import { sameSecret, verifySha256Signature } from './webhookSignature';

/** Meta's `hub.mode=subscribe` verification (WhatsApp and Messenger): the challenge as plain text, or 403. */
export function metaHandshake(query: Record<string, unknown>, verifyToken: string): WebhookResponse {
    if (query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'], verifyToken) && typeof query['hub.challenge'] === 'string') {
        return { status: 200, body: query['hub.challenge'], contentType: 'text/plain' };
    }
    return { status: 403, body: 'verification failed' };
}

/** Meta's `X-Hub-Signature-256` check on the raw body, keyed with the app secret. */
export function verifyMetaSignature(raw: Buffer, headers: IncomingHttpHeaders, appSecret: string): boolean {
    return verifySha256Signature(raw, headers['x-hub-signature-256'], appSecret, 'hex');
}
