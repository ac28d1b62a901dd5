import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { TWITTER_CHOICES } from './renderTwitter';
import { TwitterAdapter } from './TwitterAdapter';
import { TwitterClient } from './TwitterClient';

/** X (Twitter) direct-message settings; present when the channel is on. */
export interface TwitterSettings {
    consumerSecret: string;
    accessToken: string;
    /** The bot's own account id (its DMs come back as echoes). */
    userId: string;
    /** API base; sends go to `${apiUrl}/2/dm_conversations/with/{participant}/messages`. */
    apiUrl: string;
}

/** X (Twitter) direct messages through the Account Activity API: on when its three secrets are set. */
export const twitterChannel: ChannelDescriptor<TwitterSettings> = {
    id: 'twitter',
    label: 'X (Twitter)',
    choices: TWITTER_CHOICES,
    secretNames: ['TWITTER_CONSUMER_SECRET', 'TWITTER_ACCESS_TOKEN', 'TWITTER_USER_ID'],
    readSettings(env) {
        const secrets = env.required('X (Twitter)', twitterChannel.secretNames);
        if (!secrets) return null;
        return {
            consumerSecret: secrets.TWITTER_CONSUMER_SECRET,
            accessToken: secrets.TWITTER_ACCESS_TOKEN,
            userId: secrets.TWITTER_USER_ID,
            apiUrl: env.url('TWITTER_API_URL', 'https://api.x.com'),
        };
    },
    createAdapter(settings, host) {
        return new TwitterAdapter({
            ...host.adapter,
            consumerSecret: settings.consumerSecret,
            botUserId: settings.userId,
            client: new TwitterClient({
                apiUrl: settings.apiUrl,
                accessToken: settings.accessToken,
                logger: host.logger,
                onRetry: (status, code) => host.onRetry?.('twitter', status, code),
                timeoutMs: host.timeoutMs,
            }),
        });
    },
};
