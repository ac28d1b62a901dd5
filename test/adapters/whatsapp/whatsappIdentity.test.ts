import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../../adapters/emulator/createEmulatorAdapter';
import { InMemoryIdentityAliases } from '../../../adapters/shared/InMemoryIdentityAliases';
import { IdentityAliases, silentLogger } from '../../../adapters/shared/ports';
import { WebhookAdapter } from '../../../adapters/shared/WebhookAdapter';
import { mapWhatsAppWebhook } from '../../../adapters/whatsapp/mapWhatsAppWebhook';
import { WhatsAppIdentities } from '../../../adapters/whatsapp/WhatsAppIdentities';
import { WhatsAppSettings } from '../../../adapters/whatsapp/whatsAppChannel';
import { createChannelAdapters } from '../../../src/createChannelAdapters';
import { openDatabase } from '../../../src/data/createDataSource';
import { Database } from '../../../src/data/Database';
import { AccountLink } from '../../../src/data/entities/AccountLink';
import { ChannelIdentity } from '../../../src/data/entities/ChannelIdentity';
import { Complaint } from '../../../src/data/entities/Complaint';
import { OutboundMessage } from '../../../src/data/entities/OutboundMessage';
import { IdentityAliases1765200000000 } from '../../../src/data/migrations/1765200000000-IdentityAliases';
import { ChannelStore } from '../../../src/inbox/ChannelStore';
import { IdentityAliasStore } from '../../../src/inbox/IdentityAliasStore';
import { BotServer, startServer } from '../../../src/server';
import { fixture } from '../../support/metaPayloads';
import { freshPostgresSchema } from '../../support/postgres';
import { TestBot } from '../../support/TestBot';
import { WhatsAppCloudStandIn } from '../../support/WhatsAppCloudStandIn';

const SECRET = 'wa-app-secret';
const PHONE_ID = '109876543210';
const TEMPLATES = {
    hi: { name: 'complaint_update_hi', language: 'hi', body: 'बिजली मित्र की सूचना: {{1}}' },
    en: { name: 'complaint_update', language: 'en', body: 'Bijli Mitra update: {{1}}' },
};

/** The ids a test user writes with: a number, a business-scoped id, or both. */
interface Ids {
    phone?: string;
    user?: string;
}

let sequence = 0;
const now = () => Math.floor(Date.now() / 1000);

/** A signed-webhook body with one message from `ids`, as WhatsApp sends it (contacts and from/from_user_id). */
function messageFrom(ids: Ids, content: Record<string, unknown>, options: { id?: string; at?: number } = {}): object {
    return envelope({
        contacts: [{ profile: { name: 'Consumer' }, ...(ids.phone ? { wa_id: ids.phone } : {}), ...(ids.user ? { user_id: ids.user } : {}) }],
        messages: [
            {
                ...(ids.phone ? { from: ids.phone } : {}),
                ...(ids.user ? { from_user_id: ids.user } : {}),
                id: options.id ?? `wamid.identity${++sequence}`,
                timestamp: String(options.at ?? now()),
                ...content,
            },
        ],
    });
}

const text = (body: string) => ({ type: 'text', text: { body } });
const tap = (answer: string) => ({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: answer, title: answer } } });

/** The `system` message of a number change, from the documented fixture, with these users' ids. */
function numberChanged(previous: Ids, current: Ids, options: { id?: string; at?: number } = {}): object {
    const body = fixture('whatsapp/system_user_changed_number.json');
    const value = body.entry[0].changes[0].value;
    value.metadata.phone_number_id = PHONE_ID;
    const message = value.messages[0];
    message.id = options.id ?? `wamid.system${++sequence}`;
    message.timestamp = String(options.at ?? now());
    message.from = previous.phone;
    message.from_user_id = previous.user;
    Object.assign(message.system, { wa_id: current.phone, user_id: current.user, previous_user_id: previous.user, body: 'User Consumer changed numbers' });
    delete message.system.parent_user_id;
    delete message.system.previous_parent_user_id;
    return body;
}

