import { strict as assert } from 'assert';
import { whatsAppChannel, WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { signSha256, verifySha256Signature } from '../../../adapters/shared/webhookSignature';
import { WebhookAdapter } from '../../../adapters/shared/WebhookAdapter';
import { mapWhatsAppWebhook } from '../../../adapters/whatsapp/mapWhatsAppWebhook';
import { mapWhatsAppFailures } from '../../../adapters/whatsapp/mapWhatsAppFailures';
import { WhatsAppAdapter } from '../../../adapters/whatsapp/WhatsAppAdapter';
import { WhatsAppClient } from '../../../adapters/whatsapp/WhatsAppClient';
import { fitTemplateParameter, templateRoom } from '../../../adapters/whatsapp/whatsAppTemplates';
import { renderWhatsApp, WHATSAPP_LIMITS } from '../../../adapters/whatsapp/renderWhatsApp';
import { codePointLength } from '../../../adapters/shared/splitText';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { Complaint } from '../../../src/data/entities/Complaint';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { Official } from '../../../src/data/entities/Official';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { BotServer, startServer } from '../../../src/server';
import { OutboundQueueWorker } from '../../../src/broadcast/OutboundQueueWorker';
import { RecordedRequest } from '../../support/ApiStandIn';
import { WhatsAppCloudStandIn } from '../../support/WhatsAppCloudStandIn';
import { fixture, metaHeaders, metaWireJson, whatsAppMessages, whatsAppText } from '../../support/metaPayloads';
import { LUCKNOW } from '../../support/dialogKit';
import { TestBot } from '../../support/TestBot';
import { settingsReader } from '../../support/settingsReader';

const SECRET = 'wa-app-secret';
const VERIFY = 'meatyhamhock';
const PHONE_ID = '109876543210';

/** The WhatsApp channel's settings against a stand-in at `apiUrl`, with no templates. */
function whatsAppSettings(apiUrl: string): WhatsAppSettings {
    return { appSecret: SECRET, verifyToken: VERIFY, accessToken: 'WA-TOKEN', phoneNumberId: PHONE_ID, apiUrl, maxMessagesPerSecond: 80, templates: null };
}

describe('WhatsApp: mapping and rendering', () => {
    it('verifies the signature vectors on the raw bytes', () => {
        for (const v of fixture('whatsapp/signature_vectors.json').vectors) {
            assert.equal(signSha256(v.app_secret, Buffer.from(v.raw_body), 'hex'), v.expected);
            assert.ok(verifySha256Signature(Buffer.from(v.raw_body), v.expected, v.app_secret, 'hex'));
            assert.ok(!verifySha256Signature(Buffer.from(v.raw_body + ' '), v.expected, v.app_secret, 'hex'));
        }
        assert.ok(!verifySha256Signature(Buffer.from('test'), undefined, SECRET, 'hex'));
        assert.ok(!verifySha256Signature(Buffer.from('test'), 'sha256=00', SECRET, 'hex'));
    });

    it('maps text, buttons, lists, template replies, locations and media from the fixtures', () => {
        const text = mapWhatsAppWebhook(fixture('whatsapp/text.json')).items[0];
        assert.equal(text.activity.type, 'message');
        assert.ok(text.activity.text);
        const bsuid = mapWhatsAppWebhook(fixture('whatsapp/text_with_bsuid.json')).items[0];
        assert.equal(bsuid.activity.from!.id, 'US.13491208655302741918', 'keyed on the business-scoped user id');
        assert.equal(bsuid.activity.conversation!.id, '1122334455667:US.13491208655302741918');
        assert.equal(bsuid.trustedPhone, '972987654321');
        assert.equal(mapWhatsAppWebhook(fixture('whatsapp/button_reply.json')).items[0].activity.text, 'callback_data');
        const list = mapWhatsAppWebhook(fixture('whatsapp/list_reply.json')).items[0].activity;
        assert.ok(list.text && list.value);
        const template = mapWhatsAppWebhook(fixture('whatsapp/template_quick_reply_button.json')).items[0].activity;
        assert.equal(template.text, 'callback_data', "a template's quick-reply button is read by its payload, not its label");
        const welcome = mapWhatsAppWebhook(fixture('whatsapp/request_welcome.json')).items[0].activity;
        assert.equal(welcome.type, 'conversationUpdate', 'a first visit is a member joining, not text');
        assert.deepEqual(welcome.membersAdded, [{ id: '16505551234', name: 'Sheena Nelson' }]);
        assert.equal(welcome.text, undefined);
        for (const file of ['location.json', 'location_current.json']) {
            const location = mapWhatsAppWebhook(fixture(`whatsapp/${file}`)).items[0].activity;
            assert.equal(location.entities?.[0].type, 'GeoCoordinates', file);
        }
        for (const file of ['image.json', 'document.json', 'voice_audio.json', 'contacts_shared.json']) {
            const media = mapWhatsAppWebhook(fixture(`whatsapp/${file}`)).items[0].activity;
            assert.equal(media.attachments?.length, 1, file);
        }
        assert.match(mapWhatsAppWebhook(fixture('whatsapp/image.json')).items[0].activity.attachments![0].contentType, /^image\//);
    });

    it('maps statuses to delivery updates that never start a turn', () => {
        for (const file of [
            'status_sent.json',
            'status_delivered.json',
            'status_read.json',
            'status_failed.json',
            'status_sent_minimal.json',
            'status_sent_to_bsuid.json',
        ]) {
            const batch = mapWhatsAppWebhook(fixture(`whatsapp/${file}`));
            assert.equal(batch.items.length, 0, file);
            assert.equal(batch.deliveries.length, 1, file);
        }
        for (const [file, code] of [
            ['status_failed_131047.json', '131047'],
            ['status_failed_131026.json', '131026'],
        ]) {
            const [delivery] = mapWhatsAppWebhook(fixture(`whatsapp/${file}`)).deliveries as Array<{ status: string; errorCode: string }>;
            assert.deepEqual([delivery.status, delivery.errorCode], ['failed', code], file);
            assert.deepEqual(
                mapWhatsAppFailures(fixture(`whatsapp/${file}`), '106540352242922').map((f) => [f.code, f.messageId, f.recipient]),
                [[code, 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI4MjZGRDA0OUE2OTQ3RkEyMzcA', 'to:16505551234']]
            );
        }
        assert.deepEqual(
            mapWhatsAppFailures(fixture('whatsapp/errors_130429.json'), '106540352242922'),
            [{ code: '130429', detail: 'Message failed to send because there were too many messages sent from this phone number in a short period of time' }],
            'errors of the number name no message'
        );
        assert.deepEqual(mapWhatsAppFailures(fixture('whatsapp/errors_130429.json'), 'another-number'), [], 'only our number');
        const failed = mapWhatsAppWebhook(fixture('whatsapp/status_failed.json')).deliveries[0];
        assert.deepEqual([failed.kind, (failed as { status: string }).status, (failed as { errorCode: string }).errorCode], ['message', 'failed', '130472']);
        assert.deepEqual(mapWhatsAppWebhook(fixture('whatsapp/errors_130429.json')).items, []);
    });

    it('processes every message of every change of every entry', () => {
        const body = whatsAppMessages(PHONE_ID, [
            { waId: '919000000001', message: { id: 'wamid.a', type: 'text', text: { body: 'one' } } },
            { waId: '919000000002', message: { id: 'wamid.b', type: 'text', text: { body: 'two' } } },
        ]) as { entry: object[] };
        body.entry.push(
            JSON.parse(
                JSON.stringify(body.entry[0])
                    .replace(/wamid\.a/, 'wamid.c')
                    .replace(/wamid\.b/, 'wamid.d')
            )
        );
        const ids = mapWhatsAppWebhook(body).items.map((i) => i.activity.id);
        assert.deepEqual(ids, ['wamid.a', 'wamid.b', 'wamid.c', 'wamid.d']);
    });

    it('renders buttons, lists and numbered text within the limits, counting code points', () => {
        const withButtons = (titles: string[]) =>
            renderWhatsApp(
                { text: 'Choose', suggestedActions: { to: [], actions: titles.map((title) => ({ type: 'imBack', title, value: title })) } },
                { listButton: 'विकल्प' }
            );
        const buttons = withButtons(['हाँ', 'नहीं']);
        assert.equal(buttons[0].kind, 'buttons');
        const sevenHindi = ['शिकायत दर्ज करें', 'शिकायत की स्थिति', 'मेरा बिल', 'मीटर की जानकारी', 'मीटर रीडिंग भेजें', 'अधिकारी से बात', 'Talk in English'];
        const list = withButtons(sevenHindi);
        assert.equal(list[0].kind, 'list');
        const rows = (list[0].message as any).interactive.action.sections[0].rows as Array<{ id: string; title: string }>;
        assert.ok(rows.every((r) => codePointLength(r.title) <= WHATSAPP_LIMITS.rowTitle && r.id === r.title));
        const longTitle = withButtons(['A title that is far too long for a list row', 'B']);
        assert.equal(longTitle[0].kind, 'text');
        assert.match((longTitle[0].message as any).text.body, /1\. A title that is far too long for a list row\n2\. B$/);
        const eleven = withButtons(Array.from({ length: 11 }, (_, i) => `Option ${i + 1}`));
        assert.equal(eleven[0].kind, 'text');
        const long = renderWhatsApp({ text: 'बिजली '.repeat(1500) }, { listButton: 'x' });
        assert.ok(long.length >= 2 && long.every((p) => codePointLength((p.message as any).text.body) <= WHATSAPP_LIMITS.text));
    });
});

describe('WhatsApp: webhooks over HTTP with a stand-in Graph API', () => {
    let bot: TestBot;
    let api: WhatsAppCloudStandIn;
    let server: BotServer;
    let adapter: WebhookAdapter;
    let url: string;

    async function post(body: object | Buffer, headers?: Record<string, string>): Promise<number> {
        const raw = Buffer.isBuffer(body) ? body : metaWireJson(body);
        const response = await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: headers ?? metaHeaders(raw, SECRET), body: raw });
        await response.text();
        return response.status;
    }

    /** Sends one text as `waId`, waits for the turn, returns the texts the Graph API received for that user. */
    async function say(waId: string, text: string, bsuid?: string): Promise<string[]> {
        const before = api.requests.length;
        assert.equal(await post(whatsAppText(PHONE_ID, waId, text, { bsuid })), 200);
        await adapter.idle();
        return api.requests
            .slice(before)
            .filter((r) => sentTo(r) === (bsuid ?? waId) || sentTo(r) === waId)
            .map(bodyText);
    }

    function sentTo(request: RecordedRequest): string | undefined {
        const body = request.body as { to?: string; recipient?: string };
        return body?.to ?? body?.recipient;
    }

    /** The text of a send; '' for the other requests (photos the bot downloads). */
    function bodyText(request: RecordedRequest): string {
        if (request.method !== 'POST') return '';
        const body = request.body as any;
        return body.text?.body ?? body.interactive?.body?.text ?? JSON.stringify(body.template ?? {});
    }

    beforeEach(async () => {
        api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'WA-TOKEN' });
        await api.start();
        bot = await TestBot.create({ config: { channels: { whatsapp: whatsAppSettings(api.url) } } });
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        url = `http://127.0.0.1:${server.port}`;
        api.webhook = { url: `${url}/webhooks/whatsapp`, appSecret: SECRET };
    });
    afterEach(async () => {
        await adapter.idle();
        await server.close();
        await api.stop();
        await bot.close();
    });

    it('answers the verification handshake, and 403 for a wrong token', async () => {
        const ok = await fetch(`${url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY}`);
        assert.equal(ok.status, 200);
        assert.equal(await ok.text(), '1158201444');
        const wrong = await fetch(`${url}/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope`);
        assert.equal(wrong.status, 403);
    });

    it('rejects a missing or wrong signature with 401 and processes nothing', async () => {
        const raw = metaWireJson(whatsAppText(PHONE_ID, '919876543210', 'bijli nahi aa rahi'));
        assert.equal(await post(raw, { 'content-type': 'application/json' }), 401);
        assert.equal(await post(raw, metaHeaders(raw, 'other-secret')), 401);
        await adapter.idle();
        assert.equal(api.requests.length, 0);
        assert.equal(await bot.dataSource.getRepository(ChannelIdentity).count(), 0);
    });

    it("verifies a Hindi body in Meta's escaped form, and not a re-serialised copy", async () => {
        const body = whatsAppText(PHONE_ID, '919876543210', 'मेरे घर में बिजली नहीं है');
        const wire = metaWireJson(body);
        const reserialised = Buffer.from(JSON.stringify(JSON.parse(wire.toString('utf8'))), 'utf8');
        assert.notDeepEqual(reserialised, wire);
        assert.equal(await post(reserialised, metaHeaders(wire, SECRET)), 401);
        assert.equal(await post(wire), 200);
    });

    it('registers a complaint end to end in Hindi with buttons, and keys the user on the BSUID', async () => {
        const waId = '919812345678';
        const bsuid = 'IN.1648738043044942';
        const first = await say(waId, 'मेरे घर में सुबह से बिजली नहीं है', bsuid);
        assert.match(first.join('\n'), /खाता नंबर/);
        const confirm = await say(waId, '1234567890', bsuid);
        assert.match(confirm.join('\n'), /क्या मैं इसे दर्ज कर दूँ/);
        const lastAsk = api.requests[api.requests.length - 1].body as any;
        assert.equal(lastAsk.type, 'interactive');
        assert.deepEqual(
            lastAsk.interactive.action.buttons.map((b: any) => b.reply.title),
            ['हाँ', 'नहीं']
        );
        // The tap comes back as an interactive button reply whose id is the title.
        const before = api.requests.length;
        assert.equal(
            await post(
                whatsAppMessages(PHONE_ID, [
                    {
                        waId,
                        bsuid,
                        message: { id: 'wamid.tap1', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'हाँ', title: 'हाँ' } } },
                    },
                ])
            ),
            200
        );
        await adapter.idle();
        const saved = api.requests.slice(before).map(bodyText).join('\n');
        const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
        assert.ok(ticket, saved);
        const [complaint] = await bot.dataSource.getRepository(Complaint).find();
        assert.deepEqual([complaint.ticket, complaint.channel, complaint.channelUserId, complaint.accountNumber], [ticket, 'whatsapp', bsuid, '1234567890']);
        assert.equal(sentTo(api.requests[api.requests.length - 1]), waId, 'replies go to the phone number when there is one');
    });

    it('shows the bill without a code when the WhatsApp number is the registered mobile', async () => {
        const waId = `91${LUCKNOW.mobile}`;
        await say(waId, 'hindi');
        await say(waId, 'मेरा बिल');
        const bill = (await say(waId, LUCKNOW.account)).join('\n');
        assert.match(bill, /पंजीकृत मोबाइल से मिलता है/);
        assert.match(bill, /का बिल/);
        assert.equal(bot.sms.sent.length, 0, 'no code was sent');
    });

    it('processes batched deliveries from several users', async () => {
        const body = whatsAppMessages(PHONE_ID, [
            { waId: '919000000011', message: { id: 'wamid.b1', type: 'text', text: { body: 'bijli nahi aa rahi' } } },
            { waId: '919000000012', message: { id: 'wamid.b2', type: 'text', text: { body: 'meter kharab hai' } } },
        ]);
        assert.equal(await post(body), 200);
        await adapter.idle();
        const recipients = new Set(api.requests.map(sentTo));
        assert.ok(recipients.has('919000000011') && recipients.has('919000000012'));
    });

    it('handles a redelivered and a concurrently duplicated message exactly once', async () => {
        const body = whatsAppText(PHONE_ID, '919000000021', 'bijli nahi aa rahi', { id: 'wamid.dup' });
        assert.equal(await post(body), 200);
        await adapter.idle();
        const once = api.requests.filter((r) => sentTo(r) === '919000000021').length;
        assert.ok(once > 0);
        const requests = api.requests.length;
        assert.equal(await post(body), 200);
        await adapter.idle();
        assert.equal(api.requests.length, requests, 'a redelivery is acknowledged, not processed');
        const concurrent = whatsAppText(PHONE_ID, '919000000022', 'bijli nahi aa rahi', { id: 'wamid.race' });
        const statuses = await Promise.all([post(concurrent), post(concurrent), post(concurrent)]);
        assert.deepEqual(statuses, [200, 200, 200]);
        await adapter.idle();
        assert.equal(api.requests.filter((r) => sentTo(r) === '919000000022').length, once, 'one turn for three concurrent copies');
    });

    it('records every outbound message and applies status webhooks without starting a turn', async () => {
        await say('919000000031', 'bijli nahi aa rahi');
        const store = new ChannelStore(bot.app.db);
        const sent = await store.outboundFor('whatsapp', `${PHONE_ID}:919000000031`);
        assert.ok(sent.length > 0 && sent.every((m) => m.status === 'sent' && m.platformMessageId));
        const id = sent[0].platformMessageId!;
        const status = (kind: string) => ({
            object: 'whatsapp_business_account',
            entry: [
                {
                    id: 'W',
                    changes: [
                        {
                            field: 'messages',
                            value: { metadata: { phone_number_id: PHONE_ID }, statuses: [{ id, status: kind, timestamp: '1', recipient_id: '919000000031' }] },
                        },
                    ],
                },
            ],
        });
        const requests = api.requests.length;
        assert.equal(await post(status('read')), 200);
        assert.equal(await post(status('delivered')), 200, 'an out-of-order delivered after read');
        await adapter.idle();
        const [record] = await bot.dataSource.getRepository(OutboundMessage).findBy({ platformMessageId: id });
        assert.equal(record.status, 'read', 'statuses never move backwards');
        assert.equal(api.requests.length, requests, 'statuses start no turn');
    });

    it("answers images, voice notes, documents and contacts politely in the user's language", async () => {
        await say('919000000041', 'हिंदी');
        for (const file of ['image.json', 'voice_audio.json', 'document.json', 'contacts_shared.json']) {
            const body = fixture(`whatsapp/${file}`);
            const value = body.entry[0].changes[0].value;
            value.metadata.phone_number_id = PHONE_ID;
            value.contacts = [{ profile: { name: 'x' }, wa_id: '919000000041' }];
            value.messages[0].from = '919000000041';
            value.messages[0].id = `wamid.${file}`;
            // Sent now: the fixture's own time is years old, and an old message is a replay.
            value.messages[0].timestamp = String(Math.floor(Date.now() / 1000));
            delete value.messages[0].from_user_id;
            const before = api.requests.length;
            assert.equal(await post(body), 200);
            await adapter.idle();
            const replies = api.requests.slice(before).map(bodyText).join('\n');
            assert.match(replies, /केवल लिखे हुए संदेश/, `${file}: ${replies}`);
        }
    });

    it('retries 500 and 429 from the Graph API and delivers each message once', async () => {
        api.failNextSend(1, { status: 500, body: { error: { code: 131000, message: 'Something went wrong' } } });
        api.failNextSend(1, {
            status: 429,
            body: { error: { code: 130429, message: 'Rate limit hit' } },
            headers: { 'retry-after': '0' },
        });
        await say('919000000051', 'bijli nahi aa rahi');
        const attempts = api.requests.filter((r) => sentTo(r) === '919000000051');
        assert.equal(attempts.length, 3, 'two failures, then the message');
        const records = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: '919000000051' });
        assert.equal(records.length, 1);
        assert.equal(records[0].status, 'sent');
    });

    it('outside the 24-hour window sends no free-form message and records why', async () => {
        await say('919000000061', 'bijli nahi aa rahi');
        const store = new ChannelStore(bot.app.db);
        await store.markInbound('whatsapp', '919000000061', new Date(Date.now() - 25 * 3600_000));
        const before = api.requests.length;
        await adapter.continueConversationAsync(
            '',
            {
                channelId: 'whatsapp',
                serviceUrl: 'whatsapp:',
                conversation: { id: `${PHONE_ID}:919000000061` } as never,
                user: { id: '919000000061', name: '', properties: { waId: '919000000061' } },
                bot: { id: PHONE_ID, name: '' },
            },
            async (context) => {
                await context.sendActivity('Your complaint was resolved.');
            }
        );
        assert.equal(api.requests.length, before, 'nothing sent');
        const [record] = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: '919000000061', status: 'undeliverable' });
        assert.equal(record.errorCode, 'window_closed');
    });

    it('attaches a photo sent while a complaint is registered, and takes a shared location as the address', async () => {
        const waId = '919000000071';
        await say(waId, 'meter jal gaya hai');
        await say(waId, 'मेरे पास नहीं है');
        const photo = whatsAppMessages(PHONE_ID, [
            { waId, message: { id: 'wamid.photo', type: 'image', image: { id: 'MEDIA123', mime_type: 'image/jpeg', sha256: 'x' } } },
        ]);
        let before = api.requests.length;
        assert.equal(await post(photo), 200);
        await adapter.idle();
        assert.match(api.requests.slice(before).map(bodyText).join('\n'), /फ़ोटो आपकी शिकायत में जोड़ दी गई/);
        assert.match(
            (await say(waId, '9876543210')).join('\n'),
            /पता/,
            'digits alone are no address; the WhatsApp number was already taken as the call-back number'
        );
        const location = whatsAppMessages(PHONE_ID, [
            { waId, message: { id: 'wamid.loc', type: 'location', location: { latitude: 26.8467, longitude: 80.9462, name: 'Hazratganj' } } },
        ]);
        before = api.requests.length;
        assert.equal(await post(location), 200);
        await adapter.idle();
        assert.match(api.requests.slice(before).map(bodyText).join('\n'), /पता: भेजी गई लोकेशन/, 'the location answered the address question');
        const done = (await say(waId, 'हाँ')).join('\n');
        assert.match(done, /शिकायत दर्ज हो गई/);
        const [complaint] = await bot.dataSource.getRepository(Complaint).find();
        assert.deepEqual(JSON.parse(complaint.attachments!), ['whatsapp-media:MEDIA123']);
        assert.deepEqual([complaint.latitude, complaint.longitude], [26.8467, 80.9462]);
    });
    it('answers a user who hides their number by their business-scoped id, and never trusts a missing phone', async () => {
        const bsuid = 'IN.987654321098765';
        const body = {
            object: 'whatsapp_business_account',
            entry: [
                {
                    id: 'W',
                    changes: [
                        {
                            field: 'messages',
                            value: {
                                metadata: { phone_number_id: PHONE_ID },
                                contacts: [{ profile: { name: 'x', username: '@consumer' }, user_id: bsuid }],
                                messages: [
                                    {
                                        id: 'wamid.bsuid1',
                                        from_user_id: bsuid,
                                        timestamp: String(Math.floor(Date.now() / 1000)),
                                        type: 'text',
                                        text: { body: 'bijli nahi aa rahi' },
                                    },
                                ],
                            },
                        },
                    ],
                },
            ],
        };
        assert.equal(await post(body), 200);
        await adapter.idle();
        const sent = api.requests.filter((r) => (r.body as any).recipient === bsuid);
        assert.ok(sent.length > 0, 'addressed by recipient');
        assert.ok(sent.every((r) => (r.body as any).to === undefined));
    });

    it('skips messages addressed to another number of the same account', async () => {
        assert.equal(await post(whatsAppText('999999999999', '919000000091', 'bijli nahi aa rahi')), 200);
        await adapter.idle();
        assert.equal(api.requests.length, 0);
    });

    it('a permanent send error records a failed delivery and keeps the conversation going', async () => {
        const waId = '919000000101';
        await say(waId, 'meter jal gaya hai');
        api.failNextSend(1, { status: 400, body: { error: { code: 131026, message: 'Message undeliverable' } } });
        await say(waId, '1234567890');
        const [failed] = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: waId, status: 'failed' });
        assert.equal(failed.errorCode, '131026');
        const next = (await say(waId, 'हाँ')).join('\n');
        assert.match(next, /शिकायत दर्ज हो गई/, 'the confirmation step was still waiting');
    });

    it('a photo with a caption is attached and the caption answers the open question; a sticker is no photo', async () => {
        const waId = '919000000111';
        await say(waId, 'meter kharab hai');
        const sticker = whatsAppMessages(PHONE_ID, [{ waId, message: { id: 'wamid.st', type: 'sticker', sticker: { id: 'STK', mime_type: 'image/webp' } } }]);
        let before = api.requests.length;
        assert.equal(await post(sticker), 200);
        await adapter.idle();
        assert.match(api.requests.slice(before).map(bodyText).join('\n'), /केवल लिखे हुए संदेश/);
        const captioned = whatsAppMessages(PHONE_ID, [
            { waId, message: { id: 'wamid.cap', type: 'image', image: { id: 'IMG9', mime_type: 'image/jpeg', caption: '1234567890' } } },
        ]);
        before = api.requests.length;
        assert.equal(await post(captioned), 200);
        await adapter.idle();
        const replies = api.requests.slice(before).map(bodyText).join('\n');
        assert.match(replies, /फ़ोटो आपकी शिकायत में जोड़ दी गई/);
        assert.match(replies, /समस्या कुछ शब्दों में/, 'the caption was the account number, so the next question came');
        await say(waId, 'meter ki screen band hai');
        await say(waId, 'हाँ');
        const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
        assert.deepEqual(JSON.parse(complaint.attachments!), ['whatsapp-media:IMG9']);
    });

    it('refuses a WhatsApp activity posted to /api/messages, where it would impersonate a verified user', async () => {
        const response = await fetch(`${url}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
                type: 'message',
                channelId: 'whatsapp',
                text: 'mera bill',
                conversation: { id: `${PHONE_ID}:91${LUCKNOW.mobile}` },
                from: { id: `91${LUCKNOW.mobile}` },
                recipient: { id: PHONE_ID },
                serviceUrl: 'http://127.0.0.1:9',
            }),
        });
        assert.equal(response.status, 403);
    });

    it('a user whose replies are slow to send does not hold up anyone else', async () => {
        const slow = '919000000121';
        api.respondWith('POST', new RegExp(`/${PHONE_ID}/messages$`), (req, n) => ({
            status: 200,
            body: { messages: [{ id: `wamid.s${n}` }] },
            delayMs: (req.body as any).to === slow ? 400 : 0,
        }));
        for (let i = 0; i < 4; i++) assert.equal(await post(whatsAppText(PHONE_ID, slow, `bijli nahi aa rahi ${i}`)), 200);
        assert.equal(await post(whatsAppText(PHONE_ID, '919000000122', 'bijli nahi aa rahi')), 200);
        const fast = await api.waitFor((r) => (r.body as any).to === '919000000122', 3000);
        const slowDone = api.requests.filter((r) => (r.body as any).to === slow).length;
        assert.ok(slowDone <= 2, `the other user was answered after ${slowDone} of the slow user's replies`);
        assert.ok(fast);
        await adapter.idle();
        const slowTexts = api.requests.filter((r) => (r.body as any).to === slow);
        assert.ok(slowTexts.length >= 4, 'the slow user got every reply, in order');
    });
    it('replays deliveries that were acknowledged but never processed (the process stopped), once', async () => {
        const store = new ChannelStore(bot.app.db);
        const body = whatsAppText(PHONE_ID, '919000000131', 'bijli nahi aa rahi', { id: 'wamid.crash1' });
        // As handleWebhook records it just before answering 200: then the process died before the turn ran.
        const [item] = mapWhatsAppWebhook(JSON.parse(metaWireJson(body).toString('utf8'))).items;
        assert.notEqual(await store.recordInbound('whatsapp', 'wamid.crash1', item, item.activity.conversation?.id), null);
        assert.equal(await adapter.resumeUnprocessed((context) => bot.app.bot.run(context)), 1);
        await adapter.idle();
        assert.ok(
            api.requests.some((r) => (r.body as any).to === '919000000131'),
            'the turn ran after the restart'
        );
        assert.equal(await adapter.resumeUnprocessed((context) => bot.app.bot.run(context)), 0, 'nothing left to replay');
        const before = api.requests.length;
        assert.equal(await post(body), 200);
        await adapter.idle();
        assert.equal(api.requests.length, before, "the platform's retry of the same message is still a duplicate");
    });
    it('tells the consumer when an official resolves the complaint, asks "is it fixed?", and a "no" reopens it', async () => {
        const waId = '919000000141';
        await say(waId, 'मेरे घर में सुबह से बिजली नहीं है');
        await say(waId, '1234567890');
        const saved = (await say(waId, 'हाँ')).join('\n');
        assert.match(saved, /UPERC मानकों के अनुसार/);
        const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
        let before = api.requests.length;
        await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'फ्यूज़ बदल दिया गया');
        const ask = api.requests
            .slice(before)
            .map((r) => r.body as any)
            .find((b) => b.type === 'interactive');
        assert.ok(ask, 'the question came as buttons');
        assert.match(ask.interactive.body.text, /क्या समस्या सच में हल हो गई/);
        assert.match(ask.interactive.body.text, /फ्यूज़ बदल दिया गया/);
        const tap = (id: string, answer: string) =>
            whatsAppMessages(PHONE_ID, [
                { waId, message: { id, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: answer, title: answer } } } },
            ]);
        before = api.requests.length;
        assert.equal(await post(tap('wamid.no1', 'नहीं')), 200);
        await adapter.idle();
        assert.match(api.requests.slice(before).map(bodyText).join('\n'), /फिर से खोल दी गई/);
        assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).status, 'reopened');
        await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'तार जोड़ दिया');
        before = api.requests.length;
        assert.equal(await post(tap('wamid.yes1', 'हाँ')), 200);
        await adapter.idle();
        assert.match(api.requests.slice(before).map(bodyText).join('\n'), /बंद कर दी गई/);
        assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).status, 'closed');
    });
});

