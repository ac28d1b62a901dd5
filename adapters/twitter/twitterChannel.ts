import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { InMemoryGrantStore } from '../shared/InMemoryGrantStore';
import { TWITTER_CHOICES } from './renderTwitter';
import { TwitterAdapter, X_DM_LIMITS } from './TwitterAdapter';
import { TwitterClient } from './TwitterClient';
import { TwitterOAuthClient } from './TwitterOAuthClient';
import { TwitterUserTokens } from './TwitterUserTokens';

/** X (Twitter) direct-message settings; present when the channel is on. */
export interface TwitterSettings {
    consumerSecret: string;
    /** The bot's own account id (its DMs come back as echoes). */
    userId: string;
    /** API base; sends go to `${apiUrl}/2/dm_conversations/with/{participant}/messages`, refreshes to `${apiUrl}/2/oauth2/token`. */
    apiUrl: string;
    /** The app's OAuth 2.0 Client ID. */
    clientId: string;
    /** The OAuth 2.0 Client Secret of a confidential app; empty for a public one. */
    clientSecret: string;
    /** The bot account's refresh token (scope `offline.access`), spent for the first access token; later ones are stored. */
    refreshToken: string;
    /** DMs the account may send per 15 minutes and per 24 hours (X: 15 and 1,440). */
    dmPer15Minutes: number;
    dmPerDay: number;
    /** Seconds between two broadcast DMs from the outbound queue (default 60). */
    broadcastIntervalSeconds: number;
}

/** X (Twitter) direct messages through the Account Activity or X Activity API: on when its four secrets are set. */
export const twitterChannel: ChannelDescriptor<TwitterSettings> = {
    id: 'twitter',
    label: 'X (Twitter)',
    choices: TWITTER_CHOICES,
    // DM images need a chunked media upload; the renderer sends an image's address as a link instead.
    images: false,
    secretNames: ['TWITTER_CONSUMER_SECRET', 'TWITTER_USER_ID', 'TWITTER_CLIENT_ID', 'TWITTER_REFRESH_TOKEN'],
    readSettings(env) {
        const secrets = env.required('X (Twitter)', twitterChannel.secretNames);
        if (!secrets) return null;
        return {
            consumerSecret: secrets.TWITTER_CONSUMER_SECRET,
            userId: secrets.TWITTER_USER_ID,
            apiUrl: env.url('TWITTER_API_URL', 'https://api.x.com'),
            clientId: secrets.TWITTER_CLIENT_ID,
            clientSecret: env.text('TWITTER_CLIENT_SECRET'),
            refreshToken: secrets.TWITTER_REFRESH_TOKEN,
            dmPer15Minutes: env.integer('TWITTER_DM_PER_15_MINUTES', X_DM_LIMITS.per15Minutes, 1, 100_000),
            dmPerDay: env.integer('TWITTER_DM_PER_DAY', X_DM_LIMITS.perDay, 1, 1_000_000),
            broadcastIntervalSeconds: env.integer('TWITTER_BROADCAST_INTERVAL_SECONDS', 60, 1, 86_400),
        };
    },
    // One broadcast DM a minute by default: X's whole allowance is about one DM a minute, and replies come first.
    sendsPerSecond: (settings) => 1 / settings.broadcastIntervalSeconds,
    createAdapter(settings, host) {
        const tokens = new TwitterUserTokens({
            store: host.grants ?? new InMemoryGrantStore(),
            oauth: new TwitterOAuthClient({
                apiUrl: settings.apiUrl,
                clientId: settings.clientId,
                clientSecret: settings.clientSecret,
                logger: host.logger,
                timeoutMs: host.timeoutMs,
            }),
            userId: settings.userId,
            seedRefreshToken: settings.refreshToken,
            sealingSecret: settings.consumerSecret,
            // Longer than the token request may take, so a lease never ends while its holder still waits for X.
            leaseMs: Math.max(60_000, 3 * host.timeoutMs),
            logger: host.logger,
            onAlarm: (reason) => host.onAlarm?.('twitter', reason),
        });
        return new TwitterAdapter({
            ...host.adapter,
            consumerSecret: settings.consumerSecret,
            botUserId: settings.userId,
            budget: host.budgets,
            limits: { per15Minutes: settings.dmPer15Minutes, perDay: settings.dmPerDay },
            onAlarm: (reason) => host.onAlarm?.('twitter', reason),
            client: new TwitterClient({
                apiUrl: settings.apiUrl,
                tokens,
                logger: host.logger,
                onRetry: (status, code) => host.onRetry?.('twitter', status, code),
                timeoutMs: host.timeoutMs,
            }),
        });
    },
};
