import { strict as assert } from 'assert';
import { AccountLink } from '../../src/data/entities/AccountLink';
import { Consumer } from '../../src/data/entities/Consumer';
import { MobileChangeEvent } from '../../src/data/entities/MobileChangeEvent';
import { MobileChangeRequest } from '../../src/data/entities/MobileChangeRequest';
import { MobileProofAttempt } from '../../src/data/entities/MobileProofAttempt';
import { Official } from '../../src/data/entities/Official';
import { Logger } from '../../src/logger';
import { ProactiveNotifier } from '../../src/services/ProactiveNotifier';
import { assertAllEnglish, assertAllHindi, assertNoFailure, englishUser, hindiUser, joined, LUCKNOW, sayAll, sayCode } from '../support/dialogKit';
import { ManualClock } from '../support/ManualClock';
import { ProactiveChats } from '../support/ProactiveChats';
import { TestBot, TestConversation } from '../support/TestBot';

const NEW_MOBILE = '9876543210';
const MOBILE_REFERENCE = /M\d{4}-\d{4,}/;

/** The whole rupees of the latest demo bill, as a consumer reads them off the bill. */
const BILL_RUPEES = String(Math.floor(LUCKNOW.latestBill.amountPaise / 100));

/**
 * Linking or changing an account's registered mobile through the real dialogs: proof of holding the account (a code
 * to the old mobile, or the bill amount and meter number with attempts counted in the database), proof of the new
 * mobile (a code, or WhatsApp vouching for the sender), the `M…` request, and its approval or refusal told in the
 * consumer's chat by the real proactive notifier; approval changes the registered mobile and voids verified links.
 */