describe('WhatsApp: read receipts and first visits', () => {
    let bot: TestBot;
    let api: WhatsAppCloudStandIn;
    let server: BotServer;
    let adapter: WebhookAdapter;

    beforeEach(async () => {
        api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'WA-TOKEN' });
        await api.start();
        bot = await TestBot.create({ config: { channels: { whatsapp: whatsAppSettings(api.url) } } });
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        api.webhook = { url: `http://127.0.0.1:${server.port}/webhooks/whatsapp`, appSecret: SECRET };
    });
    afterEach(async () => {
        await adapter.idle();
        await server.close();
        await api.stop();
        await bot.close();
    });

    it('marks each message read with the typing indicator as its turn starts, before the reply; a refused receipt changes nothing', async () => {
        const waId = '919000000151';
        assert.equal(await api.post(whatsAppText(PHONE_ID, waId, 'bijli nahi aa rahi', { id: 'wamid.read1' })), 200);
        await adapter.idle();
        assert.deepEqual(api.markedRead, ['wamid.read1']);
        const read = api.requests.findIndex((r) => (r.body as any).status === 'read');
        const reply = api.requests.findIndex((r) => (r.body as any).to === waId);
        assert.ok(read >= 0 && reply > read, 'one receipt, sent before the reply');
        assert.deepEqual(api.requests[read].body, {
            messaging_product: 'whatsapp',
            status: 'read',
            message_id: 'wamid.read1',
            typing_indicator: { type: 'text' },
        });
        assert.equal(api.requests[read].headers.authorization, 'Bearer WA-TOKEN');
        // Graph refuses the next receipt: the turn goes on and the reply is sent.
        api.failNext('POST', `/${PHONE_ID}/messages`, 1, {
            status: 400,
            body: { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } },
        });
        const before = api.accepted.length;
        assert.equal(await api.post(whatsAppText(PHONE_ID, waId, '1234567890', { id: 'wamid.read2' })), 200);
        await adapter.idle();
        assert.ok(api.accepted.length > before, 'the reply went');
        assert.deepEqual(api.markedRead, ['wamid.read1'], 'the refused receipt was not repeated');
    });

    it('greets a user who opens the chat for the first time (request_welcome)', async () => {
        const body = fixture('whatsapp/request_welcome.json');
        const value = body.entry[0].changes[0].value;
        value.metadata.phone_number_id = PHONE_ID;
        value.contacts[0].wa_id = value.messages[0].from = '919000000161';
        value.messages[0].timestamp = String(Math.floor(Date.now() / 1000));
        assert.equal(await api.post(body), 200);
        await adapter.idle();
        const greeting = api.accepted.filter((m) => m.recipient === '919000000161').map((m) => JSON.stringify(m.body));
        assert.equal(greeting.length, 1, greeting.join('\n'));
        assert.match(greeting[0], /बिजली मित्र में आपका स्वागत है/, 'the greeting: choose a language');
        assert.deepEqual(api.markedRead, [], 'there is no message to mark read');
    });
});

