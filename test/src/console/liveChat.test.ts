import { strict as assert } from 'assert';
import { TurnContext } from 'botbuilder';
import type { Browser } from 'playwright-core';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { MessengerAdapter } from '../../../adapters/facebook/MessengerAdapter';
import { MessengerClient } from '../../../adapters/facebook/MessengerClient';
import { PlatformHttpClient } from '../../../adapters/shared/PlatformHttpClient';
import { WebhookAdapter } from '../../../adapters/shared/WebhookAdapter';
import { WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { ConfigError, loadConfig } from '../../../src/config';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { CallbackRequest } from '../../../src/data/entities/CallbackRequest';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Complaint } from '../../../src/data/entities/Complaint';
import { LiveChat } from '../../../src/data/entities/LiveChat';
import { LiveChatMessage } from '../../../src/data/entities/LiveChatMessage';
import { Official } from '../../../src/data/entities/Official';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { Scheduler } from '../../../src/Scheduler';
import { BotServer, startServer } from '../../../src/server';
import { launchChromium } from '../../support/browser';
import { ConsoleClient, startConsoleServer } from '../../support/ConsoleClient';
import { EmulatorClient } from '../../support/EmulatorClient';
import { ManualClock } from '../../support/ManualClock';
import { MessengerGraphStandIn } from '../../support/MessengerGraphStandIn';
import { whatsAppText } from '../../support/metaPayloads';
import { TestBot } from '../../support/TestBot';
import { WhatsAppCloudStandIn } from '../../support/WhatsAppCloudStandIn';

const DAY = 24 * 3600_000;
/** 11:00 in Lucknow: inside the default live-chat hours (08:00–20:00 India time). */
const IN_HOURS = '2026-12-07T11:00:00+05:30';
const JE = { username: 'je.vibhutikhand', password: 'demo-je-1' };
const OTHER_JE = { username: 'je.virajkhand', password: 'demo-je-4' };
const SDO = { username: 'sdo.gomtinagar', password: 'demo-sdo-1' };
const WA_SECRET = 'wa-live-secret';
const WA_PHONE_ID = '109876543777';

/** The transcript of chat `id`, as stored. */
async function lines(bot: TestBot, id: number): Promise<LiveChatMessage[]> {
    return bot.dataSource.getRepository(LiveChatMessage).find({ where: { chatId: id }, order: { id: 'ASC' } });
}

/** A console client signed in as `who`, its pages in English. */
async function official(base: string, who: { username: string; password: string }): Promise<ConsoleClient> {
    const client = new ConsoleClient(base);
    await client.signIn(who.username, who.password);
    assert.equal((await client.get('/console/language/en?next=/console')).status, 303);
    return client;
}

/** The text of the page's flash message. */
function flashOf(page: string): string {
    return /id="flash"[^>]*>([\s\S]*?)<\//.exec(page)?.[1] ?? '';
}

