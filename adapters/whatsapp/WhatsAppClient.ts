import { createHash } from 'crypto';
import { fetchBinary } from '../shared/fetchBinary';
import { MediaFetchError } from '../shared/MediaFetchError';
import { PlatformApiError } from '../shared/PlatformApiError';
import { AdapterLogger, FetchedMedia } from '../shared/ports';
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

    /**
     * Downloads a user's media by its id: Graph gives a link valid for minutes (and the file's size and SHA-256), and
     * the link needs the access token too. The size is checked before downloading and the bytes against the hash.
     */
    async fetchMedia(mediaId: string, maxBytes: number): Promise<FetchedMedia> {
        const authorization = `Bearer ${this.options.accessToken}`;
        let info: { url?: unknown; mime_type?: unknown; sha256?: unknown; file_size?: unknown };
        try {
            const response = await this.http.request('GET', `${this.options.apiUrl.replace(/\/+$/, '')}/${encodeURIComponent(mediaId)}`, {
                headers: { authorization },
            });
            info = (response.body ?? {}) as typeof info;
        } catch (error) {
            if (!(error instanceof PlatformApiError)) throw error;
            // An unknown or expired id is Graph's code 100; only what a later try may cure is retried.
            throw new MediaFetchError(error.retryable ? 'unavailable' : 'not_found', error.message, error.retryable);
        }
        if (typeof info.url !== 'string') throw new MediaFetchError('unavailable', 'Graph returned no media link', true);
        const size = Number(info.file_size);
        if (Number.isFinite(size) && size > maxBytes) throw new MediaFetchError('too_large', `${size} bytes, more than ${maxBytes}`, false);
        const media = await fetchBinary(info.url, { headers: { authorization }, maxBytes, timeoutMs: Math.max(this.options.timeoutMs ?? 10_000, 30_000) });
        if (typeof info.sha256 === 'string' && createHash('sha256').update(media.bytes).digest('hex') !== info.sha256.toLowerCase()) {
            throw new MediaFetchError('integrity', 'the downloaded file does not match its SHA-256', true);
        }
        return { bytes: media.bytes, contentType: typeof info.mime_type === 'string' ? info.mime_type : media.contentType };
    }
}
