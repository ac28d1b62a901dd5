import { strict as assert } from 'assert';
import { FIXTURES as CHANNEL_FIXTURES } from '../../support/metaPayloads';
import { readFileSync } from 'fs';
import { IncomingHttpHeaders } from 'http';
import * as path from 'path';
import { Activity, TurnContext } from 'botbuilder';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { PlatformApiError } from '../../../adapters/shared/PlatformApiError';
import { PlatformHttpClient } from '../../../adapters/shared/PlatformHttpClient';
import { codePointLength } from '../../../adapters/shared/splitText';
import { MalformedWebhookError } from '../../../adapters/shared/WebhookAdapter';
import { signSha256, verifySha256Signature } from '../../../adapters/shared/webhookSignature';
import { mapTwitterWebhook } from '../../../adapters/twitter/mapTwitterWebhook';
import { renderTwitter, TWITTER_CHOICES, TWITTER_LIMITS } from '../../../adapters/twitter/renderTwitter';
import { crcResponseToken, TwitterAdapter } from '../../../adapters/twitter/TwitterAdapter';
import { TwitterClient } from '../../../adapters/twitter/TwitterClient';
import { Complaint } from '../../../src/data/entities/Complaint';
import { InboundMessage } from '../../../src/data/entities/InboundMessage';
import { Logger } from '../../../src/logger';
import { ApiStandIn, RecordedRequest } from '../../support/ApiStandIn';
import { TestBot } from '../../support/TestBot';
import { XApiStandIn } from '../../support/XApiStandIn';

const FIXTURES = path.join(CHANNEL_FIXTURES, 'twitter');
const BOT = '3000000001';
const CONSUMER = '3000000777';
const DM_PATH = /^\/2\/dm_conversations\/with\/[0-9]+\/messages$/;

function fixture<T = Record<string, unknown>>(name: string): T {
    return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as T;
}

interface CrcVector {
    consumer_secret: string;
    crc_token: string;
    response_token: string;
}
interface PostVector {
    consumer_secret: string;
    raw_body: string;
    'x-twitter-webhooks-signature': string;
}
const VECTORS = fixture<{ crc: CrcVector[]; post_signature: PostVector[] }>('signature_vectors.json');

/** The secret, token and answer of crc.txt, read from the file so the test follows the fixture. */
function crcTxt(): CrcVector {
    const text = readFileSync(path.join(FIXTURES, 'crc.txt'), 'utf8');
    const token = text.match(/crc_token=([^\s&]+)/)?.[1];
    const secret = text.match(/consumer_secret used above[^:]*:\s*(\S+)/)?.[1];
    const answer = text.match(/^\{"response_token":"[^"]+"\}$/m)?.[0];
    assert.ok(token && secret && answer, 'crc.txt has a token, a secret and an answer');
    return { consumer_secret: secret, crc_token: token, response_token: (JSON.parse(answer) as { response_token: string }).response_token };
}

/** An adapter for tests that never send (handshakes, signatures). */
function offlineAdapter(consumerSecret: string, store: ChannelStore = new ChannelStore(undefined as never)): TwitterAdapter {
    const logger = new Logger('error', () => undefined);
    return new TwitterAdapter({
        store,
        logger,
        consumerSecret,
        botUserId: BOT,
        client: new TwitterClient({ apiUrl: 'http://127.0.0.1:9', tokens: 'T', logger }),
    });
}

/** One AAA `message_create` event. */
function dmEvent(id: string, text: string, sender = CONSUMER, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        type: 'message_create',
        id,
        created_timestamp: String(Date.now()),
        message_create: {
            target: { recipient_id: BOT },
            sender_id: sender,
            message_data: { text, entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] }, ...extra },
        },
    };
}

/** An Account Activity API body. */
function aaa(events: unknown[], users: Record<string, unknown> = {}): Record<string, unknown> {
    return { for_user_id: BOT, direct_message_events: events, users };
}

/** An X Activity API envelope around the same events. */
function xaa(events: unknown[], eventType = 'dm.received', uuid = '1900000000000000009'): Record<string, unknown> {
    return {
        data: {
            event_uuid: uuid,
            filter: { user_id: BOT },
            event_type: eventType,
            tag: 'bijli-mitra',
            payload: {
                direct_message_events: events,
                users: {
                    [CONSUMER]: { data: { id: CONSUMER, name: 'उपभोक्ता', username: 'upbhokta' } },
                    [BOT]: { data: { id: BOT, name: 'Discom Helpdesk', username: 'discom_helpdesk' } },
                },
            },
        },
    };
}

function malformed(fn: () => unknown): void {
    assert.throws(fn, (error: unknown) => error instanceof MalformedWebhookError);
}

