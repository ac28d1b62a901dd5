import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { Consumer } from '../../src/data/entities/Consumer';
import { freshPostgresSchema } from '../support/postgres';
import { TestBot, TestConversation } from '../support/TestBot';

const ACCOUNTS = ['1234567890', '2468013579', '3692581470'];

async function registerComplaint(user: TestConversation, account: string): Promise<string> {
    await user.say('English');
    // Low voltage, not no power: thirty no-power reports of one transformer would be one outage incident, which answers
    // from the fault instead of this flow (see test/dialogs/dialogs.incidents.test.ts); here the flow is under test.
    await user.say('voltage very low since morning in our street');
    await user.say(account);
    const saved = (await user.say('yes')).join('\n');
    const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
    assert.ok(ticket, `no ticket in: ${saved}`);
    return ticket;
}

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('concurrency_test')],
] as const) {
    describe(`many consumers at once on ${name}`, () => {
        let bot: TestBot;
        before(async () => {
            bot = await TestBot.create({ databaseUrl: await url() });
        });
        after(async () => {
            await bot?.close();
        });

        it('registers every complaint of 30 simultaneous conversations, each with its own ticket', async () => {
            const users = Array.from({ length: 30 }, (_, i) => bot.conversation({ userId: `${name}-crowd-${i}` }));
            // An account each: the same outage on one account from several users would join one open complaint.
            const template = await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: ACCOUNTS[0] });
            const accounts = users.map((_, i) => String(5_300_000_000 + i));
            await bot.dataSource.getRepository(Consumer).insert(accounts.map((accountNumber) => ({ ...template, accountNumber, registeredMobile: null })));
            const before = await bot.dataSource.getRepository(Complaint).count();
            const tickets = await Promise.all(users.map((user, i) => registerComplaint(user, accounts[i])));
            assert.equal(new Set(tickets).size, 30);
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), before + 30);
            assert.ok(!bot.logLines.some((l) => /"level":"error"/.test(l)), bot.logLines.filter((l) => /error/.test(l)).join('\n'));
        });

        it('a double-tapped confirmation creates one complaint: turns of one conversation run one after another', async () => {
            const user = bot.conversation({ userId: `${name}-double-tap` });
            await user.say('English');
            await user.say('voltage is very low since evening');
            await user.say(ACCOUNTS[0]);
            const before = await bot.dataSource.getRepository(Complaint).count();
            const [first, second] = await Promise.all([user.sayFull('yes'), user.sayFull('yes')]);
            assert.equal(await bot.dataSource.getRepository(Complaint).count(), before + 1);
            const texts = [...first, ...second].map((a) => a.text ?? '').join('\n');
            assert.equal(texts.match(/Complaint number: C/g)?.length, 1, texts);
        });
    });
}
