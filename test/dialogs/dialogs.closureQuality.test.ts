import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import { Logger } from '../../src/logger';
import { ComplaintNotifier, RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { ProactiveNotifier } from '../../src/services/ProactiveNotifier';
import { buttonsOf, englishUser, hindiUser, joined, LUCKNOW, sayAll, ticketIn } from '../support/dialogKit';
import { ManualClock } from '../support/ManualClock';
import { ProactiveChats } from '../support/ProactiveChats';
import { TestBot, TestConversation } from '../support/TestBot';

const CONTACT_MOBILE = '9876543210';
const SECOND_ACCOUNT = '6739351047';

/**
 * Closure quality through the real dialogs and the real proactive notifier: the rating asked after the consumer's
 * "yes" (which never undoes the closure), and the random re-contact "is the supply still working?" days later.
 */
describe('rating on confirmation and the re-contact in the conversation', () => {
    let bot: TestBot;
    let clock: ManualClock;
    let draw: number;
    const chats = new ProactiveChats();

    beforeEach(async () => {
        clock = new ManualClock();
        draw = 1;
        chats.clear();
        let delegate: ComplaintNotifier = new RecordingNotifier();
        const notifier: ComplaintNotifier = {
            toConsumer: (c, t) => delegate.toConsumer(c, t),
            toOfficial: (o, c, t) => delegate.toOfficial(o, c, t),
            askConsumerToConfirm: (c, n) => delegate.askConsumerToConfirm(c, n),
            remindConsumerToConfirm: (c) => delegate.remindConsumerToConfirm(c),
            askConsumerStillWorking: (c) => delegate.askConsumerStillWorking(c),
        };
        // Each test sets `draw`: 1 never selects a closure for the re-contact, 0 always does (RECONTACT_SHARE is 0.1).
        bot = await TestBot.create({ overrides: { notifier, now: clock.now, random: () => draw } });
        delegate = new ProactiveNotifier(
            new Map([['test', chats.adapter]]),
            bot.app.translator,
            new Logger('error'),
            '',
            (ticket, note) => (context) => bot.app.bot.askToConfirm(context, ticket, note),
            undefined,
            (ticket) => (context) => bot.app.bot.askStillWorking(context, ticket)
        );
    });
    afterEach(async () => {
        await bot.close();
    });

    async function complaint(ticket: string): Promise<Complaint> {
        return bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
    }

    /** Registers, has the JE resolve it, and leaves "is it fixed?" open in the chat. */
    async function resolvedFor(user: TestConversation, language: 'en' | 'hi', account = LUCKNOW.account): Promise<Complaint> {
        const inputs = language === 'en' ? ['no power since morning in our street', account, 'yes'] : ['मेरे घर में सुबह से बिजली नहीं है', account, 'हाँ'];
        const registered = await complaint(ticketIn(joined(await sayAll(chats.track(user), inputs)))!);
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId!, 'fuse replaced');
        chats.replies(user);
        return registered;
    }

    it('asks an English rating after the yes: a bad answer is asked again and the complaint stays closed; "very good" and a reason are stored', async () => {
        const user = await englishUser(bot);
        const registered = await resolvedFor(user, 'en');
        const closing = await user.sayFull('yes');
        assert.match(joined(closing.map((a) => a.text ?? '')), /is now closed[\s\S]*How would you rate how complaint C[0-9-]+ was handled\?/);
        assert.deepEqual(buttonsOf(closing), ['1 ⭐ Very poor', '2 ⭐ Poor', '3 ⭐ Average', '4 ⭐ Good', '5 ⭐ Very good', 'Skip']);
        assert.equal((await complaint(registered.ticket)).status, 'closed', 'closed before any rating');
        assert.match(joined(await user.say('9')), /Please choose a number from 1 \(very poor\) to 5 \(very good\)[\s\S]*stays closed either way/);
        assert.equal((await complaint(registered.ticket)).status, 'closed');
        assert.match(joined(await user.say('very good')), /would you like to tell us why/i);
        assert.match(joined(await user.say('The lineman came within an hour')), /Thank you for your feedback/);
        const rated = await complaint(registered.ticket);
        assert.deepEqual([rated.status, rated.rating, rated.ratingReason], ['closed', 5, 'The lineman came within an hour']);
        // The conversation goes on as usual.
        assert.match(joined(await user.say('menu')), /What would you like to do/);
    });

    it('asks the rating in Hindi: Devanagari digits, "paanch" and stars are read, skip leaves no reason, and giving up keeps the closure', async () => {
        const user = await hindiUser(bot);
        const first = await resolvedFor(user, 'hi');
        assert.match(joined(await user.say('हाँ')), /बंद कर दी गई है[\s\S]*निपटारा आपको कैसा लगा\?/);
        assert.match(joined(await user.say('४')), /कुछ शब्दों में बताना चाहेंगे/);
        assert.match(joined(await user.say('छोड़ें')), /आपकी राय के लिए धन्यवाद/);
        assert.deepEqual([(await complaint(first.ticket)).rating, (await complaint(first.ticket)).ratingReason], [4, null]);

        const second = await resolvedFor(chats.track(await hindiUser(bot)), 'hi', SECOND_ACCOUNT);
        const other = chats.of(second.conversationRef!);
        await other.say('हाँ');
        assert.match(joined(await other.say('paanch')), /कुछ शब्दों में/);
        await other.say('लाइनमैन जल्दी आए');
        assert.deepEqual([(await complaint(second.ticket)).rating, (await complaint(second.ticket)).ratingReason], [5, 'लाइनमैन जल्दी आए']);

        const third = await resolvedFor(await hindiUser(bot), 'hi', '2468013579');
        const stars = chats.of(third.conversationRef!);
        await stars.say('हाँ');
        await stars.say('⭐⭐⭐');
        assert.equal((await complaint(third.ticket)).rating, 3);

        // Skipping the rating itself, and three unusable answers: the complaint stays closed, nothing is rated.
        const fourth = await resolvedFor(user, 'hi', '3692581470');
        await user.say('हाँ');
        assert.match(joined(await user.say('छोड़ें')), /बंद ही रहेगी/);
        const skipped = await complaint(fourth.ticket);
        assert.deepEqual([skipped.status, skipped.rating], ['closed', null]);
        const fifth = await resolvedFor(user, 'hi');
        await user.say('हाँ');
        assert.match(joined(await user.say('क ख ग')), /कोई अंक चुनें/);
        await user.say('0');
        await user.say('abc');
        const gaveUp = await complaint(fifth.ticket);
        assert.deepEqual([gaveUp.status, gaveUp.rating], ['closed', null]);
    });

    it('asks the rating after a closure by code too (no account)', async () => {
        const user = chats.track(await englishUser(bot));
        const ticket = ticketIn(
            joined(await sayAll(user, ['taar toot kar sadak par gira hai', 'mere paas nahi hai', CONTACT_MOBILE, 'Vibhuti Khand, Lucknow', 'haan']))
        )!;
        const registered = await complaint(ticket);
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId ?? 1, 'wire lifted and tied');
        chats.replies(user);
        await user.say('yes');
        assert.match(joined(await user.say(bot.lastCode()!)), /is now closed[\s\S]*How would you rate/);
        await user.say('2');
        await user.say('skip');
        assert.deepEqual([(await complaint(ticket)).status, (await complaint(ticket)).rating], ['closed', 2]);
    });

    it('re-contacts a drawn closure days later: "no" reopens the same ticket, "haan" is recorded; asked as text when the chat is busy', async () => {
        draw = 0;
        const user = await englishUser(bot);
        const registered = await resolvedFor(user, 'en');
        await user.say('yes');
        await user.say('skip');
        assert.equal((await complaint(registered.ticket)).recontactState, 'selected');
        clock.advance(73);
        assert.equal((await bot.app.lifecycle.tick()).recontacted, 1);
        assert.match(chats.replies(user), /Is the supply still working fine since the fix\?/);
        assert.match(joined(await user.say('no')), /reopened with its history/);
        const reopened = await complaint(registered.ticket);
        assert.deepEqual([reopened.status, reopened.recontactState], ['reopened', 'not_working']);
        const last = await bot.dataSource.getRepository(ComplaintEvent).findOneOrFail({ where: { complaintId: registered.id }, order: { id: 'DESC' } });
        assert.deepEqual([last.status, last.actor], ['reopened', 'consumer']);

        const hindi = await hindiUser(bot);
        const second = await resolvedFor(hindi, 'hi', SECOND_ACCOUNT);
        await hindi.say('हाँ');
        await hindi.say('5');
        await hindi.say('छोड़ें');
        // A question is open in the chat when the re-contact comes: it arrives as text, answered later through the status.
        await hindi.say('bill');
        clock.advance(73);
        await bot.app.lifecycle.tick();
        assert.match(chats.replies(hindi), /क्या बिजली अब भी ठीक चल रही है\?.*status C/);
        await hindi.say('menu');
        assert.match(joined(await hindi.say(`status ${second.ticket}`)), /ठीक होने के बाद से बिजली ठीक चल रही है\?/);
        assert.match(joined(await hindi.say('हाँ')), /बताने के लिए धन्यवाद/);
        const recorded = await complaint(second.ticket);
        assert.deepEqual([recorded.status, recorded.recontactState], ['closed', 'working']);
    });
});