describe('WhatsApp: slowing down when WhatsApp says so', () => {
    it('a 130429 in value.errors halves the pace for a minute and is logged; a 131056 in a failed status holds that user 6 s', async () => {
        const api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'T' });
        await api.start();
        try {
            let now = 1_000_000;
            const slept: number[] = [];
            const warnings: Array<Record<string, unknown> | undefined> = [];
            const logger = { debug() {}, info() {}, error() {}, warn: (_msg: string, fields?: Record<string, unknown>) => void warnings.push(fields) };
            const client = new WhatsAppClient({
                apiUrl: api.url,
                accessToken: 'T',
                phoneNumberId: PHONE_ID,
                maxMessagesPerSecond: 80,
                now: () => now,
                sleep: async (ms) => void slept.push(ms),
            });
            const adapter = new WhatsAppAdapter({
                appSecret: SECRET,
                verifyToken: VERIFY,
                phoneNumberId: PHONE_ID,
                client,
                logger,
                listButton: () => 'Options',
            });
            api.webhook = { url: 'http://127.0.0.1:9/unused', appSecret: SECRET };
            const deliver = async (raw: Buffer, headers: Record<string, string>) => (await adapter.handleWebhook(raw, headers, async () => {})).status;

            api.systemErrorLater(130429);
            assert.deepEqual(await api.flushStatuses(deliver), [200]);
            assert.equal(client.messagesPerSecond, 40);
            assert.ok(
                warnings.some((w) => w?.code === '130429'),
                'the error of the number is logged with its code'
            );
            now += 61_000;
            await client.send({ to: '919000000170' }, { type: 'text', text: { body: 'a' } });
            assert.equal(client.messagesPerSecond, 80, 'back to full pace after a minute');

            const id = await client.send({ to: '919000000171' }, { type: 'text', text: { body: 'first' } });
            api.failLater(id, 131056, '919000000171');
            assert.deepEqual(await api.flushStatuses(deliver), [200]);
            await client.send({ to: '919000000172' }, { type: 'text', text: { body: 'someone else' } });
            assert.deepEqual(slept, [], 'other users are not held');
            await client.send({ to: '919000000171' }, { type: 'text', text: { body: 'second' } });
            assert.deepEqual(slept, [6000], "that user's next message waited for the pair rate");
        } finally {
            await api.stop();
        }
    });
});

