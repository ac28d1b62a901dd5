import { strict as assert } from 'assert';
import { CallbackRequest } from '../../src/data/entities/CallbackRequest';
import { Official } from '../../src/data/entities/Official';
import { Logger } from '../../src/logger';
import { CallbackNotifier, RecordingCallbackNotifier } from '../../src/services/CallbackNotifier';
import { ProactiveNotifier } from '../../src/services/ProactiveNotifier';
import { englishUser, joined, LUCKNOW, referenceIn, sayAll } from '../support/dialogKit';
import { ProactiveChats } from '../support/ProactiveChats';
import { TestBot, TestConversation } from '../support/TestBot';
import { ManualClock } from '../support/ManualClock';

/**
 * Callback requests through the real dialogs: the request is owned and due, the consumer asks after it by its `R…`
 * reference (a stranger learns only its state), and after an official records the call the real proactive notifier
 * asks "were you called?" in the consumer's chat, where a "no" reopens it and tells the owner.
 */
describe('callback requests in the conversation', () => {
    let bot: TestBot;
    let clock: ManualClock;
    /** Notices to officials (the consumer's question goes through the real proactive notifier). */
    let officials: RecordingCallbackNotifier;
    const chats = new ProactiveChats();

    beforeEach(async () => {
        clock = new ManualClock();
        chats.clear();
        officials = new RecordingCallbackNotifier();
        // The proactive notifier runs the bot's turn, so it is built after the bot.
        const late: { consumer?: ProactiveNotifier } = {};
        const notifier: CallbackNotifier = {
            callbackToOfficial: (o, r, t) => officials.callbackToOfficial(o, r, t),
            askConsumerIfCalled: (r) => late.consumer!.askConsumerIfCalled(r),
        };
        bot = await TestBot.create({ overrides: { callbackNotifier: notifier, now: clock.now } });
        late.consumer = new ProactiveNotifier(
            new Map([['test', chats.adapter]]),
            bot.app.translator,
            new Logger('error'),
            '',
            undefined,
            (reference) => (context) => bot.app.bot.askIfCalled(context, reference)
        );
    });
    afterEach(async () => {
        await bot.close();
    });

    async function request(reference: string): Promise<CallbackRequest> {
        return bot.dataSource.getRepository(CallbackRequest).findOneByOrFail({ reference });
    }

    async function askForOfficer(user: TestConversation): Promise<CallbackRequest> {
        const recorded = joined(await sayAll(user, ['talk to an officer', LUCKNOW.account, '9876543210']));
        assert.match(recorded, /call you within 2 working hours, by 20 Nov(ember)?,? 2026,? (at )?12:00 pm/i, recorded);
        return request(referenceIn(recorded)!);
    }

    it('the one who asked sees its state and the level (never the name) of its owner; a stranger only its state', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
        assert.equal(callback.assignedOfficialId, je.id);
        assert.deepEqual(
            officials.sent.map((n) => [n.officialId, n.text.key]),
            [[je.id, 'officials:callbackAssigned']]
        );
        const mine = joined(await user.say(`${callback.reference} ka kya hua`));
        assert.match(mine, new RegExp(`Callback request ${callback.reference}\\nStatus: waiting for the officer's call\\nWith: junior engineer \\(JE\\)`));
        assert.match(mine, /The call is due by/);
        assert.doesNotMatch(mine, new RegExp(je.name));

        const stranger = await englishUser(bot, { userId: 'someone-else' });
        const theirs = joined(await stranger.say(`status ${callback.reference}`));
        assert.match(theirs, new RegExp(`Callback request ${callback.reference}: waiting for the officer's call\\.`));
        assert.doesNotMatch(theirs, /With:|junior engineer|due by/);

        assert.match(joined(await user.say('status R2611-0999')), /There is no callback request R2611-0999/);
    });

    it('once late, it is with the SDO, and the consumer is told that level', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        clock.advance(3);
        assert.equal((await bot.app.callbacks.tick()).escalated, 1);
        assert.match(joined(await user.say(`status ${callback.reference}`)), /With: sub-divisional officer \(SDO\)/);
    });

    it('"called" asks the consumer in their chat; "no" reopens it with a new due time and tells the owner', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        chats.replies(user);
        await bot.app.callbacks.recordOutcome(callback.id, callback.assignedOfficialId!, 'called', 'explained the bill');
        assert.match(chats.replies(user), new RegExp(`about your callback request ${callback.reference}\\. Did an officer call you\\?`));
        assert.match(joined(await user.say('no')), new RegExp(`Callback request ${callback.reference} is open again`));
        const reopened = await request(callback.reference);
        assert.deepEqual([reopened.status, reopened.consumerAnswer], ['reopened', 'no']);
        assert.deepEqual(officials.sent.at(-1)!.text.key, 'officials:callbackNotCalled');
        assert.match(joined(await user.say(`status ${callback.reference}`)), /open again \(you said nobody called\)/);
    });

    it('"nobody called me yet" and "got a call from the JE" are about the request in hand, in the consumer\'s own words', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        chats.replies(user);
        // Asking again while one is open shows that one (due time included) instead of a second request.
        const again = joined(await user.say('nobody has called me yet, I asked for an officer'));
        assert.match(again, new RegExp(callback.reference));
        assert.equal(await bot.dataSource.getRepository(CallbackRequest).count(), 1, 'no second request');
        await bot.app.callbacks.recordOutcome(callback.id, callback.assignedOfficialId!, 'called', 'explained the bill');
        chats.replies(user);
        assert.match(joined(await user.say('got the call from JE sahab, thanks')), /Thank you/);
        assert.equal((await request(callback.reference)).consumerAnswer, 'yes');
    });

    it('"officer never called me, what happened?" answers "were you called?" with no', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        await bot.app.callbacks.recordOutcome(callback.id, callback.assignedOfficialId!, 'called', 'explained the bill');
        chats.replies(user);
        assert.match(
            joined(await user.say('Your officer never called me, what happened to my request?')),
            new RegExp(`Callback request ${callback.reference} is open again`)
        );
        assert.equal((await request(callback.reference)).consumerAnswer, 'no');
    });

    it('a stranger cannot answer "were you called?"; the one who asked can, later, by the reference', async () => {
        const user = chats.track(await englishUser(bot));
        const callback = await askForOfficer(user);
        // The consumer is in the middle of something else: the question comes as text saying how to answer later.
        await user.say('my bill');
        await bot.app.callbacks.recordOutcome(callback.id, callback.assignedOfficialId!, 'called', 'explained the bill');
        assert.match(chats.replies(user), new RegExp(`Send "status ${callback.reference}" to tell us whether you were called`));
        const stranger = await englishUser(bot, { userId: 'someone-else' });
        assert.doesNotMatch(joined(await stranger.say(`status ${callback.reference}`)), /Did an officer call you/);
        assert.equal((await request(callback.reference)).consumerAnswer, null);
        await user.say('menu');
        assert.match(joined(await user.say(`status ${callback.reference}`)), /Did an officer call you\?/);
        assert.match(joined(await user.say('yes')), new RegExp(`Callback request ${callback.reference} is done`));
        assert.equal((await request(callback.reference)).consumerAnswer, 'yes');
    });

    it('without an account, the locality and district the consumer names decide whose it is', async () => {
        const user = chats.track(await englishUser(bot, { phoneNumber: '9876543210' }));
        await user.say('talk to an officer');
        assert.match(joined(await user.say("I don't have it")), /Which locality and district are you in\?/);
        assert.match(joined(await user.say('12')), /write your locality and district in words/);
        assert.match(joined(await user.say('Rajatalab, Varanasi')), /On which 10-digit mobile number/);
        const recorded = joined(await user.say('1'));
        const callback = await request(referenceIn(recorded)!);
        const je = await bot.dataSource.getRepository(Official).findOneByOrFail({ username: 'je.rajatalab' });
        assert.deepEqual([callback.assignedOfficialId, callback.place, callback.contactMobile], [je.id, 'Rajatalab, Varanasi', '9876543210']);
    });
});