describe('X (Twitter) adapter', () => {
    describe('CRC handshake', () => {
        const all = [...VECTORS.crc, crcTxt()];

        it('computes the response_token of every vector in signature_vectors.json and crc.txt', () => {
            assert.equal(all.length, 4);
            for (const vector of all) {
                assert.equal(crcResponseToken(vector.consumer_secret, vector.crc_token), vector.response_token, vector.crc_token);
            }
        });

        it('answers the crc.txt request with 200 JSON carrying the response_token', () => {
            const vector = crcTxt();
            const answer = offlineAdapter(vector.consumer_secret).handshake({ crc_token: vector.crc_token });
            assert.equal(answer.status, 200);
            assert.equal(answer.contentType, 'application/json');
            assert.deepEqual(JSON.parse(answer.body!), { response_token: vector.response_token });
            assert.equal(answer.body, readFileSync(path.join(FIXTURES, 'crc.txt'), 'utf8').match(/^\{"response_token".*\}$/m)![0]);
        });

        it("answers every vector whose token has X's shape, and refuses the short library test tokens with 400", () => {
            for (const vector of all) {
                const answer = offlineAdapter(vector.consumer_secret).handshake({ crc_token: vector.crc_token });
                if (vector.crc_token.length >= 16) {
                    assert.deepEqual([answer.status, JSON.parse(answer.body!)], [200, { response_token: vector.response_token }]);
                } else {
                    // '123' and 'abcde12345' come from library unit tests; real X tokens are longer (a UUID here).
                    assert.equal(answer.status, 400, vector.crc_token);
                }
            }
        });

        it('answers 400 to a missing or oddly shaped token, so the endpoint is no HMAC oracle', () => {
            const adapter = offlineAdapter('secret');
            const bad: unknown[] = [
                undefined,
                '',
                'short',
                'x'.repeat(129),
                'has space in it 0123',
                '<script>alert(1)</script>',
                'बिजली-बिजली-बिजली-बिजली',
                'abc%20def0123456789',
                'line\nbreak0123456789',
                ['9b4507b3-9040-4669-9ca3-6b94edb50553', 'again'],
                { token: 'x' },
                // eslint-disable-next-line no-loss-of-precision -- a number too large for a double is the point
                12345678901234567890,
            ];
            for (const token of bad) {
                const answer = adapter.handshake(token === undefined ? {} : { crc_token: token });
                assert.equal(answer.status, 400, `token ${JSON.stringify(token)}`);
                assert.doesNotMatch(answer.body ?? '', /sha256=/);
            }
            assert.equal(adapter.handshake({ crc_token: 'A'.repeat(16) }).status, 200, '16 characters is the minimum');
            assert.equal(adapter.handshake({ crc_token: 'A+/=_-'.repeat(21).slice(0, 128) }).status, 200, '128 characters is the maximum');
        });

        it('refuses the handshake when no consumer secret is configured', () => {
            assert.equal(offlineAdapter('').handshake({ crc_token: crcTxt().crc_token }).status, 400);
        });
    });

    describe('POST signatures', () => {
        it('verifies the signature vectors on the raw bytes', () => {
            assert.equal(VECTORS.post_signature.length, 2);
            for (const vector of VECTORS.post_signature) {
                const raw = Buffer.from(vector.raw_body, 'utf8');
                assert.equal(signSha256(vector.consumer_secret, raw, 'base64'), vector['x-twitter-webhooks-signature']);
                assert.ok(verifySha256Signature(raw, vector['x-twitter-webhooks-signature'], vector.consumer_secret, 'base64'));
                assert.ok(!verifySha256Signature(raw, vector['x-twitter-webhooks-signature'], `${vector.consumer_secret}x`, 'base64'));
            }
        });

        it('lets a correctly signed vector body past the signature check (acknowledged, not a DM body) and refuses a wrong one with 401', async () => {
            for (const vector of VECTORS.post_signature) {
                const adapter = offlineAdapter(vector.consumer_secret);
                const raw = Buffer.from(vector.raw_body, 'utf8');
                const noTurns = async () => assert.fail('no turn may run');
                const good = await adapter.handleWebhook(raw, { 'x-twitter-webhooks-signature': vector['x-twitter-webhooks-signature'] }, noTurns);
                assert.equal(
                    good.status,
                    vector.raw_body.trim().startsWith('{') ? 200 : 400,
                    'signature accepted; the body is a signature test, not a webhook'
                );
                const headers: IncomingHttpHeaders[] = [
                    {},
                    { 'x-twitter-webhooks-signature': '' },
                    { 'x-twitter-webhooks-signature': vector['x-twitter-webhooks-signature'].replace('sha256=', 'sha1=') },
                    { 'x-twitter-webhooks-signature': signSha256('other secret', raw, 'base64') },
                    { 'x-twitter-webhooks-signature': signSha256(vector.consumer_secret, raw, 'hex') },
                    { 'x-hub-signature-256': vector['x-twitter-webhooks-signature'] },
                ];
                for (const header of headers) {
                    assert.equal((await adapter.handleWebhook(raw, header, noTurns)).status, 401, JSON.stringify(header));
                }
            }
        });

        it('verifies a Hindi body as sent (escaped or not) and rejects a re-serialised copy', () => {
            const escaped = Buffer.from(
                JSON.stringify(aaa([dmEvent('1', 'बिजली नहीं है')])).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
            );
            const signature = signSha256('secret', escaped, 'base64');
            assert.ok(verifySha256Signature(escaped, signature, 'secret', 'base64'));
            const reserialised = Buffer.from(JSON.stringify(JSON.parse(escaped.toString('utf8'))));
            assert.ok(!verifySha256Signature(reserialised, signature, 'secret', 'base64'));
            const utf8 = Buffer.from(JSON.stringify(aaa([dmEvent('1', 'बिजली नहीं है')])));
            assert.ok(verifySha256Signature(utf8, signSha256('secret', utf8, 'base64'), 'secret', 'base64'));
        });
    });

    describe('mapTwitterWebhook', () => {
        it('maps dm_incoming.json (Hindi) to one message activity keyed on bot and sender', () => {
            const batch = mapTwitterWebhook(fixture('dm_incoming.json'), BOT);
            assert.deepEqual(batch.deliveries, []);
            assert.equal(batch.items.length, 1);
            const { activity, trustedPhone } = batch.items[0];
            assert.equal(trustedPhone, null, 'X gives no phone number');
            assert.equal(activity.type, 'message');
            assert.equal(activity.id, '1860000000000000101');
            assert.equal(activity.channelId, 'twitter');
            assert.equal(activity.conversation?.id, `${BOT}:${CONSUMER}`);
            assert.deepEqual(activity.from, { id: CONSUMER, name: 'Consumer Example', role: 'user', properties: { username: 'consumer_example' } });
            assert.equal(activity.recipient?.id, BOT);
            assert.equal(activity.text, 'मेरे घर में सुबह से बिजली नहीं है');
            assert.equal(activity.attachments, undefined);
            assert.equal(activity.value, undefined);
            assert.equal((activity.timestamp as Date).getTime(), 1764150000000);
        });

        it('reports encrypted X Chat events as unreadable instead of dropping them silently', () => {
            assert.deepEqual(mapTwitterWebhook(fixture('xchat_received.json'), BOT), {
                items: [],
                deliveries: [],
                unreadable: [{ kind: 'chat.received', eventId: '0f52b591-4b7e-4f13-92cd-30e6b2a3f18a', senderId: CONSUMER }],
            });
            assert.deepEqual(mapTwitterWebhook(fixture('xchat_sent.json'), BOT).unreadable, [
                { kind: 'chat.sent', eventId: '6c1d2a4e-93f0-4a51-8d3b-2f7e0c9b5a11', senderId: BOT },
            ]);
            const join = { data: { event_type: 'chat.conversation_join', event_uuid: 'u1', payload: { conversation_id: 'g1' } } };
            assert.deepEqual(mapTwitterWebhook(join, BOT).unreadable, [{ kind: 'chat.conversation_join', eventId: 'u1', senderId: undefined }]);
            const future = { data: { event_type: 'chat.reaction_added', payload: {} } };
            assert.equal(mapTwitterWebhook(future, BOT).unreadable?.[0].kind, 'chat.other', 'a bounded metrics label');
            // A dm.received that carries ciphertext rather than DM events is encrypted too, not a malformed body.
            const cipher = { data: { event_type: 'dm.received', event_uuid: 'u2', payload: { sender_id: CONSUMER, encoded_event: 'CAEQAg==' } } };
            assert.deepEqual(mapTwitterWebhook(cipher, BOT).unreadable, [{ kind: 'dm.encrypted', eventId: 'u2', senderId: CONSUMER }]);
            // Plain DMs carry none.
            assert.equal(mapTwitterWebhook(fixture('dm_incoming.json'), BOT).unreadable, undefined);
        });

        it('maps dm_quick_reply_response.json to its metadata as text and value', () => {
            const body = fixture('dm_quick_reply_response.json') as { for_user_id: string };
            const [item, ...rest] = mapTwitterWebhook(body, body.for_user_id).items;
            assert.equal(rest.length, 0);
            assert.equal(item.activity.text, 'external_id_2', 'the value, not the label "Blue Bird"');
            assert.deepEqual(item.activity.value, { metadata: 'external_id_2' });
            assert.equal(item.activity.conversation?.id, '1234858592:3805104374');
            assert.equal(item.activity.from?.name, '', 'the users map is empty');
        });

        it('keeps the label as text for a quick-reply response without metadata', () => {
            const event = dmEvent('7', 'Blue Bird', CONSUMER, { quick_reply_response: { type: 'options' } });
            assert.equal(mapTwitterWebhook(aaa([event]), BOT).items[0].activity.text, 'Blue Bird');
        });

        it('drops echoes: sender = for_user_id, sender = the bot, XAA sender = filter.user_id, and dm.sent', () => {
            const echo = fixture<{ for_user_id: string; direct_message_events: Array<{ message_create: { sender_id: string } }> }>('dm_incoming.json');
            echo.direct_message_events[0].message_create.sender_id = echo.for_user_id;
            assert.deepEqual(mapTwitterWebhook(echo, BOT), { items: [], deliveries: [] });
            // A for_user_id other than the configured bot still marks that account's own DMs as echoes.
            assert.equal(mapTwitterWebhook({ ...aaa([dmEvent('1', 'x', '555')]), for_user_id: '555' }, BOT).items.length, 0);
            assert.equal(mapTwitterWebhook(aaa([dmEvent('2', 'x', BOT)]), BOT).items.length, 0);
            assert.equal(mapTwitterWebhook(xaa([dmEvent('3', 'x', BOT)]), BOT).items.length, 0);
            assert.equal(mapTwitterWebhook(xaa([dmEvent('4', 'x')], 'dm.sent'), BOT).items.length, 0);
            // Only the echo of a mixed batch is dropped.
            assert.deepEqual(
                mapTwitterWebhook(aaa([dmEvent('5', 'echo', BOT), dmEvent('6', 'real')]), BOT).items.map((i) => i.activity.id),
                ['6']
            );
        });

        it('maps an X Activity API envelope with two DMs to two activities, names from users[].data', () => {
            const batch = mapTwitterWebhook(xaa([dmEvent('1900000000000000003', 'नमस्ते'), dmEvent('1900000000000000004', 'बिल दिखाइए')]), BOT);
            assert.deepEqual(
                batch.items.map((i) => [i.activity.id, i.activity.text, i.activity.conversation?.id, i.activity.from?.name]),
                [
                    ['1900000000000000003', 'नमस्ते', `${BOT}:${CONSUMER}`, 'उपभोक्ता'],
                    ['1900000000000000004', 'बिल दिखाइए', `${BOT}:${CONSUMER}`, 'उपभोक्ता'],
                ]
            );
            assert.deepEqual(batch.items[0].activity.from?.properties, { username: 'upbhokta' });
            assert.equal((batch.items[0].activity.channelData as { eventUuid: string }).eventUuid, '1900000000000000009');
        });

        it('maps the vercel/chat dm.received sample (a real XAA capture)', () => {
            const sample = {
                data: {
                    event_uuid: '1900000000000000009',
                    filter: { user_id: '222222222' },
                    event_type: 'dm.received',
                    tag: 'chat-sdk-x-capture',
                    payload: {
                        direct_message_events: [
                            {
                                type: 'message_create',
                                id: '1900000000000000003',
                                created_timestamp: '1783430823813',
                                message_create: {
                                    target: { recipient_id: '222222222' },
                                    sender_id: '111111111',
                                    message_data: { text: 'hey from your alt', entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
                                },
                            },
                        ],
                        users: {
                            '111111111': { data: { id: '111111111', name: 'Alt Account', username: 'alt_account' } },
                            '222222222': { data: { id: '222222222', name: 'My Bot', username: 'mybot' } },
                        },
                    },
                },
            };
            const [item] = mapTwitterWebhook(sample, '222222222').items;
            assert.deepEqual(
                [item.activity.id, item.activity.text, item.activity.conversation?.id, item.activity.from?.name],
                ['1900000000000000003', 'hey from your alt', '222222222:111111111', 'Alt Account']
            );
        });

        it('ignores other XAA event types, mark-read and typing events', () => {
            for (const type of ['post.mention.create', 'dm.read', 'dm.indicate_typing', 'follow.follow']) {
                assert.deepEqual(mapTwitterWebhook(xaa([dmEvent('1', 'x')], type), BOT), { items: [], deliveries: [] }, type);
            }
            assert.deepEqual(mapTwitterWebhook(fixture('dm_mark_read.json'), BOT), { items: [], deliveries: [] });
            const typing = {
                for_user_id: BOT,
                direct_message_indicate_typing_events: [{ created_timestamp: '1', sender_id: CONSUMER, target: { recipient_id: BOT } }],
                users: {},
            };
            assert.deepEqual(mapTwitterWebhook(typing, BOT), { items: [], deliveries: [] });
            // Non-message_create elements in the DM array are skipped too.
            assert.equal(mapTwitterWebhook(aaa([{ type: 'message_delete', id: '1' }, dmEvent('2', 'ok')]), BOT).items.length, 1);
        });

        it('takes string ids only, and skips DMs addressed to another subscribed account', () => {
            // eslint-disable-next-line no-loss-of-precision -- X ids as JSON numbers lose precision: the point of the test
            const numeric = { ...dmEvent('1', 'x'), id: 1860000000000000101 };
            assert.equal(mapTwitterWebhook(aaa([numeric]), BOT).items.length, 0);
            const elsewhere = dmEvent('2', 'x');
            (elsewhere.message_create as { target: { recipient_id: string } }).target.recipient_id = '3000000002';
            assert.equal(mapTwitterWebhook(aaa([elsewhere]), BOT).items.length, 0);
        });

        it('maps a photo DM to an image attachment and strips the media link from the text', () => {
            const media = {
                id: 1.2e18,
                id_str: '1860000000000000555',
                media_url_https: 'https://ton.twimg.com/1.1/ton/data/dm/1/2/abc.jpg',
                url: 'https://t.co/AbCdEf',
                type: 'photo',
            };
            const photoOnly = mapTwitterWebhook(aaa([dmEvent('1', 'https://t.co/AbCdEf', CONSUMER, { attachment: { type: 'media', media } })]), BOT).items[0]
                .activity;
            assert.equal(photoOnly.text, '');
            assert.deepEqual(photoOnly.attachments, [{ contentType: 'image/jpeg', contentUrl: media.media_url_https, name: 'photo' }]);
            const captioned = mapTwitterWebhook(aaa([dmEvent('2', 'तार टूटा है https://t.co/AbCdEf', CONSUMER, { attachment: { type: 'media', media } })]), BOT)
                .items[0].activity;
            assert.equal(captioned.text, 'तार टूटा है');
        });

        it('throws MalformedWebhookError for bodies that are not objects or break a DM shape, and skips objects of neither shape', () => {
            for (const body of [null, undefined, 'text', 42, []]) malformed(() => mapTwitterWebhook(body, BOT));
            // Valid JSON objects of no known envelope (a new event shape, a signature test vector) carry nothing.
            for (const body of [
                {},
                { object: 'page', entry: [] },
                { direct_message_events: [] },
                { for_user_id: 3000000001, direct_message_events: [] },
                { data: {} },
                { data: { event_type: 7 } },
            ]) {
                assert.deepEqual(mapTwitterWebhook(body, BOT), { items: [], deliveries: [] }, JSON.stringify(body));
            }
            malformed(() => mapTwitterWebhook({ for_user_id: BOT, direct_message_events: { 0: dmEvent('1', 'x') } }, BOT));
            malformed(() => mapTwitterWebhook({ data: { event_type: 'dm.received', filter: { user_id: BOT } } }, BOT));
            malformed(() => mapTwitterWebhook({ data: { event_type: 'dm.received', payload: { direct_message_events: 'x' } } }, BOT));
        });
    });

    describe('renderTwitter', () => {
        it('splits a 25,000-character text into DMs of at most 10,000 code points at word boundaries', () => {
            const words = ['बिजली', 'कटौती', 'शिकायत', 'मीटर', 'bill', '📄'];
            const all: string[] = [];
            let text = '';
            for (let i = 0; text.length < 25_000; i++) {
                all.push(words[i % words.length]);
                text += (i > 0 ? ' ' : '') + words[i % words.length];
            }
            const parts = renderTwitter({ type: 'message', text });
            assert.equal(parts.length, 3);
            for (const part of parts) {
                assert.equal(part.kind, 'text');
                assert.ok(codePointLength(part.text) <= TWITTER_LIMITS.text, `${codePointLength(part.text)} code points`);
                assert.equal(part.text, part.text.trim());
                for (const word of part.text.split(' ')) assert.ok(words.includes(word), `torn word "${word}"`);
            }
            assert.deepEqual(
                parts.flatMap((p) => p.text.split(' ')),
                all,
                'nothing lost, nothing reordered'
            );
        });

        it('appends suggested actions as a numbered list, also after a split', () => {
            const actions = [
                { type: 'imBack', title: 'हाँ', value: 'हाँ' },
                { type: 'imBack', title: 'नहीं', value: 'नहीं' },
            ];
            assert.deepEqual(renderTwitter({ type: 'message', text: 'क्या मैं इसे दर्ज कर दूँ?', suggestedActions: { actions, to: [] } }), [
                { kind: 'text', text: 'क्या मैं इसे दर्ज कर दूँ?\n\n1. हाँ\n2. नहीं' },
            ]);
            assert.deepEqual(renderTwitter({ type: 'message', text: '', suggestedActions: { actions, to: [] } }), [{ kind: 'text', text: '1. हाँ\n2. नहीं' }]);
            const long = renderTwitter({ type: 'message', text: 'शब्द '.repeat(3000), suggestedActions: { actions, to: [] } });
            assert.equal(long.length, 2);
            assert.ok(long[1].text.endsWith('\n\n1. हाँ\n2. नहीं'));
            assert.deepEqual(renderTwitter({ type: 'message', text: 'Hello' }), [{ kind: 'text', text: 'Hello' }]);
            assert.deepEqual(renderTwitter({ type: 'message', text: '  ' }), []);
        });
    });

    describe('TwitterClient', () => {
        let api: ApiStandIn;
        before(async () => {
            api = new ApiStandIn();
            await api.start();
        });
        after(async () => {
            await api.stop();
        });
        beforeEach(() => api.reset());
        const logger = new Logger('error', () => undefined);

        it('POSTs {text} with the Bearer token and returns dm_event_id', async () => {
            api.respond('POST', DM_PATH, { status: 201, body: { data: { dm_conversation_id: '1-2', dm_event_id: '1582838213616480260' } } });
            const client = new TwitterClient({ apiUrl: `${api.url}/`, tokens: 'TOKEN', logger });
            assert.equal(await client.sendDirectMessage(CONSUMER, 'नमस्ते'), '1582838213616480260');
            const [request] = api.requests;
            assert.deepEqual(
                [request.method, request.path, request.headers.authorization, request.body],
                ['POST', `/2/dm_conversations/with/${CONSUMER}/messages`, 'Bearer TOKEN', { text: 'नमस्ते' }]
            );
        });

        it('fails when X returns no dm_event_id, and refuses a participant id that is not numeric', async () => {
            api.respond('POST', DM_PATH, { status: 201, body: { data: {} } });
            const client = new TwitterClient({ apiUrl: api.url, tokens: 'TOKEN', logger });
            await assert.rejects(client.sendDirectMessage(CONSUMER, 'x'), /no dm_event_id/);
            await assert.rejects(client.sendDirectMessage('../../2/tweets', 'x'), TypeError);
            assert.equal(api.requests.length, 1);
        });

        it('reports an X problem with its meaning and no retry', async () => {
            api.respond('POST', DM_PATH, {
                status: 403,
                body: {
                    title: 'Forbidden',
                    type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
                    detail: 'You are not permitted to send DMs to this user',
                    status: 403,
                },
            });
            const client = new TwitterClient({ apiUrl: api.url, tokens: 'TOKEN', logger });
            const error = await client.sendDirectMessage(CONSUMER, 'x').then(
                () => undefined,
                (e: unknown) => e
            );
            assert.ok(error instanceof PlatformApiError);
            assert.equal(error.retryable, false);
            assert.match(error.message, /does not accept DMs from the bot account/);
            assert.equal(api.requests.length, 1);
        });
    });

    describe('end to end through the real bot', function () {
        this.timeout(60_000);
        let bot: TestBot;
        let x: XApiStandIn;
        let api: ApiStandIn;
        let token: string;
        let adapter: TwitterAdapter;
        let store: ChannelStore;
        let waits: number[];
        let nextEvent: number;

        beforeEach(async () => {
            bot = await TestBot.create();
            // The strict X stand-in: it checks the token, the body and X's limits, and answers as X does.
            x = await XApiStandIn.start({ botUserId: BOT, clientId: 'client-id' });
            api = x.api;
            token = x.issueAccessToken();
            bot.app.services.output.register('twitter', TWITTER_CHOICES);
            waits = [];
            // Real retries, but the waits are recorded instead of slept so the suite stays fast.
            const http = new PlatformHttpClient({
                platform: 'X',
                logger: bot.app.logger,
                maxDelayMs: 15 * 60_000,
                sleep: async (ms) => {
                    waits.push(ms);
                },
            });
            store = new ChannelStore(bot.app.db);
            adapter = bot.app.prepareAdapter(
                new TwitterAdapter({
                    inbox: bot.app.inbox,
                    store,
                    logger: bot.app.logger,
                    consumerSecret: 'secret',
                    botUserId: BOT,
                    client: new TwitterClient({ apiUrl: api.url, tokens: token, logger: bot.app.logger, http }),
                })
            );
            nextEvent = 1000;
        });
        afterEach(async () => {
            await adapter.idle();
            await x.stop();
            await bot.close();
        });

        /** Posts a signed body as X would and waits for the turns it started. */
        async function post(body: unknown, signature?: string): Promise<number> {
            const raw = Buffer.from(JSON.stringify(body));
            const answer = await adapter.handleWebhook(raw, { 'x-twitter-webhooks-signature': signature ?? signSha256('secret', raw, 'base64') }, (context) =>
                bot.app.bot.run(context)
            );
            await adapter.idle();
            return answer.status;
        }

        /** Sends one DM from the consumer and returns the texts of the DMs the bot sent back. */
        async function say(text: string, shape: 'aaa' | 'xaa' = 'aaa'): Promise<string[]> {
            const before = api.requests.length;
            // Built as text: X's 19-digit ids are beyond Number.MAX_SAFE_INTEGER.
            const event = dmEvent(`1860000000000${nextEvent++}`, text);
            assert.equal(
                await post(
                    shape === 'aaa'
                        ? aaa([event], { [CONSUMER]: { name: 'Consumer Example', screen_name: 'consumer_example' } })
                        : xaa([event], 'dm.received', `1900000000000${nextEvent++}`)
                ),
                200
            );
            return texts(api.requests.slice(before));
        }

        function texts(requests: RecordedRequest[]): string[] {
            return requests.map((r) => (r.body as { text: string }).text);
        }

        it('registers a complaint end to end in Hindi, choosing "हाँ" by its number', async () => {
            const ask = await say('मेरे घर में सुबह से बिजली नहीं है');
            assert.match(ask.join('\n'), /10 अंकों का खाता नंबर/);
            assert.match(ask.join('\n'), /\n\n1\. /, 'choices arrive as a numbered list');
            const confirm = (await say('1234567890')).join('\n');
            assert.match(confirm, /विवरण: मेरे घर में सुबह से बिजली नहीं है/);
            assert.match(confirm, /\n\n1\. हाँ\n2\. नहीं$/);
            const saved = (await say('1')).join('\n');
            const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
            assert.ok(ticket, `ticket in: ${saved}`);

            const complaints = await bot.dataSource.getRepository(Complaint).find();
            assert.equal(complaints.length, 1);
            assert.deepEqual(
                [complaints[0].ticket, complaints[0].accountNumber, complaints[0].category, complaints[0].channel, complaints[0].channelUserId],
                [ticket, '1234567890', 'no_supply', 'twitter', CONSUMER]
            );

            for (const request of api.requests) {
                assert.equal(request.path, `/2/dm_conversations/with/${CONSUMER}/messages`);
                assert.equal(request.headers.authorization, `Bearer ${token}`);
                assert.deepEqual(Object.keys(request.body as object), ['text']);
            }
            const records = await store.outboundFor('twitter', `${BOT}:${CONSUMER}`);
            assert.equal(records.length, api.requests.length);
            assert.deepEqual(
                records.map((r) => [r.kind, r.status, r.recipient]),
                records.map(() => ['text', 'sent', CONSUMER])
            );
            assert.deepEqual(
                records.map((r) => r.platformMessageId),
                x.delivered.map((d) => d.eventId)
            );
        });

        it('continues one conversation across the Account Activity and X Activity API shapes', async () => {
            assert.match((await say('मेरे घर में सुबह से बिजली नहीं है', 'xaa')).join('\n'), /खाता नंबर/);
            assert.match((await say('1234567890', 'aaa')).join('\n'), /1\. हाँ/);
            assert.match((await say('1', 'xaa')).join('\n'), /C[0-9]{4}-[0-9]{4,}/);
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), 1);
        });

        it('runs a redelivered event once, sequentially and concurrently, also across shapes', async () => {
            const first = aaa([dmEvent('1860000000000000101', 'मेरे घर में सुबह से बिजली नहीं है')]);
            assert.equal(await post(first), 200);
            const replies = api.requests.length;
            assert.ok(replies > 0);
            assert.equal(await post(first), 200, 'a redelivery is acknowledged');
            assert.equal(await post(xaa([dmEvent('1860000000000000101', 'मेरे घर में सुबह से बिजली नहीं है')])), 200);
            assert.equal(api.requests.length, replies, 'and not processed again');

            const second = aaa([dmEvent('1860000000000000102', '1234567890')]);
            const statuses = await Promise.all([1, 2, 3, 4].map(() => post(second)));
            assert.deepEqual(statuses, [200, 200, 200, 200]);
            const confirmations = texts(api.requests.slice(replies));
            assert.equal(confirmations.filter((t) => /1\. हाँ/.test(t)).length, 1, `one confirmation: ${confirmations.join(' | ')}`);
            await Promise.all([1, 2, 3].map(() => post(aaa([dmEvent('1860000000000000103', '1')]))));
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), 1);
            assert.equal(texts(api.requests).filter((t) => /C[0-9]{4}-[0-9]{4,}/.test(t)).length, 1, 'one ticket DM');
            assert.equal(await bot.dataSource.getRepository(InboundMessage).count(), 3);
        });

        it('answers a batch of two DMs from two users in one body', async () => {
            const other = '3000000888';
            assert.equal(await post(aaa([dmEvent('11', 'नमस्ते'), dmEvent('12', 'hello', other)])), 200);
            const participants = new Set(api.requests.map((r) => r.path.split('/')[4]));
            assert.deepEqual([...participants].sort(), [CONSUMER, other]);
        });

        it('refuses a bad signature with 401 and records nothing', async () => {
            const body = aaa([dmEvent('21', 'मेरे घर में सुबह से बिजली नहीं है')]);
            const raw = Buffer.from(JSON.stringify(body));
            assert.equal(await post(body, signSha256('wrong secret', raw, 'base64')), 401);
            assert.equal(await post(body, 'sha256='), 401);
            assert.equal(api.requests.length, 0);
            assert.equal(await bot.dataSource.getRepository(InboundMessage).count(), 0);
            assert.equal(await store.lastInboundAt('twitter', CONSUMER), null);
            // The same event, correctly signed, is still processed: the rejected copies left no trace.
            assert.equal(await post(body), 200);
            assert.ok(api.requests.length > 0);
        });

        it('does not wait out a 429 inside the turn: without a host queue the DM is recorded as rate-limited', async () => {
            // The client as the channel builds it (no test retry settings): a retry would sleep until the reset.
            const plain = bot.app.prepareAdapter(
                new TwitterAdapter({
                    inbox: bot.app.inbox,
                    store,
                    logger: bot.app.logger,
                    consumerSecret: 'secret',
                    botUserId: BOT,
                    client: new TwitterClient({ apiUrl: api.url, tokens: token, logger: bot.app.logger }),
                })
            );
            const resetAt = Math.floor(Date.now() / 1000) + 120;
            api.failNext('POST', DM_PATH, 1, {
                status: 429,
                headers: { 'x-rate-limit-limit': '15', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetAt) },
                body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
            });
            const raw = Buffer.from(JSON.stringify(aaa([dmEvent('1860000000000000501', 'नमस्ते')])));
            assert.equal(
                (await plain.handleWebhook(raw, { 'x-twitter-webhooks-signature': signSha256('secret', raw, 'base64') }, (c) => bot.app.bot.run(c))).status,
                200
            );
            await plain.idle();
            assert.equal(api.requests.length, 1, 'asked once, not again after a wait');
            const [record] = await store.outboundFor('twitter', `${BOT}:${CONSUMER}`);
            assert.deepEqual([record.status, record.errorCode], ['failed', 'rate-limited']);
            assert.match(record.errorDetail ?? '', new RegExp(new Date(resetAt * 1000).toISOString().slice(0, 16)));
        });

        it('does not retry a permanent 400 and records the DM as failed', async () => {
            api.failNext('POST', DM_PATH, 1, {
                status: 400,
                body: {
                    errors: [{ parameters: { text: [''] }, message: 'text is invalid' }],
                    title: 'Invalid Request',
                    detail: 'One or more parameters to your request was invalid.',
                    type: 'https://api.twitter.com/2/problems/invalid-request',
                },
            });
            await say('मेरे घर में सुबह से बिजली नहीं है');
            assert.deepEqual(waits, [], 'no retry wait');
            const first = api.requests[0];
            assert.equal(api.requests.filter((r) => JSON.stringify(r.body) === JSON.stringify(first.body)).length, 1, 'the refused DM was not sent again');
            const [failed] = await store.outboundFor('twitter', `${BOT}:${CONSUMER}`);
            assert.equal(failed.status, 'failed');
            assert.equal(failed.platformMessageId, null);
            assert.equal(failed.errorCode, 'invalid-request');
            assert.match(failed.errorDetail ?? '', /HTTP 400/);
        });

        it('acknowledges an encrypted X Chat message, answers nothing, and logs and counts it', async () => {
            const counted = bot.app.prepareAdapter(
                new TwitterAdapter({
                    inbox: bot.app.inbox,
                    store,
                    logger: bot.app.logger,
                    observer: bot.app.metrics,
                    consumerSecret: 'secret',
                    botUserId: BOT,
                    client: new TwitterClient({ apiUrl: api.url, tokens: token, logger: bot.app.logger }),
                })
            );
            for (const name of ['xchat_received.json', 'xchat_received.json', 'xchat_sent.json']) {
                const raw = readFileSync(path.join(FIXTURES, name));
                const answer = await counted.handleWebhook(raw, { 'x-twitter-webhooks-signature': signSha256('secret', raw, 'base64') }, (c) =>
                    bot.app.bot.run(c)
                );
                assert.equal(answer.status, 200, name);
            }
            await counted.idle();
            assert.equal(api.requests.length, 0, 'no DM: the bot cannot read it, so it cannot answer it');
            const warnings = bot.logLines.filter((line) => line.includes('event the bot cannot read'));
            assert.equal(warnings.length, 3);
            assert.match(warnings[0], /"level":"warn"/);
            assert.match(warnings[0], /"kind":"chat.received"/);
            const metrics = (await bot.app.metrics.render()).body;
            assert.match(metrics, /bijli_inbound_unreadable_total\{channel="twitter",kind="chat.received"\} 2/);
            assert.match(metrics, /bijli_inbound_unreadable_total\{channel="twitter",kind="chat.sent"\} 1/);
        });

        it('sends proactive messages with continueConversationAsync', async () => {
            await say('नमस्ते');
            const before = api.requests.length;
            const incoming: Partial<Activity> = mapTwitterWebhook(aaa([dmEvent('31', 'x')]), BOT).items[0].activity;
            const reference = TurnContext.getConversationReference(incoming);
            await adapter.continueConversationAsync('', reference, async (context) => {
                await context.sendActivity('आपकी शिकायत C2611-0001 पर काम शुरू हो गया है।');
            });
            const [update] = api.requests.slice(before);
            assert.equal(update.path, `/2/dm_conversations/with/${CONSUMER}/messages`);
            assert.deepEqual(update.body, { text: 'आपकी शिकायत C2611-0001 पर काम शुरू हो गया है।' });
        });

        it('answers a photo-only DM politely', async () => {
            const media = {
                id_str: '1860000000000000555',
                media_url_https: 'https://ton.twimg.com/1.1/ton/data/dm/1/2/abc.jpg',
                url: 'https://t.co/AbCdEf',
                type: 'photo',
            };
            assert.equal(await post(aaa([dmEvent('41', 'https://t.co/AbCdEf', CONSUMER, { attachment: { type: 'media', media } })])), 200);
            const replies = texts(api.requests);
            assert.ok(replies.length > 0 && replies.every((t) => t.trim() !== ''), `replies: ${replies.join(' | ')}`);
        });
    });
});
