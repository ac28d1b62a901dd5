import { strict as assert } from 'assert';
import { signSha256 } from '../../adapters/shared/webhookSignature';
import { ChannelRoute } from '../../src/createChannelAdapters';
import { Complaint } from '../../src/data/entities/Complaint';
import { ApiStandIn, RecordedRequest } from '../support/ApiStandIn';
import { ChannelsTestServer } from '../support/ChannelsTestServer';
import { metaHeaders, metaWireJson } from '../support/metaPayloads';
import { TestBot } from '../support/TestBot';

const FB_SECRET = 'fb-secret';
const X_SECRET = 'x-consumer-secret';
const BOT_X_ID = '3000000001';
const PAGE_ID = '100200300';

/** All three platforms on one server, each driven over HTTP through its own route, as the platforms would. */
describe("Messenger and X webhooks through the bot's server", () => {
    let harness: ChannelsTestServer;
    let bot: TestBot;
    let api: ApiStandIn;
    let channels: ChannelRoute[];
    let url: string;
    let event = 0;

    before(async () => {
        harness = await ChannelsTestServer.start({
            whatsapp: { appSecret: 'w', phoneNumberId: '1' },
            facebook: { appSecret: FB_SECRET },
            twitter: { consumerSecret: X_SECRET, userId: BOT_X_ID },
        });
        ({ bot, api, channels, url } = harness);
    });
    after(async () => {
        await harness.close();
    });

    async function idle(): Promise<void> {
        await harness.idle();
    }

    it("serves every enabled channel's handshake", async () => {
        assert.deepEqual(
            channels.map((c) => c.route),
            ['whatsapp', 'facebook', 'twitter']
        );
        const fb = await fetch(`${url}/webhooks/facebook?hub.mode=subscribe&hub.challenge=42&hub.verify_token=fb-verify`);
        assert.deepEqual([fb.status, await fb.text()], [200, '42']);
        const token = '9b4507b3-9040-4669-9ca3-6b94edb50553';
        const crc = await fetch(`${url}/webhooks/twitter?crc_token=${token}`);
        assert.equal(crc.status, 200);
        assert.deepEqual(await crc.json(), { response_token: signSha256(X_SECRET, token, 'base64') });
        assert.equal((await fetch(`${url}/webhooks/twitter?crc_token=short`)).status, 400);
    });

    async function messenger(psid: string, message: Record<string, unknown>): Promise<string[]> {
        const body = {
            object: 'page',
            entry: [
                {
                    id: PAGE_ID,
                    time: Date.now(),
                    messaging: [{ sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: `mid.${++event}`, ...message } }],
                },
            ],
        };
        const raw = metaWireJson(body);
        const before = api.requests.length;
        const response = await fetch(`${url}/webhooks/facebook`, { method: 'POST', headers: metaHeaders(raw, FB_SECRET), body: raw });
        assert.equal(response.status, 200);
        await idle();
        return api.requests
            .slice(before)
            .filter((r) => /\/me\/messages$/.test(r.path))
            .map((r) => String((r.body as any).message?.text ?? ''));
    }

    async function dm(sender: string, text: string): Promise<string[]> {
        const body = {
            for_user_id: BOT_X_ID,
            direct_message_events: [
                {
                    type: 'message_create',
                    id: `dm${++event}`,
                    created_timestamp: String(Date.now()),
                    message_create: { target: { recipient_id: BOT_X_ID }, sender_id: sender, message_data: { text } },
                },
            ],
            users: { [sender]: { id: sender, name: 'Consumer', screen_name: 'consumer' } },
        };
        const raw = Buffer.from(JSON.stringify(body));
        const before = api.requests.length;
        const response = await fetch(`${url}/webhooks/twitter`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': signSha256(X_SECRET, raw, 'base64') },
            body: raw,
        });
        assert.equal(response.status, 200);
        await idle();
        return api.requests
            .slice(before)
            .filter((r: RecordedRequest) => r.path.includes(`/with/${sender}/`))
            .map((r) => String((r.body as any).text));
    }

    it('registers a complaint in Hindi on Messenger, with quick replies', async () => {
        await messenger('psid-1', { text: 'मेरे घर में सुबह से बिजली नहीं है' });
        const confirm = await messenger('psid-1', { text: '1234567890' });
        assert.match(confirm.join('\n'), /क्या मैं इसे दर्ज कर दूँ/);
        const ask = api.requests.filter((r) => /\/me\/messages$/.test(r.path)).pop()!.body as any;
        assert.deepEqual(
            ask.message.quick_replies.map((q: any) => q.title),
            ['हाँ', 'नहीं']
        );
        const saved = await messenger('psid-1', { text: 'हाँ', quick_reply: { payload: 'हाँ' } });
        assert.match(saved.join('\n'), /शिकायत संख्या: C[0-9]{4}-[0-9]{4,}/);
        assert.equal(await bot.dataSource.getRepository(Complaint).countBy({ channel: 'facebook', channelUserId: 'psid-1' }), 1);
    });

    it('registers a complaint in Hindi over X DMs, choosing by number', async () => {
        await dm('3000000777', 'मेरे घर में सुबह से बिजली नहीं है');
        // Another account than the Messenger complaint above: the same outage on one account joins the open complaint.
        const confirm = (await dm('3000000777', '3692581470')).join('\n');
        assert.match(confirm, /क्या मैं इसे दर्ज कर दूँ\?\n\n1\. हाँ\n2\. नहीं/);
        const saved = (await dm('3000000777', '1')).join('\n');
        assert.match(saved, /शिकायत संख्या: C[0-9]{4}-[0-9]{4,}/);
        assert.equal(await bot.dataSource.getRepository(Complaint).countBy({ channel: 'twitter', channelUserId: '3000000777' }), 1);
    });

    it('rejects unsigned posts on every channel with nothing processed', async () => {
        const before = api.requests.length;
        const bodies: Record<string, object> = {
            whatsapp: {
                object: 'whatsapp_business_account',
                entry: [
                    {
                        id: 'W',
                        changes: [
                            {
                                field: 'messages',
                                value: {
                                    metadata: { phone_number_id: '1' },
                                    contacts: [{ wa_id: '919000000999' }],
                                    messages: [{ id: 'wamid.unsigned', from: '919000000999', type: 'text', text: { body: 'bijli nahi aa rahi' } }],
                                },
                            },
                        ],
                    },
                ],
            },
            facebook: {
                object: 'page',
                entry: [
                    {
                        id: PAGE_ID,
                        messaging: [
                            {
                                sender: { id: 'psid-unsigned' },
                                recipient: { id: PAGE_ID },
                                timestamp: 1,
                                message: { mid: 'mid.unsigned', text: 'bijli nahi aa rahi' },
                            },
                        ],
                    },
                ],
            },
            twitter: {
                for_user_id: BOT_X_ID,
                direct_message_events: [
                    {
                        type: 'message_create',
                        id: 'dm-unsigned',
                        created_timestamp: '1',
                        message_create: { target: { recipient_id: BOT_X_ID }, sender_id: '3000000999', message_data: { text: 'bijli nahi aa rahi' } },
                    },
                ],
            },
        };
        for (const route of ['whatsapp', 'facebook', 'twitter']) {
            const response = await fetch(`${url}/webhooks/${route}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify(bodies[route]),
            });
            assert.equal(response.status, 401, route);
        }
        await idle();
        assert.equal(api.requests.length, before);
    });
});
