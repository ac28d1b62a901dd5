import { AdapterLogger } from '../shared/ports';
import { PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
import { describeTwitterError } from './twitterErrors';

/** Connection settings of the X API. */
export interface TwitterClientOptions {
    /** API base without a version, e.g. https://api.x.com */
    apiUrl: string;
    /** User-context token of the bot account (OAuth 2.0 user token with `dm.write`), sent as a Bearer token. */
    accessToken: string;
    /** Where retries and failures are logged; nowhere by default. */
    logger?: AdapterLogger;
    /** Retry settings (tests shorten the waits). */
    http?: PlatformHttpClient;
    /** Told of every retried request (metrics). */
    onRetry?: PlatformHttpClientOptions['onRetry'];
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
}

/**
 * The X API v2 direct-message client: `POST {apiUrl}/2/dm_conversations/with/{participant}/messages`, with
 * retries on 429 (waiting for `x-rate-limit-reset`) and 5xx, never on permanent errors, and X problem types
 * logged with their meaning.
 */
export class TwitterClient {
    private readonly http: PlatformHttpClient;

    constructor(private readonly options: TwitterClientOptions) {
        this.http =
            options.http ??
            new PlatformHttpClient({
                logger: options.logger,
                platform: 'X',
                onRetry: options.onRetry,
                timeoutMs: options.timeoutMs,
                describeError: (status, _body, { code }) => ({ meaning: describeTwitterError(status, code) }),
            });
    }

    /** Sends one DM with `text` to the user `participantId`; resolves with its `dm_event_id`. */
    async sendDirectMessage(participantId: string, text: string): Promise<string> {
        // The id goes into the path: only X's numeric user ids, never anything that could change the route.
        if (!/^[0-9]{1,20}$/.test(participantId)) throw new TypeError(`X: invalid participant id "${participantId.slice(0, 30)}"`);
        const response = await this.http.request('POST', `${this.options.apiUrl.replace(/\/+$/, '')}/2/dm_conversations/with/${participantId}/messages`, {
            headers: { authorization: `Bearer ${this.options.accessToken}` },
            body: { text },
        });
        const id = (response.body as { data?: { dm_event_id?: unknown } } | undefined)?.data?.dm_event_id;
        if (typeof id !== 'string' || id === '') throw new Error('X accepted the direct message but returned no dm_event_id');
        return id;
    }
}
