import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { Activity, ActivityTypes, CardAction, TurnContext } from 'botbuilder';
import { MessengerAdapter } from '../../../adapters/facebook/MessengerAdapter';
import { MessengerClient } from '../../../adapters/facebook/MessengerClient';
import { GET_STARTED_PAYLOAD, mapMessengerWebhook, TAKEOVER_EVENT } from '../../../adapters/facebook/mapMessengerWebhook';
import { describeMessengerError } from '../../../adapters/facebook/messengerErrors';
import { MessengerUtilityTemplates } from '../../../adapters/facebook/MessengerUtilityTemplates';
import { MESSENGER_CHOICES, MESSENGER_LIMITS, renderMessenger } from '../../../adapters/facebook/renderMessenger';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { TakeoverStore } from '../../../src/inbox/TakeoverStore';
import { ConfigError, loadConfig } from '../../../src/config';
import { IN_TURN_RETRIES, PlatformHttpClient } from '../../../adapters/shared/PlatformHttpClient';
import { codePointLength } from '../../../adapters/shared/splitText';
import { InboundBatch, MalformedWebhookError } from '../../../adapters/shared/WebhookAdapter';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { FIXTURES as CHANNEL_FIXTURES } from '../../support/metaPayloads';
import { findLocation } from '../../../src/bot/findLocation';
import { Complaint } from '../../../src/data/entities/Complaint';
import { InboundMessage } from '../../../src/data/entities/InboundMessage';
import { AcceptedSend, MessengerGraphStandIn } from '../../support/MessengerGraphStandIn';
import { TestBot } from '../../support/TestBot';

// The channel fixtures are in test/fixtures/channels (provenance in its SOURCES.md).
const FIXTURES = path.join(CHANNEL_FIXTURES, 'messenger');
const SECRET = 'secret';
const PAGE = '104209652421097';
/** The bot's own Meta app id (the doc's example id) and Meta's Page Inbox app, which a person answers from. */
const APP_ID = '1517776481860111';
const PAGE_INBOX_APP = '263902037430900';

function fixture(name: string): unknown {
    return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** A fixture written with the documentation's placeholders, for this Page and user, sent now. */
function fixtureFor(name: string, psid: string, at = Date.now()): object {
    const text = readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')
        .replaceAll('<PAGE_ID>', PAGE)
        .replaceAll('<PSID>', psid);
    // Fresh ids and times, so that each use is a new event and not a replay.
    return JSON.parse(
        text.replace(/"(timestamp|time)": *[0-9]+/g, `"$1": ${at}`).replace(/"mid": *"([^"]+)"/g, (_m, mid: string) => `"mid": "${mid}.${newMid()}"`)
    );
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

        const started = mapMessengerWebhook(fixture('postback_get_started')).items[0].activity;
        assert.notEqual(started.type, ActivityTypes.Message, 'Get Started is not the words "GET_STARTED"');
        assert.equal(started.id, '200000000000001:1772998094000');

        const withMid = single(
            mapMessengerWebhook(
                pageBody({ sender: { id: 'u1' }, recipient: { id: PAGE }, timestamp: 5, postback: { mid: 'm_pb', title: 'Bill', payload: 'Bill' } })
            )
        );
        assert.equal(withMid.id, 'm_pb');
    });

    it('maps the Get Started button to a new conversation adding the user, as a greeting starts', () => {
        const batch = mapMessengerWebhook(fixture('postback_get_started'));
        assert.equal(batch.items.length, 1);
        const started = batch.items[0].activity;
        assert.equal(started.type, ActivityTypes.ConversationUpdate);
        assert.deepEqual(
            started.membersAdded?.map((m) => m.id),
            ['200000000000001']
        );
        assert.deepEqual(
            { from: started.from?.id, role: started.from?.role, recipient: started.recipient?.id },
            {
                from: '200000000000001',
                role: 'user',
                recipient: '100000000000001',
            }
        );
        assert.equal(started.conversation?.id, '100000000000001:200000000000001');
        assert.equal(started.text, undefined);
        assert.equal(GET_STARTED_PAYLOAD, 'GET_STARTED');
    });

    it('takes a quick reply or a postback by its payload, never its label', () => {
        const tap = single(
            mapMessengerWebhook(
                pageBody({ ...quickReplyEvent('u1', 'Yes, register it'), message: { mid: 'm_qr', text: 'Yes, register it', quick_reply: { payload: 'yes' } } })
            )
        );
        assert.equal(tap.text, 'yes');
        const postback = single(
            mapMessengerWebhook(
                pageBody({ sender: { id: 'u1' }, recipient: { id: PAGE }, timestamp: 5, postback: { mid: 'm_pb2', title: 'मेरा बिल', payload: 'bill' } })
            )
        );
        assert.equal(postback.text, 'bill');
    });

    it("turns a person's echo (Page inbox, standby) into a takeover and the thread passed back into a resume; the bot's own echo is nothing", () => {
        const options = { appId: APP_ID };
        const inbox = mapMessengerWebhook(fixture('echo_page_inbox'), options).items;
        assert.equal(inbox.length, 1);
        assert.deepEqual(
            {
                type: inbox[0].activity.type,
                name: inbox[0].activity.name,
                id: inbox[0].activity.id,
                conversation: inbox[0].activity.conversation?.id,
                from: inbox[0].activity.from?.id,
                value: inbox[0].activity.value,
            },
            {
                type: ActivityTypes.Event,
                name: TAKEOVER_EVENT,
                id: 'mid.1457764197618:41d102a3e1ae206a38',
                conversation: '<PAGE_ID>:<PSID>',
                from: '',
                value: { action: 'pause', appId: PAGE_INBOX_APP },
            }
        );
        assert.deepEqual(mapMessengerWebhook(fixture('echo_own_app'), options), { items: [], deliveries: [] });
        const standby = mapMessengerWebhook(fixture('standby_echo'), options).items;
        assert.deepEqual(
            standby.map((i) => [i.activity.name, (i.activity.value as { action: string }).action, i.activity.conversation?.id]),
            [[TAKEOVER_EVENT, 'pause', '<PAGE_ID>:<PSID>']]
        );
        const passed = mapMessengerWebhook(fixture('pass_thread_control'), options).items;
        assert.deepEqual(
            passed.map((i) => [i.activity.name, i.activity.value, i.activity.id]),
            [[TAKEOVER_EVENT, { action: 'resume', appId: PAGE_INBOX_APP }, '<PSID>:1458692752478:pass']]
        );
        const taken = mapMessengerWebhook(fixture('take_thread_control'), options).items;
        assert.deepEqual(
            taken.map((i) => i.activity.value),
            [{ action: 'pause', appId: PAGE_INBOX_APP }]
        );
        // Without the bot's app id nothing tells its echoes from a person's: all are skipped, as before.
        for (const name of ['echo_page_inbox', 'echo_own_app', 'standby_echo', 'pass_thread_control']) {
            assert.deepEqual(mapMessengerWebhook(fixture(name)), { items: [], deliveries: [] }, name);
        }
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

    it("gives each quick reply the action's value as its payload, the label only as its title", () => {
        const parts = renderMessenger({
            text: 'Register it?',
            suggestedActions: {
                actions: [
                    { type: 'imBack', title: 'Yes, register', value: 'yes' },
                    { type: 'imBack', title: 'Not now', value: 'no' },
                ],
                to: [],
            },
        });
        assert.deepEqual(parts[0].message.quick_replies, [
            { content_type: 'text', title: 'Yes, register', payload: 'yes' },
            { content_type: 'text', title: 'Not now', payload: 'no' },
        ]);
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
        for (const code of ['4', '17', '32', '80006']) assert.match(describeMessengerError(code) ?? '', /limit/, code);
        assert.equal(describeMessengerError(undefined), undefined);
    });
});

