import { strict as assert } from 'assert';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { Activity } from 'botbuilder';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { MessengerSettings } from '../../../adapters/facebook/messengerChannel';
import { renderMessenger } from '../../../adapters/facebook/renderMessenger';
import { PlatformHttpClient } from '../../../adapters/shared/PlatformHttpClient';
import { signSha256 } from '../../../adapters/shared/webhookSignature';
import { WebhookAdapter } from '../../../adapters/shared/WebhookAdapter';
import { renderTwitter } from '../../../adapters/twitter/renderTwitter';
import { TwitterAdapter } from '../../../adapters/twitter/TwitterAdapter';
import { twitterChannel } from '../../../adapters/twitter/twitterChannel';
import { TwitterClient } from '../../../adapters/twitter/TwitterClient';
import { renderWhatsApp } from '../../../adapters/whatsapp/renderWhatsApp';
import { WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { ChannelOutput } from '../../../src/bot/ChannelOutput';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { DirectoryMediaStore } from '../../../src/media/DirectoryMediaStore';
import { BotServer, startServer } from '../../../src/server';
import { ApiStandIn } from '../../support/ApiStandIn';
import { MessengerGraphStandIn } from '../../support/MessengerGraphStandIn';
import { metaHeaders, metaWireJson, whatsAppText } from '../../support/metaPayloads';
import { TestBot } from '../../support/TestBot';
import { WhatsAppCloudStandIn } from '../../support/WhatsAppCloudStandIn';
import { XApiStandIn } from '../../support/XApiStandIn';

const PUBLIC = 'https://bot.example.in';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PHOTO_URL = `${PUBLIC}/photos/${'a'.repeat(43)}`;

/** An activity carrying one image and `text`, as ChannelOutput builds it for a channel that shows images. */
function imageActivity(text: string, url = PHOTO_URL): Partial<Activity> {
    return { type: 'message', text, attachments: [{ contentType: 'image/png', contentUrl: url }] };
}

describe('after-repair photo: rendering per channel', () => {
    it('WhatsApp: an image message with the text as its caption; a long text after a bare image; a non-HTTPS address as a link', () => {
        const [part] = renderWhatsApp(imageActivity('Photo of the repair'), { listButton: 'Options' });
        assert.deepEqual(part.message, { type: 'image', image: { link: PHOTO_URL, caption: 'Photo of the repair' } });
        const long = renderWhatsApp(imageActivity('फ़ोटो '.repeat(300)), { listButton: 'Options' });
        assert.deepEqual(long[0].message, { type: 'image', image: { link: PHOTO_URL } }, 'over 1,024 code points: no caption');
        assert.equal(long[1].kind, 'text');
        const plain = renderWhatsApp(imageActivity('Photo', 'http://127.0.0.1:3978/photos/x'), { listButton: 'Options' });
        assert.deepEqual(
            plain.map((p) => p.kind),
            ['text']
        );
        assert.match(JSON.stringify(plain[0].message), /Photo\\nhttp:\/\/127\.0\.0\.1:3978\/photos\/x/);
    });

    it('Messenger: the text as its own message, then the image as an attachment (url, is_reusable); before quick replies', () => {
        const parts = renderMessenger(imageActivity('Photo of the repair'));
        assert.deepEqual(parts[0].message, { text: 'Photo of the repair' });
        assert.deepEqual(parts[1].message, { attachment: { type: 'image', payload: { url: PHOTO_URL, is_reusable: true } } });
        const asking = renderMessenger({ ...imageActivity('Fixed?'), suggestedActions: { actions: [{ type: 'imBack', title: 'Yes', value: 'Yes' }], to: [] } });
        assert.equal(asking[0].kind, 'image');
        assert.equal(asking[1].kind, 'quick_replies', 'quick replies stay on the last message');
    });

    it('X: no DM media upload, so the image goes as a link in the text', () => {
        const parts = renderTwitter(imageActivity('Photo of the repair'));
        assert.deepEqual(parts, [{ kind: 'text', text: `Photo of the repair\n${PHOTO_URL}` }]);
    });

    it('ChannelOutput: an attachment where the channel declares images, else the caption with the link', () => {
        const output = new ChannelOutput();
        output.register('twitter', twitterChannel.choices, twitterChannel.images);
        output.register('whatsapp', { buttons: 3, buttonTitle: 20 }, true);
        assert.deepEqual(output.renderImage('twitter', 'Photo', PHOTO_URL, 'image/png'), { type: 'message', text: `Photo\n${PHOTO_URL}` });
        assert.deepEqual(output.renderImage('terminal', 'Photo', PHOTO_URL, 'image/png'), { type: 'message', text: `Photo\n${PHOTO_URL}` });
        assert.deepEqual(output.renderImage('whatsapp', 'Photo', PHOTO_URL, 'image/png').attachments, [{ contentType: 'image/png', contentUrl: PHOTO_URL }]);
        assert.ok(output.renderImage('emulator', 'Photo', PHOTO_URL, 'image/png').attachments, 'the Emulator gets a normal attachment');
    });
});

describe('after-repair photo: the stand-ins check image messages as the platforms do', () => {
    it('WhatsApp refuses an http link, an image with both id and link, and a caption over 1,024 characters', async () => {
        const api = new WhatsAppCloudStandIn({ phoneNumberId: '1', accessToken: 'T' });
        await api.start();
        try {
            const send = async (image: object) => {
                const res = await fetch(`${api.url}/1/messages`, {
                    method: 'POST',
                    headers: { authorization: 'Bearer T', 'content-type': 'application/json' },
                    body: JSON.stringify({ messaging_product: 'whatsapp', to: '919000000001', type: 'image', image }),
                });
                return res.status;
            };
            assert.equal(await send({ link: PHOTO_URL, caption: 'ok' }), 200);
            assert.equal(await send({ link: 'http://bot.example.in/photos/x' }), 400);
            assert.equal(await send({ link: PHOTO_URL, id: '123' }), 400);
            assert.equal(await send({ link: PHOTO_URL, caption: 'x'.repeat(1025) }), 400);
            assert.equal(await send({ link: PHOTO_URL, filename: 'a.png' }), 400);
        } finally {
            await api.stop();
        }
    });

    it('Messenger refuses an http url, text beside an attachment and unknown payload keys', async () => {
        const graph = new MessengerGraphStandIn({ pageToken: 'P', pageId: '1' });
        await graph.start();
        try {
            graph.userWrote('psid-1');
            const send = async (message: object) => {
                const res = await fetch(`${graph.url}/me/messages?access_token=P`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ recipient: { id: 'psid-1' }, messaging_type: 'RESPONSE', message }),
                });
                return res.status;
            };
            assert.equal(await send({ attachment: { type: 'image', payload: { url: PHOTO_URL, is_reusable: true } } }), 200);
            assert.equal(await send({ attachment: { type: 'image', payload: { url: 'http://bot.example.in/x' } } }), 400);
            assert.equal(await send({ text: 'Photo', attachment: { type: 'image', payload: { url: PHOTO_URL } } }), 400);
            assert.equal(await send({ attachment: { type: 'image', payload: { url: PHOTO_URL, caption: 'x' } } }), 400);
            assert.equal(await send({ attachment: { type: 'picture', payload: { url: PHOTO_URL } } }), 400);
        } finally {
            await graph.stop();
        }
    });
});

