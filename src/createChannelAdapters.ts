import { ChannelHost } from '../adapters/shared/ChannelDescriptor';
import { isMediaSource } from '../adapters/shared/ports';
import { WebhookAdapter, WebhookAdapterOptions } from '../adapters/shared/WebhookAdapter';
import { CHANNELS } from './channels';
import { BijliMitra } from './createBijliMitra';
import { toLanguage } from './i18n/Translator';
import { IdentityAliasStore } from './inbox/IdentityAliasStore';
import { TakeoverStore } from './inbox/TakeoverStore';
import { DeferredReplies } from './broadcast/DeferredReplies';
import { ChannelGrants } from './inbox/ChannelGrants';
import { SendBudgets } from './inbox/SendBudgets';

/** A platform adapter with the route its webhook is served on. */
export interface ChannelRoute {
    /** Path segment under /webhooks/: the channel id. */
    route: string;
    adapter: WebhookAdapter;
}

/** Builds the adapter of every registered channel whose settings are configured, ready to serve webhooks. */
export function createChannelAdapters(
    app: Pick<BijliMitra, 'config' | 'logger' | 'db' | 'inbox' | 'channelStore' | 'metrics' | 'translator' | 'services' | 'prepareAdapter' | 'media'>,
    /** Adapter options over the host's (tests shorten the credentials circuit's pauses). */
    adapterOptions: Partial<WebhookAdapterOptions> = {}
): ChannelRoute[] {
    const { config, logger } = app;
    // One inbox and ledger for every channel: the rate limit is per sender, the turn lock per conversation.
    const host: ChannelHost = {
        adapter: {
            inbox: app.inbox,
            store: app.channelStore,
            logger,
            observer: app.metrics,
            maxMessageAgeMs: config.webhookMaxAgeHours * 3600_000,
            // Sends that must wait (a rate limit, an outage) go on the outbound queue the worker drains, not into a sleep
            // that holds the conversation.
            deferred: new DeferredReplies(app.db),
            ...adapterOptions,
        },
        logger,
        timeoutMs: config.platformTimeoutMs,
        onRetry: (channel, status, code) => app.metrics.sendRetried(channel, code ?? String(status)),
        listButton: (locale) => app.translator.forLanguage(toLanguage(locale) ?? 'hi')('common:listButton'),
        takeovers: new TakeoverStore(app.db),
        identityAliases: new IdentityAliasStore(app.db),
        // X's rotating refresh token: one grant in the database for every instance.
        grants: new ChannelGrants(app.db),
        onAlarm: (channel, reason) => app.metrics.channelAlarm(channel, reason),
        // X's DM allowance is the account's, whichever instance sends: counted in the database.
        budgets: new SendBudgets(app.db),
    };
    const routes: ChannelRoute[] = [];
    for (const channel of CHANNELS) {
        const settings = config.channels[channel.id];
        if (settings === undefined) continue;
        const adapter = channel.createAdapter(settings, host);
        app.services.output.register(channel.id, channel.choices, channel.images);
        if (isMediaSource(adapter)) app.media.register(channel.id, adapter);
        app.prepareAdapter(adapter);
        logger.debug('channel adapter ready', { route: channel.id });
        routes.push({ route: channel.id, adapter });
    }
    return routes;
}