const TEMPLATES = {
    // As a utility writes one: the body's own words leave about 900 UTF-16 units for the message.
    hi: {
        name: 'complaint_update_hi',
        language: 'hi',
        body: 'उत्तर प्रदेश पावर कॉर्पोरेशन की ओर से बिजली मित्र की सूचना: {{1}} — इस संदेश का उत्तर देकर आप बिजली मित्र से बात जारी रख सकते हैं।',
    },
    en: { name: 'complaint_update', language: 'en', body: 'Bijli Mitra update: {{1}}' },
};

/** What a template bot test gets: the bot, its WhatsApp adapter, the strict stand-in and a signed webhook poster. */
interface TemplateBot {
    bot: TestBot;
    api: WhatsAppCloudStandIn;
    adapter: WebhookAdapter;
    post(body: object): Promise<number>;
}

/**
 * Runs `test` against a bot whose WhatsApp channel has a template per language, on a strict stand-in that knows them
 * and posts its asynchronous webhooks to the bot's server.
 */
async function withTemplateBot(test: (t: TemplateBot) => Promise<void>): Promise<void> {
    const api = new WhatsAppCloudStandIn({
        phoneNumberId: PHONE_ID,
        accessToken: 'T',
        templates: Object.values(TEMPLATES),
    });
    await api.start();
    const bot = await TestBot.create({
        config: {
            channels: {
                whatsapp: {
                    appSecret: SECRET,
                    verifyToken: VERIFY,
                    accessToken: 'T',
                    phoneNumberId: PHONE_ID,
                    apiUrl: api.url,
                    maxMessagesPerSecond: 80,
                    templates: TEMPLATES,
                } satisfies WhatsAppSettings,
            },
        },
    });
    const channels = createChannelAdapters(bot.app);
    const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
    api.webhook = { url: `http://127.0.0.1:${server.port}/webhooks/whatsapp`, appSecret: SECRET };
    const adapter = channels[0].adapter;
    try {
        await test({ bot, api, adapter, post: (body) => api.post(body) });
    } finally {
        await adapter.idle();
        await server.close();
        await bot.close();
        await api.stop();
    }
}