/** The `system` message of a business-scoped id change alone (no number shared), from the documented fixture. */
function userIdChanged(previous: string, current: string, options: { id?: string; at?: number } = {}): object {
    const body = fixture('whatsapp/system_user_changed_user_id.json');
    const value = body.entry[0].changes[0].value;
    value.metadata.phone_number_id = PHONE_ID;
    const message = value.messages[0];
    message.id = options.id ?? `wamid.system${++sequence}`;
    message.timestamp = String(options.at ?? now());
    message.from_user_id = previous;
    Object.assign(message.system, { user_id: current, previous_user_id: previous });
    delete message.system.parent_user_id;
    delete message.system.previous_parent_user_id;
    return body;
}

function envelope(value: object): object {
    return {
        object: 'whatsapp_business_account',
        entry: [
            {
                id: 'WABA1',
                changes: [
                    {
                        field: 'messages',
                        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '915220000000', phone_number_id: PHONE_ID }, ...value },
                    },
                ],
            },
        ],
    };
}

describe('WhatsApp identity changes: mapping', () => {
    it('maps a number change, a business-scoped id change and user_id_update to identity changes, never to activities', () => {
        const number = mapWhatsAppWebhook(fixture('whatsapp/system_user_changed_number.json'));
        assert.deepEqual(number.items, [], 'a system message is not the user writing');
        assert.deepEqual(number.identityChanges, [
            {
                kind: 'user_changed_number',
                previous: { phone: '16505551234', user: 'US.13491208655302741918', parent: 'US.ENT.11815799212886844830' },
                current: { phone: '12195555358', user: 'US.24817305912873645029', parent: 'US.ENT.22987654321098765432' },
                at: 1739321024000,
            },
        ]);
        const user = mapWhatsAppWebhook(fixture('whatsapp/system_user_changed_user_id.json'));
        assert.deepEqual(user.items, []);
        assert.deepEqual(user.identityChanges, [
            {
                kind: 'user_changed_user_id',
                previous: { user: 'US.13491208655302741918', parent: 'US.ENT.11815799212886844830' },
                current: { user: 'US.24817305912873645029', parent: 'US.ENT.22987654321098765432' },
                at: 1739321024000,
            },
        ]);
        const update = mapWhatsAppWebhook(fixture('whatsapp/user_id_update.json'));
        assert.deepEqual(update.identityChanges, [
            {
                kind: 'user_id_update',
                previous: { user: 'US.13491208655302741918' },
                current: { phone: '12195555358', user: 'US.24817305912873645029' },
                at: 1739321024000,
            },
        ]);
        const security = mapWhatsAppWebhook(fixture('whatsapp/system_customer_identity_changed.json'));
        assert.deepEqual([security.items, security.identityChanges], [[], []], 'a changed security code changes no id');
    });

    it('keeps every id of a message in from.properties; a malformed system message is skipped, not a 500', () => {
        const [item] = mapWhatsAppWebhook(fixture('whatsapp/text_with_bsuid.json')).items;
        assert.deepEqual(item.activity.from!.properties, {
            waId: '972987654321',
            userId: 'US.13491208655302741918',
            parentUserId: 'US.ENT.11815799212886844830',
        });
        for (const system of [null, 'x', [], { type: 'user_changed_number' }, { type: 'user_changed_user_id', user_id: { toString: 1 } }]) {
            const batch = mapWhatsAppWebhook(envelope({ messages: [{ id: 'wamid.s', timestamp: '1', type: 'system', system }] }));
            assert.deepEqual([batch.items, batch.identityChanges], [[], []], JSON.stringify(system));
        }
    });
});

