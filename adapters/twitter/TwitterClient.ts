import { PlatformApiError } from '../shared/PlatformApiError';
import { AdapterLogger } from '../shared/ports';
import { PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
import { describeTwitterError } from './twitterErrors';
import { TwitterTokenSource } from './TwitterUserTokens';

/** Connection settings of the X API. */
export interface TwitterClientOptions {
    /** API base without a version, e.g. https://api.x.com */
    apiUrl: string;
    /**
     * The bot account's user-context token (OAuth 2.0 user token with `dm.write`), sent as a Bearer token: a source that
     * refreshes it ({@link TwitterUserTokens}), or a fixed token (which X lets live two hours).
     */
    tokens: TwitterTokenSource | string;
    /** Where retries and failures are logged; nowhere by default. */
    logger?: AdapterLogger;
    /** Retry settings (tests shorten the waits). */
    http?: PlatformHttpClient;
    /** Told of every retried request (metrics). */
    onRetry?: PlatformHttpClientOptions['onRetry'];
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
    /** Clock in ms since the epoch, against which X's reset times are read (tests). */
    now?: () => number;
}

/**
 * The X API v2 direct-message client: `POST {apiUrl}/2/dm_conversations/with/{participant}/messages`, with
 * retries on 5xx, never on permanent errors, and X problem types logged with their meaning. A 429 is not waited out
 * here: its reset time (`retryAfterMs`) goes back to the adapter, which queues the DM for then. A 401 (the access token
 * expired or was revoked) gets one more attempt with the token the source refreshes.
 */
export class TwitterClient {
    private readonly http: PlatformHttpClient;
    private readonly tokens: TwitterTokenSource;
    /** False for a fixed token: a 401 is final. */
    private readonly refreshable: boolean;

    constructor(private readonly options: TwitterClientOptions) {
        this.http =
            options.http ??
            new PlatformHttpClient({
                logger: options.logger,
                platform: 'X',
                onRetry: options.onRetry,
                timeoutMs: options.timeoutMs,
                now: options.now,
                // X's DM windows reset after up to 24 hours: a 429 goes back to the adapter, which queues the DM.
                isRetryable: ({ status }) => (status === 429 ? false : undefined),
                describeError: (status, _body, { code }) => ({ meaning: describeTwitterError(status, code) }),
            });
        const fixed = options.tokens;
        this.refreshable = typeof fixed !== 'string';
        this.tokens = typeof fixed === 'string' ? { current: async () => fixed, rejected: async () => fixed } : fixed;
    }

    /** Sends one DM with `text` to the user `participantId`; resolves with its `dm_event_id`. */
    async sendDirectMessage(participantId: string, text: string): Promise<string> {
        // The id goes into the path: only X's numeric user ids, never anything that could change the route.
        if (!/^[0-9]{1,20}$/.test(participantId)) throw new TypeError(`X: invalid participant id "${participantId.slice(0, 30)}"`);
        const url = `${this.options.apiUrl.replace(/\/+$/, '')}/2/dm_conversations/with/${participantId}/messages`;
        const token = await this.tokens.current();
        let response;
        try {
            response = await this.http.request('POST', url, { headers: { authorization: `Bearer ${token}` }, body: { text } });
        } catch (error) {
            if (!(error instanceof PlatformApiError) || error.status !== 401 || !this.refreshable) throw error;
            // Expired early or revoked: once more with a refreshed token (a second 401 is final).
            const renewed = await this.tokens.rejected(token);
            response = await this.http.request('POST', url, { headers: { authorization: `Bearer ${renewed}` }, body: { text } });
        }
        const id = (response.body as { data?: { dm_event_id?: unknown } } | undefined)?.data?.dm_event_id;
        if (typeof id !== 'string' || id === '') throw new Error('X accepted the direct message but returned no dm_event_id');
        return id;
    }
}
