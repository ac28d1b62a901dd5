import { PlatformApiError } from '../shared/PlatformApiError';
import { PlatformHttpClient } from '../shared/PlatformHttpClient';
import { AdapterLogger } from '../shared/ports';

/** Settings of {@link TwitterOAuthClient}. */
export interface TwitterOAuthClientOptions {
    /** API base without a version, e.g. https://api.x.com; the token endpoint is `${apiUrl}/2/oauth2/token`. */
    apiUrl: string;
    /** The app's OAuth 2.0 Client ID. */
    clientId: string;
    /** The OAuth 2.0 Client Secret of a confidential app (sent as HTTP Basic auth); empty for a public app. */
    clientSecret?: string;
    logger?: AdapterLogger;
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
    /** Clock in ms since the epoch (tests). */
    now?: () => number;
}

/** What X's token endpoint grants. */
export interface TwitterTokenGrant {
    accessToken: string;
    /** The next refresh token: X spends the one just used. */
    refreshToken: string;
    /** Seconds the access token lives (X says 7200). */
    expiresInSeconds: number;
    /** The scopes granted, space-separated. */
    scope: string;
}

/** OAuth error codes with which X refuses the refresh token itself (spent, revoked or unknown). */
const REFUSED_GRANT = new Set(['invalid_request', 'invalid_grant']);

/**
 * X's OAuth 2.0 token endpoint, for the refresh-token grant: `POST {apiUrl}/2/oauth2/token` with the form
 * `grant_type=refresh_token&refresh_token=…&client_id=…`, and HTTP Basic auth with the client id and secret when the
 * app is confidential. Never retried: X may have spent the refresh token even when the answer was lost, and a second
 * attempt with it would be refused.
 */
export class TwitterOAuthClient {
    private readonly http: PlatformHttpClient;

    constructor(private readonly options: TwitterOAuthClientOptions) {
        if (!options.clientId) throw new Error('TwitterOAuthClient needs the app’s OAuth 2.0 client id');
        this.http = new PlatformHttpClient({
            logger: options.logger,
            platform: 'X OAuth',
            maxAttempts: 1,
            timeoutMs: options.timeoutMs,
            now: options.now,
        });
    }

    /**
     * Spends `refreshToken` for a new access token and the next refresh token.
     * @throws PlatformApiError as X answered; {@link TwitterOAuthClient.refusedGrant} tells a refused refresh token.
     */
    async refresh(refreshToken: string): Promise<TwitterTokenGrant> {
        const { clientId, clientSecret } = this.options;
        const headers: Record<string, string> = {};
        if (clientSecret) headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
        const response = await this.http.request('POST', `${this.options.apiUrl.replace(/\/+$/, '')}/2/oauth2/token`, {
            headers,
            form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
        });
        const body = (response.body ?? {}) as Record<string, unknown>;
        const { access_token: accessToken, refresh_token: next, expires_in: expiresIn, scope } = body;
        if (typeof accessToken !== 'string' || accessToken === '') throw new Error('X granted no access_token');
        // Without offline.access X grants no refresh token, and the bot would stop two hours later.
        if (typeof next !== 'string' || next === '') throw new Error('X granted no refresh_token: authorise the bot account with the offline.access scope');
        return {
            accessToken,
            refreshToken: next,
            expiresInSeconds: typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 7200,
            scope: typeof scope === 'string' ? scope : '',
        };
    }

    /** Whether `error` is X refusing the refresh token itself (400 `invalid_request`/`invalid_grant`): only re-authorising helps. */
    static refusedGrant(error: unknown): boolean {
        return error instanceof PlatformApiError && error.status === 400 && error.code !== undefined && REFUSED_GRANT.has(error.code);
    }
}
