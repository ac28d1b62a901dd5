import { strict as assert } from 'assert';
import { ConversationReference } from 'botbuilder';
import { GrantStore } from '../../../adapters/shared/ports';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { twitterChannel } from '../../../adapters/twitter/twitterChannel';
import { TwitterAdapter } from '../../../adapters/twitter/TwitterAdapter';
import { TwitterClient } from '../../../adapters/twitter/TwitterClient';
import { TwitterOAuthClient } from '../../../adapters/twitter/TwitterOAuthClient';
import { TwitterUserTokens } from '../../../adapters/twitter/TwitterUserTokens';
import { ChannelGrants } from '../../../src/inbox/ChannelGrants';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { TestBot } from '../../support/TestBot';
import { TEST_DATABASE } from '../../support/testDatabase';
import { XApiStandIn } from '../../support/XApiStandIn';
import { settingsReader } from '../../support/settingsReader';

const BOT = '3000000001';
const CONSUMER = '3000000777';
const CLIENT_ID = 'bWlwQ2xpZW50SWQ6MTpjaQ';
const CONSUMER_SECRET = 'x-consumer-secret';
const HOUR = 3600_000;

/**
 * Problem 2 of issue #14, "X stops after two hours": X's OAuth 2.0 user tokens live two hours, and the bot sent every DM
 * with the one token it was configured with. Against a stand-in whose tokens expire on its clock and whose refresh
 * tokens can be spent once, the bot refreshes before expiry and after a 401, keeps the rotating refresh token in the
 * database, and two instances never spend the same one.
 */
