import { strict as assert } from 'assert';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import {
    assertAllEnglish,
    assertAllHindi,
    assertNoFailure,
    complaints,
    englishUser,
    joined,
    laterConversation,
    LUCKNOW,
    sayAll,
    TICKET_FORMAT,
    ticketIn,
    transcriptText,
} from '../support/dialogKit';
import { TestBot, TestConversation } from '../support/TestBot';

/**
 * The same core flows in the three ways consumers write: English (after choosing it), Hindi in Devanagari and
 * romanised Hindi (both pick Hindi from the first message, without asking, and get Devanagari replies).
 */
describe('dialogs in English, Devanagari Hindi and romanised Hindi', () => {
    let bot: TestBot;
    beforeEach(async () => {
        bot = await TestBot.create();
    });
    afterEach(async () => {
        await bot.close();
    });

    async function identityOf(user: TestConversation): Promise<ChannelIdentity> {
        return bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channel: 'test', channelUserId: user.adapter.template.from!.id });
    }

    /** Confirms, checks the saved reply and the single complaint row; returns the row. */
    async function confirmAndCheckSaved(
        user: TestConversation,
        yes: string,
        savedFragment: RegExp,
        expected: { category: string; description: string; account?: string | null }
    ) {
        const saved = await user.say(yes);
        assert.match(joined(saved), savedFragment);
        const ticket = ticketIn(joined(saved));
        assert.ok(ticket && TICKET_FORMAT.test(ticket), `ticket in: ${joined(saved)}`);
        const rows = await complaints(bot);
        assert.equal(rows.length, 1, 'exactly one complaint saved');
        const [row] = rows;
        assert.equal(row.ticket, ticket);
        assert.match(row.ticket, TICKET_FORMAT);
        assert.equal(row.accountNumber, expected.account === undefined ? LUCKNOW.account : expected.account);
        assert.equal(row.category, expected.category);
        assert.equal(row.description, expected.description);
        assert.equal(row.status, 'assigned', 'the JE of the subdivision owns it at once');
        const history = await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: row.id });
        // A hazard also records that the SDO was told at once.
        assert.deepEqual(
            history.map((h) => h.status),
            expected.category === 'line' ? ['registered', 'assigned', 'assigned'] : ['registered', 'assigned']
        );
        if (expected.category === 'line') assert.match(history[2].note ?? '', /^safety hazard: SDO .+ told at once$/);
        assertNoFailure(bot, transcriptText(user));
        return row;
    }

    describe('complaint registration end to end', () => {
        it('English: after choosing English, detects the category from the text and saves the complaint', async () => {
            const user = await englishUser(bot);
            const text = 'transformer near my house is burnt since last night';
            const askAccount = await user.say(text);
            assert.match(joined(askAccount), /10-digit account number/);
            const confirm = await user.say(LUCKNOW.account);
            assert.match(joined(confirm), /Problem: Transformer fault/);
            assert.match(joined(confirm), /Shall I register it\?/);
            await confirmAndCheckSaved(user, 'yes', /Your complaint is registered/, { category: 'transformer', description: text });
            assertAllEnglish(transcriptText(user).slice(2), 'after choosing English');
            assert.equal((await identityOf(user)).preferredLanguage, 'en');
        });

        it('Devanagari: the first message picks Hindi without asking, every reply is in Devanagari', async () => {
            const user = bot.conversation();
            const text = 'वोल्टेज बहुत कम है शाम को पंखा नहीं चलता';
            const first = await user.say(text);
            assert.doesNotMatch(joined(first), /choose your language/i, 'no language question');
            assert.match(joined(first), /10 अंकों का खाता नंबर/);
            const confirm = await user.say(LUCKNOW.account);
            assert.match(joined(confirm), /समस्या: वोल्टेज की समस्या/);
            assert.match(joined(confirm), /क्या मैं इसे दर्ज कर दूँ\?/);
            await confirmAndCheckSaved(user, 'हाँ', /आपकी शिकायत दर्ज हो गई है/, { category: 'voltage', description: text });
            assertAllHindi(transcriptText(user));
            assert.equal((await identityOf(user)).preferredLanguage, 'hi');
        });

        it('romanised Hindi: "bijli nahi aa rahi" picks Hindi without asking and replies in Devanagari', async () => {
            const user = bot.conversation();
            const first = await user.say('bijli nahi aa rahi');
            assert.doesNotMatch(joined(first), /choose your language/i);
            assert.match(joined(first), /10 अंकों का खाता नंबर/);
            const confirm = await user.say(LUCKNOW.account);
            assert.match(joined(confirm), /समस्या: बिजली नहीं आ रही/);
            await confirmAndCheckSaved(user, 'haan', /आपकी शिकायत दर्ज हो गई है/, { category: 'no_supply', description: 'bijli nahi aa rahi' });
            assertAllHindi(transcriptText(user));
            assert.equal((await identityOf(user)).preferredLanguage, 'hi');
        });

        it('romanised Hindi: a billing complaint is categorised from the words', async () => {
            const user = bot.conversation();
            const text = 'bill bahut zyada aaya hai is mahine';
            await sayAll(user, [text, LUCKNOW.account]);
            await confirmAndCheckSaved(user, 'ji', /शिकायत संख्या/, { category: 'billing', description: text });
        });

        it('Devanagari: a wire on the road is a hazard, the Hindi safety warning comes first', async () => {
            const user = bot.conversation();
            const first = await user.say('तार टूट कर सड़क पर गिरा है');
            assert.match(first[0], /सबसे पहले सुरक्षा/);
            // The account is asked with a way without it; a passer-by takes the no-account path (a mobile, the place).
            // An address that names the subdivision places the complaint with its JE, as an account would.
            await sayAll(user, ['मेरे पास नहीं है', '9876543210', 'हनुमान मंदिर के पास, Vibhuti Khand, लखनऊ']);
            await confirmAndCheckSaved(user, 'हां', /दर्ज हो गई/, { category: 'line', description: 'तार टूट कर सड़क पर गिरा है', account: null });
        });
    });

    describe('account number forms', () => {
        const forms: Array<[string, string]> = [
            ['Devanagari digits', '१२३४५६७८९०'],
            ['a space in the middle', '12345 67890'],
            ['dashes', '1234-567-890'],
        ];
        for (const [label, typed] of forms) {
            it(`accepts the account number with ${label} ("${typed}")`, async () => {
                const user = bot.conversation();
                await user.say('बिजली नहीं आ रही है');
                const confirm = await user.say(typed);
                assert.match(joined(confirm), /क्षेत्र: Vibhuti Khand/, `confirmation for ${typed}: ${joined(confirm)}`);
                const saved = await user.say('हाँ');
                assert.ok(ticketIn(joined(saved)));
                const [row] = await complaints(bot);
                assert.equal(row.accountNumber, LUCKNOW.account);
            });
        }
    });

    describe('yes words', () => {
        for (const yes of ['haan', 'हाँ', 'ji']) {
            it(`"${yes}" confirms a complaint (English conversation too)`, async () => {
                const user = await englishUser(bot);
                await sayAll(user, ['no power since morning in our street', LUCKNOW.account]);
                const saved = await user.say(yes);
                assert.match(joined(saved), /Your complaint is registered/);
                assert.equal((await complaints(bot)).length, 1);
            });
        }

        it('"नहीं" at the confirmation asks what to change; a second "नहीं" saves nothing', async () => {
            const user = bot.conversation();
            await sayAll(user, ['बिजली नहीं आ रही है', LUCKNOW.account]);
            assert.match(joined(await user.say('नहीं')), /क्या बदलना है\?/);
            assert.equal((await complaints(bot)).length, 0);
            assert.match(joined(await user.say('नहीं')), /शिकायत दर्ज नहीं की गई/);
            assert.equal((await complaints(bot)).length, 0);
        });
    });

    describe('language switch in the middle of a flow', () => {
        it('"English" while a Hindi user is asked for the account number: confirms in English, re-asks in English, continues', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('bijli nahi aa rahi')), /खाता नंबर/);
            const switched = await user.say('English');
            assert.equal(switched.length, 2, `confirmation and question: ${joined(switched)}`);
            assert.match(switched[0], /I will talk to you in English/);
            assert.match(switched[1], /Please type your 10-digit account number/);
            assertAllEnglish(switched);
            const confirm = await user.say(LUCKNOW.account);
            assert.match(joined(confirm), /Problem: No electricity/);
            assert.match(joined(await user.say('yes')), /Your complaint is registered/);
            const [row] = await complaints(bot);
            assert.equal(row.category, 'no_supply');
            assert.equal((await identityOf(user)).preferredLanguage, 'en');
        });

        it('"hindi me baat karo" while an English user is asked for the account number: confirms in Hindi, re-asks in Hindi, continues', async () => {
            const user = await englishUser(bot);
            assert.match(joined(await user.say('no power since morning in our street')), /10-digit account number/);
            const switched = await user.say('hindi me baat karo');
            assert.equal(switched.length, 2, `confirmation and question: ${joined(switched)}`);
            assert.match(switched[0], /अब मैं आपसे हिंदी में बात करूँगा/);
            assert.match(switched[1], /10 अंकों का खाता नंबर/);
            assertAllHindi(switched);
            const confirm = await user.say(LUCKNOW.account);
            assert.match(joined(confirm), /समस्या: बिजली नहीं आ रही/);
            assert.match(joined(await user.say('haan')), /आपकी शिकायत दर्ज हो गई है/);
            assert.equal((await complaints(bot)).length, 1);
            assert.equal((await identityOf(user)).preferredLanguage, 'hi');
        });

        it('"हिंदी" typed at the account question switches too, and no complaint is saved by the switch', async () => {
            const user = await englishUser(bot);
            await user.say('no power since morning in our street');
            const switched = await user.say('हिंदी');
            assert.match(switched[0], /हिंदी में बात करूँगा/);
            assert.match(switched[1], /खाता नंबर/);
            assert.equal((await complaints(bot)).length, 0);
        });

        // Regression test; the bug was: the confirmation's category name is rendered once, in the language of the moment it was first asked,
        // so after a switch the re-asked confirmation mixes languages ("Problem: बिजली नहीं आ रही").
        it('a switch at the confirmation re-asks the whole confirmation in the new language', async () => {
            const user = bot.conversation();
            await sayAll(user, ['bijli nahi aa rahi', LUCKNOW.account]);
            const switched = await user.say('English');
            assert.match(switched[0], /I will talk to you in English/);
            assert.match(switched[1], /Shall I register it\?/);
            assert.match(switched[1], /Problem: No electricity/);
            assertAllEnglish(switched);
            assert.match(joined(await user.say('yes')), /Your complaint is registered/);
        });
    });

    describe('remembered language', () => {
        it('a Hindi user coming back in a new conversation is greeted in Hindi without the language question', async () => {
            const first = bot.conversation({ userId: 'returning-hi' });
            await sayAll(first, ['bijli nahi aa rahi', LUCKNOW.account, 'haan']);
            const stored = await bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channel: 'test', channelUserId: 'returning-hi' });
            assert.equal(stored.preferredLanguage, 'hi');

            const later = laterConversation(bot, 'returning-hi', 'conv-returning-hi-2');
            const welcome = await later.open();
            assert.doesNotMatch(joined(welcome), /choose your language/i);
            assert.match(joined(welcome), /मैं बिजली मित्र हूँ/);
            assertAllHindi(welcome);
            // An English-looking message does not switch back: the stored preference wins.
            const reply = await later.say('meter details');
            assert.match(joined(reply), /खाता नंबर/);
            assertAllHindi(reply);
        });

        it('an English user coming back writes romanised Hindi and still gets English (preference stored in channel_identities)', async () => {
            const first = await englishUser(bot, { userId: 'returning-en' });
            await sayAll(first, ['no power since morning in our street', LUCKNOW.account, 'yes']);
            const later = laterConversation(bot, 'returning-en', 'conv-returning-en-2');
            const reply = await later.say('bijli nahi aa rahi');
            assert.doesNotMatch(joined(reply), /choose your language/i);
            assert.match(joined(reply), /Please type your 10-digit account number/);
            assertAllEnglish(reply);
            const identities = await bot.dataSource.getRepository(ChannelIdentity).findBy({ channelUserId: 'returning-en' });
            assert.deepEqual(
                identities.map((i) => i.preferredLanguage),
                ['en'],
                'one identity, language en'
            );
        });

        it('a new conversation object of the same user id (harness default) continues in Hindi', async () => {
            await sayAll(bot.conversation({ userId: 'same-id' }), ['बिजली नहीं आ रही है', LUCKNOW.account, 'हाँ']);
            const again = bot.conversation({ userId: 'same-id' });
            const reply = await again.say('meter details');
            assert.match(joined(reply), /खाता नंबर/);
            assertAllHindi(reply);
        });

        it('a switch made mid-flow is remembered for the next conversation', async () => {
            const first = bot.conversation({ userId: 'switcher' });
            await sayAll(first, ['bijli nahi aa rahi', 'English', LUCKNOW.account, 'yes']);
            const later = laterConversation(bot, 'switcher', 'conv-switcher-2');
            const welcome = await later.open();
            assert.match(joined(welcome), /I am Bijli Mitra/);
            assertAllEnglish(welcome);
        });
    });
});
