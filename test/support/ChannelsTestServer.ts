import { MessengerSettings } from '../../adapters/facebook/messengerChannel';
import { TwitterSettings } from '../../adapters/twitter/twitterChannel';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { ChannelRoute, createChannelAdapters } from '../../src/createChannelAdapters';
import { BotServer, startServer } from '../../src/server';
import { ApiStandIn } from './ApiStandIn';
import { TestBot } from './TestBot';

/** The secrets a test signs its webhooks with, per platform. */
export interface ChannelTestSecrets {
    whatsapp: { appSecret: string; phoneNumberId: string };
    facebook: { appSecret: string };
    twitter: { consumerSecret: string; userId: string };
}

/**
 * The bot's server with WhatsApp, Messenger and X all on (verify tokens `wa-verify` and `fb-verify`), against one
 * stand-in platform API that accepts every send, as the channel tests drive it over HTTP.
 */
export class ChannelsTestServer {
    private constructor(
        readonly bot: TestBot,
        readonly api: ApiStandIn,
        readonly channels: ChannelRoute[],
        private readonly server: BotServer,
        readonly url: string
    ) {}

    /** Starts the stand-in API, the bot on a fresh test database and its server on a free port. */
    static async start(secrets: ChannelTestSecrets): Promise<ChannelsTestServer> {
        const api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${secrets.whatsapp.phoneNumberId}/messages$`), (_req, n) => ({
            status: 200,
            body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${n}` }] },
        }));
        api.respondWith('POST', /\/me\/messages$/, (_req, n) => ({ status: 200, body: { recipient_id: 'x', message_id: `m_out${n}` } }));
        api.respondWith('POST', /\/2\/dm_conversations\/with\/[0-9]+\/messages$/, (_req, n) => ({
            status: 201,
            body: { data: { dm_conversation_id: 'c', dm_event_id: `e${n}` } },
        }));
        // X's token endpoint: each refresh grants a two-hour access token and the next refresh token.
        api.respondWith('POST', '/2/oauth2/token', (_req, n) => ({
            status: 200,
            body: {
                token_type: 'bearer',
                expires_in: 7200,
                access_token: `X-TOKEN-${n}`,
                scope: 'dm.read dm.write tweet.read users.read offline.access',
                refresh_token: `X-REFRESH-${n}`,
            },
        }));
        const bot = await TestBot.create({
            config: {
                channels: {
                    whatsapp: {
                        ...secrets.whatsapp,
                        verifyToken: 'wa-verify',
                        accessToken: 'WA-TOKEN',
                        apiUrl: api.url,
                        maxMessagesPerSecond: 1000,
                        templates: null,
                    } satisfies WhatsAppSettings,
                    facebook: {
                        ...secrets.facebook,
                        verifyToken: 'fb-verify',
                        pageAccessToken: 'PAGE-TOKEN',
                        apiUrl: api.url,
                    } satisfies MessengerSettings,
                    twitter: {
                        ...secrets.twitter,
                        apiUrl: api.url,
                        clientId: 'X-CLIENT',
                        clientSecret: '',
                        refreshToken: 'X-REFRESH-0',
                        // These tests send many DMs at once; X's real allowance is tested against the strict stand-in.
                        dmPer15Minutes: 100_000,
                        dmPerDay: 1_000_000,
                        broadcastIntervalSeconds: 1,
                    } satisfies TwitterSettings,
                },
            },
        });
        const channels = createChannelAdapters(bot.app);
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        return new ChannelsTestServer(bot, api, channels, server, `http://127.0.0.1:${server.port}`);
    }

    /** Resolves when every acknowledged delivery on every channel has had its turn. */
    async idle(): Promise<void> {
        await Promise.all(this.channels.map((c) => c.adapter.idle()));
    }

    /** Waits for running turns, then stops the server, the stand-in and the bot. */
    async close(): Promise<void> {
        await this.idle();
        await this.server.close();
        await this.api.stop();
        await this.bot.close();
    }
}
