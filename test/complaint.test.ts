import { strict as assert } from 'assert';
import { Complaint } from '../src/data/entities/Complaint';
import { ComplaintEvent } from '../src/data/entities/ComplaintEvent';
import { TestBot } from './support/TestBot';

const ACCOUNT = '1234567890';

describe('complaint registration', () => {
    let bot: TestBot;
    beforeEach(async () => { bot = await TestBot.create(); });
    afterEach(async () => { await bot.close(); });

    async function complaints(): Promise<Complaint[]> {
        return bot.dataSource.getRepository(Complaint).find({ order: { id: 'ASC' } });
    }

    it('registers a complaint in English after the language choice, with a ticket and history', async () => {
        const user = bot.conversation();
        const welcome = await user.open();
        assert.match(welcome.join('\n'), /choose your language/i);
        assert.match((await user.say('English')).join('\n'), /What would you like to do/);
        assert.match((await user.say('no power since morning in our street')).join('\n'), /10-digit account number/);
        const confirm = (await user.say(ACCOUNT)).join('\n');
        assert.match(confirm, /Problem: No electricity/);
        assert.match(confirm, /Details: no power since morning in our street/);
        assert.match(confirm, /Consumer: R\*+ /, 'name is masked');
        assert.doesNotMatch(confirm, /Ramesh/);
        const saved = (await user.say('yes')).join('\n');
        const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
        assert.ok(ticket, `ticket in: ${saved}`);
        const [complaint] = await complaints();
        assert.equal(complaint.ticket, ticket);
        assert.equal(complaint.accountNumber, ACCOUNT);
        assert.equal(complaint.category, 'no_supply');
        assert.equal(complaint.channel, 'test');
        const history = await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: complaint.id });
        assert.deepEqual(history.map((h) => h.status), ['registered', 'assigned']);
    });
});
