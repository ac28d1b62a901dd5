import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { WebhookAdapter } from '../../adapters/shared/WebhookAdapter';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import { createChannelAdapters } from '../../src/createChannelAdapters';
import { Complaint } from '../../src/data/entities/Complaint';
import { Incident } from '../../src/data/entities/Incident';
import { Official } from '../../src/data/entities/Official';
import { BotServer, startServer } from '../../src/server';
import { whatsAppText } from '../support/metaPayloads';
import { TestBot } from '../support/TestBot';
import { WhatsAppCloudStandIn } from '../support/WhatsAppCloudStandIn';

const WA_SECRET = 'wa-incident-secret';
const WA_PHONE_ID = '109876543888';
// The demo's neighbours on transformer VIBHUTIKHAND-DT1, each writing from their registered mobile, and 1234567890.
const REPORTERS = [
    { account: '1234567801', waId: '919415012351' },
    { account: '1234567802', waId: '919415012352' },
    { account: '1234567803', waId: '919415012353' },
    { account: '1234567890', waId: '919415012345' },
];
const BYSTANDER = '919839560148';

/**
 * An outage incident end to end on WhatsApp (real signed webhooks, the strict Cloud API stand-in): reports group, the
 * restoration time and the restoration reach exactly the reporters' chats, and a "still off" after the restoration
 * makes that report an outage of its own.
 */
describe('an outage incident on WhatsApp', () => {
    let bot: TestBot;
    let api: WhatsAppCloudStandIn;
    let server: BotServer;
    let adapter: WebhookAdapter;

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
        bot = await TestBot.create({ config: { channels: { whatsapp: settings } } });
        const channels = createChannelAdapters(bot.app);
        adapter = channels[0].adapter;
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(bot.app.config)), 0, channels, { console: false });
        api.webhook = { url: `http://127.0.0.1:${server.port}/webhooks/whatsapp`, appSecret: WA_SECRET };
    });
    afterEach(async () => {
        await adapter.idle();
        await server.close();
        await api.stop();
        await bot.close();
    });

    /** `waId` writes `text`; the texts WhatsApp accepted for anyone in that turn. */
    async function say(waId: string, text: string): Promise<Array<{ to: string; text: string }>> {
        const before = api.accepted.length;
        assert.equal(await api.post(whatsAppText(WA_PHONE_ID, waId, text)), 200);
        await adapter.idle();
        return sent(before);
    }

    function sent(from: number): Array<{ to: string; text: string }> {
        return api.accepted.slice(from).map((m) => ({ to: m.recipient, text: JSON.stringify(m.body) }));
    }

    it('groups the reports, sends the restoration time and the restoration to exactly the reporters, and reopens a "still off"', async () => {
        for (const [i, reporter] of REPORTERS.entries()) {
            await say(reporter.waId, 'english');
            const replies = await say(reporter.waId, `no light at home, account ${reporter.account}`);
            // The first two are lone reports until the third makes the fault; from the third on, the fault is the answer.
            if (i < 2) {
                await say(reporter.waId, 'whole lane dark since evening');
                await say(reporter.waId, 'yes');
            } else {
                assert.match(replies.map((r) => r.text).join('\n'), /known fault in your area: I\d{4}-\d{4}/);
                await say(reporter.waId, i === 3 ? 'no' : 'yes');
            }
        }
        await say(BYSTANDER, 'english');
        await say(BYSTANDER, 'my bill is wrong, account 2395917603');
        const [incident] = await bot.dataSource.getRepository(Incident).find();
        assert.equal(incident.reportCount, 4);
        const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ id: incident.assignedOfficialId! });

        let before = api.accepted.length;
        await bot.app.incidents.setDetails(incident.id, je.id, { cause: 'DT fuse blown', etr: new Date(Date.now() + 2 * 3600_000) });
        await adapter.idle();
        const etr = sent(before);
        assert.deepEqual(
            etr.map((m) => m.to).sort(),
            REPORTERS.slice(0, 3)
                .map((r) => r.waId)
                .sort(),
            'every reporter who wants updates, on their WhatsApp chat; not the one who said no, nor the bystander'
        );
        assert.ok(etr.every((m) => /DT fuse blown/.test(m.text)));

        before = api.accepted.length;
        await bot.app.incidents.markRestored(incident.id, je.id, 'fuse replaced');
        await adapter.idle();
        const restored = sent(before);
        assert.deepEqual([...new Set(restored.map((m) => m.to))].sort(), REPORTERS.map((r) => r.waId).sort(), 'every reporter is asked, the bystander is not');
        assert.ok(restored.every((m) => /Power should be back after the repair of fault/.test(m.text)));

        await say(REPORTERS[0].waId, 'abhi bhi nahi aayi, still dark');
        const nested = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ accountNumber: REPORTERS[0].account });
        assert.equal(nested.status, 'reopened');
        assert.equal(nested.incidentId, null);
        assert.equal(nested.nestedIncidentId, incident.id);
        assert.equal(nested.problemSince!.getTime(), incident.startedAt.getTime());
        await say(REPORTERS[1].waId, 'yes light is back');
        assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ accountNumber: REPORTERS[1].account })).status, 'closed');
    });
});
