import { strict as assert } from 'assert';
import { Complaint } from '../src/data/entities/Complaint';
import { ComplaintEvent } from '../src/data/entities/ComplaintEvent';
import { ChannelIdentity } from '../src/data/entities/ChannelIdentity';
import { complaints, englishUser, joined, LUCKNOW, sayAll, ticketIn, VARANASI } from './support/dialogKit';
import { TestBot } from './support/TestBot';

/**
 * Whole conversations as consumers have them (issue "conversations that succeed"): the first message acted on, slots
 * read from sentences, everyday questions answered with a pointer, small talk and control words at any point, the
 * promised due time repeated, a second report joining the open complaint.
 */
describe('conversations that succeed', () => {
    let bot: TestBot;
    beforeEach(async () => { bot = await TestBot.create(); });
    afterEach(async () => { await bot.close(); });

    describe('the first message', () => {
        it('an English request is acted on in English at once, with no language question', async () => {
            const user = bot.conversation();
            const reply = joined(await user.say('there is no power in my house since morning'));
            assert.doesNotMatch(reply, /choose your language/);
            assert.match(reply, /10-digit account number/);
        });

        it('a greeting with no signal still gets the language question, and the request typed next is acted on', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('hello')), /choose your language/);
            assert.match(joined(await user.say('bijli nahi aa rahi')), /खाता नंबर/);
        });

        it('STOP typed at the language question opts out at once', async () => {
            const user = bot.conversation();
            await user.say('hi');
            const reply = joined(await user.say('STOP'));
            assert.match(reply, /will not receive area announcements/);
            const identity = await bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channelUserId: user.adapter.template.from!.id });
            assert.equal(identity.updatesOptOut || !identity.subscribed, true);
        });
    });

    describe('everyday questions are answered with where to go, never misrouted', () => {
        const cases: Array<[string, RegExp, RegExp]> = [
            ['naya connection kaise le', /jhatpat\.uppcl\.org/, /खाता नंबर|account number/],
            ['how can I get rooftop solar installed', /pmsuryaghar\.gov\.in/, /account number/],
            ['kal light katne ka schedule kya hai', /START/, /खाता नंबर/],
            ['पड़ोसी कटिया डालकर बिजली चोरी कर रहा है', /uppcl\.org/, /खाता नंबर/],
            ['smart meter recharge kaise karu', /UPI/, /खाता नंबर/],
        ];
        for (const [question, pointer, misroute] of cases) {
            it(`"${question}"`, async () => {
                const reply = joined(await bot.conversation().say(question));
                assert.match(reply, pointer);
                assert.doesNotMatch(reply, misroute, 'no complaint, bill or status flow started');
                assert.doesNotMatch(reply, /did not understand|समझ नहीं पाया/);
                assert.equal((await complaints(bot)).length, 0);
            });
        }

        it('something outside electricity is declined politely with what the bot does', async () => {
            const reply = joined(await (await englishUser(bot)).say('book a train ticket to delhi'));
            assert.match(reply, /only help with electricity/);
        });
    });

    describe('small talk and control words', () => {
        it('"thanks" and "ok" after a finished complaint get a short reply, no menu', async () => {
            const user = await englishUser(bot);
            await sayAll(user, ['no power since morning in our street', LUCKNOW.account, 'yes']);
            for (const text of ['ok thank u', 'धन्यवाद भैया', 'bye']) {
                const replies = await user.sayFull(text);
                assert.equal(replies.length, 1, text);
                assert.ok((replies[0].text ?? '').length < 200, text);
                assert.equal(replies[0].suggestedActions?.actions?.length ?? 0, 0, `${text}: no menu`);
            }
        });

        it('"rehne do bhai, light aa gayi" at the account question stops without saving', async () => {
            const user = bot.conversation();
            await user.say('bijli nahi aa rahi');
            assert.match(joined(await user.say('rehne do bhai, light aa gayi')), /रोक दिया|रोक/);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('"english me baat kro" mid-flow switches and asks the open question again in English', async () => {
            const user = bot.conversation();
            await user.say('bijli nahi aa rahi');
            assert.match(joined(await user.say('english me baat kro')), /10-digit account number/);
        });
    });

    describe('prompts read sentences', () => {
        it('the account inside a sentence, with spaces, in Devanagari digits', async () => {
            for (const text of ['mera account no. hai 12345 67890', 'consumer number is 1234567890 sir', 'खाता संख्या १२३४५६७८९० है']) {
                const user = bot.conversation();
                await user.say('bijli nahi aa rahi');
                assert.match(joined(await user.say(text)), /क्या मैं इसे दर्ज कर दूँ|Shall I register/, text);
            }
        });

        it('a one-time code inside a sentence', async () => {
            const user = await englishUser(bot);
            await sayAll(user, ['my bill', LUCKNOW.account]);
            const code = bot.lastCode();
            assert.ok(code);
            assert.match(joined(await user.say(`otp ${code} hai`)), /Amount: ₹/);
        });

        it('polite and compound yeses register the complaint', async () => {
            for (const yes of ['ha ji', 'जी हाँ, सही है', 'haan kar do', 'yes please go ahead', 'theek hai register karo', 'ji kr dijiye',
                'sab details theek hain, ab darj kar do']) {
                const user = await englishUser(bot);
                await sayAll(user, ['no power since morning in our street', VARANASI.account]);
                assert.match(joined(await user.say(yes)), /Your complaint is registered/, yes);
                await bot.dataSource.getRepository(ComplaintEvent).clear();
                await bot.dataSource.getRepository(Complaint).clear();
            }
        });
    });

    describe('a new request typed at a number question', () => {
        it('"show my bill" at the complaint\'s account question starts the bill instead of refusing it as a bad number', async () => {
            const user = await englishUser(bot);
            await user.say('no power since morning in our street');
            const replies = await user.sayFull('please show my bill');
            assert.doesNotMatch(joined(replies.map((r) => r.text ?? '')), /only digits/);
            assert.match(replies[0].text ?? '', /it is printed on your electricity bill/, 'the bill flow asks its own question');
            assert.equal(replies[0].suggestedActions?.actions?.length ?? 0, 0, 'without the complaint\'s "I don\'t have it"');
        });

        it('an everyday question at the account question is answered and the question asked again', async () => {
            const user = bot.conversation();
            await user.say('bijli nahi aa rahi');
            const replies = joined(await user.say('naya connection kaise le'));
            assert.match(replies, /jhatpat\.uppcl\.org/);
            assert.match(replies, /खाता नंबर/);
            assert.match(joined(await sayAll(user, [LUCKNOW.account, 'haan'])), /दर्ज हो गई/);
        });
    });

    describe('corrections at the confirmation never lose the complaint', () => {
        it('"the account number was wrong, the right one is …, register it" corrects the account and registers', async () => {
            const user = bot.conversation();
            await sayAll(user, ['वोल्टेज ऊपर नीचे हो रहा है', VARANASI.account]);
            const saved = joined(await user.say(`खाता नंबर गलत हो गया था, सही ${LUCKNOW.account} है, बाकी सब ठीक है दर्ज कर दो`));
            assert.match(saved, /दर्ज हो गई/);
            const [row] = await complaints(bot);
            assert.equal(row.accountNumber, LUCKNOW.account);
        });

        it('a "no" followed by a correction, twice, is two corrections, not a drop', async () => {
            const user = await englishUser(bot);
            await sayAll(user, ['no power since morning in our street', LUCKNOW.account]);
            assert.match(joined(await user.say('no, it is since last night')), /Shall I register it\?/);
            assert.match(joined(await user.say('no, the whole colony has no power')), /Shall I register it\?/);
            assert.match(joined(await user.say('yes')), /Your complaint is registered/);
        });

        it('"is it fixed?" is never answered yes by an impatient "jaldi karo"', async () => {
            const user = await englishUser(bot);
            const ticket = ticketIn(joined(await sayAll(user, ['no power since morning in our street', LUCKNOW.account, 'yes'])))!;
            const row = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
            await bot.app.lifecycle.resolve(row.id, row.assignedOfficialId!, 'fuse replaced');
            await user.say(`status ${ticket}`);
            await user.say('jaldi karo');
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: row.id })).status, 'resolved');
        });
    });

    describe('status and the promised due time', () => {
        it('"kab tak theek hoga?" after registering repeats the due time', async () => {
            const user = bot.conversation();
            await sayAll(user, ['bijli nahi aa rahi', LUCKNOW.account, 'haan']);
            const reply = joined(await user.say('kab tak theek hoga?'));
            const [row] = await complaints(bot);
            assert.match(reply, new RegExp(row.ticket));
            assert.match(reply, /तक ठीक हो जाना चाहिए/);
        });

        it('a ticket followed by news adds it to that complaint instead of opening a new one', async () => {
            const user = bot.conversation();
            await sayAll(user, ['taar toot kar sadak par gira hai', '9876543210', 'Vibhuti Khand, Lucknow', 'haan']);
            const [row] = await complaints(bot);
            const reply = joined(await user.say(`${row.ticket} wire still on the road near the school`));
            assert.match(reply, new RegExp(row.ticket));
            assert.equal((await complaints(bot)).length, 1);
            const notes = await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: row.id, actor: 'consumer' });
            assert.deepEqual(notes.filter((n) => n.note).map((n) => n.note), ['wire still on the road near the school']);
        });
    });

    describe('duplicates and the smaller things', () => {
        it('the same fault on an account with one open joins it and shows its ticket and due time', async () => {
            const first = await englishUser(bot);
            const ticket = ticketIn(joined(await sayAll(first, ['no power since morning in our street', LUCKNOW.account, 'yes'])));
            const second = await englishUser(bot);
            const reply = joined(await sayAll(second, ['still no light in vibhuti khand', LUCKNOW.account]));
            assert.match(reply, new RegExp(`already have an open complaint about this: ${ticket}`));
            assert.match(reply, /should be fixed by/);
            assert.equal((await complaints(bot)).length, 1);
        });

        it('a danger at the reporter\'s own house asks the account (with a way without it), a danger elsewhere the place', async () => {
            const own = joined(await bot.conversation().say('the wire over my house is hanging very low'));
            assert.match(own, /SAFETY FIRST/);
            assert.match(own, /10-digit account number/);
            const street = joined(await bot.conversation().say('a wire is hanging very low over the main road near the school'));
            assert.match(street, /SAFETY FIRST/);
            assert.doesNotMatch(street, /account number/);
        });

        it('a sparking transformer gets its own safety advice first, and a place rather than an account', async () => {
            const replies = await bot.conversation().say('transformer me chingari nikal rahi hai');
            assert.match(replies[0], /ट्रांसफार्मर से कम से कम 10 मीटर दूर/);
            assert.doesNotMatch(joined(replies), /खाता नंबर/);
        });

        it('a time limit of whole days is said in days', async () => {
            const user = bot.conversation();
            const saved = joined(await sayAll(user, ['voltage bahut kam hai', LUCKNOW.account, 'haan']));
            assert.match(saved, /10 दिन में/);
            assert.doesNotMatch(saved, /240 घंटे/);
        });
    });
});
