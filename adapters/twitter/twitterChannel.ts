import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { InMemoryGrantStore } from '../shared/InMemoryGrantStore';
import { TWITTER_CHOICES } from './renderTwitter';
import { TwitterAdapter } from './TwitterAdapter';
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
}

/** X (Twitter) direct messages through the Account Activity or X Activity API: on when its four secrets are set. */
export const twitterChannel: ChannelDescriptor<TwitterSettings> = {
    id: 'twitter',
    label: 'X (Twitter)',
    choices: TWITTER_CHOICES,
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
        };
    },
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
