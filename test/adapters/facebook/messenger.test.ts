import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { Activity, ActivityTypes, CardAction, TurnContext } from 'botbuilder';
import { MessengerAdapter } from '../../../adapters/facebook/MessengerAdapter';
import { MessengerClient } from '../../../adapters/facebook/MessengerClient';
import { mapMessengerWebhook } from '../../../adapters/facebook/mapMessengerWebhook';
import { describeMessengerError } from '../../../adapters/facebook/messengerErrors';
import { MESSENGER_CHOICES, MESSENGER_LIMITS, renderMessenger } from '../../../adapters/facebook/renderMessenger';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { PlatformHttpClient } from '../../../adapters/shared/PlatformHttpClient';
import { codePointLength } from '../../../adapters/shared/splitText';
import { InboundBatch, MalformedWebhookError } from '../../../adapters/shared/WebhookAdapter';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { FIXTURES as CHANNEL_FIXTURES } from '../../support/metaPayloads';
import { findLocation } from '../../../src/bot/findLocation';
import { Complaint } from '../../../src/data/entities/Complaint';
import { InboundMessage } from '../../../src/data/entities/InboundMessage';
import { ApiStandIn, RecordedRequest } from '../../support/ApiStandIn';
import { TestBot } from '../../support/TestBot';

// The channel fixtures are in test/fixtures/channels (provenance in its SOURCES.md).
const FIXTURES = path.join(CHANNEL_FIXTURES, 'messenger');
const SECRET = 'secret';
const PAGE = '104209652421097';

function fixture(name: string): unknown {
    return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** The only activity of a body that maps to exactly one. */
function single(batch: InboundBatch): Partial<Activity> {
    assert.equal(batch.items.length, 1, 'one activity');
    assert.equal(batch.deliveries.length, 0, 'no receipts');
    return batch.items[0].activity;
}

/** JSON as Meta puts it on the wire: every non-ASCII UTF-16 unit as a lowercase `\uXXXX` escape. */
function metaJson(value: unknown): string {
    return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function signed(raw: Buffer): Record<string, string> {
    return { 'content-type': 'application/json', 'x-hub-signature-256': signSha256(SECRET, raw, 'hex') };
}

function pageBody(...messaging: object[]): object {
    return { object: 'page', entry: [{ id: PAGE, time: Date.now(), messaging }] };
}

let midCounter = 0;
/** A mid shaped like Meta's (long, opaque). */
function newMid(): string {
    midCounter += 1;
    return `m_AQ${'x'.repeat(60)}${Date.now().toString(36)}_${midCounter}`;
}

function textEvent(psid: string, text: string, mid = newMid()): object {
    return { sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text } };
}

function quickReplyEvent(psid: string, title: string, mid = newMid()): object {
    return { sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, text: title, quick_reply: { payload: title } } };
}

function attachmentEvent(psid: string, attachment: object, mid = newMid()): object {
    return { sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid, attachments: [attachment] } };
}

function actions(...titles: string[]): { actions: CardAction[]; to: string[] } {
    return { actions: titles.map((title) => ({ type: 'imBack', title, value: title })), to: [] };
}