describe('live chat from the console', function () {
    this.timeout(60_000);

    it('reads LIVE_CHAT_HOURS in India time (08:00-20:00 by default, off, or past midnight) and names a bad value', () => {
        assert.deepEqual(loadConfig({}, null).liveChatHours, { from: 8 * 60, to: 20 * 60 });
        assert.equal(loadConfig({ LIVE_CHAT_HOURS: 'off' }, null).liveChatHours, null);
        assert.deepEqual(loadConfig({ LIVE_CHAT_HOURS: '22:00-06:30' }, null).liveChatHours, { from: 22 * 60, to: 6 * 60 + 30 });
        assert.throws(
            () => loadConfig({ LIVE_CHAT_HOURS: '8 to 8' }, null),
            (error: unknown) => error instanceof ConfigError && /LIVE_CHAT_HOURS must be HH:MM-HH:MM/.test(error.message)
        );
    });

    describe('on the Emulator', () => {
        let clock: ManualClock;
        let bot: TestBot;
        let server: BotServer;
        let base: string;
        let emulator: EmulatorClient;

        beforeEach(async () => {
            clock = new ManualClock(new Date(IN_HOURS));
            bot = await TestBot.create({ overrides: { now: clock.now } });
            server = await startConsoleServer(bot.app, clock.now);
            base = `http://127.0.0.1:${server.port}`;
            emulator = new EmulatorClient(`${base}/api/messages`, 'en-IN');
            await emulator.listen();
            await emulator.start();
            await emulator.say('english');
        });
        afterEach(async () => {
            await emulator.close();
            await server.close();
            await bot.close();
        });

        /** "Talk to an officer" for the Lucknow account: the chat waits for a person in Vibhuti Khand. */
        async function askForOfficer(): Promise<LiveChat> {
            const replies = (await emulator.say('talk to an officer')).concat(await emulator.say('1234567890'), await emulator.say('9876543210'));
            const text = replies.join('\n');
            assert.match(text, /Your callback request is recorded/, text);
            assert.match(text, /Live chat is open now \(08:00–20:00, India time\)/, text);
            assert.equal(await bot.dataSource.getRepository(CallbackRequest).count(), 1, 'the callback request is made as before');
            const chat = await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ channel: 'emulator', channelUserId: emulator.user.id });
            assert.ok(chat.waitingSince, 'waiting for a person');
            assert.equal(chat.subdivision, 'Vibhuti Khand');
            return chat;
        }

        /** The texts the Emulator received since record `from`. */
        const receivedSince = (from: number) => emulator.records.slice(from).map((r) => r.body.text ?? '');

        it('carries messages both ways while the bot stays silent, and the bot answers again after the hand back', async () => {
            const chat = await askForOfficer();
            const je = await official(base, JE);
            const list = await je.get('/console/conversations');
            assert.equal(list.status, 200);
            assert.match(list.text, new RegExp(`<tr data-chat="${chat.id}" class="breached">`), 'listed first, as waiting for a person');
            assert.match(list.text, /waiting for a person since/);

            let from = emulator.records.length;
            const taken = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            assert.match(flashOf(taken.text), /You hold this chat now/);
            assert.deepEqual(receivedSince(from), [
                'You are now chatting with Amit Kumar Verma, Junior Engineer, Vibhuti Khand. Write here and they will answer in this chat.',
            ]);

            // A message that would start a complaint: recorded and shown, and nothing from the bot.
            const silent = await emulator.say('no power since morning in our street');
            assert.deepEqual(silent, [], 'the bot says nothing');
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), 0, 'no complaint was started');
            const page = await je.get(`/console/conversations/${chat.id}`);
            assert.match(page.text, /no power since morning in our street/);
            assert.match(page.text, /id="live-reply"/);
            assert.match(page.text, /\*+890/, 'the account number the consumer typed is masked in the transcript');
            assert.doesNotMatch(page.text, /1234567890/);

            from = emulator.records.length;
            clock.advance(2 / 60);
            const sent = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/reply`, {
                text: 'The line team is on its way to your street.',
            });
            assert.match(flashOf(sent.text), /Sent\./);
            assert.deepEqual(receivedSince(from), ['The line team is on its way to your street.']);

            from = emulator.records.length;
            const back = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/hand-back`);
            assert.match(flashOf(back.text), /back with the bot/);
            assert.match(receivedSince(from).join('\n'), /Bijli Mitra \(the bot\) is answering again/);

            const answered = await emulator.say('no power since morning in our street');
            assert.ok(answered.length > 0, 'the bot answers again');
            assert.doesNotMatch(answered.join('\n'), /went wrong/);

            const stored = await lines(bot, chat.id);
            const authors = stored.map((l) => l.author);
            assert.ok(authors.includes('consumer') && authors.includes('bot') && authors.includes('official'));
            const held = stored.filter((l) => l.author === 'consumer' && l.heldBy !== null);
            assert.equal(held.length, 1, 'one message arrived while the JE held the chat');

            // The JE answered it within LIVE_CHAT_ANSWER_MINUTES (2 minutes later): 1 of 1 on the dashboard.
            const dashboard = await je.get('/console/dashboard');
            const row = /<tr data-official="je\.vibhutikhand">([\s\S]*?)<\/tr>/.exec(dashboard.text);
            assert.ok(row, dashboard.text);
            assert.match(row[1], /<td class="chats">1 of 1 \(100%\)<\/td>/);
            assert.match(row[1], /<td class="callbacks">—<\/td>/, 'the callback is not due yet');
        });

        it('keeps another subdivision’s JE out, even by crafted URL or POST; only one official holds a chat at a time', async () => {
            const chat = await askForOfficer();
            const other = await official(base, OTHER_JE);
            assert.doesNotMatch((await other.get('/console/conversations')).text, new RegExp(`data-chat="${chat.id}"`));
            assert.equal((await other.get(`/console/conversations/${chat.id}`)).status, 404);
            const crafted = await other.submit('/console/conversations', `/console/conversations/${chat.id}/take-over`);
            assert.equal(crafted.status, 404);
            assert.equal((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, null, 'nothing changed');

            const je = await official(base, JE);
            await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            const sdo = await official(base, SDO);
            const sdoPage = await sdo.get(`/console/conversations/${chat.id}`);
            assert.match(sdoPage.text, /Amit Kumar Verma is answering this consumer/);
            assert.doesNotMatch(sdoPage.text, /id="live-take-over"|id="live-reply"/);
            // A stale or crafted form from the SDO changes nothing.
            const csrf = /name="_csrf" value="([^"]+)"/.exec(sdoPage.text)![1];
            await sdo.post(`/console/conversations/${chat.id}/take-over`, { _csrf: csrf });
            await sdo.post(`/console/conversations/${chat.id}/reply`, { _csrf: csrf, text: 'Not the holder' });
            await sdo.post(`/console/conversations/${chat.id}/hand-back`, { _csrf: csrf });
            const je1 = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: JE.username });
            assert.equal((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, je1.id);
            assert.ok(!emulator.records.some((r) => r.body.text === 'Not the holder'));
            // Without the CSRF token nothing is done either.
            assert.equal((await je.post(`/console/conversations/${chat.id}/hand-back`, {})).status, 403);
            assert.equal((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, je1.id);

            // Two take-overs at the same moment: one wins.
            await bot.app.liveChat.handBack(chat.id, je1.id);
            const sdo1 = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: SDO.username });
            const results = await Promise.all([bot.app.liveChat.takeOver(chat.id, je1), bot.app.liveChat.takeOver(chat.id, sdo1)]);
            assert.deepEqual([...results].sort(), ['held', 'taken']);
        });

        it('ends a forgotten takeover after the idle time on the scheduler’s pass, and tells the consumer', async () => {
            const chat = await askForOfficer();
            const je = await official(base, JE);
            await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            const scheduler = new Scheduler(bot.app, [], async () => undefined, { intervalSeconds: 60, billReminderDaysBefore: 3 });
            clock.advance(14 / 60);
            await scheduler.pass(clock.now());
            assert.notEqual((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, null, 'not idle yet');
            const from = emulator.records.length;
            clock.advance(2 / 60);
            await scheduler.pass(clock.now());
            assert.equal((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, null);
            assert.match(receivedSince(from).join('\n'), /has not written for 15 minutes, so the chat has ended/);
            const reply = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            assert.match(flashOf(reply.text), /You hold this chat now/, 'it can be taken again');

            // Transcripts are kept 90 days; the scheduler's pruning forgets older lines, never a held chat.
            const kept = (await lines(bot, chat.id)).length;
            clock.advance(89 * 24);
            await scheduler.prune();
            assert.equal((await lines(bot, chat.id)).length, kept);
            clock.advance(2 * 24);
            await scheduler.prune();
            assert.equal((await lines(bot, chat.id)).length, 0);
            assert.ok(await bot.dataSource.getRepository(LiveChat).findOneBy({ id: chat.id }), 'the held chat itself stays');
        });

        it('outside live-chat hours says it is closed, offers nothing and refuses a take-over', async () => {
            const chat = await askForOfficer();
            clock.time = new Date('2026-12-07T21:30:00+05:30');
            const je = await official(base, JE);
            const list = await je.get('/console/conversations');
            assert.match(list.text, /Live chat is closed now\. It is open 08:00–20:00 \(India time\)/);
            assert.doesNotMatch(list.text, /data-chat=/);
            const page = await je.get(`/console/conversations/${chat.id}`);
            assert.doesNotMatch(page.text, /id="live-take-over"/);
            const refused = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            assert.match(flashOf(refused.text), /Live chat is closed now/);
            assert.equal((await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ id: chat.id })).heldBy, null);

            // "Talk to an officer" at night, once the first request was dealt with on a call: a new callback request as
            // before, no live chat promised.
            const first = await bot.dataSource.getRepository(CallbackRequest).findOneOrFail({ where: {}, order: { id: 'DESC' } });
            await bot.app.callbacks.recordOutcome(first.id, first.assignedOfficialId!, 'resolved', 'sorted out on the call');
            const night = (await emulator.say('talk to an officer')).concat(await emulator.say('1234567890'), await emulator.say('9876543210')).join('\n');
            assert.match(night, /Your callback request is recorded/);
            assert.doesNotMatch(night, /Live chat is open/);
        });
    });

    describe('on WhatsApp (real webhooks through the stand-in)', () => {
        let bot: TestBot;
        let api: WhatsAppCloudStandIn;
        let server: BotServer;
        let adapter: WebhookAdapter;
        let base: string;
        const waId = '919415012345';

        beforeEach(async () => {
            api = new WhatsAppCloudStandIn({ phoneNumberId: WA_PHONE_ID, accessToken: 'WA-TOKEN' });
            await api.start();
            const settings: WhatsAppSettings = {
                appSecret: WA_SECRET,
                phoneNumberId: WA_PHONE_ID,
                verifyToken: 'wa-verify',
                accessToken: 'WA-TOKEN',
                apiUrl: api.url,
                maxMessagesPerSecond: 1000,
                templates: null,
            };
            // Live chat all day, so the test does not depend on the hour it runs at.
            bot = await TestBot.create({ config: { channels: { whatsapp: settings }, liveChatHours: { from: 0, to: 24 * 60 } } });
            const channels = createChannelAdapters(bot.app);
            adapter = channels[0].adapter;
            server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels, {
                console: { secureCookies: false },
            });
            base = `http://127.0.0.1:${server.port}`;
            api.webhook = { url: `${base}/webhooks/whatsapp`, appSecret: WA_SECRET };
        });
        afterEach(async () => {
            await adapter.idle();
            await server.close();
            await api.stop();
            await bot.close();
        });

        /** The consumer writes `text`; the texts WhatsApp accepted for them in that turn. */
        async function say(text: string): Promise<string[]> {
            const before = api.accepted.length;
            assert.equal(await api.post(whatsAppText(WA_PHONE_ID, waId, text)), 200);
            await adapter.idle();
            return api.accepted.slice(before).map((m) => JSON.stringify(m.body));
        }

        it('takes over, keeps the bot silent, replies on WhatsApp, refuses clearly outside the 24-hour window, and hands back', async () => {
            await say('english');
            await say('talk to an officer');
            await say('1234567890');
            const recorded = await say('9876543210');
            assert.match(recorded.join('\n'), /Live chat is open now/);
            const chat = await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ channel: 'whatsapp', channelUserId: waId });

            const je = await official(base, JE);
            let before = api.accepted.length;
            await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/take-over`);
            assert.match(
                JSON.stringify(api.accepted.slice(before).map((m) => m.body)),
                /You are now chatting with Amit Kumar Verma, Junior Engineer, Vibhuti Khand/
            );

            assert.deepEqual(await say('no power since morning in our street'), [], 'the bot stays silent');
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), 0);
            assert.match((await je.get(`/console/conversations/${chat.id}`)).text, /no power since morning in our street/);

            before = api.accepted.length;
            await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/reply`, { text: 'Team is on the way' });
            const reply = api.accepted.slice(before);
            assert.equal(reply.length, 1);
            assert.equal(reply[0].recipient, waId);
            assert.equal((reply[0].body as { text?: { body?: string } }).text?.body, 'Team is on the way');

            // More than 24 hours since the consumer wrote: WhatsApp would refuse free text, so the console says so and sends nothing.
            await bot.dataSource
                .getRepository(ChannelIdentity)
                .update({ channel: 'whatsapp', channelUserId: waId }, { lastInboundAt: new Date(Date.now() - 25 * 3600_000) });
            before = api.accepted.length;
            const refused = await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/reply`, { text: 'Are you there?' });
            assert.match(flashOf(refused.text), /WhatsApp allows a free reply only within 24 hours/);
            assert.match(refused.text, /id="whatsapp-window"/);
            assert.equal(api.accepted.length, before, 'nothing sent');
            const last = (await lines(bot, chat.id)).at(-1)!;
            assert.deepEqual([last.author, last.status, last.errorCode], ['official', 'undeliverable', 'whatsapp_window_closed']);

            await say('hello?');
            before = api.accepted.length;
            await je.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/hand-back`);
            assert.match(JSON.stringify(api.accepted.slice(before).map((m) => m.body)), /is answering again/);
            const answered = await say('no power since morning in our street');
            assert.ok(answered.length > 0, 'the bot answers again');
        });
    });

    describe('on Messenger (HUMAN_AGENT)', () => {
        let bot: TestBot;
        let graph: MessengerGraphStandIn;
        let adapter: MessengerAdapter;
        let server: BotServer;
        const PAGE = '1061234567890';
        const psid = '7123456789099001';

        before(async () => {
            bot = await TestBot.create({ config: { liveChatHours: { from: 0, to: 24 * 60 } } });
            graph = new MessengerGraphStandIn({ pageToken: 'PAGE', pageId: PAGE });
            await graph.start();
            const http = new PlatformHttpClient({ ...MessengerClient.httpOptions(bot.app.logger), sleep: async () => undefined });
            const client = new MessengerClient({ apiUrl: graph.url, pageAccessToken: 'PAGE', logger: bot.app.logger, http });
            adapter = bot.app.prepareAdapter(
                new MessengerAdapter({ inbox: bot.app.inbox, store: bot.app.channelStore, logger: bot.app.logger, appSecret: 's', verifyToken: 't', client })
            );
            server = await startConsoleServer(bot.app);
        });
        after(async () => {
            await adapter?.idle();
            await server?.close();
            await graph?.stop();
            await bot?.close();
        });

        /** A Messenger chat of Vibhuti Khand whose consumer last wrote `daysAgo` days ago, held by the JE. */
        async function heldChat(daysAgo: number): Promise<{ chat: LiveChat; je: Official }> {
            const wrote = new Date(Date.now() - daysAgo * DAY);
            graph.reset();
            graph.userWrote(psid, wrote.getTime());
            await bot.app.channelStore.markInbound('facebook', psid, wrote);
            const reference = {
                channelId: 'facebook',
                serviceUrl: 'facebook:',
                conversation: { id: `${PAGE}:${psid}`, isGroup: false, conversationType: 'personal', name: '' },
                user: { id: psid, name: '' },
                bot: { id: PAGE, name: '' },
            };
            const chats = bot.dataSource.getRepository(LiveChat);
            await chats.delete({ channel: 'facebook', channelUserId: psid });
            const chat = await chats.save(
                chats.create({
                    channel: 'facebook',
                    channelUserId: psid,
                    conversationRef: JSON.stringify(reference),
                    discom: 'MVVNL',
                    subdivision: 'Vibhuti Khand',
                    lastInboundAt: wrote,
                })
            );
            const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: JE.username });
            assert.equal(await bot.app.liveChat.takeOver(chat.id, je), 'taken');
            return { chat, je };
        }

        it('sends a person’s reply with the HUMAN_AGENT tag after 24 hours, and the bot’s own notice never with it', async () => {
            const { chat, je } = await heldChat(3);
            assert.ok(!graph.accepted.some((a) => a.body.tag === 'HUMAN_AGENT'), 'the takeover notice (the bot’s) is not tagged');
            assert.deepEqual(await bot.app.liveChat.reply(chat.id, je, 'Main JE hoon, line theek ho rahi hai.'), { sent: true });
            const sent = graph.messagesTo(psid).at(-1)!;
            assert.deepEqual(sent.body, {
                recipient: { id: psid },
                messaging_type: 'MESSAGE_TAG',
                tag: 'HUMAN_AGENT',
                message: { text: 'Main JE hoon, line theek ho rahi hai.' },
            });
        });

        it('inside 24 hours the reply is an ordinary update; after 7 days Meta refuses it and the console is told why', async () => {
            const recent = await heldChat(0.5);
            assert.deepEqual(await bot.app.liveChat.reply(recent.chat.id, recent.je, 'Hello'), { sent: true });
            assert.equal(graph.messagesTo(psid).at(-1)!.body.messaging_type, 'UPDATE');

            const { chat } = await heldChat(8);
            const jeConsole = await official(`http://127.0.0.1:${server.port}`, JE);
            const refused = await jeConsole.submit(`/console/conversations/${chat.id}`, `/console/conversations/${chat.id}/reply`, {
                text: 'Are you still without power?',
            });
            assert.match(flashOf(refused.text), /Messenger allows an official&#39;s reply only within 7 days/);
            assert.ok(
                graph.refused.some((r) => r.error.code === 10 && r.error.subcode === 2018278),
                'Graph refused the HUMAN_AGENT send'
            );
            assert.ok(!graph.messagesTo(psid).some((a) => a.body.message?.text === 'Are you still without power?'));
            const record = await bot.dataSource.getRepository(OutboundMessage).findOneOrFail({ where: { channel: 'facebook' }, order: { id: 'DESC' } });
            assert.deepEqual([record.status, record.errorCode], ['undeliverable', 'human_agent_window_closed']);
            const last = (await lines(bot, chat.id)).at(-1)!;
            assert.deepEqual([last.author, last.status, last.errorCode], ['official', 'failed', 'human_agent_window_closed']);
        });

        it('a proactive turn of the bot in a held chat is recorded in the transcript', async () => {
            const { chat } = await heldChat(0.5);
            await adapter.continueConversationAsync('', JSON.parse(chat.conversationRef!), async (context: TurnContext) => {
                await context.sendActivity('Complaint C2612-0001 is resolved.');
            });
            assert.equal((await lines(bot, chat.id)).at(-1)!.text, 'Complaint C2612-0001 is resolved.');
        });
    });

    describe('the conversation page in headless Chromium', function () {
        this.timeout(120_000);
        let browser: Browser;
        let bot: TestBot;
        let server: BotServer;

        before(async () => {
            browser = await launchChromium();
            bot = await TestBot.create({ config: { liveChatHours: { from: 0, to: 24 * 60 } } });
            server = await startConsoleServer(bot.app);
        });
        after(async () => {
            await browser?.close();
            await server?.close();
            await bot?.close();
        });

        it('lists the waiting chat, shows its transcript and takes it over with the browser’s own forms', async () => {
            const base = `http://127.0.0.1:${server.port}`;
            const emulator = new EmulatorClient(`${base}/api/messages`, 'en-IN');
            await emulator.listen();
            try {
                await emulator.start();
                for (const text of ['english', 'talk to an officer', '1234567890', '9876543210']) await emulator.say(text);
                const chat = await bot.dataSource.getRepository(LiveChat).findOneByOrFail({ channel: 'emulator' });
                const context = await browser.newContext({ locale: 'en-IN', viewport: { width: 390, height: 844 } });
                const errors: string[] = [];
                const page = await context.newPage();
                page.on('pageerror', (error) => errors.push(error.message));
                await page.goto(`${base}/console/sign-in`);
                await page.fill('#username', JE.username);
                await page.fill('#password', JE.password);
                await Promise.all([page.waitForURL(`${base}/console`), page.click('#sign-in')]);
                await Promise.all([page.waitForURL(/\/console$/), page.click('#language-switch')]);
                await Promise.all([page.waitForURL(`${base}/console/conversations`), page.click('#nav-conversations')]);
                assert.equal((await page.textContent('h1'))?.trim(), 'Live chat');
                await Promise.all([page.waitForURL(`${base}/console/conversations/${chat.id}`), page.click(`tr[data-chat="${chat.id}"] a`)]);
                const transcript = await page.locator('#transcript li').allInnerTexts();
                assert.ok(transcript.some((l) => /talk to an officer/.test(l)));
                assert.ok(!transcript.some((l) => /1234567890/.test(l)), 'numbers masked');
                await Promise.all([page.waitForURL(`${base}/console/conversations/${chat.id}`), page.click('#live-take-over button')]);
                assert.match((await page.textContent('#flash')) ?? '', /You hold this chat now/);
                await page.fill('#reply-text', 'Hello from the JE');
                await Promise.all([page.waitForURL(`${base}/console/conversations/${chat.id}`), page.click('#live-reply button')]);
                assert.match((await page.locator('#transcript li').last().innerText()) ?? '', /Amit Kumar Verma[\s\S]*Hello from the JE/);
                assert.ok(emulator.records.some((r) => r.body.text === 'Hello from the JE'));
                assert.deepEqual(errors, []);
                await context.close();
            } finally {
                await emulator.close();
            }
        });
    });
});
