import { strict as assert } from 'assert';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../../src/data/entities/ComplaintEvent';
import { TestBot } from '../../support/TestBot';

const ACCOUNT = '1234567890';
const OTHER_ACCOUNT = '2468013579';

/** The same instant with Indian wall-clock time in its UTC fields. */
function inIndia(date: Date): Date {
    return new Date(date.getTime() + 330 * 60_000);
}

describe('complaint registration', () => {
    let bot: TestBot;
    beforeEach(async () => {
        bot = await TestBot.create();
    });
    afterEach(async () => {
        await bot.close();
    });

    async function complaints(): Promise<Complaint[]> {
        return bot.dataSource.getRepository(Complaint).find({ order: { id: 'ASC' } });
    }

    it('shows the masked name of the account holder at confirmation only to someone verified for the account', async () => {
        const user = bot.conversation({ phoneNumber: '9415012345' });
        await user.open();
        await user.say('English');
        await user.say('my bill');
        assert.match((await user.say(ACCOUNT)).join('\n'), /matches the mobile registered/, 'verified by the phone number');
        await user.say('menu');
        // The verified account is taken without asking for its number again.
        const confirm = (await user.say('no power since morning in our street')).join('\n');
        assert.match(confirm, /Consumer: R\*{5} K\*{4} S\*{9}\n• Area: Vibhuti Khand/, 'masked, but there');
        assert.doesNotMatch(confirm, /Rajesh/);
    });

    it('registers a complaint in English after the language choice, with a ticket and history', async () => {
        const user = bot.conversation();
        const welcome = await user.open();
        assert.match(welcome.join('\n'), /choose your language/i);
        assert.match((await user.say('English')).join('\n'), /What would you like to do/);
        assert.match((await user.say('no power since morning in our street')).join('\n'), /10-digit account number/);
        const confirm = (await user.say(ACCOUNT)).join('\n');
        assert.match(confirm, /Problem: No electricity/);
        assert.match(confirm, /Details: no power since morning in our street/);
        assert.match(confirm, /Area: Vibhuti Khand/);
        assert.doesNotMatch(confirm, /Consumer:|R\*+ |Rajesh/, 'someone not verified for the account learns nothing of its holder, not even a masked name');
        const saved = (await user.say('yes')).join('\n');
        const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
        assert.ok(ticket, `ticket in: ${saved}`);
        const [complaint] = await complaints();
        assert.equal(complaint.ticket, ticket);
        assert.equal(complaint.accountNumber, ACCOUNT);
        assert.equal(complaint.category, 'no_supply');
        assert.equal(complaint.channel, 'test');
        const history = await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: complaint.id });
        assert.deepEqual(
            history.map((h) => h.status),
            ['registered', 'assigned']
        );
        // "since morning": 08:00 Indian time today (or yesterday, when run before 08:00), whatever the server's zone.
        assert.ok(complaint.problemSince, 'the time the consumer gave is stored');
        assert.equal(inIndia(complaint.problemSince).getUTCHours(), 8);
        assert.ok(complaint.problemSince.getTime() <= Date.now() && Date.now() - complaint.problemSince.getTime() < 86_400_000);
    });

    it('stores when the problem began from romanised Hindi, and nothing when the consumer does not say', async () => {
        const user = bot.conversation();
        await user.open();
        await user.say('English');
        await user.say('kal raat se bijli nahi hai gali me');
        await user.say(ACCOUNT);
        await user.say('yes');
        const other = bot.conversation();
        await other.open();
        await other.say('English');
        await other.say('the power keeps going off in our street');
        // Another account: the same fault on the same account joins the open complaint instead.
        await other.say(OTHER_ACCOUNT);
        await other.say('yes');
        const [first, second] = await complaints();
        assert.ok(first.problemSince, 'kal raat se is read');
        const yesterday = inIndia(new Date(Date.now() - 86_400_000));
        assert.equal(inIndia(first.problemSince).toISOString().slice(0, 10), yesterday.toISOString().slice(0, 10));
        assert.ok(inIndia(first.problemSince).getUTCHours() >= 18, `night starts in the evening, got ${first.problemSince.toISOString()}`);
        assert.equal(second.problemSince, null);
    });
});