describe('Messenger: inbound mapping', () => {
    it('maps a text message with a stable per-user conversation', () => {
        const activity = single(mapMessengerWebhook(fixture('text')));
        assert.equal(activity.type, ActivityTypes.Message);
        assert.equal(activity.channelId, 'facebook');
        assert.equal(activity.id, 'm_FAKE_MSG_ID_001');
        assert.equal(activity.text, 'What is Vercel?');
        assert.equal(activity.conversation?.id, '100000000000001:200000000000001');
        assert.deepEqual({ id: activity.from?.id, role: activity.from?.role }, { id: '200000000000001', role: 'user' });
        assert.equal(activity.recipient?.id, '100000000000001');
        assert.equal(activity.timestamp?.getTime(), 1772998024000);
        assert.equal(activity.locale, undefined, 'Messenger sends no locale');
        assert.equal(activity.attachments, undefined);
    });

    it('maps a quick-reply tap to its payload, with the quick reply as value', () => {
        const activity = single(mapMessengerWebhook(fixture('quick_reply')));
        assert.equal(activity.id, 'mid.1457764197618:41d102a3e1ae206a38');
        assert.equal(activity.text, '<DEVELOPER_DEFINED_PAYLOAD>');
        assert.deepEqual(activity.value, { payload: '<DEVELOPER_DEFINED_PAYLOAD>' });
        assert.equal(activity.conversation?.id, '<PAGE_ID>:<PSID>');
    });

    it('maps postbacks to their payload; without a mid the id is sender and timestamp', () => {
        const postback = single(mapMessengerWebhook(fixture('postback')));
        assert.equal(postback.text, 'chat:{"a":"hello"}');
        assert.deepEqual(postback.value, { title: 'Say Hello', payload: 'chat:{"a":"hello"}' });
        assert.equal(postback.id, '200000000000001:1772998084000');
        assert.equal(postback.conversation?.id, '100000000000001:200000000000001');

        const started = single(mapMessengerWebhook(fixture('postback_get_started')));
        assert.equal(started.text, 'GET_STARTED');
        assert.equal(started.id, '200000000000001:1772998094000');

        const withMid = single(
            mapMessengerWebhook(
                pageBody({ sender: { id: 'u1' }, recipient: { id: PAGE }, timestamp: 5, postback: { mid: 'm_pb', title: 'Bill', payload: 'Bill' } })
            )
        );
        assert.equal(withMid.id, 'm_pb');
    });

    it('maps an image to an attachment with its URL and empty text', () => {
        const activity = single(mapMessengerWebhook(fixture('image_attachment')));
        assert.equal(activity.id, 'm_FAKE_IMG_001');
        assert.equal(activity.text, '');
        assert.deepEqual(activity.attachments, [{ contentType: 'image/*', contentUrl: 'https://example.com/image.jpg', name: 'image' }]);
    });

    it('maps a legacy location to a GeoCoordinates entity the dialogs read', () => {
        const activity = single(mapMessengerWebhook(fixture('location_attachment_legacy')));
        assert.equal(activity.id, 'mid.$cAAE1UUyiiwthh1ZAO1bVhDxGk2N0');
        assert.equal(activity.text, '');
        assert.deepEqual(
            activity.entities?.map((e) => ({ type: e.type, latitude: e.latitude, longitude: e.longitude })),
            [{ type: 'GeoCoordinates', latitude: 0, longitude: 0 }]
        );
        assert.deepEqual(findLocation(activity), { latitude: 0, longitude: 0 });
        assert.equal(activity.attachments, undefined);
    });

    it('maps audio, video and files to attachments, stickers and other types to vendor types', () => {
        const media = (type: string, payload: object) => single(mapMessengerWebhook(pageBody(attachmentEvent('u1', { type, payload })))).attachments?.[0];
        assert.equal(media('audio', { url: 'https://cdn/a.mp4' })?.contentType, 'audio/*');
        assert.equal(media('video', { url: 'https://cdn/v.mp4' })?.contentType, 'video/*');
        assert.equal(media('file', { url: 'https://cdn/f.pdf' })?.contentUrl, 'https://cdn/f.pdf');
        const sticker = media('image', { url: 'https://cdn/like.png', sticker_id: 369239263222822 });
        assert.equal(sticker?.contentType, 'application/vnd.facebook.sticker', 'a sticker is not a photo');
        assert.equal(sticker?.contentUrl, undefined);
        assert.equal(media('fallback', { url: 'https://example.com' })?.contentType, 'application/vnd.facebook.fallback');
    });

    it('maps receipts to delivery updates that start no turn', () => {
        const delivery = mapMessengerWebhook(fixture('delivery'));
        assert.equal(delivery.items.length, 0);
        assert.deepEqual(delivery.deliveries, [
            { kind: 'message', platformMessageId: 'm_SENT_MSG_001', status: 'delivered' },
            { kind: 'watermark', recipient: '200000000000001', watermark: new Date(1772998034000), status: 'delivered' },
        ]);
        const read = mapMessengerWebhook(fixture('read'));
        assert.equal(read.items.length, 0);
        assert.deepEqual(read.deliveries, [{ kind: 'watermark', recipient: '200000000000001', watermark: new Date(1772998044000), status: 'read' }]);
    });

    it('maps every messaging event of every entry (2 entries x 2 events -> 4 activities)', () => {
        const body = {
            object: 'page',
            entry: [
                { id: 'P1', time: 1, messaging: [textEvent('u1', 'one', 'm1'), textEvent('u2', 'two', 'm2')] },
                { id: 'P2', time: 2, messaging: [textEvent('u3', 'three', 'm3'), quickReplyEvent('u1', 'Bill', 'm4')] },
            ],
        };
        const batch = mapMessengerWebhook(body);
        assert.deepEqual(
            batch.items.map((i) => [i.activity.id, i.activity.conversation?.id, i.activity.text]),
            [
                ['m1', 'P1:u1', 'one'],
                ['m2', 'P1:u2', 'two'],
                ['m3', 'P2:u3', 'three'],
                ['m4', 'P2:u1', 'Bill'],
            ]
        );
    });

    it('ignores echoes, reactions and standby events; never vouches for a phone', () => {
        const echo = {
            sender: { id: PAGE },
            recipient: { id: 'u1' },
            timestamp: 1,
            message: { mid: 'm_echo', is_echo: true, app_id: 1517776481860111, text: 'reply' },
        };
        const reaction = { sender: { id: 'u1' }, recipient: { id: PAGE }, timestamp: 2, reaction: { mid: 'm_x', action: 'react', emoji: '❤' } };
        const body = {
            object: 'page',
            entry: [{ id: PAGE, time: 1, messaging: [echo, reaction, textEvent('u1', 'hi', 'm_real')], standby: [textEvent('u2', 'other app', 'm_standby')] }],
        };
        const batch = mapMessengerWebhook(body);
        assert.deepEqual(
            batch.items.map((i) => i.activity.id),
            ['m_real']
        );
        assert.equal(batch.items[0].trustedPhone, undefined);
        assert.equal(mapMessengerWebhook({ object: 'page', entry: [{ id: PAGE, time: 1, messaging: [echo] }] }).items.length, 0);
    });

    it('skips other products sent to the same URL and rejects bodies of the wrong structure', () => {
        assert.deepEqual(mapMessengerWebhook({ object: 'whatsapp_business_account', entry: [] }), { items: [], deliveries: [] });
        assert.deepEqual(mapMessengerWebhook({ object: 'instagram', entry: [{ id: '1', messaging: [] }] }), { items: [], deliveries: [] });
        assert.throws(() => mapMessengerWebhook({ object: 'page' }), MalformedWebhookError);
        assert.throws(() => mapMessengerWebhook({ object: 'page', entry: ['x'] }), MalformedWebhookError);
        assert.throws(() => mapMessengerWebhook([1, 2]), MalformedWebhookError);
        assert.throws(() => mapMessengerWebhook(null), MalformedWebhookError);
    });
});