/** Starts a bot with a media directory of its own and PUBLIC_BASE_URL set; `channels` as configured. */
async function photoBot(channels: Record<string, unknown>): Promise<{ bot: TestBot; mediaDir: string }> {
    const mediaDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bm-repair-ch-'));
    const bot = await TestBot.create({ config: { publicBaseUrl: PUBLIC, channels }, overrides: { mediaStore: new DirectoryMediaStore(mediaDir) } });
    return { bot, mediaDir };
}

/** Resolves `complaint` with a photo, as the console does: the photo is kept first, then the resolution carries it. */
async function resolveWithPhoto(bot: TestBot, complaint: Complaint): Promise<string> {
    const photo = await bot.app.repairPhotos.attach(complaint.id, complaint.assignedOfficialId!, PNG);
    assert.ok(photo.publicUrl);
    await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'fuse replaced', { url: photo.publicUrl, contentType: photo.contentType });
    return photo.publicUrl;
}

/** Fetches a public photo address from the bot's server on loopback, as the platform would from the public host. */
async function fetchAsPlatform(server: BotServer, url: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${server.port}${url.slice(PUBLIC.length)}`);
}

describe('after-repair photo on WhatsApp, through the webhook and the strict stand-in', function () {
    this.timeout(60_000);
    const SECRET = 'wa-secret';
    const PHONE_ID = '109876543210';
    let api: WhatsAppCloudStandIn;
    let bot: TestBot;
    let mediaDir: string;
    let server: BotServer;
    let adapter: WebhookAdapter;

    beforeEach(async () => {
        api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'WA-TOKEN' });
        await api.start();
        const whatsapp: WhatsAppSettings = {
            appSecret: SECRET,
            verifyToken: 'v',
            accessToken: 'WA-TOKEN',
            phoneNumberId: PHONE_ID,
            apiUrl: api.url,
            maxMessagesPerSecond: 80,
            templates: null,
        };
        ({ bot, mediaDir } = await photoBot({ whatsapp }));
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
    });
    afterEach(async () => {
        await adapter.idle();
        await server.close();
        await api.stop();
        await bot.close();
        await fs.rm(mediaDir, { recursive: true, force: true });
    });

    async function say(waId: string, text: string): Promise<void> {
        const raw = metaWireJson(whatsAppText(PHONE_ID, waId, text));
        const res = await fetch(`http://127.0.0.1:${server.port}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
        assert.equal(res.status, 200);
        await adapter.idle();
    }

    it('sends the photo as an image message with its caption, then "is it fixed?" as buttons; WhatsApp can fetch it', async () => {
        const waId = '919000000541';
        for (const text of ['मेरे घर में सुबह से बिजली नहीं है', '1234567890', 'हाँ']) await say(waId, text);
        const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: waId });
        const before = api.accepted.length;
        const url = await resolveWithPhoto(bot, complaint);
        const sent = api.accepted.slice(before).map((a) => a.body as Record<string, any>);
        const image = sent.findIndex((b) => b.type === 'image');
        assert.ok(image >= 0, JSON.stringify(sent));
        assert.equal(sent[image].image.link, url);
        assert.match(sent[image].image.caption, new RegExp(`शिकायत ${complaint.ticket} की मरम्मत के बाद की फ़ोटो`));
        const question = sent.findIndex((b) => b.type === 'interactive');
        assert.ok(question > image, 'the question follows the photo');
        assert.match(sent[question].interactive.body.text, /क्या समस्या सच में हल हो गई/);
        const fetched = await fetchAsPlatform(server, url);
        assert.equal(fetched.status, 200);
        assert.equal(fetched.headers.get('content-type'), 'image/png');
    });
});