/** A conversation reference of a WhatsApp user addressed by number. */
function referenceOf(user: string) {
    return {
        channelId: 'whatsapp',
        serviceUrl: 'whatsapp:',
        conversation: { id: `${PHONE_ID}:${user}` } as never,
        user: { id: user, name: '', properties: { waId: user } },
        bot: { id: PHONE_ID, name: '' },
    };
}

/** Sends `text` proactively (a complaint update) to `user`, in `locale`. */
async function notify(adapter: WebhookAdapter, user: string, text: string, locale = 'hi-IN'): Promise<void> {
    await adapter.continueConversationAsync('', referenceOf(user), async (context) => {
        await context.sendActivity({ type: 'message', text, locale });
    });
}

function templatesTo(api: WhatsAppCloudStandIn, user: string): any[] {
    return api.accepted.filter((m) => m.recipient === user && m.body.type === 'template').map((m) => m.body.template);
}

describe('WhatsApp: the 24-hour window with a template per language', () => {
    it('sends the template outside the window, and falls back to it when WhatsApp answers 131047', async () => {
        await withTemplateBot(async ({ bot, api, adapter }) => {
            const store = new ChannelStore(bot.app.db);
            await store.markInbound('whatsapp', '919000000081', new Date(Date.now() - 30 * 3600_000));
            await notify(adapter, '919000000081', 'Complaint C2611-0001 is resolved.\nPlease confirm.', 'en-IN');
            const [template] = templatesTo(api, '919000000081');
            assert.equal(template.name, 'complaint_update');
            assert.equal(template.components[0].parameters[0].text, 'Complaint C2611-0001 is resolved. Please confirm.');

            // Inside the window by our clock, but WhatsApp says otherwise in its answer: the template is sent instead.
            await store.markInbound('whatsapp', '919000000082');
            api.failNextSend(1, { status: 400, body: { error: { code: 131047, message: 'Re-engagement message', type: 'OAuthException' } } });
            await notify(adapter, '919000000082', 'Update');
            const bodies = api.requests.filter((r) => (r.body as any).to === '919000000082').map((r) => (r.body as any).type);
            assert.deepEqual(bodies, ['text', 'template']);
            const records = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: '919000000082' });
            assert.deepEqual(
                records.map((r) => [r.kind, r.status, r.errorCode]),
                [['template', 'sent', null]]
            );
            assert.match(records[0].errorDetail!, /131047/);
            assert.equal(templatesTo(api, '919000000082')[0].name, 'complaint_update_hi', 'a Hindi message goes as the Hindi template');
        });
    });

    it('a 131047 that arrives later in a failed status sends the template once per message, in its language', async () => {
        await withTemplateBot(async ({ bot, api, adapter }) => {
            const store = new ChannelStore(bot.app.db);
            const user = '919000000083';
            await store.markInbound('whatsapp', user);
            // WhatsApp's clock says the window closed: it takes the text, then reports it failed.
            api.closeWindow(user);
            // Two parts (over 4,096 characters), so two failed statuses for one message.
            const long = `${'बिजली आपूर्ति बहाल कर दी गई है। '.repeat(150)}C2611-0002`;
            await notify(adapter, user, long);
            const free = api.accepted.filter((m) => m.recipient === user);
            assert.equal(free.length, 2, 'both parts were accepted');
            assert.equal(api.queuedWebhooks.length, 2);
            const webhooks = [...api.queuedWebhooks];
            assert.deepEqual(await api.flushStatuses(), [200, 200]);
            // Meta redelivers a status it thinks was not answered: still one template.
            for (const body of webhooks) assert.equal(await api.post(body), 200);
            await adapter.idle();
            const templates = templatesTo(api, user);
            assert.equal(templates.length, 1, 'one template for the message, however many failures were reported');
            assert.equal(templates[0].name, 'complaint_update_hi');
            const parameter: string = templates[0].components[0].parameters[0].text;
            assert.ok(parameter.endsWith('…') && !parameter.includes('\n'), parameter.slice(-20));
            assert.ok(TEMPLATES.hi.body.replace('{{1}}', parameter).length <= 1024, 'the filled body fits 1,024 UTF-16 units');
            const records = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: user });
            assert.deepEqual(records.map((r) => [r.kind, r.status, r.errorCode]).sort(), [
                ['template', 'sent', null],
                ['text', 'failed', '131047'],
                ['text', 'failed', '131047'],
            ]);
            assert.match(records.find((r) => r.kind === 'template')!.errorDetail!, /131047, reported after the send/);
        });
    });

    it('a 131026 in a failed status marks the user unreachable: later updates are recorded, not attempted, until they write', async () => {
        await withTemplateBot(async ({ bot, api, adapter, post }) => {
            const user = '919000000084';
            const store = new ChannelStore(bot.app.db);
            await store.markInbound('whatsapp', user);
            api.makeUnreachable(user);
            await notify(adapter, user, 'Your complaint is resolved.');
            assert.deepEqual(await api.flushStatuses(), [200]);
            const sent = api.accepted.length;
            await notify(adapter, user, 'A second update.');
            assert.equal(api.accepted.length, sent, 'nothing sent to an unreachable user');
            const records = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: user });
            assert.deepEqual(
                records.map((r) => [r.status, r.errorCode]),
                [
                    ['failed', '131026'],
                    ['undeliverable', '131026'],
                ]
            );
            assert.equal(templatesTo(api, user).length, 0, 'no template for an unreachable user');
            // The user writes again: reachable.
            assert.equal(await post(whatsAppText(PHONE_ID, user, 'bijli nahi aa rahi')), 200);
            await adapter.idle();
            const before = api.accepted.length;
            await notify(adapter, user, 'A third update.');
            assert.equal(api.accepted.length, before + 1);
        });
    });

    it('fits a long update with emoji and conjuncts into the template at a grapheme, counted in UTF-16 units', async () => {
        await withTemplateBot(async ({ bot, api, adapter }) => {
            const store = new ChannelStore(bot.app.db);
            const user = '919000000085';
            await store.markInbound('whatsapp', user, new Date(Date.now() - 30 * 3600_000));
            // 700 characters by code point, but 👨‍👩‍👧 is 8 UTF-16 units: a cut by code points or units would pass 1,024 or tear it.
            const text = `${'क्षेत्र में बिजली 👨‍👩‍👧 '.repeat(60)}`;
            await notify(adapter, user, text);
            const [template] = templatesTo(api, user);
            assert.ok(template, `the stand-in accepted the template: ${JSON.stringify(api.requests.at(-1))}`);
            const parameter: string = template.components[0].parameters[0].text;
            const body = TEMPLATES.hi.body.replace('{{1}}', parameter);
            assert.ok(body.length <= 1024, `${body.length} UTF-16 units`);
            assert.ok(body.length > 1000, 'the room is used');
            const kept = parameter.slice(0, -1);
            assert.ok(text.startsWith(kept), 'a prefix of the message');
            const graphemes = [...new Intl.Segmenter('hi', { granularity: 'grapheme' }).segment(text)].map((g) => g.index);
            assert.ok(graphemes.includes(kept.length), 'cut at a grapheme boundary');
            assert.ok(!/[\u094D\u200D]$/.test(kept), 'never after a virama or a zero-width joiner');
        });
    });
});