describe('WhatsApp identity changes: who a user is', () => {
    let aliases: IdentityAliases;
    let identities: WhatsAppIdentities;
    beforeEach(() => {
        aliases = new InMemoryIdentityAliases();
        identities = new WhatsAppIdentities(aliases, 'whatsapp', silentLogger);
    });

    it('a stranger is keyed as before (BSUID, else number); a BSUID first seen with a known number joins that person', async () => {
        assert.equal(await identities.personOf({ phone: '919000000001', user: 'IN.1' }, 1000), 'IN.1');
        assert.equal(await identities.personOf({ phone: '919000000002' }, 1000), '919000000002');
        assert.equal(await identities.personOf({ phone: '919000000002', user: 'IN.2' }, 2000), '919000000002');
        assert.equal(await identities.personOf({ user: 'IN.2' }, 3000), '919000000002', 'the BSUID alone names them now');
        assert.deepEqual(await identities.addressOf('919000000002'), { to: '919000000002' });
    });

    it('a change moves every id to the person, retires the old ones, and an older statement undoes nothing', async () => {
        const person = await identities.personOf({ phone: '919000000003', user: 'IN.3a' }, 1000);
        await identities.apply({
            kind: 'user_changed_number',
            previous: { phone: '919000000003', user: 'IN.3a' },
            current: { phone: '919000000004', user: 'IN.3b' },
            at: 2000,
        });
        await identities.apply({ kind: 'user_changed_user_id', previous: { user: 'IN.3b' }, current: { user: 'IN.3c' }, at: 3000 });
        // Meta redelivers the first change after the second.
        await identities.apply({
            kind: 'user_changed_number',
            previous: { phone: '919000000003', user: 'IN.3a' },
            current: { phone: '919000000004', user: 'IN.3b' },
            at: 2000,
        });
        assert.equal(await identities.personOf({ phone: '919000000004', user: 'IN.3c' }, 4000), person);
        assert.equal(await identities.personOf({ user: 'IN.3a' }, 1500), person, 'a message sent before the change is still theirs');
        assert.deepEqual((await aliases.ofPerson('whatsapp', person!)).map((a) => a.alias).sort(), ['919000000004', 'IN.3c']);
        // The old number, recycled to someone else with their own BSUID: a new person, never the old one.
        const newcomer = await identities.personOf({ phone: '919000000003', user: 'IN.9' }, 5000);
        assert.equal(newcomer, 'IN.9');
        // The same number without a BSUID: a new person with a label no one had.
        await identities.apply({ kind: 'user_changed_number', previous: { phone: '919000000005' }, current: { phone: '919000000006' }, at: 6000 });
        const recycled = await identities.personOf({ phone: '919000000005' }, 7000);
        assert.notEqual(recycled, '919000000005');
        assert.match(recycled!, /^919000000005~/);
        assert.equal(await identities.personOf({ phone: '919000000006' }, 8000), '919000000005');
    });

    it('a number already held by someone with another BSUID is a new person until WhatsApp links them', async () => {
        const person = await identities.personOf({ phone: '919000000007', user: 'IN.7a' }, 1000);
        const stranger = await identities.personOf({ phone: '919000000007', user: 'IN.7b' }, 2000);
        assert.equal(stranger, 'IN.7b');
        await identities.apply({ kind: 'user_changed_user_id', previous: { user: 'IN.7a' }, current: { phone: '919000000007', user: 'IN.7b' }, at: 2500 });
        assert.equal(await identities.personOf({ phone: '919000000007', user: 'IN.7b' }, 3000), person, 'the late change wins');
    });
});

/** The bot's server on a strict WhatsApp stand-in, as a test drives it. */
interface WhatsAppBot {
    bot: TestBot;
    api: WhatsAppCloudStandIn;
    adapter: WebhookAdapter;
    /** Posts a signed webhook; resolves with the status, after every turn it started. */
    post(body: object): Promise<number>;
    /** What the bot sent (text, buttons, template) to `recipient` since `from` (an index into `api.accepted`). */
    sentTo(recipient: string, from?: number): string[];
}

