import { AdapterLogger } from '../shared/ports';
import { PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
import { IntervalPacer } from '../shared/IntervalPacer';
import { describeWhatsAppError } from './whatsAppErrors';

/** Connection settings of the WhatsApp Cloud API. */
export interface WhatsAppClientOptions {
    /** Graph API base with version, e.g. https://graph.facebook.com/v25.0 */
    apiUrl: string;
    accessToken: string;
    phoneNumberId: string;
    /** Messages per second to this number's API; WhatsApp's default throughput is 80. */
    maxMessagesPerSecond: number;
    /** Where retries and failures are logged; nowhere by default. */
    logger?: AdapterLogger;
    /** Retry settings (tests shorten the waits). */
    http?: PlatformHttpClient;
    /** Told of every retried request (metrics). */
    onRetry?: PlatformHttpClientOptions['onRetry'];
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
}

const RETRYABLE_CODES = new Set(['130429', '131056', '131000', '1', '2']);

/** Where a message goes: a phone number, or a business-scoped user id for users who hide their number. */
export type WhatsAppRecipient = { to: string } | { recipient: string };

/**
 * The WhatsApp Cloud API client: `POST {apiUrl}/{phoneNumberId}/messages` with the access token, paced under the
 * number's throughput, with retries on 429/5xx (never on permanent errors) and error codes logged with meaning.
 */
export class WhatsAppClient {
    private readonly http: PlatformHttpClient;
    private readonly pacer: IntervalPacer;

    constructor(private readonly options: WhatsAppClientOptions) {
        this.http =
            options.http ??
            new PlatformHttpClient({
                platform: 'WhatsApp',
                logger: options.logger,
                onRetry: options.onRetry,
                timeoutMs: options.timeoutMs,
                // Throughput, pair-rate and transient errors come back as HTTP 400 from Meta, yet waiting helps.
                isRetryable: ({ code }) => (code !== undefined && RETRYABLE_CODES.has(code) ? true : undefined),
                describeError: (_status, body) => {
                    const code = (body as { error?: { code?: number } } | undefined)?.error?.code;
                    return { code: code === undefined ? undefined : String(code), meaning: describeWhatsAppError(code) };
                },
            });
        this.pacer = new IntervalPacer(options.maxMessagesPerSecond);
    }

    /** Sends one message body to `to`; resolves with the message id (wamid). */
    async send(to: WhatsAppRecipient, message: Record<string, unknown>): Promise<string> {
        await this.pacer.wait();
        const response = await this.http.request('POST', `${this.options.apiUrl.replace(/\/+$/, '')}/${this.options.phoneNumberId}/messages`, {
            headers: { authorization: `Bearer ${this.options.accessToken}` },
            body: { messaging_product: 'whatsapp', recipient_type: 'individual', ...to, ...message },
        });
        const id = (response.body as { messages?: Array<{ id?: string }> } | undefined)?.messages?.[0]?.id;
        if (!id) throw new Error('WhatsApp accepted the message but returned no message id');
        return id;
    }
}