describe('after-repair photo on Messenger, through the webhook and the strict stand-in', function () {
    this.timeout(60_000);
    const SECRET = 'fb-secret';
    const PAGE = '104209652421097';
    let graph: MessengerGraphStandIn;
    let bot: TestBot;
    let mediaDir: string;
    let server: BotServer;
    let adapter: WebhookAdapter;
    let mid = 0;

    beforeEach(async () => {
        graph = new MessengerGraphStandIn({ pageToken: 'PAGE', pageId: PAGE });
        await graph.start();
        const facebook: MessengerSettings = { appSecret: SECRET, verifyToken: 'v', pageAccessToken: 'PAGE', apiUrl: graph.url };
        ({ bot, mediaDir } = await photoBot({ facebook }));
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
    });
    afterEach(async () => {
        await adapter.idle();
        await server.close();
        await graph.stop();
        await bot.close();
        await fs.rm(mediaDir, { recursive: true, force: true });
    });

    async function say(psid: string, text: string): Promise<void> {
        graph.userWrote(psid);
        const event = { sender: { id: psid }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: `m_${++mid}_${'x'.repeat(40)}`, text } };
        const raw = metaWireJson({ object: 'page', entry: [{ id: PAGE, time: Date.now(), messaging: [event] }] });
        const res = await fetch(`http://127.0.0.1:${server.port}/webhooks/facebook`, { method: 'POST', headers: metaHeaders(raw, SECRET), body: raw });
        assert.equal(res.status, 200);
        await adapter.idle();
    }

    it('sends the caption, the photo as an image attachment (url, is_reusable), then "is it fixed?" with quick replies', async () => {
        const psid = '7000000000000541';
        for (const text of ['no power since morning in our street', '1234567890', 'yes']) await say(psid, text);
        const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: psid });
        assert.ok(complaint, 'registered');
        const before = graph.messagesTo(psid).length;
        const url = await resolveWithPhoto(bot, complaint);
        const sent = graph
            .messagesTo(psid)
            .slice(before)
            .map((a) => a.body.message as Record<string, any>);
        const image = sent.findIndex((m) => m.attachment !== undefined);
        assert.ok(image >= 0, JSON.stringify(sent));
        assert.deepEqual(sent[image].attachment, { type: 'image', payload: { url, is_reusable: true } });
        const caption = sent.findIndex((m) => new RegExp(`Photo of the repair for complaint ${complaint.ticket}`).test(m.text ?? ''));
        assert.ok(caption >= 0 && caption < image, 'the caption comes as text just before the photo');
        const question = sent.findIndex((m) => (m.quick_replies ?? []).length > 0);
        assert.ok(question > image, 'the question follows the photo');
        assert.equal((await fetchAsPlatform(server, url)).status, 200);
    });
});