describe('WhatsApp: the template parameter', () => {
    it('is cut at a grapheme in UTF-16 units: never inside an emoji sequence or after a virama, always within the room', () => {
        const template = { name: 't', language: 'hi', body: 'Update: {{1}}' };
        const room = templateRoom(template);
        assert.equal(room, 1024 - 'Update: '.length);
        const units = new Intl.Segmenter('hi', { granularity: 'grapheme' });
        for (const unit of ['👨‍👩‍👧', 'क्ष', 'त्रि', '🇮🇳', 'श्री']) {
            for (let pad = 0; pad < 8; pad++) {
                const text = `${'a'.repeat(pad)}${unit.repeat(2000)}`;
                const fitted = fitTemplateParameter(text, template);
                assert.ok(fitted.length <= room && fitted.length > room - 12, `${unit} +${pad}: ${fitted.length}`);
                const kept = fitted.slice(0, -1);
                assert.equal(fitted.at(-1), '…');
                assert.ok(text.startsWith(kept));
                assert.ok(
                    [...units.segment(text)].some((g) => g.index === kept.length),
                    `${unit} +${pad}: cut inside a grapheme`
                );
                assert.ok(!/(\u094D|\u200D|[\uD800-\uDBFF])$/.test(kept), `${unit} +${pad}: ends in a virama, joiner or half a surrogate pair`);
            }
        }
        assert.equal(fitTemplateParameter('Line one\n\nline\ttwo     three', template), 'Line one line two three', 'on one line');
        assert.equal(fitTemplateParameter('   ', template), '-', 'never empty');
    });
});

