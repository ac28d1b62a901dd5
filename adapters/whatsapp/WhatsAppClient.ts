import { createHash } from 'crypto';
import { fetchBinary } from '../shared/fetchBinary';
import { MediaFetchError } from '../shared/MediaFetchError';
import { PlatformApiError } from '../shared/PlatformApiError';
import { AdapterLogger, FetchedMedia } from '../shared/ports';
import { IN_TURN_RETRIES, PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
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
    /** Clock in ms (tests). */
    now?: () => number;
    /** Waits before a send to a user WhatsApp asked us to slow down for (tests record instead of sleeping). */
    sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_CODES = new Set(['130429', '131056', '131000', '1', '2']);
/** WhatsApp lets a business send one user about one message every 6 seconds (bursts aside): 131056 past that. */
export const PAIR_INTERVAL_MS = 6000;
/** How long the pace stays halved after a throughput error (130429). */
export const SLOW_DOWN_MS = 60_000;

/** Where a message goes: a phone number, or a business-scoped user id for users who hide their number. */
export type WhatsAppRecipient = { to: string } | { recipient: string };

/**
 * The WhatsApp Cloud API client: `POST {apiUrl}/{phoneNumberId}/messages` with the access token, paced under the
 * number's throughput, with retries on 429/5xx (never on permanent errors) and error codes logged with meaning.
 * Throughput errors (130429) halve the pace for a minute; pair-rate errors (131056) hold that user's next message
 * until 6 seconds have passed, whether they come in the send response or later in a webhook.
 */
export class WhatsAppClient {
    private readonly http: PlatformHttpClient;
    private readonly readReceipts: PlatformHttpClient;
    private pacer: IntervalPacer;
    private rate: number;
    private slowUntil = 0;
    private readonly heldUntil = new Map<string, number>();
    private readonly now: () => number;
    private readonly sleep: (ms: number) => Promise<void>;

    constructor(private readonly options: WhatsAppClientOptions) {
        this.now = options.now ?? Date.now;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        const describeError = (_status: number, body: unknown) => {
            const code = (body as { error?: { code?: number } } | undefined)?.error?.code;
            return { code: code === undefined ? undefined : String(code), meaning: describeWhatsAppError(code) };
        };
        this.http =
            options.http ??
            new PlatformHttpClient({
                ...IN_TURN_RETRIES,
                platform: 'WhatsApp',
                logger: options.logger,
                onRetry: (status, code) => {
                    if (code === '130429') this.slowDown();
                    options.onRetry?.(status, code);
                },
                timeoutMs: options.timeoutMs,
                // Throughput, pair-rate and transient errors come back as HTTP 400 from Meta, yet waiting helps.
                isRetryable: ({ code }) => (code !== undefined && RETRYABLE_CODES.has(code) ? true : undefined),
                describeError,
            });
        // A read receipt is a courtesy: one attempt, a short timeout, nothing retried.
        this.readReceipts = new PlatformHttpClient({
            platform: 'WhatsApp',
            logger: options.logger,
            maxAttempts: 1,
            timeoutMs: Math.min(options.timeoutMs ?? 10_000, 3000),
            describeError,
        });
        this.rate = options.maxMessagesPerSecond;
        this.pacer = new IntervalPacer(this.rate);
    }

    /** Messages per second the client paces at now (lower for a minute after a throughput error). */
    get messagesPerSecond(): number {
        return this.rate;
    }

    /** Sends one message body to `to`; resolves with the message id (wamid). */
    async send(to: WhatsAppRecipient, message: Record<string, unknown>): Promise<string> {
        await this.waitForRecipient(addressOf(to));
        this.recover();
        await this.pacer.wait();
        const response = await this.http.request('POST', this.messagesUrl(), {
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

    /**
     * Marks an inbound message read and shows the typing indicator until the reply (at most 25 seconds). One attempt,
     * unpaced: it carries no message. Rejects with PlatformApiError like {@link send}.
     */
    async markRead(messageId: string): Promise<void> {
        await this.readReceipts.request('POST', this.messagesUrl(), {
            headers: { authorization: `Bearer ${this.options.accessToken}` },
            body: { messaging_product: 'whatsapp', status: 'read', message_id: messageId, typing_indicator: { type: 'text' } },
        });
    }

    /** WhatsApp reported its throughput limit (130429): halve the pace for a minute. */
    slowDown(): void {
        this.rate = Math.max(1, Math.floor(this.rate / 2));
        this.pacer = new IntervalPacer(this.rate);
        this.slowUntil = this.now() + SLOW_DOWN_MS;
        this.options.logger?.warn('WhatsApp throughput limit reached; sending slower for a minute', { perSecond: this.rate });
    }

    /** WhatsApp reported the pair rate limit for a user (131056): their next message waits 6 seconds. */
    holdRecipient(address: string): void {
        this.heldUntil.set(address, this.now() + PAIR_INTERVAL_MS);
    }

    private async waitForRecipient(address: string): Promise<void> {
        const until = this.heldUntil.get(address);
        if (until === undefined) return;
        this.heldUntil.delete(address);
        const wait = until - this.now();
        if (wait > 0) await this.sleep(wait);
    }

    private recover(): void {
        if (this.rate >= this.options.maxMessagesPerSecond || this.now() < this.slowUntil) return;
        this.rate = this.options.maxMessagesPerSecond;
        this.pacer = new IntervalPacer(this.rate);
    }

    private messagesUrl(): string {
        return `${this.options.apiUrl.replace(/\/+$/, '')}/${this.options.phoneNumberId}/messages`;
    }
}

/** The key a recipient is held under: `to:<wa_id>` or `recipient:<BSUID>`, as stored with template fallbacks. */
export function addressOf(to: WhatsAppRecipient): string {
    return 'to' in to ? `to:${to.to}` : `recipient:${to.recipient}`;
}

/** The recipient an address names (the inverse of {@link addressOf}). */
export function recipientOfAddress(address: string): WhatsAppRecipient {
    return address.startsWith('recipient:') ? { recipient: address.slice('recipient:'.length) } : { to: address.replace(/^to:/, '') };
}