async function withBot(test: (t: WhatsAppBot) => Promise<void>, options: { templates?: boolean } = {}): Promise<void> {
    const api = new WhatsAppCloudStandIn({ phoneNumberId: PHONE_ID, accessToken: 'T', templates: options.templates ? Object.values(TEMPLATES) : [] });
    await api.start();
    let bot: TestBot | undefined;
    let server: BotServer | undefined;
    let adapter: WebhookAdapter | undefined;
    try {
        bot = await TestBot.create({
            config: {
                channels: {
                    whatsapp: {
                        appSecret: SECRET,
                        verifyToken: 'v',
                        accessToken: 'T',
                        phoneNumberId: PHONE_ID,
                        apiUrl: api.url,
                        maxMessagesPerSecond: 1000,
                        templates: options.templates ? TEMPLATES : null,
                    } satisfies WhatsAppSettings,
                },
            },
        });
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels);
        api.webhook = { url: `http://127.0.0.1:${server.port}/webhooks/whatsapp`, appSecret: SECRET };
        const ready = adapter;
        await test({
            bot,
            api,
            adapter,
            async post(body) {
                const status = await api.post(body);
                await ready.idle();
                return status;
            },
            sentTo(recipient, from = 0) {
                return api.accepted
                    .slice(from)
                    .filter((m) => m.recipient === recipient)
                    .map((m) => {
                        const body = m.body as any;
                        return body.text?.body ?? body.interactive?.body?.text ?? `template:${JSON.stringify(body.template)}`;
                    });
            },
        });
    } finally {
        await adapter?.idle();
        await server?.close();
        await api.stop();
        await bot?.close();
    }
}