describe('WhatsApp: templates are checked at start', () => {
    const settingsWith = (env: Record<string, string>) => whatsAppChannel.readSettings(settingsReader(env));

    it('takes one template per language the bot speaks', () => {
        const settings = settingsWith({ WHATSAPP_TEMPLATES: JSON.stringify(TEMPLATES) });
        assert.deepEqual(settings?.templates, TEMPLATES);
        assert.equal(settingsWith({})?.templates, null, 'none: updates outside the window are recorded as undeliverable');
    });

    it('stops the start with a clear message when a language, a name or the parameter is wrong', () => {
        assert.throws(
            () => settingsWith({ WHATSAPP_TEMPLATES: JSON.stringify({ hi: TEMPLATES.hi }) }),
            /WHATSAPP_TEMPLATES is not valid: no template for "en"/
        );
        assert.throws(
            () => settingsWith({ WHATSAPP_TEMPLATES: JSON.stringify({ ...TEMPLATES, en: { ...TEMPLATES.en, body: 'Update {{1}} on {{2}}' } }) }),
            /en: body must have exactly one parameter, \{\{1\}\}/
        );
        assert.throws(
            () => settingsWith({ WHATSAPP_TEMPLATES: JSON.stringify({ ...TEMPLATES, hi: { ...TEMPLATES.hi, name: 'Complaint Update' } }) }),
            /hi: name must be/
        );
        assert.throws(
            () => settingsWith({ WHATSAPP_TEMPLATES: JSON.stringify({ ...TEMPLATES, en: { ...TEMPLATES.en, language: 'english' } }) }),
            /en: language must be/
        );
        assert.throws(() => settingsWith({ WHATSAPP_TEMPLATES: '{hi:' }), /WHATSAPP_TEMPLATES is not valid JSON/);
        assert.throws(() => settingsWith({ WHATSAPP_TEMPLATE_NAME: 'complaint_update' }), /replaced by WHATSAPP_TEMPLATES/);
    });
});