describe('linking and updating a mobile in the conversation', () => {
    let bot: TestBot;
    let clock: ManualClock;
    const chats = new ProactiveChats();

    beforeEach(async () => {
        clock = new ManualClock();
        chats.clear();
        // The proactive notifier needs the bot's translator, so it is built after the bot.
        const late: { notifier?: ProactiveNotifier } = {};
        bot = await TestBot.create({
            overrides: { now: clock.now, mobileNotifier: { mobileRequestToConsumer: (r, t) => late.notifier!.mobileRequestToConsumer(r, t) } },
        });
        late.notifier = new ProactiveNotifier(new Map([['test', chats.adapter]]), bot.app.translator, new Logger('error'), '');
    });
    afterEach(async () => {
        await bot.close();
    });

    /** What the proactive notifier sent into `user`'s chat since the last look. */
    function noticesIn(user: TestConversation): string[] {
        return user.adapter.activeQueue.splice(0).map((a) => a.text ?? '');
    }

    const requests = () => bot.dataSource.getRepository(MobileChangeRequest).find({ order: { id: 'ASC' } });
    const consumer = () => bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: LUCKNOW.account });
    const official = (username: string) => bot.dataSource.getRepository(Official).findOneByOrFail({ username });
    const lastSms = () => bot.sms.sent[bot.sms.sent.length - 1];

    it('English: link my mobile, code to the old mobile, code to the new one → a request M… with what happens next', async () => {
        const user = chats.track(await englishUser(bot));
        let replies = await user.say('link my mobile');
        assert.match(joined(replies), /link or change the mobile number/);
        assert.match(joined(replies), /account number/i);
        replies = await user.say(LUCKNOW.account);
        assert.match(joined(replies), /ends in \*+45\. Do you still have that phone/);
        await user.say('yes');
        assert.equal(lastSms().mobile, LUCKNOW.mobile, 'the code goes to the registered mobile');
        replies = await sayCode(bot, user);
        assert.match(joined(replies), /you are verified/);
        assert.match(joined(replies), /new 10-digit mobile number/);
        replies = await user.say('12345');
        assert.match(joined(replies), /10 digits/, 'a bad number is refused with the reason');
        replies = await user.say(LUCKNOW.mobile!);
        assert.match(joined(replies), /already the one registered/);
        replies = await user.say(`my new number is ${NEW_MOBILE}`);
        assert.equal(lastSms().mobile, NEW_MOBILE, 'a code goes to the new mobile');
        assert.match(joined(replies), /new mobile \*+10/);
        replies = await sayCode(bot, user);
        assertAllEnglish(replies);
        const text = joined(replies);
        assert.match(text, /new number is confirmed/);
        const reference = text.match(MOBILE_REFERENCE)?.[0];
        assert.ok(reference, `a reference in: ${text}`);
        assert.match(text, /subdivision office will check and approve it/);
        assert.doesNotMatch(text, new RegExp(NEW_MOBILE), 'the new number is masked in the chat');
        const [request] = await requests();
        assert.deepEqual(
            {
                reference: request.reference,
                old: request.oldMobile,
                new: request.newMobile,
                holder: request.holderProof,
                proof: request.newMobileProof,
                status: request.status,
            },
            { reference, old: LUCKNOW.mobile, new: NEW_MOBILE, holder: 'old_mobile', proof: 'otp', status: 'pending' }
        );
        assert.equal((await consumer()).registeredMobile, LUCKNOW.mobile, 'nothing changes before the approval');
        replies = await user.say(`status ${reference}`);
        assert.match(joined(replies), /waiting for the subdivision office/);
        assert.match(joined(replies), /\*+7890/);
        assertNoFailure(bot, transcript(user));
    });

    it('Hindi: मोबाइल नंबर बदलना है, no old phone → bill amount and meter number (right); new-mobile code wrong, then right', async () => {
        const user = chats.track(await hindiUser(bot));
        let replies = await user.say('मोबाइल नंबर बदलना है');
        assert.match(joined(replies), /मोबाइल नंबर जोड़ने या बदलने/);
        replies = await user.say(LUCKNOW.account);
        assert.match(joined(replies), /क्या वह फ़ोन अभी आपके पास है/);
        replies = await user.say('नहीं');
        assert.match(joined(replies), /बिल की राशि/);
        replies = await user.say(`₹${BILL_RUPEES}`);
        assert.match(joined(replies), /मीटर नंबर/);
        replies = await user.say(LUCKNOW.meterNumber.toLowerCase());
        assert.match(joined(replies), /रिकॉर्ड से मिल गई/);
        await user.say(NEW_MOBILE);
        assert.equal(lastSms().mobile, NEW_MOBILE);
        const code = bot.lastCode()!;
        const wrong = code === '000000' ? '111111' : '000000';
        replies = await user.say(wrong);
        assert.match(joined(replies), /सही नहीं है। आपके पास 2 मौके बचे हैं/);
        replies = await user.say(code);
        assertAllHindi(replies);
        assert.match(joined(replies), /अनुरोध M\d{4}-\d{4,} दर्ज हो गया/);
        const [request] = await requests();
        assert.equal(request.holderProof, 'knowledge');
        assert.equal(request.newMobileProof, 'otp');
        assert.equal(request.language, 'hi');
        assertNoFailure(bot, transcript(user));
    });

    it('account knowledge: a wrong answer says the tries left; exhausted, the wait is said, and counted in the database across chats', async () => {
        const user = chats.track(bot.conversation({ userId: 'guesser' }));
        let replies = await sayAll(user, ['registered mobile galat hai', LUCKNOW.account, 'nahi']);
        assert.match(joined(replies), /बिल की राशि/, 'romanised Hindi is answered in Hindi');
        replies = await sayAll(user, ['500', LUCKNOW.meterNumber]);
        assert.match(joined(replies), /रिकॉर्ड से नहीं मिली। आपके पास 2 मौके बचे हैं/);
        replies = await sayAll(user, [BILL_RUPEES, 'UPM00000000']);
        assert.match(joined(replies), /1 मौका बचा है/, 'a wrong meter number fails too');
        replies = await sayAll(user, ['1', 'X123']);
        assert.match(joined(replies), /24 घंटे बाद कोशिश करें/);
        assert.equal(await bot.dataSource.getRepository(MobileProofAttempt).countBy({ accountNumber: LUCKNOW.account, succeeded: false }), 3);
        // Another day's chat of the same user is stopped at once, even with the right answers ready.
        clock.advance(2);
        replies = await sayAll(user, ['mera number badal gaya', LUCKNOW.account, 'nahi']);
        assert.match(joined(replies), /22 घंटे बाद कोशिश करें/);
        assert.equal((await requests()).length, 0);
        // The right answers after the wait are accepted.
        clock.advance(23);
        replies = await sayAll(user, ['mobile number update karna hai', LUCKNOW.account, 'nahi', BILL_RUPEES, LUCKNOW.meterNumber]);
        assert.match(joined(replies), /रिकॉर्ड से मिल गई/);
        assertNoFailure(bot, transcript(user));
    });

    it('an account with no registered mobile: verification offers the request; the account questions prove it', async () => {
        await bot.dataSource.getRepository(Consumer).update({ accountNumber: LUCKNOW.account }, { registeredMobile: null });
        const user = chats.track(await englishUser(bot));
        let replies = await sayAll(user, ['show my bill', LUCKNOW.account]);
        assert.match(joined(replies), /No mobile number is registered.*send "update mobile"/s);
        await user.say('update mobile');
        replies = await user.say(LUCKNOW.account);
        assert.match(joined(replies), /No mobile number is registered on this account\. To prove the account is yours/);
        await sayAll(user, [BILL_RUPEES, LUCKNOW.meterNumber, NEW_MOBILE]);
        replies = await sayCode(bot, user);
        assert.match(joined(replies), MOBILE_REFERENCE);
        const [request] = await requests();
        assert.equal(request.oldMobile, null);
    });

    it('WhatsApp vouches for the sender: a new mobile that is the sender’s own needs no code', async () => {
        const user = chats.track(await englishUser(bot, { phoneNumber: NEW_MOBILE }));
        await sayAll(user, ['I want to change my registered mobile', LUCKNOW.account, 'yes']);
        await sayCode(bot, user);
        const sent = bot.sms.sent.length;
        const replies = await user.say(NEW_MOBILE);
        assert.equal(bot.sms.sent.length, sent, 'no code to the new mobile');
        assert.match(joined(replies), /writing from this number/);
        assert.match(joined(replies), MOBILE_REFERENCE);
        assert.equal((await requests())[0].newMobileProof, 'channel');
    });

    it('request → approval: the registered mobile changes, an audit row, the verified link is void (a bill now asks for a code to the NEW mobile), the chat is told', async () => {
        const user = chats.track(await englishUser(bot));
        // Verified for the account through the bill first, against the old mobile.
        await sayAll(user, ['show my bill', LUCKNOW.account]);
        let replies = await sayCode(bot, user);
        assert.match(joined(replies), /verified/);
        assert.equal(await bot.dataSource.getRepository(AccountLink).countBy({ accountNumber: LUCKNOW.account }), 1);
        // Verified already: no second code to the old mobile.
        await sayAll(user, ['my mobile number has changed, please update it', NEW_MOBILE]);
        assert.equal(lastSms().mobile, NEW_MOBILE);
        replies = await sayCode(bot, user);
        const reference = joined(replies).match(MOBILE_REFERENCE)![0];
        const [request] = await requests();
        assert.equal(request.holderProof, 'old_mobile');

        clock.advance(5);
        await bot.app.services.mobileChanges.approve(request.id, await official('sdo.gomtinagar'));
        assert.equal((await consumer()).registeredMobile, NEW_MOBILE);
        assert.equal(await bot.dataSource.getRepository(AccountLink).countBy({ accountNumber: LUCKNOW.account }), 0, 'the link is removed');
        const audit = await bot.dataSource.getRepository(MobileChangeEvent).findOneByOrFail({ requestId: request.id, kind: 'approved' });
        const sdo = await official('sdo.gomtinagar');
        assert.deepEqual(
            {
                official: audit.officialId,
                at: audit.at.toISOString(),
                old: audit.oldMasked,
                new: audit.newMasked,
                proof: audit.proof,
                voided: audit.linksVoided,
            },
            { official: sdo.id, at: clock.now().toISOString(), old: '******2345', new: '******3210', proof: 'old_mobile+otp', voided: 1 }
        );
        const notice = joined(noticesIn(user));
        assert.match(notice, new RegExp(`${reference} is approved`));
        assert.doesNotMatch(notice, new RegExp(NEW_MOBILE));

        // The previously verified chat must prove itself again, with a code to the new mobile.
        replies = await sayAll(user, ['show my bill', LUCKNOW.account]);
        assert.match(joined(replies), /sent a 6-digit code by SMS to the registered mobile \*+10/);
        assert.equal(lastSms().mobile, NEW_MOBILE);
        replies = await sayCode(bot, user);
        assert.match(joined(replies), /you are verified/);
        // A second approval changes nothing.
        await assert.rejects(bot.app.services.mobileChanges.approve(request.id, sdo), /cannot be approved/);
        assert.equal(await bot.dataSource.getRepository(MobileChangeEvent).countBy({ requestId: request.id, kind: 'approved' }), 1);
        replies = await user.say(`status ${reference}`);
        assert.match(joined(replies), /approved/);
    });

    it('the binding rule alone also voids a link: a registered mobile changed elsewhere (an import) ends verification', async () => {
        const user = chats.track(await englishUser(bot));
        await sayAll(user, ['show my bill', LUCKNOW.account]);
        await sayCode(bot, user);
        await bot.dataSource.getRepository(Consumer).update({ accountNumber: LUCKNOW.account }, { registeredMobile: NEW_MOBILE });
        const replies = await sayAll(user, ['show my bill', LUCKNOW.account]);
        assert.match(joined(replies), /registered mobile \*+10/);
    });

    it('refusal with a reason: the chat is told the reason and the way forward, in Hindi; a stranger learns only the state', async () => {
        const user = chats.track(await hindiUser(bot));
        await sayAll(user, ['मोबाइल नंबर बदलना है', LUCKNOW.account, 'हाँ']);
        await sayCode(bot, user);
        await user.say(NEW_MOBILE);
        const replies = await sayCode(bot, user);
        const reference = joined(replies).match(MOBILE_REFERENCE)![0];
        const [request] = await requests();
        const sdo = await official('sdo.gomtinagar');
        await assert.rejects(bot.app.services.mobileChanges.refuse(request.id, sdo, '   '), /reason/);
        const je = await official('je.vibhutikhand');
        await assert.rejects(bot.app.services.mobileChanges.refuse(request.id, je, 'no'), /cannot decide/);
        await bot.app.services.mobileChanges.refuse(request.id, sdo, 'नया नंबर किसी और के नाम पर है');
        const notice = noticesIn(user);
        assertAllHindi(notice);
        assert.match(joined(notice), /अस्वीकार हुआ: नया नंबर किसी और के नाम पर है/);
        assert.match(joined(notice), /फिर से अनुरोध/);
        assert.equal((await consumer()).registeredMobile, LUCKNOW.mobile, 'nothing changed');
        let status = await user.say(`status ${reference}`);
        assert.match(joined(status), /कारण: नया नंबर किसी और के नाम पर है/);
        const stranger = await englishUser(bot);
        status = await stranger.say(`status ${reference}`);
        assert.equal(status[0], `Mobile change request ${reference}: refused.`);
        status = await stranger.say('status M2612-9999');
        assert.match(joined(status), /could not find/);
    });

    for (const text of ['mobile number update karna hai', 'mera number badal gaya', 'मोबाइल नंबर बदलना है', 'link my mobile', 'registered mobile galat hai']) {
        it(`"${text}" starts the request, not an everyday answer or a complaint`, async () => {
            const user = bot.conversation();
            await user.open();
            const replies = await user.say(text);
            assert.match(joined(replies), /link or change the mobile number|मोबाइल नंबर जोड़ने या बदलने/);
            assert.match(joined(replies), /account number|खाता नंबर/);
        });
    }

    it('"how do I register my mobile number?" gets the everyday answer, which offers the request; "yes" takes it up', async () => {
        const user = await englishUser(bot);
        let replies = await user.say('how do I register my mobile number?');
        assert.match(joined(replies), /send "update mobile"/);
        replies = await user.say('yes please');
        assert.match(joined(replies), /link or change the mobile number/);
        replies = await hindiUser(bot).then((hindi) => hindi.say('to mobile number kaise judwaye khate me?'));
        assert.match(joined(replies), /"मोबाइल नंबर बदलना है" भेजें/);
    });

    function transcript(user: TestConversation): string[] {
        return user.transcript.map((a) => a.text ?? '');
    }
});
