import { AdapterLogger } from '../shared/ports';
import { PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
import { describeMessengerFailure, isRetryableMessengerFailure } from './messengerErrors';

/** Connection settings of the Messenger Send API. */
export interface MessengerClientOptions {
    /** Graph API base with version, e.g. https://graph.facebook.com/v25.0 */
    apiUrl: string;
    /** The Page access token (sent as `access_token`, as the Send API expects). */
    pageAccessToken: string;
    /** Where retries and failures are logged; nowhere by default. */
    logger?: AdapterLogger;
    /**
     * Retry settings (tests shorten the waits). Build it with {@link MessengerClient.httpOptions} to keep the
     * Messenger error meanings and the retry of Meta's throttling codes.
     */
    http?: PlatformHttpClient;
    /** Told of every retried request (metrics). */
    onRetry?: PlatformHttpClientOptions['onRetry'];
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
}

/** `RESPONSE` inside the 24-hour window, `UPDATE` for proactive messages inside it, `MESSAGE_TAG` outside. */
export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';

/**
 * The Messenger Send API client: `POST {apiUrl}/me/messages?access_token=…` with retries on 429/5xx and Meta's
 * throttling codes (never on permanent errors) and error codes logged with meaning. The token travels in the query
 * string, which the HTTP client never logs.
 */
export class MessengerClient {
    private readonly http: PlatformHttpClient;

    constructor(private readonly options: MessengerClientOptions) {
        this.http =
            options.http ?? new PlatformHttpClient({ ...MessengerClient.httpOptions(options.logger), onRetry: options.onRetry, timeoutMs: options.timeoutMs });
    }

    /** The Messenger-specific `PlatformHttpClient` options; add `sleep`, `maxAttempts`… to taste. */
    static httpOptions(logger?: AdapterLogger): PlatformHttpClientOptions {
        return { logger, platform: 'Messenger', describeError: describeMessengerFailure, isRetryable: isRetryableMessengerFailure };
    }

    /**
     * Sends one `message` object to the user with page-scoped id `recipientPsid`; resolves with the message id.
     * `tag` is required by Meta when `messagingType` is `MESSAGE_TAG` (e.g. `ACCOUNT_UPDATE`).
     */
    async send(recipientPsid: string, message: Record<string, unknown>, messagingType: MessagingType, tag?: string): Promise<string> {
        if (messagingType === 'MESSAGE_TAG' && !tag) throw new Error('Messenger: a MESSAGE_TAG send needs a tag');
        const url = `${this.options.apiUrl.replace(/\/+$/, '')}/me/messages?access_token=${encodeURIComponent(this.options.pageAccessToken)}`;
        const response = await this.http.request('POST', url, {
            body: { recipient: { id: recipientPsid }, messaging_type: messagingType, ...(messagingType === 'MESSAGE_TAG' ? { tag } : {}), message },
        });
        const id = (response.body as { message_id?: string } | undefined)?.message_id;
        if (!id) throw new Error('Messenger accepted the message but returned no message id');
        return id;
    }
}