describe('WhatsApp: officials reached by mobile', () => {
    it('tells the JE of a new complaint on WhatsApp, on a reference the WhatsApp channel builds from the mobile number', async () => {
        await withTemplateBot(async ({ bot, api, adapter }) => {
            const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
            assert.match(je.mobile ?? '', /^[6-9]\d{9}$/);
            const user = bot.conversation();
            for (const text of ['english', 'no power since morning in our street', LUCKNOW.account, 'yes']) await user.say(text);
            await adapter.idle();
            const toJe = api.requests.filter((r) => (r.body as { to?: string }).to === `91${je.mobile}`);
            assert.equal(toJe.length, 1, 'one notice to the JE');
            const body = toJe[0].body as any;
            // Outside the 24-hour window (the JE never wrote to the bot): the template, carrying the notice.
            assert.equal(body.type, 'template');
            assert.match(body.template.components[0].parameters[0].text, /C\d{4}-\d{4}/);
            const [record] = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: `91${je.mobile}` });
            assert.equal(record.status, 'sent');
        });
    });
});

describe('WhatsApp: an access token Meta rejects', function () {
    this.timeout(30_000);

    it('stops sending after three rejections, warns at /readyz and in a metric, tries once per pause, and resumes when the token works', async () => {
        const api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'WA-TOKEN' });
        await api.start();
        let now = 1_000_000;
        const bot = await TestBot.create({ config: { channels: { whatsapp: whatsAppSettings(api.url) } } });
        const channels = createChannelAdapters(bot.app, { authCircuit: { now: () => now } });
        const adapter = channels[0].adapter;
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        const url = `http://127.0.0.1:${server.port}`;
        const sends = () => api.requests.filter((r) => r.method === 'POST' && (r.body as { status?: string }).status !== 'read').length;
        const say = async (waId: string, text: string) => {
            const raw = metaWireJson(whatsAppText(PHONE_ID, waId, text));
            assert.equal((await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw })).status, 200);
            await adapter.idle();
        };
        const readiness = async () => (await (await fetch(`${url}/readyz`)).json()) as { status: string; warnings?: string[] };
        try {
            api.expireToken();
            for (const user of ['919800000701', '919800000702', '919800000703']) await say(user, 'namaste');
            assert.equal(sends(), 3, 'three sends tried, each refused with 190');
            assert.deepEqual(await readiness(), { status: 'ready', warnings: ['whatsapp: access token rejected (190/463); sends paused'] });
            assert.match(await bot.app.metrics.registry.getSingleMetricAsString('bijli_channel_credentials_rejected'), /channel="whatsapp"\} 1/);

            await say('919800000704', 'namaste');
            assert.equal(sends(), 3, 'no request while the circuit is open');
            const held = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: '919800000704' });
            assert.ok(held.length > 0 && held.every((m) => m.status === 'failed' && m.errorCode === 'credentials_rejected'), JSON.stringify(held));

            now += 60_001;
            await say('919800000705', 'namaste');
            assert.equal(sends(), 4, 'one trial after the pause, refused again');
            await say('919800000706', 'namaste');
            assert.equal(sends(), 4, 'and the pause doubles');

            api.renewToken();
            now += 120_001;
            await say('919800000707', 'namaste');
            assert.equal(sends(), 5, 'the trial went out');
            await say('919800000708', 'namaste');
            assert.equal(sends(), 6, 'and sends flow again');
            assert.deepEqual(await readiness(), { status: 'ready' });
            assert.match(await bot.app.metrics.registry.getSingleMetricAsString('bijli_channel_credentials_rejected'), /channel="whatsapp"\} 0/);
        } finally {
            await adapter.idle();
            await server.close();
            await api.stop();
            await bot.close();
        }
    });
});

describe('WhatsApp: a reply the platform will not take now waits in the queue, not in the turn', function () {
    this.timeout(30_000);

    it('queues a reply refused for throughput after a few quick tries, keeps the next one behind it, and the queue sends both in order', async () => {
        const api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'WA-TOKEN' });
        await api.start();
        const bot = await TestBot.create({ config: { channels: { whatsapp: whatsAppSettings(api.url) } } });
        const channels = createChannelAdapters(bot.app);
        const adapter = channels[0].adapter;
        const server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        const url = `http://127.0.0.1:${server.port}`;
        const say = async (waId: string, text: string) => {
            const raw = metaWireJson(whatsAppText(PHONE_ID, waId, text));
            assert.equal((await fetch(`${url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw })).status, 200);
            await adapter.idle();
        };
        const attemptsTo = (waId: string) =>
            api.requests.filter((r) => r.method === 'POST' && (r.body as { to?: string }).to === waId && (r.body as { status?: string }).status !== 'read');
        const accepted = (waId: string) => api.accepted.filter((m) => m.recipient === waId).map((m) => JSON.stringify(m.body));
        const waiting = async () =>
            Number((await bot.dataSource.query(`SELECT COUNT(*) AS n FROM outbound_queue WHERE "channel" = 'whatsapp' AND "status" = 'queued'`))[0].n);
        const throughput = {
            status: 400,
            body: {
                error: {
                    message: '(#130429) Rate limit hit',
                    type: 'OAuthException',
                    code: 130429,
                    error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
                    fbtrace_id: 'AThroughput',
                },
            },
        };
        try {
            api.failNextSend(3, throughput);
            await say('919800000801', 'namaste');
            assert.equal(attemptsTo('919800000801').length, 3, 'a few quick tries inside the turn, no more');
            assert.deepEqual(accepted('919800000801'), [], 'nothing went out yet');
            assert.equal(await waiting(), 1, 'the reply waits in the queue');

            await say('919800000801', 'English');
            assert.equal(attemptsTo('919800000801').length, 3, 'the next reply is not tried before the one waiting');
            assert.equal(await waiting(), 2);
            await say('919800000802', 'namaste');
            assert.equal(accepted('919800000802').length, 1, 'other users are answered at once');

            const worker = new OutboundQueueWorker(bot.app.db, new Map([['whatsapp', adapter]]), {
                botAppId: '',
                logger: bot.app.logger,
                now: () => new Date(Date.now() + 120_000),
            });
            for (let pass = 0; pass < 3 && (await waiting()) > 0; pass++) await worker.runOnce();
            assert.equal(await waiting(), 0);
            const sent = accepted('919800000801');
            assert.equal(sent.length, 2, sent.join('\n'));
            assert.match(sent[0], /भाषा|language/i, 'the greeting first');
            assert.match(sent[1], /What would you like to do/, 'then the answer to "English", in order');
        } finally {
            await adapter.idle();
            await server.close();
            await api.stop();
            await bot.close();
        }
    });
});