describe(`X OAuth 2.0 user-token refresh (${TEST_DATABASE})`, function () {
    this.timeout(60_000);
    let bot: TestBot;
    let x: XApiStandIn;
    let clock: number;
    let grants: GrantStore;
    let store: ChannelStore;
    let alarms: string[];
    const now = () => clock;

    async function startX(options: { clientSecret?: string } = {}): Promise<XApiStandIn> {
        x = await XApiStandIn.start({ botUserId: BOT, clientId: CLIENT_ID, clientSecret: options.clientSecret, now });
        return x;
    }

    beforeEach(async () => {
        clock = Date.now();
        alarms = [];
        bot = await TestBot.create();
        grants = new ChannelGrants(bot.app.db);
        store = new ChannelStore(bot.app.db);
    });
    afterEach(async () => {
        await x?.stop();
        await bot.close();
    });

    /** One bot instance's X adapter: its own token cache and clients, the shared grant store. */
    function instance(seed: string, options: { clientSecret?: string; consumerSecret?: string } = {}): { adapter: TwitterAdapter; tokens: TwitterUserTokens } {
        const tokens = new TwitterUserTokens({
            store: grants,
            oauth: new TwitterOAuthClient({ apiUrl: x.url, clientId: CLIENT_ID, clientSecret: options.clientSecret, logger: bot.app.logger, now }),
            userId: BOT,
            seedRefreshToken: seed,
            sealingSecret: options.consumerSecret ?? CONSUMER_SECRET,
            now,
            // Waiting for another instance's refresh: real (short) waits, as the other instance answers over HTTP.
            pollMs: 5,
            logger: bot.app.logger,
            onAlarm: (reason) => alarms.push(reason),
        });
        const adapter = new TwitterAdapter({
            inbox: bot.app.inbox,
            store,
            logger: bot.app.logger,
            consumerSecret: options.consumerSecret ?? CONSUMER_SECRET,
            botUserId: BOT,
            client: new TwitterClient({ apiUrl: x.url, tokens, logger: bot.app.logger, now }),
        });
        return { adapter, tokens };
    }

    const reference: Partial<ConversationReference> = {
        channelId: 'twitter',
        serviceUrl: 'twitter:',
        conversation: { id: `${BOT}:${CONSUMER}`, isGroup: false, conversationType: 'personal', name: '' },
        user: { id: CONSUMER, name: '' },
        bot: { id: BOT, name: '' },
    };

    /** Sends `text` to the consumer as a proactive message; resolves with the delivery record. */
    async function send(adapter: TwitterAdapter, text: string): Promise<{ status: string; errorCode: string | null }> {
        await adapter.continueConversationAsync('', reference, async (context) => {
            await context.sendActivity(text);
        });
        const records = await store.outboundFor('twitter', `${BOT}:${CONSUMER}`);
        const last = records[records.length - 1];
        return { status: last.status, errorCode: last.errorCode };
    }

    function form(index: number): Record<string, string> {
        return Object.fromEntries(new URLSearchParams(x.tokenRequests[index].body as string));
    }

    it('spends the configured refresh token for the first access token, as X documents the request, and stores the grant sealed', async () => {
        await startX();
        const seed = x.authorise();
        const { adapter } = instance(seed);
        assert.deepEqual(await send(adapter, 'पहला संदेश'), { status: 'sent', errorCode: null });

        assert.equal(x.tokenRequests.length, 1);
        const [request] = x.tokenRequests;
        assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
        assert.equal(request.headers.authorization, undefined, 'a public app sends no Basic auth');
        assert.deepEqual(form(0), { grant_type: 'refresh_token', refresh_token: seed, client_id: CLIENT_ID });
        assert.equal(x.spendable(seed), false, 'X spent the configured refresh token');
        assert.deepEqual(
            x.delivered.map((d) => [d.participantId, d.text]),
            [[CONSUMER, 'पहला संदेश']]
        );

        const stored = await grants.read(`twitter:${BOT}`);
        assert.ok(stored);
        assert.equal(stored.dead, false);
        assert.equal(stored.expiresAt, clock + 2 * HOUR);
        const [next] = [...(x as unknown as { refreshTokens: Set<string> }).refreshTokens];
        assert.ok(!stored.sealed.includes(next) && !stored.sealed.includes(seed), 'no token is stored in the clear');
    });

    it('keeps sending after two hours: refreshes before the token expires, never sending one X has ended', async () => {
        await startX();
        const { adapter } = instance(x.authorise());
        assert.equal((await send(adapter, 'one')).status, 'sent');
        for (let hour = 1; hour <= 6; hour++) {
            clock += HOUR;
            assert.deepEqual(await send(adapter, `hour ${hour}`), { status: 'sent', errorCode: null }, `hour ${hour}`);
        }
        assert.equal(x.unauthorized, 0, 'no DM went out with an expired token');
        assert.equal(x.refreshes, 4, 'one refresh per two hours, each a little before expiry');
        assert.equal(x.refusedRefreshes, 0);
        assert.equal(x.delivered.length, 7);
    });

    it('shows what the bot did before: a fixed token is refused by X two hours on', async () => {
        await startX();
        const { tokens } = instance(x.authorise());
        const fixed = await tokens.current();
        const before = new TwitterAdapter({
            store,
            logger: bot.app.logger,
            consumerSecret: CONSUMER_SECRET,
            botUserId: BOT,
            client: new TwitterClient({ apiUrl: x.url, tokens: fixed, logger: bot.app.logger, now }),
        });
        assert.equal((await send(before, 'now')).status, 'sent');
        clock += 2 * HOUR;
        assert.deepEqual(await send(before, 'two hours later'), { status: 'failed', errorCode: 'Unauthorized' });
        assert.equal(x.unauthorized, 1);
    });

    it('refreshes once after a 401 (a token X ended early) and sends the DM again, once', async () => {
        await startX();
        const { adapter } = instance(x.authorise());
        assert.equal((await send(adapter, 'one')).status, 'sent');
        x.revokeAccessTokens();
        assert.deepEqual(await send(adapter, 'two'), { status: 'sent', errorCode: null });
        assert.equal(x.unauthorized, 1);
        assert.equal(x.refreshes, 2);
        assert.deepEqual(
            x.delivered.map((d) => d.text),
            ['one', 'two']
        );
    });

    it('sends HTTP Basic auth for a confidential app, and raises an alarm when X refuses the client', async () => {
        await startX({ clientSecret: 'client-secret' });
        const { adapter } = instance(x.authorise(), { clientSecret: 'client-secret' });
        assert.equal((await send(adapter, 'one')).status, 'sent');
        assert.equal(x.tokenRequests[0].headers.authorization, `Basic ${Buffer.from(`${CLIENT_ID}:client-secret`).toString('base64')}`);

        // The same grant, but the app's secret configured wrongly: X answers 401 unauthorized_client.
        const seed = x.authorise();
        await bot.app.db.sql('DELETE FROM "oauth_grants"');
        const wrong = instance(seed, { clientSecret: 'not-the-secret' });
        assert.deepEqual(await send(wrong.adapter, 'two'), { status: 'failed', errorCode: 'unauthorized_client' });
        assert.deepEqual(alarms, ['client-refused']);
        assert.equal(x.spendable(seed), true, 'the refresh token was not spent, so the right secret still works');
    });

    it('lets two instances that need a refresh at once spend the refresh token only once', async () => {
        await startX();
        const seed = x.authorise();
        const first = instance(seed);
        const second = instance(seed);
        const third = instance(seed);
        assert.equal((await send(first.adapter, 'warm up')).status, 'sent');
        clock += 2 * HOUR;
        const sent = await Promise.all([first, second, third].map((i, n) => send(i.adapter, `at once ${n}`)));
        assert.deepEqual(
            sent.map((s) => s.status),
            ['sent', 'sent', 'sent']
        );
        assert.equal(x.refusedRefreshes, 0, 'no instance spent a refresh token another had spent');
        assert.equal(x.refreshes, 2, 'the first token, then one refresh for all three');
        assert.equal(x.unauthorized, 0);
    });

    it('a new process reads the stored grant instead of spending the configured (already spent) refresh token again', async () => {
        await startX();
        const seed = x.authorise();
        assert.equal((await send(instance(seed).adapter, 'before the restart')).status, 'sent');
        clock += 3 * HOUR;
        const restarted = instance(seed);
        assert.deepEqual(await send(restarted.adapter, 'after the restart'), { status: 'sent', errorCode: null });
        assert.equal(x.refusedRefreshes, 0);
        assert.equal(x.tokenRequests.length, 2);
        assert.notEqual(form(1).refresh_token, seed, 'the stored, rotated refresh token was spent');
    });

    it('marks a refused refresh token dead with an alarm, stops asking X, and takes a newly configured one', async () => {
        await startX();
        const seed = x.authorise();
        // Spent elsewhere (a copy of the grant used by another deployment): X refuses it.
        await new TwitterOAuthClient({ apiUrl: x.url, clientId: CLIENT_ID }).refresh(seed);
        const { adapter } = instance(seed);
        assert.deepEqual(await send(adapter, 'one'), { status: 'failed', errorCode: 'refresh-token-refused' });
        assert.equal(form(x.tokenRequests.length - 1).refresh_token, seed);
        assert.deepEqual(alarms, ['refresh-token-refused']);
        assert.equal((await grants.read(`twitter:${BOT}`))?.dead, true);
        const asked = x.tokenRequests.length;
        assert.deepEqual(await send(adapter, 'two'), { status: 'failed', errorCode: 'refresh-token-refused' });
        assert.equal(x.tokenRequests.length, asked, 'a dead grant is not offered to X again');

        // The operator authorises the account again and configures the new refresh token.
        const renewed = instance(x.authorise());
        assert.deepEqual(await send(renewed.adapter, 'three'), { status: 'sent', errorCode: null });
        assert.equal((await grants.read(`twitter:${BOT}`))?.dead, false);
    });

    it('treats a grant sealed under another consumer secret as dead, with an alarm', async () => {
        await startX();
        const seed = x.authorise();
        assert.equal((await send(instance(seed).adapter, 'one')).status, 'sent');
        const rotated = instance(seed, { consumerSecret: 'a-new-consumer-secret' });
        assert.deepEqual(await send(rotated.adapter, 'two'), { status: 'failed', errorCode: 'refresh-token-refused' });
        assert.deepEqual(alarms, ['grant-unreadable']);
        const renewed = instance(x.authorise(), { consumerSecret: 'a-new-consumer-secret' });
        assert.equal((await send(renewed.adapter, 'three')).status, 'sent');
    });

    it('answers a consumer through the channel descriptor, with the grant in the database', async () => {
        await startX();
        const seed = x.authorise();
        const settings = twitterChannel.readSettings(
            settingsReader({
                TWITTER_CONSUMER_SECRET: CONSUMER_SECRET,
                TWITTER_USER_ID: BOT,
                TWITTER_CLIENT_ID: CLIENT_ID,
                TWITTER_REFRESH_TOKEN: seed,
                TWITTER_API_URL: x.url,
            })
        );
        assert.ok(settings);
        const adapter = bot.app.prepareAdapter(
            twitterChannel.createAdapter(settings, {
                adapter: { inbox: bot.app.inbox, store, logger: bot.app.logger },
                logger: bot.app.logger,
                timeoutMs: 5000,
                listButton: () => 'Options',
                grants,
            })
        );
        bot.app.services.output.register('twitter', twitterChannel.choices);
        const raw = Buffer.from(
            JSON.stringify({
                for_user_id: BOT,
                direct_message_events: [
                    {
                        type: 'message_create',
                        id: '1860000000000000901',
                        created_timestamp: String(Date.now()),
                        message_create: { target: { recipient_id: BOT }, sender_id: CONSUMER, message_data: { text: 'नमस्ते' } },
                    },
                ],
                users: {},
            })
        );
        const answer = await adapter.handleWebhook(raw, { 'x-twitter-webhooks-signature': signSha256(CONSUMER_SECRET, raw, 'base64') }, (context) =>
            bot.app.bot.run(context)
        );
        assert.equal(answer.status, 200);
        await adapter.idle();
        assert.ok(x.delivered.length > 0, 'the greeting went out');
        assert.ok(x.delivered.every((d) => d.participantId === CONSUMER));
        assert.equal(x.unauthorized, 0);
        assert.equal((await grants.read(`twitter:${BOT}`))?.version, 2, 'seeded, then refreshed once');
    });
});