describe('Messenger: configuration', () => {
    const secrets = {
        FACEBOOK_APP_SECRET: 's',
        FACEBOOK_VERIFY_TOKEN: 'v',
        FACEBOOK_PAGE_ACCESS_TOKEN: 'p',
        // A channel makes the deployment public, which needs a real SMS sender.
        SMS_SENDER: 'http',
        SMS_HTTP_URL: 'https://sms.example/send',
    };

    function problems(env: Record<string, string>): string[] {
        try {
            loadConfig({ ...secrets, ...env }, null);
            return [];
        } catch (error) {
            if (error instanceof ConfigError) return error.problems;
            throw error;
        }
    }

    it('stops the start for a retired message tag, naming utility messages as the replacement', () => {
        for (const tag of ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']) {
            const found = problems({ FACEBOOK_MESSAGE_TAG: tag });
            assert.equal(found.length, 1, tag);
            assert.match(found[0], new RegExp(`FACEBOOK_MESSAGE_TAG=${tag}: Meta retired this tag`));
            assert.match(found[0], /utility messages/);
            assert.match(found[0], /FACEBOOK_UTILITY_TEMPLATE_HI/);
        }
    });

    it('stops the start for HUMAN_AGENT (a person’s reply only) and any other tag', () => {
        assert.match(problems({ FACEBOOK_MESSAGE_TAG: 'HUMAN_AGENT' })[0], /HUMAN_AGENT may only tag a reply a person wrote/);
        assert.match(problems({ FACEBOOK_MESSAGE_TAG: 'SHIPPING_UPDATE' })[0], /the bot sends no message tags/);
        assert.deepEqual(problems({}), []);
    });

    it('reads a utility template per language, the placeholder name and the pause', () => {
        const config = loadConfig(
            {
                ...secrets,
                FACEBOOK_APP_ID: APP_ID,
                FACEBOOK_UTILITY_TEMPLATE_HI: 'bijli_update_hi',
                FACEBOOK_UTILITY_TEMPLATE_EN: 'bijli_update:en_US',
                FACEBOOK_UTILITY_PARAMETER: 'notice',
                FACEBOOK_HUMAN_PAUSE_MINUTES: '45',
            },
            null
        );
        assert.deepEqual(config.channels.facebook, {
            appSecret: 's',
            verifyToken: 'v',
            pageAccessToken: 'p',
            apiUrl: 'https://graph.facebook.com/v25.0',
            appId: APP_ID,
            utilityTemplates: { hi: { name: 'bijli_update_hi', language: 'hi' }, en: { name: 'bijli_update', language: 'en_US' } },
            utilityParameter: 'notice',
            humanPauseMinutes: 45,
        });
        assert.match(problems({ FACEBOOK_UTILITY_TEMPLATE_EN: 'Bijli Update' })[0], /FACEBOOK_UTILITY_TEMPLATE_EN must be a template name/);
        assert.match(problems({ FACEBOOK_UTILITY_PARAMETER: '{{update}}' })[0], /FACEBOOK_UTILITY_PARAMETER/);
        assert.match(problems({ FACEBOOK_APP_ID: 'my-app' })[0], /FACEBOOK_APP_ID/);
    });
});

