import { strict as assert } from 'assert';
import { ActivityHandler } from 'botbuilder';
import { WhatsAppAdapter } from '../../../adapters/whatsapp/WhatsAppAdapter';
import { WhatsAppClient } from '../../../adapters/whatsapp/WhatsAppClient';
import { InMemoryChannelLedger } from '../../../adapters/shared/InMemoryChannelLedger';
import { Middleware } from 'botbuilder';
import { ApiStandIn, RecordedRequest } from '../../support/ApiStandIn';
import { metaHeaders, metaWireJson, whatsAppText } from '../../support/metaPayloads';

const SECRET = 'bare-app-secret';
const PHONE_ID = '109876543299';

/** A WhatsApp read receipt (`status: read`), sent as each user message's turn starts. */
const isReadReceipt = (r: RecordedRequest): boolean => (r.body as { status?: string } | undefined)?.status === 'read';

/**
 * The channel adapters are usable by any botbuilder bot: the WhatsApp adapter, with the in-memory defaults of
 * `adapters/shared/ports.ts`, serves a bare `ActivityHandler` echo bot, with nothing of Bijli Mitra's `src/`.
 */
describe('adapters used alone: WhatsApp under a bare ActivityHandler bot', () => {
    let api: ApiStandIn;
    beforeEach(async () => {
        api = new ApiStandIn();
        await api.start();
        let sends = 0;
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (request) =>
            isReadReceipt(request)
                ? { status: 200, body: { success: true } }
                : { status: 200, body: { messaging_product: 'whatsapp', messages: [{ id: `wamid.echo${++sends}` }] } }
        );
    });
    afterEach(async () => {
        await api.stop();
    });

    function whatsApp(options: { verifyToken: string; accessToken: string; store?: InMemoryChannelLedger }): WhatsAppAdapter {
        return new WhatsAppAdapter({
            appSecret: SECRET,
            verifyToken: options.verifyToken,
            phoneNumberId: PHONE_ID,
            client: new WhatsAppClient({ apiUrl: api.url, accessToken: options.accessToken, phoneNumberId: PHONE_ID, maxMessagesPerSecond: 80 }),
            listButton: () => 'Options',
            store: options.store,
        });
    }

    function echoBot(): ActivityHandler {
        const bot = new ActivityHandler();
        bot.onMessage(async (context, next) => {
            await context.sendActivity(`echo: ${context.activity.text}`);
            await next();
        });
        return bot;
    }

    it('answers the handshake, runs the turn, sends the reply, drops a redelivery and keeps delivery records in memory', async () => {
        const ledger = new InMemoryChannelLedger();
        const adapter = whatsApp({ verifyToken: 'bare-verify', accessToken: 'BARE-TOKEN', store: ledger });
        const bot = echoBot();
        assert.deepEqual(adapter.handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'bare-verify' }), {
            status: 200,
            body: '42',
            contentType: 'text/plain',
        });
        assert.equal(adapter.handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 'wrong' }).status, 403);

        const raw = metaWireJson(whatsAppText(PHONE_ID, '919812345678', 'hello there', { id: 'wamid.in1' }));
        const first = await adapter.handleWebhook(raw, metaHeaders(raw, SECRET), (context) => bot.run(context));
        assert.equal(first.status, 200);
        await adapter.idle();
        // Each user message is marked read (with the typing indicator) before the reply.
        assert.deepEqual(
            api.requests.filter(isReadReceipt).map((r) => (r.body as { message_id: string }).message_id),
            ['wamid.in1']
        );
        const sent = api.requests.filter((r) => r.method === 'POST' && !isReadReceipt(r));
        assert.equal(sent.length, 1);
        const body = sent[0].body as { messaging_product: string; to: string; type: string; text: { body: string } };
        assert.deepEqual([body.messaging_product, body.to, body.type, body.text.body], ['whatsapp', '919812345678', 'text', 'echo: hello there']);
        assert.equal(sent[0].headers.authorization, 'Bearer BARE-TOKEN');

        // The platform redelivers the same message id: recorded once, answered once.
        assert.equal((await adapter.handleWebhook(raw, metaHeaders(raw, SECRET), (context) => bot.run(context))).status, 200);
        await adapter.idle();
        assert.equal(api.requests.filter((r) => r.method === 'POST' && !isReadReceipt(r)).length, 1);
        assert.deepEqual(
            ledger.outbound.map((r) => [r.recipient, r.status, r.platformMessageId]),
            [['919812345678', 'sent', 'wamid.echo1']]
        );
        assert.equal(await ledger.withinWindow('whatsapp', '919812345678'), true);

        // A forged body is refused before anything runs.
        const forged = metaWireJson(whatsAppText(PHONE_ID, '919812345678', 'forged', { id: 'wamid.in2' }));
        assert.equal((await adapter.handleWebhook(forged, metaHeaders(raw, SECRET), (context) => bot.run(context))).status, 401);
    });

    it('needs no ledger at all: the default keeps the same promises within the process', async () => {
        const adapter = whatsApp({ verifyToken: 'v', accessToken: 'T' });
        const bot = echoBot();
        for (const [id, text] of [
            ['wamid.a', 'one'],
            ['wamid.b', 'two'],
            ['wamid.a', 'one'],
        ]) {
            const raw = metaWireJson(whatsAppText(PHONE_ID, '919800000001', text, { id }));
            assert.equal((await adapter.handleWebhook(raw, metaHeaders(raw, SECRET), (context) => bot.run(context))).status, 200);
        }
        await adapter.idle();
        const texts = api.requests.filter((r) => r.method === 'POST' && !isReadReceipt(r)).map((r) => (r.body as { text: { body: string } }).text.body);
        assert.deepEqual(texts, ['echo: one', 'echo: two'], 'in order, the redelivery dropped');
    });

    it("runs one conversation's turns one after another even when a turn is slow, and other conversations meanwhile", async () => {
        const adapter = whatsApp({ verifyToken: 'v', accessToken: 'T' });
        const events: string[] = [];
        let open = 0;
        // A host's middleware sees the turns: at most one of a conversation at a time, each finished before the next.
        const watch: Middleware = {
            async onTurn(context, next) {
                const text = context.activity.text ?? '';
                open += text.startsWith('a') ? 1 : 0;
                assert.ok(open <= 1, 'two turns of one conversation overlapped');
                events.push(`start ${text}`);
                if (text === 'a1') await new Promise((resolve) => setTimeout(resolve, 50));
                await next();
                events.push(`end ${text}`);
                open -= text.startsWith('a') ? 1 : 0;
            },
        };
        adapter.use(watch);
        const bot = echoBot();
        for (const [from, id, text] of [
            ['919800000002', 'wamid.o1', 'a1'],
            ['919800000002', 'wamid.o2', 'a2'],
            ['919800000003', 'wamid.o3', 'b1'],
        ]) {
            const raw = metaWireJson(whatsAppText(PHONE_ID, from, text, { id }));
            assert.equal((await adapter.handleWebhook(raw, metaHeaders(raw, SECRET), (context) => bot.run(context))).status, 200);
        }
        assert.equal(events.length, 0, 'no turn runs before the platform has its 200');
        await adapter.idle();
        assert.ok(events.indexOf('end a1') < events.indexOf('start a2'), events.join(', '));
        assert.ok(events.indexOf('end b1') < events.indexOf('end a1'), `the other conversation did not wait: ${events.join(', ')}`);
    });
});
