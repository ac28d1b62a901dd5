import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import { Logger } from '../../src/logger';
import { ComplaintNotifier, RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { ProactiveNotifier } from '../../src/services/ProactiveNotifier';
import { englishUser, joined, LUCKNOW, sayAll, ticketIn } from '../support/dialogKit';
import { ProactiveChats } from '../support/ProactiveChats';
import { TestBot, TestConversation } from '../support/TestBot';
import { ManualClock } from '../support/ManualClock';

const CONTACT_MOBILE = '9876543210';

/**
 * Honest closure through the real dialogs, the real proactive notifier and the lifecycle's scheduler pass: silence
 * never closes a complaint, and a "yes, fixed" closes it only with the proof its kind of complaint needs.
 */
describe('honest closure in the conversation', () => {
    let bot: TestBot;
    let clock: ManualClock;
    /** Conversations by id, so a proactive turn runs in the right one. */
    const chats = new ProactiveChats();

    beforeEach(async () => {
        clock = new ManualClock();
        chats.clear();
        // The notifier is built after the bot (it runs the bot's "is it fixed?" turn); until then notices are recorded.
        let delegate: ComplaintNotifier = new RecordingNotifier();
        const notifier: ComplaintNotifier = {
            toConsumer: (c, t) => delegate.toConsumer(c, t),
            toOfficial: (o, c, t) => delegate.toOfficial(o, c, t),
            askConsumerToConfirm: (c, n) => delegate.askConsumerToConfirm(c, n),
            remindConsumerToConfirm: (c) => delegate.remindConsumerToConfirm(c),
            askConsumerStillWorking: (c) => delegate.askConsumerStillWorking(c),
        };
        bot = await TestBot.create({ overrides: { notifier, now: clock.now } });
        delegate = new ProactiveNotifier(
            new Map([['test', chats.adapter]]),
            bot.app.translator,
            new Logger('error'),
            '',
            (ticket, note) => (context) => bot.app.bot.askToConfirm(context, ticket, note)
        );
    });
    afterEach(async () => {
        await bot.close();
    });

    async function complaint(ticket: string): Promise<Complaint> {
        return bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
    }

    async function registerWithAccount(user: TestConversation): Promise<Complaint> {
        const ticket = ticketIn(joined(await sayAll(user, ['no power since morning in our street', LUCKNOW.account, 'yes'])))!;
        return complaint(ticket);
    }

    async function registerWithoutAccount(user: TestConversation): Promise<Complaint> {
        const ticket = ticketIn(
            joined(await sayAll(user, ['taar toot kar sadak par gira hai', 'mere paas nahi hai', CONTACT_MOBILE, 'Vibhuti Khand, Lucknow', 'haan']))
        )!;
        const registered = await complaint(ticket);
        assert.deepEqual([registered.accountNumber, registered.contactMobile], [null, CONTACT_MOBILE]);
        return registered;
    }

    it('silence never closes: reminded at 24 h (answerable in the chat), unconfirmed at 72 h, still not closed a month later', async () => {
        const user = chats.track(await englishUser(bot));
        const registered = await registerWithAccount(user);
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId!, 'fuse replaced');
        assert.match(chats.replies(user), /Is the problem really solved\?/);
        clock.advance(23);
        await bot.app.lifecycle.tick();
        assert.equal(chats.replies(user), '', 'no reminder before its time');
        clock.advance(2);
        assert.equal((await bot.app.lifecycle.tick()).reminded, 1);
        // The first question is still open in the chat, so the reminder comes as text and the open question takes the answer.
        assert.match(chats.replies(user), /Is the problem really solved\? Send "status C[0-9-]+" to answer yes or no\. It is closed only when you confirm\./);
        clock.advance(48);
        assert.equal((await bot.app.lifecycle.tick()).unconfirmed, 1);
        assert.equal((await complaint(registered.ticket)).status, 'unconfirmed');
        for (let day = 0; day < 30; day++) {
            clock.advance(24);
            await bot.app.lifecycle.tick();
        }
        const later = await complaint(registered.ticket);
        assert.deepEqual([later.status, later.closedAt], ['unconfirmed', null]);
        const statuses = (await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: registered.id })).map((e) => e.status);
        assert.ok(!statuses.includes('closed'), 'never closed by silence');
    });

    it('"is it fixed?" answered in the consumer\'s words: "light aa gayi" closes, "abhi bhi nahi" reopens, "shaam ko dekh ke bataunga" changes nothing', async () => {
        const later = chats.track(await englishUser(bot));
        const waiting = await registerWithAccount(later);
        await bot.app.lifecycle.resolve(waiting.id, waiting.assignedOfficialId!, 'fuse replaced');
        chats.replies(later);
        assert.match(joined(await later.say('abhi ghar par nahi hoon, shaam ko dekh ke bataunga')), /Nothing changes until you tell me/);
        assert.equal((await complaint(waiting.ticket)).status, 'resolved');
        assert.match(joined(await later.say(`status ${waiting.ticket}`)), /really solved|fixed/i);
        await later.say('light aa gayi hai, complaint band kar do');
        assert.equal((await complaint(waiting.ticket)).status, 'closed');

        const again = chats.track(await englishUser(bot));
        const broken = await registerWithAccount(again);
        await bot.app.lifecycle.resolve(broken.id, broken.assignedOfficialId!, 'fuse replaced');
        chats.replies(again);
        await again.say('theek kiya tha par shaam ko fir se chali gayi');
        assert.equal((await complaint(broken.ticket)).status, 'reopened');
    });

    it("the consumer's yes to the reminder closes the complaint, asked in the chat or answering the first question", async () => {
        const user = await englishUser(bot);
        const registered = await registerWithAccount(user);
        // The first "is it fixed?" never reached the chat (the platform failed): nothing is open there.
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId!, 'fuse replaced');
        chats.track(user);
        clock.advance(25);
        await bot.app.lifecycle.tick();
        assert.match(chats.replies(user), /we have not heard from you\. Is the problem really solved\?/);
        assert.match(joined(await user.say('yes')), /Complaint .* is now closed/);
        const closed = await complaint(registered.ticket);
        assert.equal(closed.status, 'closed');
        const last = await bot.dataSource.getRepository(ComplaintEvent).findOneOrFail({ where: { complaintId: registered.id }, order: { id: 'DESC' } });
        assert.deepEqual([last.status, last.actor, last.note], ['closed', 'consumer', 'confirmed fixed by the consumer (registrant)']);

        const other = chats.track(await englishUser(bot));
        const second = await registerWithAccount(other);
        await bot.app.lifecycle.resolve(second.id, second.assignedOfficialId!, 'fuse replaced');
        clock.advance(25);
        await bot.app.lifecycle.tick();
        assert.match(chats.replies(other), /It is closed only when you confirm/);
        assert.match(joined(await other.say('haan ho gaya')), /is now closed/);
        assert.equal((await complaint(second.ticket)).status, 'closed');
    });

    it("an unconfirmed complaint still closes on the consumer's yes in the status check, and a no reopens it", async () => {
        const user = chats.track(await englishUser(bot));
        const first = await registerWithAccount(user);
        await bot.app.lifecycle.resolve(first.id, first.assignedOfficialId!, 'fuse replaced');
        clock.advance(73);
        await bot.app.lifecycle.tick();
        assert.equal((await complaint(first.ticket)).status, 'unconfirmed');
        await user.say('menu');
        const status = joined(await user.say(`status ${first.ticket}`));
        assert.match(status, /not confirmed by you/);
        assert.match(status, /Is the problem really solved\?/);
        assert.match(joined(await user.say('yes')), /is now closed/);
        assert.equal((await complaint(first.ticket)).status, 'closed');

        const second = await registerWithAccount(chats.track(await englishUser(bot)));
        await bot.app.lifecycle.resolve(second.id, second.assignedOfficialId!, 'fuse replaced');
        clock.advance(73);
        await bot.app.lifecycle.tick();
        const owner = chats.of(second.conversationRef!);
        await owner.say('menu');
        await owner.say(`status ${second.ticket}`);
        assert.match(joined(await owner.say('no')), /reopened/);
        assert.equal((await complaint(second.ticket)).status, 'reopened');
    });

    it('a complaint without an account closes only with the code sent to its contact mobile: a wrong code is refused, the right one closes', async () => {
        const user = chats.track(await englishUser(bot));
        const registered = await registerWithoutAccount(user);
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId ?? 1, 'wire lifted and tied');
        await user.say('menu');
        assert.match(joined(await user.say(`status ${registered.ticket}`)), /Is the problem really solved\?/);
        const sentBefore = bot.sms.sent.length;
        const asked = joined(await user.say('yes'));
        assert.match(asked, /sent a 6-digit code by SMS to its contact mobile/);
        assert.equal((await complaint(registered.ticket)).status, 'resolved', 'a yes alone does not close it');
        assert.equal(bot.sms.sent.length, sentBefore + 1);
        const sms = bot.sms.sent[bot.sms.sent.length - 1];
        assert.equal(sms.mobile, CONTACT_MOBILE);
        assert.match(sms.text, new RegExp(registered.ticket));
        const code = bot.lastCode()!;
        const wrong = code === '000000' ? '111111' : '000000';
        assert.match(joined(await user.say(wrong)), /That code is not right/);
        assert.equal((await complaint(registered.ticket)).status, 'resolved');
        assert.match(joined(await user.say(code)), /is now closed/);
        const closed = await complaint(registered.ticket);
        assert.equal(closed.status, 'closed');
        const last = await bot.dataSource.getRepository(ComplaintEvent).findOneOrFail({ where: { complaintId: registered.id }, order: { id: 'DESC' } });
        assert.equal(last.note, 'confirmed fixed by the consumer (code)');
    });

    it('a code typed back by another chat proves nothing; the channel-vouched phone equal to the contact mobile needs no code', async () => {
        const user = chats.track(await englishUser(bot));
        const registered = await registerWithoutAccount(user);
        await bot.app.lifecycle.resolve(registered.id, registered.assignedOfficialId ?? 1, 'wire lifted');
        await user.say('menu');
        await user.say(`status ${registered.ticket}`);
        await user.say('yes');
        const code = bot.lastCode()!;
        // Someone else who somehow has the code and asks from another chat is not the consumer's status view.
        const stranger = chats.track(await englishUser(bot));
        assert.doesNotMatch(joined(await stranger.say(`status ${registered.ticket}`)), /Is the problem really solved/);
        await stranger.say(code);
        assert.equal((await complaint(registered.ticket)).status, 'resolved');

        // WhatsApp vouches for the sender's number: when it is the contact mobile, the yes closes at once.
        const whatsappUser = chats.track(await englishUser(bot, { phoneNumber: CONTACT_MOBILE }));
        const own = await registerWithoutAccount(whatsappUser);
        await bot.app.lifecycle.resolve(own.id, own.assignedOfficialId ?? 1, 'wire lifted');
        assert.match(chats.replies(whatsappUser), /Is the problem really solved\?/);
        const smsBefore = bot.sms.sent.length;
        assert.match(joined(await whatsappUser.say('yes')), /is now closed/);
        assert.equal(bot.sms.sent.length, smsBefore, 'no code needed');
        assert.equal((await complaint(own.ticket)).status, 'closed');
    });
});