describe('WhatsApp identity changes: the conversation, window and complaints follow the person', () => {
    it('a number change in the middle of a complaint continues it; "my complaints" lists it; a system message gets no answer', async () => {
        await withBot(async ({ bot, api, post, sentTo }) => {
            const before = { phone: '919000000201', user: 'IN.2010000000000001' };
            const after = { phone: '919000000202', user: 'IN.2020000000000002' };
            assert.equal(await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है'))), 200);
            assert.match(sentTo(before.phone).join('\n'), /खाता नंबर/);
            // The user moves to a new number: the old one no longer reaches them.
            api.makeUnreachable(before.phone);
            const sends = api.accepted.length;
            const receipts = api.markedRead.length;
            assert.equal(await post(numberChanged(before, after)), 200);
            assert.equal(api.accepted.length, sends, 'the system message is not answered');
            assert.equal(api.markedRead.length, receipts, 'nor marked read: it is not a message the user wrote');

            assert.equal(await post(messageFrom(after, text('1234567890'))), 200);
            assert.match(sentTo(after.phone, sends).join('\n'), /क्या मैं इसे दर्ज कर दूँ/, 'the open question goes on, at the new number');
            assert.equal(await post(messageFrom(after, tap('हाँ'))), 200);
            const ticket = sentTo(after.phone, sends)
                .join('\n')
                .match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
            assert.ok(ticket, sentTo(after.phone, sends).join('\n'));
            const complaint = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
            assert.equal(complaint.channelUserId, before.user, 'recorded under the person, as before the change');
            assert.equal(await bot.dataSource.getRepository(ChannelIdentity).countBy({ channel: 'whatsapp' }), 1, 'one person, one identity');

            const listed = api.accepted.length;
            assert.equal(await post(messageFrom(after, text('मेरी शिकायतें'))), 200);
            assert.ok(sentTo(after.phone, listed).join('\n').includes(ticket), sentTo(after.phone, listed).join('\n'));
            assert.deepEqual(sentTo(before.phone, sends), [], 'nothing went to the old number after the change');
        });
    });

    it('"my complaints" after a change lists a complaint registered under the old ids', async () => {
        await withBot(async ({ post, sentTo, api }) => {
            const before = { phone: '919000000211', user: 'IN.2110000000000001' };
            const after = { phone: '919000000212', user: 'IN.2120000000000002' };
            await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है')));
            await post(messageFrom(before, text('1234567890')));
            await post(messageFrom(before, tap('हाँ')));
            const ticket = sentTo(before.phone)
                .join('\n')
                .match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
            assert.ok(ticket);
            await post(numberChanged(before, after));
            const from = api.accepted.length;
            await post(messageFrom(after, text('मेरी शिकायतें')));
            const reply = sentTo(after.phone, from).join('\n');
            assert.ok(reply.includes(ticket), reply);
        });
    });

    it('an update after the change reaches the new number, free-form while the window the old messages opened lasts', async () => {
        await withBot(
            async ({ bot, api, post, sentTo }) => {
                const before = { phone: '919000000221', user: 'IN.2210000000000001' };
                const after = { phone: '919000000222', user: 'IN.2220000000000002' };
                await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है')));
                await post(messageFrom(before, text('1234567890')));
                await post(messageFrom(before, tap('हाँ')));
                const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: before.user });
                assert.ok(complaint);
                api.makeUnreachable(before.phone);
                await post(numberChanged(before, after));
                const from = api.accepted.length;
                await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'फ्यूज़ बदल दिया गया');
                assert.match(sentTo(after.phone, from).join('\n'), /क्या समस्या सच में हल हो गई/, 'the question, free-form, at the new number');
                assert.deepEqual(sentTo(before.phone, from), [], 'nothing to the old number');
                // The answer from the new number closes the complaint: the same dialog.
                await post(messageFrom(after, tap('हाँ')));
                assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).status, 'closed');
                assert.deepEqual(await api.flushStatuses(), [], 'no send failed later');
            },
            { templates: true }
        );
    });

    it('a user WhatsApp reported unreachable at the old number is reached at the new one after the change', async () => {
        await withBot(async ({ bot, api, adapter, post, sentTo }) => {
            const before = { phone: '919000000261', user: 'IN.2610000000000001' };
            const after = { phone: '919000000262', user: 'IN.2620000000000002' };
            await post(messageFrom(before, text('नमस्ते')));
            const identity = await bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channel: 'whatsapp', channelUserId: before.user });
            const notify = (body: string) =>
                adapter.continueConversationAsync('', JSON.parse(identity.conversationRef!), async (context) => {
                    await context.sendActivity({ type: 'message', text: body, locale: 'hi-IN' });
                });
            // The number changed; an update goes out before WhatsApp's system message comes, and fails later.
            api.makeUnreachable(before.phone);
            await notify('पहली सूचना');
            assert.deepEqual(await api.flushStatuses(), [200]);
            await notify('दूसरी सूचना');
            assert.deepEqual(sentTo(before.phone).slice(-1), ['पहली सूचना'], 'not attempted while unreachable');
            await post(numberChanged(before, after));
            await notify('तीसरी सूचना');
            assert.deepEqual(sentTo(after.phone), ['तीसरी सूचना']);
        });
    });

    it('a message from the new number opens the reply window for updates on a complaint registered under the old one', async () => {
        await withBot(
            async ({ bot, api, post, sentTo }) => {
                const before = { phone: '919000000231', user: 'IN.2310000000000001' };
                const after = { phone: '919000000232', user: 'IN.2320000000000002' };
                await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है')));
                await post(messageFrom(before, text('1234567890')));
                await post(messageFrom(before, tap('हाँ')));
                const [complaint] = await bot.dataSource.getRepository(Complaint).findBy({ channelUserId: before.user });
                // Their last message from the old number was a day and a half ago.
                await new ChannelStore(bot.app.db).markInbound('whatsapp', before.user, new Date(Date.now() - 36 * 3600_000));
                api.makeUnreachable(before.phone);
                await post(numberChanged(before, after));
                await post(messageFrom(after, text('मेरी शिकायतें')));
                const from = api.accepted.length;
                await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'फ्यूज़ बदल दिया गया');
                const sent = sentTo(after.phone, from);
                assert.equal(sent.length, 1, sent.join('\n'));
                assert.match(sent[0], /क्या समस्या सच में हल हो गई/, 'free-form within the window, not a template');
                const records = await bot.dataSource.getRepository(OutboundMessage).findBy({ recipient: before.user });
                assert.ok(
                    records.every((r) => r.kind !== 'template' && r.status !== 'undeliverable'),
                    JSON.stringify(records.map((r) => [r.kind, r.status]))
                );
            },
            { templates: true }
        );
    });

    it('a business-scoped id first seen for a user known by number continues their conversation', async () => {
        await withBot(async ({ bot, post, sentTo }) => {
            const phone = '919000000241';
            await post(messageFrom({ phone }, text('मेरे घर में सुबह से बिजली नहीं है')));
            assert.match(sentTo(phone).join('\n'), /खाता नंबर/);
            const from = sentTo(phone).length;
            await post(messageFrom({ phone, user: 'IN.2410000000000001' }, text('1234567890')));
            assert.match(sentTo(phone).slice(from).join('\n'), /क्या मैं इसे दर्ज कर दूँ/);
            await post(messageFrom({ phone, user: 'IN.2410000000000001' }, tap('हाँ')));
            const [complaint] = await bot.dataSource.getRepository(Complaint).find();
            assert.equal(complaint.channelUserId, phone, 'under the id the conversation began with');
            assert.equal(await bot.dataSource.getRepository(ChannelIdentity).countBy({ channel: 'whatsapp' }), 1);
        });
    });

    it('a user who hides their number changes their business-scoped id and keeps their conversation; replies go to the new id', async () => {
        await withBot(async ({ api, post, sentTo }) => {
            const old = 'IN.2510000000000001';
            const current = 'IN.2510000000000002';
            await post(messageFrom({ user: old }, text('मेरे घर में सुबह से बिजली नहीं है')));
            assert.match(sentTo(old).join('\n'), /खाता नंबर/);
            api.makeUnreachable(old);
            await post(userIdChanged(old, current));
            await post(messageFrom({ user: current }, text('1234567890')));
            assert.match(sentTo(current).join('\n'), /क्या मैं इसे दर्ज कर दूँ/);
            assert.equal(
                api.accepted.filter((m) => m.recipient === current).every((m) => (m.body as any).recipient === current),
                true,
                'sent by BSUID'
            );
        });
    });
});

