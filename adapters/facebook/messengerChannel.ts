import { ChannelDescriptor } from '../shared/ChannelDescriptor';
import { MESSENGER_CHOICES } from './renderMessenger';
import { MessengerAdapter } from './MessengerAdapter';
import { MessengerClient } from './MessengerClient';

/** Facebook Messenger settings; present when the channel is on. */
export interface MessengerSettings {
    appSecret: string;
    verifyToken: string;
    pageAccessToken: string;
    /** Graph API base with version; sends go to `${apiUrl}/me/messages`. */
    apiUrl: string;
    /** Message tag for proactive messages outside the 24-hour window. */
    messageTag: string;
}

/** Facebook Messenger (a Page's inbox): on when its three secrets are set. */
export const messengerChannel: ChannelDescriptor<MessengerSettings> = {
    id: 'facebook',
    label: 'Facebook Messenger',
    choices: MESSENGER_CHOICES,
    secretNames: ['FACEBOOK_APP_SECRET', 'FACEBOOK_VERIFY_TOKEN', 'FACEBOOK_PAGE_ACCESS_TOKEN'],
    readSettings(env) {
        const secrets = env.required('Facebook Messenger', messengerChannel.secretNames);
        if (!secrets) return null;
        return {
            appSecret: secrets.FACEBOOK_APP_SECRET,
            verifyToken: secrets.FACEBOOK_VERIFY_TOKEN,
            pageAccessToken: secrets.FACEBOOK_PAGE_ACCESS_TOKEN,
            apiUrl: env.url('FACEBOOK_API_URL', 'https://graph.facebook.com/v25.0'),
            messageTag: env.text('FACEBOOK_MESSAGE_TAG', 'ACCOUNT_UPDATE'),
        };
    },
    createAdapter(settings, host) {
        return new MessengerAdapter({
            ...host.adapter,
            appSecret: settings.appSecret,
            verifyToken: settings.verifyToken,
            messageTag: settings.messageTag,
            client: new MessengerClient({
                apiUrl: settings.apiUrl,
                pageAccessToken: settings.pageAccessToken,
                logger: host.logger,
                onRetry: (status, code) => host.onRetry?.('facebook', status, code),
                timeoutMs: host.timeoutMs,
            }),
        });
    },
};