describe('Messenger: outbound rendering', () => {
    it('splits long text at 2000 code points on word boundaries', () => {
        const words = Array.from({ length: 900 }, (_, i) => `बिजली${i}`);
        const parts = renderMessenger({ text: words.join(' ') });
        assert.ok(parts.length > 1);
        for (const part of parts) {
            assert.equal(part.kind, 'text');
            assert.ok(codePointLength(part.message.text as string) <= MESSENGER_LIMITS.text);
        }
        assert.deepEqual(
            parts.flatMap((p) => (p.message.text as string).split(' ')),
            words,
            'no word cut or lost'
        );
        assert.deepEqual(renderMessenger({ text: 'Hello' }), [{ kind: 'text', message: { text: 'Hello' } }]);
    });

    it('renders up to 13 English choices as quick replies whose payload is the title', () => {
        const parts = renderMessenger({ text: 'What would you like to do?', suggestedActions: actions('Register complaint', 'Bill', 'Meter') });
        assert.deepEqual(parts, [
            {
                kind: 'quick_replies',
                message: {
                    text: 'What would you like to do?',
                    quick_replies: ['Register complaint', 'Bill', 'Meter'].map((title) => ({ content_type: 'text', title, payload: title })),
                },
            },
        ]);
        const thirteen = Array.from({ length: 13 }, (_, i) => `Option ${i + 1}`);
        assert.equal((renderMessenger({ text: 'Pick', suggestedActions: actions(...thirteen) })[0].message.quick_replies as unknown[]).length, 13);
    });

    it('counts Hindi titles in code points: 19 fit, 21 turn the set into numbered text without cutting', () => {
        const fits = renderMessenger({ text: 'आप क्या करना चाहेंगे?', suggestedActions: actions('नई शिकायत दर्ज करें', 'शिकायत की स्थिति', 'हाँ') });
        assert.equal(fits.length, 1);
        assert.equal(fits[0].kind, 'quick_replies');
        assert.deepEqual(
            (fits[0].message.quick_replies as Array<{ title: string }>).map((q) => q.title),
            ['नई शिकायत दर्ज करें', 'शिकायत की स्थिति', 'हाँ']
        );

        const long = 'बिजली बिल भुगतान करें';
        assert.equal(codePointLength(long), 21);
        const numbered = renderMessenger({ text: 'चुनें', suggestedActions: actions('बिल', long) });
        assert.deepEqual(numbered, [{ kind: 'text', message: { text: `चुनें\n\n1. बिल\n2. ${long}` } }]);
    });

    it('turns 14 choices or duplicate titles into numbered text, in either language', () => {
        const fourteen = Array.from({ length: 14 }, (_, i) => `विकल्प ${i + 1}`);
        const parts = renderMessenger({ text: 'चुनें', suggestedActions: actions(...fourteen) });
        assert.equal(parts.length, 1);
        assert.equal(parts[0].kind, 'text');
        assert.equal(parts[0].message.quick_replies, undefined);
        assert.match(parts[0].message.text as string, /^चुनें\n\n1\. विकल्प 1\n2\. विकल्प 2\n[\s\S]*\n14\. विकल्प 14$/);
        assert.equal(renderMessenger({ text: 'Pick', suggestedActions: actions('Yes', 'Yes') })[0].kind, 'text');
        const english = renderMessenger({ text: 'Pick', suggestedActions: actions('A title that is longer', 'No') });
        assert.deepEqual(english, [{ kind: 'text', message: { text: 'Pick\n\n1. A title that is longer\n2. No' } }]);
    });

    it('puts quick replies on the last chunk of a long message only', () => {
        const text = Array.from({ length: 500 }, () => 'word').join(' ') + '\n\n' + Array.from({ length: 500 }, () => 'शब्द').join(' ');
        const parts = renderMessenger({ text, suggestedActions: actions('हाँ', 'नहीं') });
        assert.ok(parts.length >= 2);
        assert.deepEqual(
            parts.map((p) => p.kind),
            [...parts.slice(1).map(() => 'text'), 'quick_replies']
        );
        for (const part of parts) assert.ok(codePointLength(part.message.text as string) <= MESSENGER_LIMITS.text);
    });

    it('describes error codes with their subcodes', () => {
        assert.match(describeMessengerError('10', '2018278') ?? '', /24-hour window/);
        assert.match(describeMessengerError(10, 1893063) ?? '', /restricted/);
        assert.match(describeMessengerError('551') ?? '', /unavailable/);
        assert.match(describeMessengerError('613') ?? '', /rate limit/);
        assert.equal(describeMessengerError(undefined), undefined);
    });
});