describe('after-repair photo on X, a channel without images', function () {
    this.timeout(60_000);
    const BOT = '3000000001';
    const CONSUMER = '3000000777';
    let x: XApiStandIn;
    let api: ApiStandIn;
    let bot: TestBot;
    let mediaDir: string;
    let adapter: TwitterAdapter;
    let event = 5000;

    beforeEach(async () => {
        ({ bot, mediaDir } = await photoBot({}));
        x = await XApiStandIn.start({ botUserId: BOT, clientId: 'client-id' });
        api = x.api;
        // As createChannelAdapters registers the channel: its choices, and no images.
        bot.app.services.output.register('twitter', twitterChannel.choices, twitterChannel.images);
        const http = new PlatformHttpClient({ platform: 'X', logger: bot.app.logger, sleep: async () => undefined });
        adapter = bot.app.prepareAdapter(
            new TwitterAdapter({
                inbox: bot.app.inbox,
                store: new ChannelStore(bot.app.db),
                logger: bot.app.logger,
                consumerSecret: 'secret',
                botUserId: BOT,
                client: new TwitterClient({ apiUrl: api.url, tokens: x.issueAccessToken(), logger: bot.app.logger, http }),
            })
        );
    });
    afterEach(async () => {
        await adapter.idle();
        await x.stop();
        await bot.close();
        await fs.rm(mediaDir, { recursive: true, force: true });
    });

    async function say(text: string): Promise<void> {
        const body = {
            for_user_id: BOT,
            direct_message_events: [
                {
                    type: 'message_create',
                    id: `1860000000000${event++}`,
                    created_timestamp: String(Date.now()),
                    message_create: { target: { recipient_id: BOT }, sender_id: CONSUMER, message_data: { text } },
                },
            ],
            users: { [CONSUMER]: { name: 'Consumer Example', screen_name: 'consumer_example' } },
        };
        const raw = Buffer.from(JSON.stringify(body));
        const answer = await adapter.handleWebhook(raw, { 'x-twitter-webhooks-signature': signSha256('secret', raw, 'base64') }, (context) =>
            bot.app.bot.run(context)
        );
        assert.equal(answer.status, 200);
        await adapter.idle();
    }

    it('sends the photo as a link under its caption, then "is it fixed?"', async () => {
        for (const text of ['no power since morning in our street', '1234567890', 'yes']) await say(text);
        const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: CONSUMER });
        assert.ok(complaint, 'registered');
        const before = api.requests.length;
        const url = await resolveWithPhoto(bot, complaint);
        // The adapter may join the turn's messages into one DM: the link comes first, the question after it.
        const all = api.requests
            .slice(before)
            .map((r) => String((r.body as { text?: string }).text ?? ''))
            .join('\n');
        const link = all.indexOf(url);
        assert.ok(link >= 0, all);
        assert.match(all, new RegExp(`Photo of the repair for complaint ${complaint.ticket}, sent by the officer:\\n${url}`));
        assert.ok(all.indexOf('Is the problem really solved?') > link, all);
    });
});