describe('WhatsApp identity changes: duplicates, redeliveries and order', () => {
    it('a redelivered or concurrently duplicated change is applied once; an older change redelivered later undoes nothing', async () => {
        await withBot(async ({ bot, api, post, sentTo }) => {
            const first = { phone: '919000000301', user: 'IN.3010000000000001' };
            const second = { phone: '919000000302', user: 'IN.3020000000000002' };
            const third = { phone: '919000000302', user: 'IN.3030000000000003' };
            const t = now();
            await post(messageFrom(first, text('मेरे घर में सुबह से बिजली नहीं है'), { at: t - 30 }));
            const change = numberChanged(first, second, { id: 'wamid.change1', at: t - 20 });
            assert.deepEqual(await Promise.all([post(change), post(change), post(change)]), [200, 200, 200]);
            await post(userIdChanged(second.user, third.user, { id: 'wamid.change2', at: t - 10 }));
            assert.equal(await post(change), 200, 'Meta redelivers the first change');
            const sends = api.accepted.length;
            const message = messageFrom(third, text('1234567890'), { id: 'wamid.after' });
            assert.deepEqual(await Promise.all([post(message), post(message)]), [200, 200]);
            assert.equal(await post(message), 200);
            const replies = sentTo(third.phone, sends);
            assert.equal(replies.length, 1, replies.join('\n'));
            assert.match(replies[0], /क्या मैं इसे दर्ज कर दूँ/, 'the flow goes on once');
            const { rows } = await bot.app.db.sql<{ alias: string; personId: string; retiredAt: string | null }>(
                'SELECT "alias", "personId", "retiredAt" FROM "channel_user_aliases" WHERE "channel" = ? ORDER BY "alias"',
                ['whatsapp']
            );
            assert.deepEqual(
                rows.map((r) => [r.alias, r.personId, r.retiredAt === null ? 'active' : 'retired']),
                [
                    ['919000000301', first.user, 'retired'],
                    ['919000000302', first.user, 'active'],
                    ['IN.3010000000000001', first.user, 'retired'],
                    ['IN.3020000000000002', first.user, 'retired'],
                    ['IN.3030000000000003', first.user, 'active'],
                ]
            );
        });
    });

    it('a message from the new ids before the change arrives starts afresh; the change, once it comes, joins them', async () => {
        await withBot(async ({ post, sentTo }) => {
            const before = { phone: '919000000311', user: 'IN.3110000000000001' };
            const after = { phone: '919000000312', user: 'IN.3120000000000002' };
            const t = now();
            await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है'), { at: t - 30 }));
            await post(messageFrom(after, text('नमस्ते'), { at: t - 10 }));
            await post(numberChanged(before, after, { at: t - 20 }));
            const from = sentTo(after.phone).length;
            await post(messageFrom(after, text('1234567890'), { at: t }));
            assert.match(sentTo(after.phone).slice(from).join('\n'), /क्या मैं इसे दर्ज कर दूँ/, 'the complaint begun from the old number goes on');
        });
    });

    it("someone given the old number later is someone else: they see none of the person's complaints", async () => {
        await withBot(async ({ bot, post, sentTo }) => {
            const before = { phone: '919000000321', user: 'IN.3210000000000001' };
            const after = { phone: '919000000322', user: 'IN.3220000000000002' };
            await post(messageFrom(before, text('मेरे घर में सुबह से बिजली नहीं है')));
            await post(messageFrom(before, text('1234567890')));
            await post(messageFrom(before, tap('हाँ')));
            const [complaint] = await bot.dataSource.getRepository(Complaint).find();
            await post(numberChanged(before, after));
            const newcomer = { phone: before.phone, user: 'IN.3290000000000009' };
            const from = sentTo(before.phone).length;
            await post(messageFrom(newcomer, text('मेरी शिकायतें')));
            const reply = sentTo(before.phone).slice(from).join('\n');
            assert.ok(reply.length > 0);
            assert.ok(!reply.includes(complaint.ticket), reply);
            assert.equal(await bot.dataSource.getRepository(ChannelIdentity).countBy({ channel: 'whatsapp', channelUserId: newcomer.user }), 1);
        });
    });
});