describe('Messenger adapter on the real bot', () => {
    let bot: TestBot;
    let api: ApiStandIn;
    let store: ChannelStore;
    let adapter: MessengerAdapter;
    let turns = 0;
    let n = 0;

    before(async () => {
        bot = await TestBot.create();
        api = new ApiStandIn();
        await api.start();
        store = new ChannelStore(bot.app.db);
        bot.app.services.output.register('facebook', MESSENGER_CHOICES);
        const logger = bot.app.logger;
        // No real waits between retries: the retry count, not the backoff, is what these tests check.
        const http = new PlatformHttpClient({ ...MessengerClient.httpOptions(logger), sleep: async () => undefined });
        adapter = bot.app.prepareAdapter(
            new MessengerAdapter({
                inbox: bot.app.inbox,
                store,
                logger,
                appSecret: SECRET,
                verifyToken: 'tok',
                client: new MessengerClient({ apiUrl: api.url, pageAccessToken: 'PAGE', logger, http }),
                messageTag: 'ACCOUNT_UPDATE',
            })
        );
    });
    beforeEach(() => {
        api.reset();
        api.respondWith('POST', /\/me\/messages/, () => ({ status: 200, body: { recipient_id: 'x', message_id: `m_${n++}` } }));
    });
    after(async () => {
        await adapter?.idle();
        await api?.stop();
        await bot?.close();
    });

    const logic = async (context: TurnContext) => {
        turns += 1;
        await bot.app.bot.run(context);
    };

    /** Posts a body signed as Meta does (escaped non-ASCII) and waits for the turns it started. */
    async function deliver(body: object): Promise<number> {
        const raw = Buffer.from(metaJson(body));
        const response = await adapter.handleWebhook(raw, signed(raw), logic);
        await adapter.idle();
        return response.status;
    }

    async function say(psid: string, event: object): Promise<RecordedRequest[]> {
        const before = api.requests.length;
        assert.equal(await deliver(pageBody(event)), 200);
        return api.requests.slice(before).filter((r) => sentTo(r, psid));
    }

    function sentTo(request: RecordedRequest, psid: string): boolean {
        return (request.body as { recipient?: { id?: string } }).recipient?.id === psid;
    }

    function texts(requests: RecordedRequest[]): string {
        return requests.map((r) => (r.body as { message: { text?: string } }).message.text ?? '').join('\n');
    }

    function quickReplyTitles(requests: RecordedRequest[]): string[] {
        return requests.flatMap((r) => ((r.body as { message: { quick_replies?: Array<{ title: string }> } }).message.quick_replies ?? []).map((q) => q.title));
    }

    describe('webhook verification', () => {
        it('answers the hub challenge for the right token and 403 otherwise', () => {
            // Values of fixtures/channels/messenger/verify_get.txt.
            const query = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'tok' };
            assert.deepEqual(adapter.handshake(query), { status: 200, body: '1158201444', contentType: 'text/plain' });
            assert.equal(adapter.handshake({ ...query, 'hub.verify_token': 'meatyhamhock' }).status, 403);
            assert.equal(adapter.handshake({ ...query, 'hub.mode': 'unsubscribe' }).status, 403);
            assert.equal(adapter.handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }).status, 403);
        });

        it('accepts a valid signature and rejects a missing or wrong one with nothing recorded', async () => {
            const mid = newMid();
            const raw = Buffer.from(metaJson(pageBody(textEvent('sig-user', 'hello', mid))));
            const before = turns;
            let called = false;
            const noTurn = async () => {
                called = true;
            };
            assert.equal((await adapter.handleWebhook(raw, {}, noTurn)).status, 401);
            assert.equal((await adapter.handleWebhook(raw, { 'x-hub-signature-256': signSha256('other', raw, 'hex') }, noTurn)).status, 401);
            assert.equal((await adapter.handleWebhook(raw, { 'x-hub-signature-256': 'sha256=' }, noTurn)).status, 401);
            assert.equal((await adapter.handleWebhook(raw, { 'x-hub-signature': signSha256(SECRET, raw, 'hex').replace('256', '1') }, noTurn)).status, 401);
            await adapter.idle();
            assert.equal(called, false);
            assert.equal(await store.lastInboundAt('facebook', 'sig-user'), null, 'the sender was not recorded');
            assert.equal(await bot.dataSource.getRepository(InboundMessage).countBy({ channel: 'facebook', messageKey: mid }), 0);

            assert.equal((await adapter.handleWebhook(raw, signed(raw), logic)).status, 200);
            await adapter.idle();
            assert.equal(turns, before + 1);
        });

        it('verifies a Devanagari body in Meta escaped form; a re-serialised copy fails', async () => {
            const body = pageBody(textEvent('hindi-sig-user', 'मेरे घर में बिजली नहीं है'));
            const escaped = Buffer.from(metaJson(body));
            assert.match(escaped.toString(), /\\u092c\\u093f\\u091c\\u0932\\u0940/, 'wire form escapes Devanagari');
            const headers = signed(escaped);
            const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
            assert.notDeepEqual(reserialised, escaped);
            assert.equal((await adapter.handleWebhook(reserialised, headers, logic)).status, 401);
            assert.equal((await adapter.handleWebhook(escaped, headers, logic)).status, 200);
            await adapter.idle();
        });

        it('acknowledges a signed body that is not a page webhook and skips it (Meta would retry a 4xx for days)', async () => {
            const raw = Buffer.from(JSON.stringify({ object: 'instagram', entry: [] }));
            assert.equal((await adapter.handleWebhook(raw, signed(raw), async () => assert.fail('no turn may run'))).status, 200);
            assert.equal((await adapter.handleWebhook(Buffer.from('{not json'), signed(Buffer.from('{not json')), logic)).status, 400);
        });
    });

    describe('conversations', () => {
        it('registers a complaint end to end in Hindi, the confirmation tapped as a quick reply', async () => {
            const psid = '7123456789012345';
            const first = await say(psid, textEvent(psid, 'मेरे घर में सुबह से बिजली नहीं है'));
            assert.match(texts(first), /खाता नंबर/);
            const confirm = await say(psid, textEvent(psid, '1234567890'));
            assert.match(texts(confirm), /क्या मैं इसे दर्ज कर दूँ/);
            assert.ok(quickReplyTitles(confirm).includes('हाँ'), `quick replies: ${quickReplyTitles(confirm).join(', ')}`);

            const saved = await say(psid, quickReplyEvent(psid, 'हाँ'));
            const ticket = texts(saved).match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
            assert.ok(ticket, texts(saved));
            const rows = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: psid });
            assert.equal(rows.length, 1);
            assert.equal(rows[0].ticket, ticket);
            assert.equal(rows[0].channel, 'facebook');
            assert.equal(rows[0].accountNumber, '1234567890');
            assert.equal(rows[0].category, 'no_supply');

            const all = [...first, ...confirm, ...saved];
            for (const request of all) {
                assert.equal(request.path, '/me/messages');
                assert.equal(request.query.access_token, 'PAGE');
                assert.equal((request.body as { messaging_type: string }).messaging_type, 'RESPONSE');
                assert.equal((request.body as { tag?: string }).tag, undefined);
            }
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.equal(records.length, all.length, 'every send recorded');
            assert.ok(records.every((r) => r.status === 'sent' && r.platformMessageId?.startsWith('m_') && r.recipient === psid));
            assert.ok(records.some((r) => r.kind === 'quick_replies'));
        });

        it('keeps every quick reply within Messenger limits, the payload being the title', async () => {
            const psid = '7123456789012346';
            const sent = [
                ...(await say(psid, textEvent(psid, 'नमस्ते'))),
                ...(await say(psid, textEvent(psid, 'menu'))),
                ...(await say(psid, textEvent(psid, 'English'))),
                ...(await say(psid, textEvent(psid, 'menu'))),
            ];
            const withReplies = sent.filter((r) => (r.body as { message: { quick_replies?: unknown[] } }).message.quick_replies);
            assert.ok(withReplies.length >= 2, 'menus went out as quick replies');
            for (const request of sent) {
                const message = (request.body as { message: { text: string; quick_replies?: Array<{ content_type: string; title: string; payload: string }> } })
                    .message;
                assert.ok(message.text && codePointLength(message.text) <= MESSENGER_LIMITS.text);
                const replies = message.quick_replies ?? [];
                assert.ok(replies.length <= MESSENGER_LIMITS.quickReplies);
                for (const reply of replies) {
                    assert.equal(reply.content_type, 'text');
                    assert.ok(codePointLength(reply.title) <= MESSENGER_LIMITS.quickReplyTitle, reply.title);
                    assert.equal(reply.payload, reply.title);
                }
            }
            assert.ok(
                quickReplyTitles(sent).some((t) => /[\u0900-\u097f]/.test(t)),
                'Hindi titles'
            );
            assert.ok(
                quickReplyTitles(sent).some((t) => /^[\x20-\x7e]+$/.test(t)),
                'English titles'
            );
        });

        it('processes a redelivered message once, sequentially and concurrently', async () => {
            const control = '7123456789012347';
            const expected = (await say(control, textEvent(control, 'नमस्ते'))).length;
            assert.ok(expected > 0);

            const psid = '7123456789012348';
            const event = textEvent(psid, 'नमस्ते');
            const before = turns;
            const once = await say(psid, event);
            const again = await say(psid, event);
            assert.equal(once.length, expected);
            assert.equal(again.length, 0, 'redelivery sends nothing');
            assert.equal(turns, before + 1);

            const concurrent = '7123456789012349';
            const raw = Buffer.from(metaJson(pageBody(textEvent(concurrent, 'नमस्ते'))));
            const start = api.requests.length;
            const statuses = await Promise.all([1, 2, 3].map(() => adapter.handleWebhook(raw, signed(raw), logic)));
            await adapter.idle();
            assert.deepEqual(
                statuses.map((s) => s.status),
                [200, 200, 200],
                'every copy is acknowledged'
            );
            assert.equal(api.requests.slice(start).filter((r) => sentTo(r, concurrent)).length, expected, 'one set of replies');
            assert.equal(turns, before + 2);
        });

        it('applies delivery and read receipts to the outbound records without a turn', async () => {
            const psid = '7123456789012350';
            await say(psid, textEvent(psid, 'नमस्ते'));
            await say(psid, textEvent(psid, 'menu'));
            const conversation = `${PAGE}:${psid}`;
            const sent = await store.outboundFor('facebook', conversation);
            assert.ok(sent.length >= 2);
            const before = turns;
            const requests = api.requests.length;

            // Receipt for the first message only, by mid (the watermark predates everything).
            assert.equal(
                await deliver(
                    pageBody({
                        sender: { id: psid },
                        recipient: { id: PAGE },
                        timestamp: Date.now(),
                        delivery: { mids: [sent[0].platformMessageId], watermark: 1000 },
                    })
                ),
                200
            );
            let now = await store.outboundFor('facebook', conversation);
            assert.deepEqual(
                now.map((r) => r.status),
                ['delivered', ...sent.slice(1).map(() => 'sent')]
            );

            // Delivered up to now by watermark, then read.
            await deliver(pageBody({ sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), delivery: { watermark: Date.now() } }));
            now = await store.outboundFor('facebook', conversation);
            assert.ok(
                now.every((r) => r.status === 'delivered'),
                now.map((r) => r.status).join()
            );
            await deliver(pageBody({ sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), read: { watermark: Date.now() } }));
            now = await store.outboundFor('facebook', conversation);
            assert.ok(
                now.every((r) => r.status === 'read'),
                now.map((r) => r.status).join()
            );

            assert.equal(turns, before, 'receipts never start a turn');
            assert.equal(api.requests.length, requests);
        });

        it('ignores echoes of its own messages', async () => {
            const psid = '7123456789012351';
            const before = turns;
            const echo = {
                sender: { id: PAGE },
                recipient: { id: psid },
                timestamp: Date.now(),
                message: { mid: newMid(), is_echo: true, app_id: 1234, text: 'नमस्ते' },
            };
            assert.deepEqual(await say(psid, echo), []);
            assert.equal(turns, before);
        });

        it('retries a Graph API 500 and delivers the message once', async () => {
            const psid = '7123456789012352';
            api.failNext('POST', /\/me\/messages/, 1);
            const sent = await say(psid, textEvent(psid, 'नमस्ते'));
            const firstBody = JSON.stringify(sent[0].body);
            assert.equal(sent.filter((r) => JSON.stringify(r.body) === firstBody).length, 2, 'two attempts of the first reply');
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.equal(records.length, sent.length - 1, 'one record per message, not per attempt');
            assert.ok(records.every((r) => r.status === 'sent'));
            assert.equal(new Set(records.map((r) => r.platformMessageId)).size, records.length);
        });

        it('retries Meta throttling sent as HTTP 400 (code 613), never a permanent error', async () => {
            const throttled = '7123456789012353';
            api.failNext('POST', /\/me\/messages/, 1, {
                status: 400,
                body: { error: { message: 'Calls to this api have exceeded the rate limit.', type: 'OAuthException', code: 613 } },
            });
            const sent = await say(throttled, textEvent(throttled, 'नमस्ते'));
            assert.ok((await store.outboundFor('facebook', `${PAGE}:${throttled}`)).every((r) => r.status === 'sent'));
            assert.equal(sent.length, (await store.outboundFor('facebook', `${PAGE}:${throttled}`)).length + 1);

            const blocked = '7123456789012354';
            api.respond('POST', /\/me\/messages/, {
                status: 400,
                body: { error: { message: "This person isn't available right now.", type: 'OAuthException', code: 551, error_subcode: 1545041 } },
            });
            const attempts = await say(blocked, textEvent(blocked, 'नमस्ते'));
            // The bot may try an apology after the failed send; that fails too, but nothing is sent twice.
            assert.ok(attempts.length >= 1);
            assert.equal(new Set(attempts.map((r) => JSON.stringify(r.body))).size, attempts.length, 'no send retried');
            const records = await store.outboundFor('facebook', `${PAGE}:${blocked}`);
            assert.equal(records.length, attempts.length);
            for (const record of records) {
                assert.equal(record.status, 'failed');
                assert.equal(record.errorCode, '551/1545041');
                assert.equal(record.platformMessageId, null);
            }
        });

        it("answers an image outside a complaint politely in the user's language", async () => {
            const image = { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/t1/meter.jpg' } };
            const hindi = '7123456789012355';
            await say(hindi, textEvent(hindi, 'नमस्ते'));
            assert.match(texts(await say(hindi, attachmentEvent(hindi, image))), /मैं केवल लिखे हुए संदेश/);

            const english = '7123456789012356';
            await say(english, textEvent(english, 'hello'));
            await say(english, textEvent(english, 'English'));
            assert.match(texts(await say(english, attachmentEvent(english, image))), /I can only read text messages/);
            assert.equal(await bot.dataSource.getRepository(Complaint).countBy({ channelUserId: english }), 0);
        });

        it('keeps a location shared during a complaint', async () => {
            const psid = '7123456789012357';
            assert.match(texts(await say(psid, textEvent(psid, 'मेरे घर में सुबह से बिजली नहीं है'))), /खाता नंबर/);
            const location = { type: 'location', title: 'Pinned Location', payload: { coordinates: { lat: 26.8467, long: 80.9462 } } };
            const kept = await say(psid, attachmentEvent(psid, location));
            assert.match(texts(kept), /लोकेशन आपकी शिकायत में जोड़ दी गई है/);
            assert.match(texts(kept), /खाता नंबर/, 'the open question is asked again');
            await say(psid, textEvent(psid, '3692581470'));
            assert.match(texts(await say(psid, quickReplyEvent(psid, 'हाँ'))), /C[0-9]{4}-[0-9]{4,}/);
            const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: psid });
            assert.equal(complaint.latitude, 26.8467);
            assert.equal(complaint.longitude, 80.9462);
        });
    });

    describe('proactive messages', () => {
        function reference(psid: string) {
            return {
                channelId: 'facebook',
                serviceUrl: 'facebook:',
                conversation: { id: `${PAGE}:${psid}`, isGroup: false, conversationType: 'personal', name: '' },
                user: { id: psid, name: '' },
                bot: { id: PAGE, name: '' },
            };
        }

        it('sends an UPDATE inside the 24-hour window and a tagged message outside it', async () => {
            const recent = '7123456789012358';
            await store.markInbound('facebook', recent);
            await adapter.continueConversationAsync('', reference(recent), async (context) => {
                await context.sendActivity('आपकी शिकायत पर काम शुरू हो गया है');
            });
            const [update] = api.requests.filter((r) => sentTo(r, recent));
            assert.deepEqual(update.body, { recipient: { id: recent }, messaging_type: 'UPDATE', message: { text: 'आपकी शिकायत पर काम शुरू हो गया है' } });

            const old = '7123456789012359';
            await store.markInbound('facebook', old, new Date(Date.now() - 25 * 3600_000));
            await adapter.continueConversationAsync('', reference(old), async (context) => {
                await context.sendActivity('Your complaint is resolved');
            });
            const [tagged] = api.requests.filter((r) => sentTo(r, old));
            assert.deepEqual(tagged.body, {
                recipient: { id: old },
                messaging_type: 'MESSAGE_TAG',
                tag: 'ACCOUNT_UPDATE',
                message: { text: 'Your complaint is resolved' },
            });
            const [record] = await store.outboundFor('facebook', `${PAGE}:${old}`);
            assert.equal(record.status, 'sent');
        });

        it('resends with the tag when Meta says the window has closed (10/2018278)', async () => {
            const psid = '7123456789012360';
            await store.markInbound('facebook', psid);
            api.failNext('POST', /\/me\/messages/, 1, {
                status: 400,
                body: { error: { message: 'outside of allowed window', type: 'OAuthException', code: 10, error_subcode: 2018278 } },
            });
            await adapter.continueConversationAsync('', reference(psid), async (context) => {
                await context.sendActivity('Supply restored in your area');
            });
            const sent = api.requests.filter((r) => sentTo(r, psid)).map((r) => r.body as { messaging_type: string; tag?: string });
            assert.deepEqual(
                sent.map((b) => [b.messaging_type, b.tag]),
                [
                    ['UPDATE', undefined],
                    ['MESSAGE_TAG', 'ACCOUNT_UPDATE'],
                ]
            );
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.deepEqual(
                records.map((r) => r.status),
                ['sent']
            );
        });
    });
});
