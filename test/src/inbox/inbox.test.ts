import { strict as assert } from 'assert';
import { ActivityHandler } from 'botbuilder';
import { WhatsAppAdapter } from '../../../adapters/whatsapp/WhatsAppAdapter';
import { WhatsAppClient } from '../../../adapters/whatsapp/WhatsAppClient';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { ConversationInbox } from '../../../src/inbox/ConversationInbox';
import { KeyedLock } from '../../../src/inbox/KeyedLock';
import { SenderRateLimiter } from '../../../src/inbox/SenderRateLimiter';
import { SerializeTurnsMiddleware, turnLockKey } from '../../../src/inbox/SerializeTurnsMiddleware';
import { TurnLock } from '../../../src/inbox/TurnLock';
import { ApiStandIn } from '../../support/ApiStandIn';
import { metaHeaders, metaWireJson, whatsAppText } from '../../support/metaPayloads';
import { TestBot } from '../../support/TestBot';

const SECRET = 'inbox-app-secret';
const PHONE_ID = '109876543288';

/**
 * The conversation runtime (`src/inbox/`) behind a webhook adapter, on the real database: deliveries recorded before
 * the 200, each conversation drained in order under one lock acquisition a turn, the per-sender limit, replay.
 */
describe('ConversationInbox: the runtime behind the webhook adapters', () => {
    let bot: TestBot;
    let api: ApiStandIn;
    beforeEach(async () => {
        bot = await TestBot.create();
        api = new ApiStandIn();
        await api.start();
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (_req, n) => ({
            status: 200,
            body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${n}` }] },
        }));
    });
    afterEach(async () => {
        await api.stop();
        await bot.close();
    });

    function adapterOn(inbox: ConversationInbox, store: ChannelStore): WhatsAppAdapter {
        return new WhatsAppAdapter({
            inbox,
            store,
            appSecret: SECRET,
            verifyToken: 'v',
            phoneNumberId: PHONE_ID,
            client: new WhatsAppClient({ apiUrl: api.url, accessToken: 'T', phoneNumberId: PHONE_ID, maxMessagesPerSecond: 80 }),
            listButton: () => 'Options',
        });
    }

    function echoBot(): ActivityHandler {
        const echo = new ActivityHandler();
        echo.onMessage(async (context, next) => {
            await context.sendActivity(`echo: ${context.activity.text}`);
            await next();
        });
        return echo;
    }

    async function post(adapter: WhatsAppAdapter, from: string, text: string, id: string, echo: ActivityHandler): Promise<number> {
        const raw = metaWireJson(whatsAppText(PHONE_ID, from, text, { id }));
        return (await adapter.handleWebhook(raw, metaHeaders(raw, SECRET), (context) => echo.run(context))).status;
    }

    // Replies only: each user message's read receipt (`status: read`) goes to the same endpoint.
    const sentTexts = () =>
        api.requests
            .filter((r) => r.method === 'POST' && (r.body as { status?: string }).status !== 'read')
            .map((r) => (r.body as { text: { body: string } }).text.body);

    it("records before the 200, takes the conversation's lock once a turn with the serialising middleware on the adapter, and drops a redelivery", async () => {
        const taken: string[] = [];
        const inner = new KeyedLock();
        const counting: TurnLock = { run: (key, task) => (taken.push(key), inner.run(key, task)) };
        const store = new ChannelStore(bot.app.db);
        const inbox = new ConversationInbox({ log: store, lock: counting });
        const adapter = adapterOn(inbox, store);
        adapter.use(new SerializeTurnsMiddleware(counting));
        const echo = echoBot();
        assert.equal(await post(adapter, '919800000011', 'one', 'wamid.i1', echo), 200);
        assert.deepEqual(
            await store.unprocessedConversations('whatsapp'),
            [{ conversationId: `${PHONE_ID}:919800000011`, messages: 1 }],
            'recorded before the answer'
        );
        assert.equal(await post(adapter, '919800000011', 'two', 'wamid.i2', echo), 200);
        assert.equal(await post(adapter, '919800000011', 'one', 'wamid.i1', echo), 200);
        await inbox.idle();
        assert.deepEqual(sentTexts(), ['echo: one', 'echo: two'], 'in order, the redelivery dropped');
        assert.ok(taken.length >= 1 && taken.length <= 2, `one drain per request at most, not one per turn plus the middleware's: ${taken.length}`);
        assert.ok(taken.every((key) => key === turnLockKey('whatsapp', `${PHONE_ID}:919800000011`)));
        assert.deepEqual(await store.unprocessedConversations('whatsapp'), []);
        assert.equal(await store.withinWindow('whatsapp', '919800000011'), true, 'the reply window opened as the turn ran');
    });

    it('postpones a flooding sender without holding up others, and replays after a restart what was never run', async () => {
        const store = new ChannelStore(bot.app.db);
        let now = 0;
        const inbox = new ConversationInbox({ log: store, rateLimiter: new SenderRateLimiter(bot.app.db, { burst: 1, perMinute: 60, now: () => now }) });
        const adapter = adapterOn(inbox, store);
        const echo = echoBot();
        assert.equal(await post(adapter, '919800000021', 'a1', 'wamid.r1', echo), 200);
        assert.equal(await post(adapter, '919800000021', 'a2', 'wamid.r2', echo), 200);
        assert.equal(await post(adapter, '919800000022', 'b1', 'wamid.r3', echo), 200);
        // The flooder's second message waits for the limit (a timer); stopping leaves it stored for the next start.
        await new Promise((resolve) => setTimeout(resolve, 200));
        inbox.stop();
        await inbox.idle();
        assert.deepEqual(sentTexts().sort(), ['echo: a1', 'echo: b1']);
        assert.deepEqual(await store.unprocessedConversations('whatsapp'), [{ conversationId: `${PHONE_ID}:919800000021`, messages: 1 }]);

        // A new process: another inbox and adapter on the same database replay it, once.
        now += 60_000;
        const restarted = new ConversationInbox({ log: store });
        const again = adapterOn(restarted, store);
        assert.equal(await again.resumeUnprocessed((context) => echo.run(context)), 1);
        await restarted.idle();
        assert.deepEqual(sentTexts().sort(), ['echo: a1', 'echo: a2', 'echo: b1']);
        assert.equal(await again.resumeUnprocessed((context) => echo.run(context)), 0, 'nothing left to replay');
    });
});