describe('WhatsApp identity changes: two instances on one PostgreSQL', () => {
    let first: Database;
    let second: Database;
    beforeEach(async () => {
        const url = await freshPostgresSchema('identity_aliases_test');
        first = new Database(await openDatabase(url));
        second = new Database(await openDatabase(url));
    });
    afterEach(async () => {
        await first.dataSource.destroy();
        await second.dataSource.destroy();
    });

    it('name a user by the same person whichever instance sees which webhook, however they interleave', async () => {
        const a = new WhatsAppIdentities(new IdentityAliasStore(first), 'whatsapp', silentLogger);
        const b = new WhatsAppIdentities(new IdentityAliasStore(second), 'whatsapp', silentLogger);
        for (let i = 0; i < 20; i++) {
            const phone = `9190000004${String(i).padStart(2, '0')}`;
            const user = `IN.40${i}`;
            // Two first messages of one stranger at once, one on each instance; a BSUID first seen for a known number.
            const [p, q] = await Promise.all([a.personOf({ phone }, 1000), b.personOf({ phone, user }, 1000)]);
            assert.equal(p, q, `one person for ${phone}`);
            // A number change applied on one instance while the other takes the first message from the new ids.
            const change = { kind: 'user_changed_number', previous: { phone, user }, current: { phone: `${phone}9`, user: `${user}b` }, at: 2000 };
            const [, later] = await Promise.all([a.apply(change), b.personOf({ phone: `${phone}9`, user: `${user}b` }, 3000)]);
            const settled = await b.personOf({ phone: `${phone}9`, user: `${user}b` }, 4000);
            assert.equal(settled, p, `the change wins (${later} meanwhile)`);
            // Meta redelivers the change to both at once.
            await Promise.all([a.apply(change), b.apply(change)]);
            assert.equal(await a.personOf({ user: `${user}b` }, 5000), p);
            assert.deepEqual(await a.addressOf(p!), { to: `${phone}9` });
            assert.deepEqual(await b.addressOf(p!), { to: `${phone}9` });
        }
    });
});

