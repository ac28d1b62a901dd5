import { WebhookAdapter } from '../adapters/shared/WebhookAdapter';
import { MessengerAdapter } from '../adapters/facebook/MessengerAdapter';
import { MessengerClient } from '../adapters/facebook/MessengerClient';
import { TwitterAdapter } from '../adapters/twitter/TwitterAdapter';
import { TwitterClient } from '../adapters/twitter/TwitterClient';
import { WhatsAppAdapter } from '../adapters/whatsapp/WhatsAppAdapter';
import { WhatsAppClient } from '../adapters/whatsapp/WhatsAppClient';
import { BijliMitra } from './createBijliMitra';
import { toLanguage } from './i18n/Translator';

/** A platform adapter with the route its webhook is served on. */
export interface ChannelRoute {
    /** Path segment under /webhooks/. */
    route: 'whatsapp' | 'facebook' | 'twitter';
    adapter: WebhookAdapter;
}

// Adapters render buttons, lists and numbered fallbacks themselves, so the bot hands them every suggested action.
const ADAPTER_RENDERS_BUTTONS = { maxSuggestedActions: 100, maxButtonTitle: 1000 };

/** Builds the adapters of every channel whose secrets are configured, ready to serve webhooks. */
export function createChannelAdapters(app: BijliMitra): ChannelRoute[] {
    const { config, logger } = app;
    const routes: ChannelRoute[] = [];
    // One inbox and ledger for every channel: the rate limit is per sender, the turn lock per conversation.
    const common = { inbox: app.inbox, store: app.channelStore, logger, observer: app.metrics };
    const onRetry = (channel: string) => (status: number, code: string | undefined) => app.metrics.sendRetried(channel, code ?? String(status));
    if (config.whatsapp) {
        const wa = config.whatsapp;
        routes.push({
            route: 'whatsapp',
            adapter: new WhatsAppAdapter({
                ...common,
                phoneNumberId: wa.phoneNumberId,
                appSecret: wa.appSecret,
                verifyToken: wa.verifyToken,
                template: wa.template ?? undefined,
                listButton: (locale) => app.translator.forLanguage(toLanguage(locale) ?? 'hi')('common:listButton'),
                client: new WhatsAppClient({
                    apiUrl: wa.apiUrl,
                    accessToken: wa.accessToken,
                    phoneNumberId: wa.phoneNumberId,
                    maxMessagesPerSecond: wa.maxMessagesPerSecond,
                    logger,
                    onRetry: onRetry('whatsapp'),
                    timeoutMs: config.platformTimeoutMs,
                }),
            }),
        });
    }
    if (config.facebook) {
        const fb = config.facebook;
        routes.push({
            route: 'facebook',
            adapter: new MessengerAdapter({
                ...common,
                appSecret: fb.appSecret,
                verifyToken: fb.verifyToken,
                messageTag: fb.messageTag,
                client: new MessengerClient({
                    apiUrl: fb.apiUrl,
                    pageAccessToken: fb.pageAccessToken,
                    logger,
                    onRetry: onRetry('facebook'),
                    timeoutMs: config.platformTimeoutMs,
                }),
            }),
        });
    }
    if (config.twitter) {
        const tw = config.twitter;
        routes.push({
            route: 'twitter',
            adapter: new TwitterAdapter({
                ...common,
                consumerSecret: tw.consumerSecret,
                botUserId: tw.userId,
                client: new TwitterClient({
                    apiUrl: tw.apiUrl,
                    accessToken: tw.accessToken,
                    logger,
                    onRetry: onRetry('twitter'),
                    timeoutMs: config.platformTimeoutMs,
                }),
            }),
        });
    }
    for (const { route, adapter } of routes) {
        app.services.output.register(adapter.channelId, ADAPTER_RENDERS_BUTTONS);
        app.prepareAdapter(adapter);
        logger.debug('channel adapter ready', { route });
    }
    return routes;
}