describe('Messenger adapter on the real bot', () => {
    let bot: TestBot;
    let graph: MessengerGraphStandIn;
    let store: ChannelStore;
    let client: MessengerClient;
    let adapter: MessengerAdapter;
    let turns = 0;
    /** The adapter's clock (pauses, the throttling cool-down), moved by the tests that need time to pass. */
    let clock = Date.now();

    const HI_TEMPLATE = { name: 'bijli_update_hi', language: 'hi', status: 'APPROVED', body: 'बिजली मित्र: {{update}} आगे बात करने के लिए यहाँ लिखें।' };
    const EN_TEMPLATE = { name: 'bijli_update_en', language: 'en', status: 'APPROVED', body: 'Bijli Mitra update: {{update}} Write here to continue.' };

    function utility(): MessengerUtilityTemplates {
        return new MessengerUtilityTemplates(client, {
            templates: { hi: { name: HI_TEMPLATE.name, language: 'hi' }, en: { name: EN_TEMPLATE.name, language: 'en' } },
            parameter: 'update',
            cacheMs: 0,
        });
    }

    before(async () => {
        bot = await TestBot.create();
        graph = new MessengerGraphStandIn({ pageToken: 'PAGE', pageId: PAGE });
        await graph.start();
        store = new ChannelStore(bot.app.db);
        bot.app.services.output.register('facebook', MESSENGER_CHOICES);
        const logger = bot.app.logger;
        // No real waits between retries: the retry count, not the backoff, is what these tests check.
        const http = new PlatformHttpClient({ ...MessengerClient.httpOptions(logger), sleep: async () => undefined });
        client = new MessengerClient({ apiUrl: graph.url, pageAccessToken: 'PAGE', logger, http });
        adapter = bot.app.prepareAdapter(
            new MessengerAdapter({
                inbox: bot.app.inbox,
                store,
                logger,
                appSecret: SECRET,
                verifyToken: 'tok',
                client,
                utility: utility(),
                appId: APP_ID,
                takeovers: new TakeoverStore(bot.app.db),
                now: () => new Date(clock),
            })
        );
    });
    beforeEach(() => {
        graph.reset();
        graph.addTemplate(HI_TEMPLATE);
        graph.addTemplate(EN_TEMPLATE);
        clock = Date.now();
    });
    after(async () => {
        await adapter?.idle();
        await graph?.stop();
        await bot?.close();
    });

    const logic = async (context: TurnContext) => {
        turns += 1;
        await bot.app.bot.run(context);
    };

    /** Posts a body signed as Meta does (escaped non-ASCII) and waits for the turns it started. */
    async function deliver(body: object, to: MessengerAdapter = adapter): Promise<number> {
        const raw = Buffer.from(metaJson(body));
        const response = await to.handleWebhook(raw, signed(raw), logic);
        await to.idle();
        return response.status;
    }

    /** The user sends `event` (Graph learns they wrote); the messages Graph accepted for them in that turn. */
    async function say(psid: string, event: object, to: MessengerAdapter = adapter): Promise<AcceptedSend[]> {
        graph.userWrote(psid);
        const before = graph.accepted.length;
        assert.equal(await deliver(pageBody(event), to), 200);
        return graph.accepted.slice(before).filter((a) => a.body.recipient?.id === psid && a.body.message !== undefined);
    }

    function texts(sent: AcceptedSend[]): string {
        return sent.map((a) => a.body.message.text ?? '').join('\n');
    }

    function quickReplyTitles(sent: AcceptedSend[]): string[] {
        return sent.flatMap((a) => (a.body.message.quick_replies ?? []).map((q: { title: string }) => q.title));
    }

    function reference(psid: string) {
        return {
            channelId: 'facebook',
            serviceUrl: 'facebook:',
            conversation: { id: `${PAGE}:${psid}`, isGroup: false, conversationType: 'personal', name: '' },
            user: { id: psid, name: '' },
            bot: { id: PAGE, name: '' },
        };
    }

    /** A proactive update to `psid` through `via` (by default the adapter with utility templates). */
    async function update(psid: string, activity: string | Partial<Activity>, via: MessengerAdapter = adapter): Promise<void> {
        await via.continueConversationAsync('', reference(psid), async (context) => {
            await context.sendActivity(activity);
        });
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

            graph.userWrote('sig-user');
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
            graph.userWrote('hindi-sig-user');
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
            for (const sent of all) {
                assert.equal(sent.request.path, '/me/messages');
                assert.equal(sent.request.query.access_token, 'PAGE');
                assert.equal(sent.body.messaging_type, 'RESPONSE');
                assert.equal(sent.body.tag, undefined);
            }
            assert.deepEqual(graph.refused, [], 'Graph refused nothing');
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.equal(records.length, all.length, 'every send recorded');
            assert.ok(records.every((r) => r.status === 'sent' && r.platformMessageId?.startsWith('m_') && r.recipient === psid));
            assert.ok(records.some((r) => r.kind === 'quick_replies'));
        });

        it('keeps every quick reply within Messenger limits, the payload being the value', async () => {
            const psid = '7123456789012346';
            const sent = [
                ...(await say(psid, textEvent(psid, 'नमस्ते'))),
                ...(await say(psid, textEvent(psid, 'menu'))),
                ...(await say(psid, textEvent(psid, 'English'))),
                ...(await say(psid, textEvent(psid, 'menu'))),
            ];
            const withReplies = sent.filter((a) => a.body.message.quick_replies);
            assert.ok(withReplies.length >= 2, 'menus went out as quick replies');
            for (const accepted of sent) {
                const message = accepted.body.message as { text: string; quick_replies?: Array<{ content_type: string; title: string; payload: string }> };
                assert.ok(message.text && codePointLength(message.text) <= MESSENGER_LIMITS.text);
                const replies = message.quick_replies ?? [];
                assert.ok(replies.length <= MESSENGER_LIMITS.quickReplies);
                for (const reply of replies) {
                    assert.equal(reply.content_type, 'text');
                    assert.ok(codePointLength(reply.title) <= MESSENGER_LIMITS.quickReplyTitle, reply.title);
                    // The bot's choices carry their title as their value.
                    assert.equal(reply.payload, reply.title);
                }
            }
            assert.deepEqual(graph.refused, []);
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
            graph.userWrote(concurrent);
            const raw = Buffer.from(metaJson(pageBody(textEvent(concurrent, 'नमस्ते'))));
            const statuses = await Promise.all([1, 2, 3].map(() => adapter.handleWebhook(raw, signed(raw), logic)));
            await adapter.idle();
            assert.deepEqual(
                statuses.map((s) => s.status),
                [200, 200, 200],
                'every copy is acknowledged'
            );
            assert.equal(graph.messagesTo(concurrent).length, expected, 'one set of replies');
            assert.deepEqual(graph.senderActionsTo(concurrent).sort(), ['mark_seen', 'typing_on'], 'one turn, one set of indicators');
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
            const requests = graph.requests.length;

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
            assert.equal(graph.requests.length, requests, 'and send nothing, not even an indicator');
        });

        it('ignores echoes of its own messages', async () => {
            const psid = '7123456789012351';
            const before = turns;
            const echo = {
                sender: { id: PAGE },
                recipient: { id: psid },
                timestamp: Date.now(),
                message: { mid: newMid(), is_echo: true, app_id: Number(APP_ID), text: 'नमस्ते' },
            };
            assert.deepEqual(await say(psid, echo), []);
            assert.equal(turns, before);
            assert.ok((await say(psid, textEvent(psid, 'नमस्ते'))).length > 0, 'the bot still answers');
        });

        it('retries a Graph API 500 and delivers the message once', async () => {
            const psid = '7123456789012352';
            graph.failNextSends(1);
            const sent = await say(psid, textEvent(psid, 'नमस्ते'));
            const attempts = graph.requests.filter(
                (r) => (r.body as { recipient?: { id?: string }; message?: unknown }).recipient?.id === psid && (r.body as { message?: unknown }).message
            );
            assert.equal(attempts.length, sent.length + 1, 'one message sent twice, the rest once');
            assert.equal(JSON.stringify(attempts[0].body), JSON.stringify(attempts[1].body));
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.equal(records.length, sent.length, 'one record per message, not per attempt');
            assert.ok(records.every((r) => r.status === 'sent'));
            assert.equal(new Set(records.map((r) => r.platformMessageId)).size, records.length);
        });

        it('never retries a permanent error: a user who blocked the Page (551)', async () => {
            const blocked = '7123456789012354';
            graph.block(blocked);
            await say(blocked, textEvent(blocked, 'नमस्ते'));
            const attempts = graph.refused.filter(
                (r) => (r.request.body as { recipient?: { id?: string } }).recipient?.id === blocked && (r.request.body as { message?: unknown }).message
            );
            // The bot may try an apology after the failed send; that fails too, but nothing is sent twice.
            assert.ok(attempts.length >= 1);
            assert.equal(new Set(attempts.map((r) => JSON.stringify(r.request.body))).size, attempts.length, 'no send retried');
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

    describe('proactive updates and the 24-hour window (issue #14, problem 1)', () => {
        it('sends an UPDATE inside the 24-hour window', async () => {
            const recent = '7123456789012358';
            await store.markInbound('facebook', recent);
            graph.userWrote(recent);
            await update(recent, 'आपकी शिकायत पर काम शुरू हो गया है');
            assert.deepEqual(
                graph.messagesTo(recent).map((a) => a.body),
                [{ recipient: { id: recent }, messaging_type: 'UPDATE', message: { text: 'आपकी शिकायत पर काम शुरू हो गया है' } }]
            );
            assert.deepEqual(graph.senderActionsTo(recent), [], 'no indicators on a proactive message');
        });

        it('sends a utility message in the language of the update outside the window, never a retired tag', async () => {
            const old = '7123456789012359';
            await store.markInbound('facebook', old, new Date(Date.now() - 25 * 3600_000));
            graph.userWrote(old, Date.now() - 25 * 3600_000);
            await update(old, 'Your complaint C0101-0042 is resolved');
            await update(old, 'आपकी शिकायत C0101-0042 का समाधान हो गया है');
            assert.deepEqual(graph.refused, [], 'Graph refused nothing');
            assert.deepEqual(
                graph.messagesTo(old).map((a) => a.body),
                [
                    {
                        recipient: { id: old },
                        messaging_type: 'UTILITY',
                        message: {
                            template: {
                                name: 'bijli_update_en',
                                language: { code: 'en' },
                                components: [
                                    { type: 'body', parameters: [{ type: 'text', parameter_name: 'update', text: 'Your complaint C0101-0042 is resolved' }] },
                                ],
                            },
                        },
                    },
                    {
                        recipient: { id: old },
                        messaging_type: 'UTILITY',
                        message: {
                            template: {
                                name: 'bijli_update_hi',
                                language: { code: 'hi' },
                                components: [
                                    {
                                        type: 'body',
                                        parameters: [{ type: 'text', parameter_name: 'update', text: 'आपकी शिकायत C0101-0042 का समाधान हो गया है' }],
                                    },
                                ],
                            },
                        },
                    },
                ]
            );
            const records = await store.outboundFor('facebook', `${PAGE}:${old}`);
            assert.deepEqual(
                records.map((r) => [r.kind, r.status, r.platformMessageId?.startsWith('m_')]),
                [
                    ['utility', 'sent', true],
                    ['utility', 'sent', true],
                ]
            );
            assert.match(records[0].errorDetail ?? '', /utility message "bijli_update_en" \(en\) sent instead of free-form text \(window_closed\)/);
        });

        it('follows Meta when it says the window has closed (10/2018278): the utility message goes instead', async () => {
            const psid = '7123456789012360';
            // Our record says the user wrote just now; Meta's says a day ago (they wrote to a person in the Page inbox).
            await store.markInbound('facebook', psid);
            graph.userWrote(psid, Date.now() - 30 * 3600_000);
            await update(psid, 'Supply restored in your area');
            assert.deepEqual(
                graph.requests
                    .filter((r) => (r.body as { recipient?: { id?: string } })?.recipient?.id === psid)
                    .map((r) => (r.body as { messaging_type: string }).messaging_type),
                ['UPDATE', 'UTILITY']
            );
            assert.deepEqual(
                graph.refused.map((r) => [r.error.code, r.error.subcode]),
                [[10, 2018278]]
            );
            const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.deepEqual(
                records.map((r) => [r.kind, r.status]),
                [['utility', 'sent']]
            );
            assert.match(records[0].errorDetail ?? '', /\(10\/2018278\)/);
        });

        it('records an update as undeliverable, with the reason, when no utility template is configured: nothing is sent', async () => {
            const bare = new MessengerAdapter({ store, appSecret: SECRET, verifyToken: 'tok', client });
            const psid = '7123456789012361';
            await store.markInbound('facebook', psid, new Date(Date.now() - 48 * 3600_000));
            graph.userWrote(psid, Date.now() - 48 * 3600_000);
            await update(psid, 'Your complaint is resolved', bare);
            assert.deepEqual(graph.messagesTo(psid), []);
            assert.equal(graph.requests.length, 0, 'not even a tagged try');
            const [record] = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.deepEqual([record.status, record.errorCode, record.platformMessageId], ['undeliverable', 'window_closed', null]);
            assert.match(record.errorDetail ?? '', /outside the 24-hour window: no Messenger utility templates configured/);
        });

        it('does not send a template the Page cannot use: missing language, not approved, numbered or other placeholders', async () => {
            const cases: Array<{ psid: string; template?: Parameters<MessengerGraphStandIn['addTemplate']>[0]; reason: RegExp }> = [
                { psid: '7123456789012362', reason: /"bijli_update_en" \(en\) is not in the Page's template library/ },
                { psid: '7123456789012363', template: { ...EN_TEMPLATE, status: 'PENDING' }, reason: /is PENDING, not APPROVED/ },
                {
                    psid: '7123456789012364',
                    template: { ...EN_TEMPLATE, body: 'Update: {{1}}' },
                    reason: /numbered placeholders; create it with parameter_format NAMED/,
                },
                {
                    psid: '7123456789012365',
                    template: { ...EN_TEMPLATE, body: 'Dear {{customer_name}}, {{update}}' },
                    reason: /has \{\{customer_name\}\}, \{\{update\}\}; the bot fills exactly one named placeholder, \{\{update\}\}/,
                },
            ];
            for (const { psid, template, reason } of cases) {
                graph.reset();
                graph.addTemplate(HI_TEMPLATE);
                if (template) graph.addTemplate(template);
                await store.markInbound('facebook', psid, new Date(Date.now() - 48 * 3600_000));
                graph.userWrote(psid, Date.now() - 48 * 3600_000);
                await update(psid, 'Your complaint is resolved');
                assert.deepEqual(graph.messagesTo(psid), [], psid);
                const [record] = await store.outboundFor('facebook', `${PAGE}:${psid}`);
                assert.equal(record.status, 'undeliverable', psid);
                assert.match(record.errorDetail ?? '', reason);
            }
        });

        it('looks the templates up at start and logs each one that cannot be used', async () => {
            graph.addTemplate({ ...EN_TEMPLATE, status: 'REJECTED' });
            assert.deepEqual(await utility().verify(), ['Messenger utility template "bijli_update_en" (en) is REJECTED, not APPROVED']);
            const logged = bot.logLines.length;
            await adapter.resumeUnprocessed(logic);
            const lines = bot.logLines.slice(logged).filter((line) => /will not be sent/.test(line));
            assert.equal(lines.length, 1);
            assert.match(lines[0], /"level":"error"|"level":50/);
            assert.match(lines[0], /bijli_update_en.*REJECTED/);
            assert.ok(
                graph.requests.every(
                    (r) => r.method === 'GET' && r.path === '/me/message_templates' && r.query.fields === 'name,language,status,category,components'
                ),
                'lookups only, with fields Graph knows'
            );
        });

        it('fits a long update into the 1,024-unit body, cut after a whole grapheme, its choices numbered', async () => {
            const psid = '7123456789012366';
            await store.markInbound('facebook', psid, new Date(Date.now() - 48 * 3600_000));
            graph.userWrote(psid, Date.now() - 48 * 3600_000);
            // 👍🏽 is two code points and four UTF-16 units: a cut inside it would send half an emoji.
            const long = `${'बिजली आपूर्ति बहाल 👍🏽 '.repeat(60)}`;
            await update(psid, { type: ActivityTypes.Message, text: long, locale: 'hi-IN' });
            await update(psid, {
                type: ActivityTypes.Message,
                text: 'Is it fixed?',
                suggestedActions: {
                    actions: [
                        { type: 'imBack', title: 'Yes', value: 'Yes' },
                        { type: 'imBack', title: 'No', value: 'No' },
                    ],
                    to: [],
                },
            });
            assert.deepEqual(graph.refused, []);
            const [hindi, english] = graph.messagesTo(psid).map((a) => a.body.message.template.components[0].parameters[0].text as string);
            const filled = HI_TEMPLATE.body.replace('{{update}}', hindi);
            assert.ok(filled.length <= 1024, `${filled.length} units`);
            assert.ok(filled.length > 1000, 'the room is used');
            assert.ok(hindi.endsWith('…'));
            assert.ok(!/[\ud800-\udbff]…$/.test(hindi) && !/🏽?…$/.test(hindi.replace(/👍🏽…$/, '')), 'no half grapheme');
            assert.equal(english, 'Is it fixed? 1. Yes 2. No');
        });

        it('refuses HUMAN_AGENT for what the bot wrote; a reply a person wrote may carry it within 7 days', async () => {
            const psid = '7123456789012367';
            graph.userWrote(psid, Date.now() - 3 * 24 * 3600_000);
            await assert.rejects(client.send(psid, { text: 'An automated update' }, 'MESSAGE_TAG'), /HUMAN_AGENT is only for a reply a person wrote/);
            assert.equal(graph.requests.length, 0);
            await client.send(psid, { text: 'Main JE Sharma, aapki line theek ho gayi hai.' }, 'MESSAGE_TAG', { writtenBy: 'official:17' });
            assert.deepEqual(graph.messagesTo(psid)[0].body, {
                recipient: { id: psid },
                messaging_type: 'MESSAGE_TAG',
                tag: 'HUMAN_AGENT',
                message: { text: 'Main JE Sharma, aapki line theek ho gayi hai.' },
            });
        });

        it('stand-in: Graph refuses a retired tag with (#100) Invalid parameter, in its error shape', async () => {
            graph.userWrote('7123456789012368');
            const response = await fetch(`${graph.url}/v25.0/me/messages?access_token=PAGE`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ recipient: { id: '7123456789012368' }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'x' } }),
            });
            assert.equal(response.status, 400);
            const { error } = (await response.json()) as { error: Record<string, unknown> };
            assert.deepEqual(
                { ...error, fbtrace_id: typeof error.fbtrace_id },
                {
                    message: '(#100) Invalid parameter',
                    type: 'OAuthException',
                    code: 100,
                    error_subcode: 1893061,
                    fbtrace_id: 'string',
                }
            );
        });

        it('stand-in: refuses bodies the Send API refuses (type, recipient, limits, template parameters, token)', async () => {
            const psid = '7123456789012369';
            graph.userWrote(psid);
            const post = async (body: unknown, token = 'PAGE') => {
                const response = await fetch(`${graph.url}/me/messages?access_token=${token}`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify(body),
                });
                return {
                    status: response.status,
                    error: ((await response.json()) as { error?: { code: number; error_subcode?: number; message: string } }).error,
                };
            };
            const ok = { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text: 'hi' } };
            assert.equal((await post(ok)).status, 200);
            const refusals: Array<[unknown, RegExp]> = [
                [{ ...ok, messaging_type: undefined }, /messaging_type is required/],
                [{ ...ok, messaging_type: 'NON_PROMOTIONAL_SUBSCRIPTION' }, /messaging_type must be one of/],
                [{ ...ok, recipient: { id: '999' } }, /No matching user found/],
                [{ ...ok, message: { text: 'न'.repeat(2001) } }, /less than or equal to 2000/],
                [
                    {
                        ...ok,
                        message: {
                            text: 'x',
                            quick_replies: Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `o${i}`, payload: `o${i}` })),
                        },
                    },
                    /at most 13/,
                ],
                [
                    { ...ok, message: { text: 'x', quick_replies: [{ content_type: 'text', title: 'बिजली बिल भुगतान करें', payload: 'p' }] } },
                    /at most 20 characters/,
                ],
                [{ ...ok, message: { text: 'x', quick_replies: [{ content_type: 'text', title: 'ok' }] } }, /payload\] is required/],
                [{ ...ok, messagingType: 'RESPONSE' }, /messagingType is not a valid parameter/],
                [{ recipient: { id: psid }, sender_action: 'typing_on', messaging_type: 'RESPONSE' }, /sender_action can only be sent with recipient/],
                [{ recipient: { id: psid }, sender_action: 'typing' }, /sender_action must be one of/],
                [
                    {
                        recipient: { id: psid },
                        messaging_type: 'UTILITY',
                        message: {
                            template: {
                                name: 'bijli_update_en',
                                language: { code: 'en' },
                                components: [{ type: 'body', parameters: [{ type: 'text', text: 'x' }] }],
                            },
                        },
                    },
                    /parameter_name is required/,
                ],
                [
                    {
                        recipient: { id: psid },
                        messaging_type: 'UTILITY',
                        message: {
                            template: {
                                name: 'bijli_update_en',
                                language: { code: 'en' },
                                components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'notice', text: 'x' }] }],
                            },
                        },
                    },
                    /Parameter name notice does not exist/,
                ],
                [
                    {
                        recipient: { id: psid },
                        messaging_type: 'UTILITY',
                        message: { template: { name: 'bijli_update_en', language: { code: 'en' }, components: [] } },
                    },
                    /expected 1, got 0/,
                ],
                [
                    {
                        recipient: { id: psid },
                        messaging_type: 'UTILITY',
                        message: { template: { name: 'bijli_update', language: { code: 'en' }, components: [] } },
                    },
                    /does not exist/,
                ],
                [
                    {
                        recipient: { id: psid },
                        messaging_type: 'UTILITY',
                        message: {
                            template: {
                                name: 'bijli_update_en',
                                language: { code: 'en' },
                                components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'update', text: 'x'.repeat(1000) }] }],
                            },
                        },
                    },
                    /maximum is 1024/,
                ],
            ];
            for (const [body, message] of refusals) {
                const answer = await post(body);
                assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 120));
                assert.match(answer.error?.message ?? '', message);
            }
            assert.equal((await post(ok, 'OTHER')).error?.code, 190);
            graph.expireToken();
            assert.deepEqual([(await post(ok)).error?.code, (await post(ok)).error?.error_subcode], [190, 463]);
        });
    });

    describe('throttling (issue #14: codes 4, 17, 32, 613, 80006)', () => {
        it('retries a rate limit and delivers: Graph asked to slow down, not to drop the message', async () => {
            for (const [i, code] of ([4, 17, 32, 613, 80006] as const).entries()) {
                const psid = `71234567890124${i}0`;
                graph.throttleNext(code);
                const sent = await say(psid, textEvent(psid, 'नमस्ते'));
                assert.ok(sent.length > 0, `code ${code}`);
                const records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
                assert.ok(
                    records.every((r) => r.status === 'sent'),
                    `code ${code}: ${records.map((r) => `${r.status}/${r.errorCode}`).join()}`
                );
                assert.equal(records.length, sent.length);
            }
            assert.deepEqual(
                graph.refused.map((r) => r.error.code),
                [4, 17, 32, 613, 80006]
            );
        });

        it('when the limit outlasts the retries: recorded as failed (the queue retries it), nothing sent during the cool-down, then sends again', async () => {
            const psid = '7123456789012480';
            // An adapter of its own, so that its cool-down and clock stay in this test.
            let now = Date.now();
            const paced = new MessengerAdapter({ store, appSecret: SECRET, verifyToken: 'tok', client, now: () => new Date(now) });
            graph.throttleNext(80006, IN_TURN_RETRIES.maxAttempts);
            await store.markInbound('facebook', psid);
            graph.userWrote(psid);
            await update(psid, 'Supply restored', paced);
            assert.equal(graph.refused.length, IN_TURN_RETRIES.maxAttempts, 'a few quick tries, no more');
            const requests = graph.requests.length;
            await update(psid, 'Second notice', paced);
            assert.equal(graph.requests.length, requests, 'not attempted during the cool-down');
            let records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.deepEqual(
                records.map((r) => [r.status, r.errorCode]),
                [
                    ['failed', '80006'],
                    ['failed', '80006'],
                ]
            );
            assert.match(records[1].errorDetail ?? '', /Graph asked to slow down/);

            now += 61_000;
            await update(psid, 'Third notice', paced);
            records = await store.outboundFor('facebook', `${PAGE}:${psid}`);
            assert.deepEqual(
                records.map((r) => r.status),
                ['failed', 'failed', 'sent']
            );
        });
    });

    describe('indicators when a turn starts (mark_seen, typing_on)', () => {
        it('marks the message seen and shows typing, one request each, before the first reply', async () => {
            const psid = '7123456789012500';
            const sent = await say(psid, textEvent(psid, 'नमस्ते'));
            assert.ok(sent.length > 0);
            assert.deepEqual(graph.senderActionsTo(psid).sort(), ['mark_seen', 'typing_on']);
            const forUser = graph.requests.filter((r) => (r.body as { recipient?: { id?: string } })?.recipient?.id === psid);
            assert.deepEqual(
                forUser
                    .slice(0, 2)
                    .map((r) => (r.body as { sender_action?: string }).sender_action)
                    .sort(),
                ['mark_seen', 'typing_on'],
                'both before any message'
            );
            for (const request of forUser.slice(0, 2)) assert.deepEqual(Object.keys(request.body as object).sort(), ['recipient', 'sender_action']);
        });

        it('neither waits for nor retries an indicator Graph fails: the turn answers', async () => {
            const psid = '7123456789012501';
            graph.failNextSenderActions(2);
            const sent = await say(psid, textEvent(psid, 'नमस्ते'));
            assert.ok(sent.length > 0, 'the reply went out');
            const actions = graph.requests.filter(
                (r) =>
                    (r.body as { recipient?: { id?: string }; sender_action?: string })?.recipient?.id === psid &&
                    (r.body as { sender_action?: string }).sender_action
            );
            assert.equal(actions.length, 2, 'one request each, no retry');
            assert.deepEqual(graph.senderActionsTo(psid), []);
        });
    });

    describe('a person answering from the Page inbox (echoes)', () => {
        it('pauses the bot in that conversation for the pause, then it answers again', async () => {
            const psid = '7123456789012600';
            assert.ok((await say(psid, textEvent(psid, 'नमस्ते'))).length > 0);
            assert.equal(await deliver(fixtureFor('echo_page_inbox', psid)), 200);
            const before = graph.requests.length;
            const silent = await say(psid, textEvent(psid, 'JE sahab kab aayenge?'));
            assert.deepEqual(silent, [], 'the bot stays silent while a person answers');
            assert.equal(graph.requests.length, before, 'no indicators either');
            assert.equal(
                (await bot.dataSource.getRepository(InboundMessage).countBy({ channel: 'facebook', conversationKey: `${PAGE}:${psid}` })) >= 3,
                true,
                'the user’s message is recorded'
            );
            assert.equal(await store.withinWindow('facebook', psid), true);

            clock += 31 * 60_000;
            assert.ok((await say(psid, textEvent(psid, 'menu'))).length > 0, 'after 30 minutes the bot answers again');
        });

        it('resumes at once when the Page inbox passes the thread back; an echo in standby pauses too', async () => {
            const psid = '7123456789012601';
            assert.equal(await deliver(fixtureFor('standby_echo', psid)), 200);
            assert.deepEqual(await say(psid, textEvent(psid, 'नमस्ते')), []);
            assert.equal(await deliver(fixtureFor('pass_thread_control', psid)), 200);
            assert.ok((await say(psid, textEvent(psid, 'नमस्ते'))).length > 0);
            assert.equal(await deliver(fixtureFor('take_thread_control', psid)), 200);
            assert.deepEqual(await say(psid, textEvent(psid, 'नमस्ते')), [], 'the inbox took the thread');
        });

        it('holds across instances: another adapter on the same database stays silent too', async () => {
            const psid = '7123456789012602';
            const second = new MessengerAdapter({
                inbox: bot.app.inbox,
                store,
                appSecret: SECRET,
                verifyToken: 'tok',
                client,
                appId: APP_ID,
                takeovers: new TakeoverStore(bot.app.db),
                now: () => new Date(clock),
            });
            assert.equal(await deliver(fixtureFor('echo_page_inbox', psid)), 200);
            assert.deepEqual(await say(psid, textEvent(psid, 'नमस्ते'), second), []);
        });

        it('a late echo pauses only for what is left of its pause', async () => {
            const psid = '7123456789012603';
            assert.equal(await deliver(fixtureFor('echo_page_inbox', psid, Date.now() - 40 * 60_000)), 200);
            assert.ok((await say(psid, textEvent(psid, 'नमस्ते'))).length > 0);
        });
    });

    describe('Get Started', () => {
        it('greets a new user as a new conversation, not as the words "GET_STARTED"', async () => {
            const psid = '7123456789012700';
            const greeting = await say(psid, {
                sender: { id: psid },
                recipient: { id: PAGE },
                timestamp: Date.now(),
                postback: { title: 'Get Started', payload: 'GET_STARTED', mid: newMid() },
            });
            assert.match(texts(greeting), /Welcome to Bijli Mitra/);
            assert.deepEqual(quickReplyTitles(greeting), ['हिंदी', 'English']);
            assert.deepEqual(graph.senderActionsTo(psid).sort(), ['mark_seen', 'typing_on']);
            assert.equal(await store.withinWindow('facebook', psid), true, 'a tap opens the window');
        });

        it('greets a returning user with the menu', async () => {
            const psid = '7123456789012701';
            await say(psid, textEvent(psid, 'hello'));
            await say(psid, quickReplyEvent(psid, 'English'));
            const greeting = await say(psid, {
                sender: { id: psid },
                recipient: { id: PAGE },
                timestamp: Date.now(),
                postback: { title: 'Get Started', payload: 'GET_STARTED', mid: newMid() },
            });
            assert.match(texts(greeting), /I am Bijli Mitra/);
            assert.doesNotMatch(texts(greeting), /did not understand/);
        });
    });
});