describe('WhatsApp identity changes: the data migration', () => {
    for (const [name, url] of [
        ['SQLite', async () => 'sqlite::memory:'],
        ['PostgreSQL', () => freshPostgresSchema('identity_migration_test')],
    ] as const) {
        it(`links the ids existing identities carry and merges a user split in two, on ${name}`, async () => {
            const dataSource = await openDatabase(await url());
            try {
                const migration = new IdentityAliases1765200000000();
                const runner = dataSource.createQueryRunner();
                await migration.down(runner);
                const identities = dataSource.getRepository(ChannelIdentity);
                const reference = (user: string, waId: string) =>
                    JSON.stringify({ channelId: 'whatsapp', user: { id: user, properties: { waId } }, conversation: { id: `${PHONE_ID}:${user}` } });
                // Known by number before WhatsApp sent BSUIDs, then split when it did.
                const byNumber = await identities.save(
                    identities.create({
                        channel: 'whatsapp',
                        channelUserId: '919000000501',
                        preferredLanguage: 'hi',
                        lastInboundAt: new Date(Date.now() - 5 * 86_400_000),
                    })
                );
                const byBsuid = await identities.save(
                    identities.create({
                        channel: 'whatsapp',
                        channelUserId: 'IN.501',
                        conversationRef: reference('IN.501', '919000000501'),
                        lastInboundAt: new Date(Date.now() - 3600_000),
                        updatesOptOut: false,
                    })
                );
                // Keyed on the BSUID, number only in the phone column; and someone known only by number.
                await identities.save(identities.create({ channel: 'whatsapp', channelUserId: 'IN.502', phoneNumber: '9000000502' }));
                await identities.save(identities.create({ channel: 'whatsapp', channelUserId: '919000000503' }));
                await identities.save(identities.create({ channel: 'facebook', channelUserId: 'PSID1' }));
                const complaints = dataSource.getRepository(Complaint);
                await complaints.save(
                    complaints.create({
                        ticket: 'C2612-0501',
                        category: 'no_supply',
                        description: 'x',
                        status: 'registered',
                        channel: 'whatsapp',
                        channelUserId: '919000000501',
                    })
                );
                await dataSource
                    .getRepository(AccountLink)
                    .save({ identityId: byNumber.id, accountNumber: '1234567890', method: 'otp', verifiedMobile: '9000000501' });
                await migration.up(runner);
                await runner.release();

                const aliases = new IdentityAliasStore(new Database(dataSource));
                const named = async (alias: string) => (await aliases.find('whatsapp', [alias]))[0]?.personId;
                assert.equal(await named('919000000501'), 'IN.501', 'the number names the identity in use');
                assert.equal(await named('IN.501'), 'IN.501');
                assert.equal(await named('919000000502'), 'IN.502', 'the phone column gives the number');
                assert.equal(await named('919000000503'), '919000000503');
                assert.equal(await named('PSID1'), undefined, 'other channels are left alone');
                const complaint = await dataSource.getRepository(Complaint).findOneByOrFail({ ticket: 'C2612-0501' });
                assert.equal(complaint.channelUserId, 'IN.501', 'the complaint follows the person');
                assert.equal((await dataSource.getRepository(AccountLink).findOneByOrFail({ accountNumber: '1234567890' })).identityId, byBsuid.id);
                const merged = await identities.findOneByOrFail({ id: byBsuid.id });
                assert.equal(merged.preferredLanguage, 'hi');
                assert.ok(merged.lastInboundAt!.getTime() > Date.now() - 2 * 3600_000, 'the later reply window');
                const identitiesOf = new WhatsAppIdentities(aliases, 'whatsapp', silentLogger);
                assert.equal(await identitiesOf.personOf({ phone: '919000000501', user: 'IN.501' }, Date.now()), 'IN.501');
                assert.equal(await identitiesOf.personOf({ phone: '919000000503', user: 'IN.503' }, Date.now()), '919000000503');
            } finally {
                await dataSource.destroy();
            }
        });
    }
});
