import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import { strict as assert } from 'assert';
import { AccountLink } from '../../src/data/entities/AccountLink';
import { CallbackRequest } from '../../src/data/entities/CallbackRequest';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { Meter } from '../../src/data/entities/Meter';
import { MeterReading } from '../../src/data/entities/MeterReading';
import {
    assertNoFailure,
    buttonsOf,
    complaints,
    count,
    demo,
    DemoFacts,
    englishUser,
    joined,
    laterConversation,
    LUCKNOW,
    MEERUT,
    REFERENCE_FORMAT,
    referenceIn,
    rupees,
    sayAll,
    sayCode,
    TICKET_FORMAT,
    ticketIn,
    transcriptText,
    UNKNOWN_ACCOUNT,
    VARANASI,
} from '../support/dialogKit';
import { TestBot, TestConversation } from '../support/TestBot';

const NO_POWER = 'no power since morning in our street';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `2026-11-15` → `15 Nov 2026`. */
function enDate(iso: string): string {
    const [y, m, d] = iso.split('-').map(Number);
    return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** `2026-10` → `October 2026`. */
function enMonth(billMonth: string): string {
    const [y, m] = billMonth.split('-').map(Number);
    return `${LONG_MONTHS[m - 1]} ${y}`;
}

/** Details that must never be shown to a user who has not verified the account. */
function privateDetails(facts: DemoFacts): string[] {
    return [
        facts.name,
        ...facts.name.split(' ').filter((part) => part.length > 3),
        facts.mobile ?? '',
        facts.meterNumber,
        rupees(facts.latestBill.amountPaise),
        facts.address,
        facts.address.split(',')[0],
    ].filter(Boolean);
}

function assertNothingPrivate(texts: string[], facts: DemoFacts): void {
    for (const text of texts) {
        for (const secret of privateDetails(facts)) {
            assert.ok(!text.includes(secret), `"${secret}" shown before verification in: ${text}`);
        }
    }
}

describe('dialog flows', () => {
    let bot: TestBot;
    beforeEach(async () => {
        bot = await TestBot.create();
    });
    afterEach(async () => {
        await bot.close();
    });

    describe('complaint', () => {
        it('a hazard ("taar toot kar sadak par gira hai") gets the safety warning before anything else', async () => {
            const user = bot.conversation();
            const first = await user.say('taar toot kar sadak par gira hai');
            assert.ok(first.length >= 2);
            assert.match(first[0], /सबसे पहले सुरक्षा/);
            assert.match(first[0], /1912/);
            // A hazard asks the account too, with a way without it; a passer-by then gives a mobile and the place.
            assert.match(first[1], /खाता नंबर/);
            assert.match(first[1], /मेरे पास नहीं है/);
            assert.match(joined(await user.say('मेरे पास नहीं है')), /मोबाइल नंबर/);
            assert.match(joined(await user.say('9876543210')), /पूरा पता/);
            await user.say('Ram Ram chauraha, Aminabad, Lucknow');
            await user.say('haan');
            const [row] = await complaints(bot);
            assert.equal(row.category, 'line');
            assert.equal(row.accountNumber, null);
            assert.equal(row.address, 'Ram Ram chauraha, Aminabad, Lucknow');
        });

        it('a hazard with an account number in the message keeps the account', async () => {
            const user = bot.conversation();
            await sayAll(user, [`taar toot kar sadak par gira hai, mera account ${LUCKNOW.account} hai`]);
            await user.say('haan');
            const [row] = await complaints(bot);
            assert.equal(row.category, 'line');
            assert.equal(row.accountNumber, LUCKNOW.account);
        });

        it('an English user reporting a fallen wire gets the English safety warning first', async () => {
            const user = await englishUser(bot);
            const first = await user.say('a wire has snapped and fallen on the road');
            assert.match(first[0], /SAFETY FIRST/);
            assert.match(first[0], /10 metres away/);
            assert.match(first[1], /10-digit account number/);
            assert.match(first[1], /I don't have it/);
        });

        // Regression test; the bug was: a new user whose first message reports a hazard in English is asked to choose a language first; the
        // safety advice only comes after that answer.
        it('a new user whose FIRST message reports a hazard in English gets the safety warning in that first reply', async () => {
            const user = bot.conversation();
            const first = await user.say('a wire has snapped and fallen on the road');
            assert.match(joined(first), /SAFETY FIRST|सबसे पहले सुरक्षा/);
        });

        // Regression test; the bug was: "message" (unsubscribe vocabulary) and "nahi" (a stop verb) outrank the outage, so this complaint
        // ("no power, and no message came either") sets updatesOptOut and registers nothing.
        it('"bijli nahi aa rahi aur koi message bhi nahi aaya" is an outage complaint', async () => {
            const user = bot.conversation();
            const reply = joined(await user.say('bijli nahi aa rahi aur koi message bhi nahi aaya'));
            assert.match(reply, /खाता नंबर/);
            const identity = await bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channelUserId: user.adapter.template.from!.id });
            assert.equal(identity.updatesOptOut, false);
            await sayAll(user, [LUCKNOW.account, 'haan']);
            assert.equal((await complaints(bot))[0]?.category, 'no_supply');
        });

        it('asks for the category when the request does not name one (menu option 1), then asks for a description', async () => {
            const user = await englishUser(bot);
            const categories = await user.sayFull('1');
            assert.match(categories[0].text!, /What is the problem\?/);
            assert.deepEqual(buttonsOf(categories), [
                'No electricity',
                'Voltage problem',
                'Transformer fault',
                'Wire or pole danger',
                'Meter problem',
                'Billing problem',
                'Underground cable',
            ]);
            assert.match(joined(await user.say('2')), /10-digit account number/);
            assert.match(joined(await user.say(LUCKNOW.account)), /describe the problem in a few words/);
            const confirm = await user.say('fans slow down every evening');
            assert.match(joined(confirm), /Problem: Voltage problem/);
            assert.match(joined(confirm), /Details: fans slow down every evening/);
            await user.say('yes');
            const [row] = await complaints(bot);
            assert.equal(row.category, 'voltage');
            assert.equal(row.description, 'fans slow down every evening');
        });

        it('the hazard category picked from the list also gets the safety warning', async () => {
            const user = await englishUser(bot);
            await user.say('Register a complaint');
            const replies = await user.say('4');
            assert.match(replies[0], /SAFETY FIRST/);
            assert.match(replies[1], /10-digit account number/);
        });

        it('without an account number: asks mobile (invalid one rejected with the reason) and address, confirms the address, saves with contactMobile', async () => {
            const user = await englishUser(bot);
            const ask = await user.sayFull(NO_POWER);
            assert.deepEqual(buttonsOf(ask), ["I don't have it"]);
            assert.match(joined(await user.say("I don't have it")), /10-digit mobile number/);
            const badMobile = await user.say('12345');
            assert.match(joined(badMobile), /not a valid mobile number/);
            assert.match(joined(badMobile), /starting with 6, 7, 8 or 9/);
            assert.match(joined(await user.say('5123456789')), /not a valid mobile number/, 'must start with 6-9');
            assert.match(joined(await user.say('+91 98765 43210')), /full address with a landmark/);
            const confirm = await user.say('House 12, Gali 4, Aminabad, Lucknow');
            assert.match(joined(confirm), /Address: House 12, Gali 4, Aminabad, Lucknow/);
            assert.match(joined(confirm), /Problem: No electricity/);
            assert.doesNotMatch(joined(confirm), /Consumer:/);
            const saved = await user.say('yes');
            assert.match(joined(saved), /Your complaint is registered/);
            const rows = await complaints(bot);
            assert.equal(rows.length, 1);
            assert.equal(rows[0].accountNumber, null);
            assert.equal(rows[0].contactMobile, '9876543210');
            assert.equal(rows[0].address, 'House 12, Gali 4, Aminabad, Lucknow');
            assert.equal(rows[0].ticket, ticketIn(joined(saved)));
        });

        it('without an account number on a channel that reports the phone: uses that phone and only asks the address', async () => {
            const user = await englishUser(bot, { phoneNumber: '9876501234' });
            await user.say(NO_POWER);
            assert.match(joined(await user.say("I don't have it")), /full address/);
            await user.say('Near Hanuman mandir, Chowk, Lucknow');
            await user.say('yes');
            const [row] = await complaints(bot);
            assert.equal(row.contactMobile, '9876501234');
            assert.equal(row.accountNumber, null);
        });

        it('answering "no" at the confirmation asks what to change, and a second "no" saves nothing', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account]);
            assert.match(joined(await user.say('no')), /What should I change\?/);
            assert.equal((await complaints(bot)).length, 0);
            const again = await user.say('the whole lane has no power, not only my house');
            assert.match(joined(again), /Details: no power since morning in our street\sthe whole lane has no power/);
            assert.match(joined(again), /Shall I register it\?/);
            assert.match(joined(await user.say('no')), /complaint was not registered/);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('"yes, but …" at the confirmation registers it with the correction added', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account]);
            assert.match(joined(await user.say('yes but it is the whole colony, not just my street')), /Your complaint is registered/);
            const [row] = await complaints(bot);
            assert.equal(row.description, `${NO_POWER}\nit is the whole colony, not just my street`);
        });

        it('details typed at the confirmation are added and the summary asked again, never taken as a no', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account]);
            const again = await user.say('the meter is also making a sound');
            assert.match(joined(again), /added that to your complaint/);
            assert.match(joined(again), /Details: no power since morning in our street\sthe meter is also making a sound/);
            await user.say('ha ji');
            assert.equal((await complaints(bot))[0].description, `${NO_POWER}\nthe meter is also making a sound`);
        });

        it('an unknown account is reported as not found and asked again; a correct one then continues', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            const notFound = await user.sayFull(UNKNOWN_ACCOUNT);
            assert.match(notFound[0].text!, /could not find account \*+9999/);
            assert.match(notFound[0].text!, /type it again/);
            assert.deepEqual(buttonsOf(notFound), ["I don't have it"], 'the same question with its button');
            assert.match(joined(await user.say(LUCKNOW.account)), /Shall I register it\?/);
            await user.say('yes');
            assert.equal((await complaints(bot))[0].accountNumber, LUCKNOW.account);
        });

        it('letters in the account number and a wrong length each get their own reason', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            assert.match(joined(await user.say('12345abcde')), /only digits/);
            assert.match(joined(await user.say('12345678')), /exactly 10 digits/);
            assert.match(joined(await user.say(LUCKNOW.account)), /Shall I register it\?/);
        });

        it('three bad account numbers: the complaint goes on without an account and is registered, nothing lost', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            await user.say('abcdefghij');
            await user.say('123');
            const goesOn = await user.say(UNKNOWN_ACCOUNT);
            assert.match(joined(goesOn), /10-digit mobile number/);
            assert.doesNotMatch(joined(goesOn), /nothing has been saved/);
            await sayAll(user, ['9876543210', 'House 4, Aminabad, Lucknow']);
            assert.match(joined(await user.say('yes')), /Your complaint is registered/);
            const [row] = await complaints(bot);
            assert.equal(row.accountNumber, null);
            assert.equal(row.description, NO_POWER);
        });

        it('a mobile typed where the account is asked finds its one account, or goes on without one', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            assert.match(joined(await user.say(`my mobile is ${LUCKNOW.mobile}`)), /Shall I register it\?/);
            await user.say('yes');
            assert.equal((await complaints(bot))[0].accountNumber, LUCKNOW.account);
            const stranger = await englishUser(bot);
            await stranger.say('low voltage since morning in our street');
            assert.match(joined(await stranger.say('mobile number 9876512345')), /full address/, 'the mobile is kept: only the address is asked');
            await sayAll(stranger, ['Gali 2, Chowk, Lucknow', 'yes']);
            const rows = await complaints(bot);
            assert.equal(rows[1].contactMobile, '9876512345');
            assert.equal(rows[1].accountNumber, null);
        });

        it('"I do not know it" in a sentence, in any of the three forms, takes the no-account path', async () => {
            for (const answer of ["I don't know my account number", 'account number pata nahi bhai', 'खाता नंबर नहीं पता']) {
                const user = await englishUser(bot, { phoneNumber: '9876501234' });
                await user.say(NO_POWER);
                assert.match(joined(await user.say(answer)), /full address/, answer);
            }
        });
    });

    describe('complaint status', () => {
        async function registerOne(user: TestConversation): Promise<string> {
            const saved = await sayAll(user, [NO_POWER, LUCKNOW.account, 'yes']);
            const ticket = ticketIn(joined(saved));
            assert.ok(ticket && TICKET_FORMAT.test(ticket));
            return ticket;
        }

        it('"status <ticket>" shows category, status and history', async () => {
            const user = await englishUser(bot);
            const ticket = await registerOne(user);
            const detail = joined(await user.say(`status ${ticket}`));
            assert.match(detail, new RegExp(`Complaint ${ticket}`));
            assert.match(detail, /Problem: No electricity/);
            assert.match(detail, /Status: assigned to the junior engineer/);
            assert.match(detail, /History:\n• .+: registered/);
            assert.doesNotMatch(detail, /Rajesh|9415012345/);
        });

        it('typing only the ticket number (lower case) also shows the status', async () => {
            const user = await englishUser(bot);
            const ticket = await registerOne(user);
            const detail = joined(await user.say(ticket.toLowerCase()));
            assert.match(detail, new RegExp(`Complaint ${ticket}`));
            assert.match(detail, /Status: assigned to the junior engineer/);
        });

        it("a stranger with a ticket learns only that it exists and its state, in the reader's language (tickets are sequential)", async () => {
            const owner = await englishUser(bot);
            const ticket = await registerOne(owner);
            const other = bot.conversation();
            const brief = joined(await other.say(`meri shikayat ${ticket} ka status`));
            assert.match(brief, new RegExp(`शिकायत ${ticket}`));
            assert.match(brief, /स्थिति: अवर अभियंता \(JE\) को सौंपी गई/);
            assert.doesNotMatch(brief, /समस्या:|इतिहास:|बिजली नहीं/, 'not the problem, nor the history');
            assert.match(brief, /केवल उसी चैट में दिखता है/, 'says who may see the rest');
            const english = joined(await (await englishUser(bot)).say(`status ${ticket}`));
            assert.doesNotMatch(english, /Problem:|History:|No electricity|⏱️/);
            // Nor can a stranger add to it: what follows the ticket is not written into the complaint.
            const before = await bot.dataSource.getRepository(ComplaintEvent).count();
            await other.say(`${ticket} taar abhi bhi sadak par pada hai`);
            assert.equal(await bot.dataSource.getRepository(ComplaintEvent).count(), before);
            // The one who registered it still sees everything.
            assert.match(joined(await owner.say(`status ${ticket}`)), /Problem: No electricity[\s\S]*History:/);
        });

        it('an unknown ticket is reported as not found', async () => {
            const user = await englishUser(bot);
            await registerOne(user);
            const reply = joined(await user.say('status C0101-9999'));
            assert.match(reply, /could not find complaint C0101-9999/);
            assert.doesNotMatch(reply, /Status:/);
        });

        it('an unknown ticket typed at the ticket question is reported and asked again', async () => {
            // Someone else's ticket: a user with no complaints of their own is asked how to find it.
            const ticket = await registerOne(await englishUser(bot));
            const user = await englishUser(bot);
            assert.match(joined(await user.say('complaint status')), /How shall I find your complaint/);
            assert.match(joined(await user.say('1')), /type the complaint number/);
            assert.match(joined(await user.say('C0101-9999')), /could not find complaint C0101-9999/);
            assert.match(joined(await user.say(ticket)), /Status: assigned to the junior engineer/);
        });

        it('"My complaints" lists the complaints of this user only', async () => {
            const other = bot.conversation();
            const othersTicket = ticketIn(joined(await sayAll(other, ['bijli nahi aa rahi', VARANASI.account, 'haan'])));
            const user = await englishUser(bot);
            const first = await registerOne(user);
            const second = ticketIn(joined(await sayAll(user, ['transformer near my house is burnt', LUCKNOW.account, 'yes'])));
            await user.say('complaint status');
            const list = joined(await user.say('My complaints'));
            assert.match(list, /Your latest 2 complaints/);
            assert.ok(list.includes(`${first}: No electricity, assigned to the junior engineer`), list);
            assert.ok(list.includes(`${second}: Transformer fault, assigned to the junior engineer`), list);
            assert.ok(othersTicket && !list.includes(othersTicket), "another user's complaint is not listed");
            assert.ok(list.indexOf(second!) < list.indexOf(first), 'newest first');
        });

        it('"My complaints" with none says so', async () => {
            const user = await englishUser(bot);
            await user.say('complaint status');
            assert.match(joined(await user.say('2')), /found no complaints/);
        });

        // Regression test; the bug was: the recognizer has no rule for "my complaints" / "मेरी शिकायतें": typed at the start it is not understood.
        it('typing "my complaints" lists this user\'s complaints', async () => {
            const user = await englishUser(bot);
            const ticket = await registerOne(user);
            const reply = joined(await user.say('my complaints'));
            assert.ok(reply.includes(ticket), reply);
        });
    });

    describe('bill', () => {
        function assertLatestBill(text: string, facts: DemoFacts): void {
            assert.match(text, new RegExp(`Bill for ${enMonth(facts.latestBill.month)}`));
            assert.ok(text.includes(`Amount: ₹${rupees(facts.latestBill.amountPaise)}`), text);
            assert.ok(text.includes(`Units: ${facts.latestBill.units} kWh`), text);
            assert.ok(text.includes(`Due date: ${enDate(facts.latestBill.dueDate)}`), text);
        }

        it('a sender whose phone is the registered mobile is verified at once and sees amount, units and due date', async () => {
            const user = await englishUser(bot, { phoneNumber: LUCKNOW.mobile! });
            await user.say('my bill');
            const replies = await user.say(LUCKNOW.account);
            assert.match(replies[0], /Your number matches the mobile registered/);
            assertLatestBill(replies[1], LUCKNOW);
            assert.match(replies[1], /Status: not paid/);
            assert.equal(bot.sms.sent.length, 0, 'no code needed');
            assert.equal(await count(bot, AccountLink), 1);
        });

        it('a phone number with +91 from the channel also matches', async () => {
            const user = await englishUser(bot, { phoneNumber: `+91${LUCKNOW.mobile}` });
            await user.say('my bill');
            const replies = await user.say(LUCKNOW.account);
            assert.match(replies[0], /you are verified/);
        });

        it('without the phone: a code goes by SMS to the registered mobile; a wrong code gets a retry with attempts left; the right code shows the bill', async () => {
            const user = await englishUser(bot);
            await user.say('my bill');
            const ask = joined(await user.say(LUCKNOW.account));
            assert.match(ask, /sent a 6-digit code by SMS to the registered mobile \*{8}45/);
            assert.equal(bot.sms.sent.length, 1);
            assert.equal(bot.sms.sent[0].mobile, LUCKNOW.mobile);
            const code = bot.lastCode()!;
            const wrong = code === '000000' ? '111111' : '000000';
            assert.match(joined(await user.say(wrong)), /not right\. You have 2 tries left/);
            assertNothingPrivate(transcriptText(user), LUCKNOW);
            const shown = await sayCode(bot, user);
            assert.match(shown[0], /you are verified for this account/);
            assertLatestBill(shown[1], LUCKNOW);
            const link = await bot.dataSource.getRepository(AccountLink).findOneByOrFail({ accountNumber: LUCKNOW.account });
            assert.equal(link.method, 'otp');
        });

        it('PRIVACY: nothing private is shown before verification, even with wrong and malformed codes', async () => {
            const user = await englishUser(bot);
            await sayAll(user, ['bill kitna hai', LUCKNOW.account, '12', '000001', 'help', LUCKNOW.account]);
            assertNothingPrivate(transcriptText(user), LUCKNOW);
            await sayCode(bot, user);
            const all = joined(transcriptText(user));
            assert.ok(all.includes(rupees(LUCKNOW.latestBill.amountPaise)), 'shown after verification');
        });

        it("PRIVACY: a new conversation with a different user id is not verified by someone else's code", async () => {
            const owner = await englishUser(bot, { phoneNumber: LUCKNOW.mobile! });
            await sayAll(owner, ['my bill', LUCKNOW.account]);
            const stranger = await englishUser(bot);
            await sayAll(stranger, ['my bill', LUCKNOW.account]);
            assert.match(joined(transcriptText(stranger)), /sent a 6-digit code/);
            assertNothingPrivate(transcriptText(stranger), LUCKNOW);
        });

        it('an account without a registered mobile cannot be verified here and shows nothing private', async () => {
            const noMobile = demo('6819247305');
            assert.equal(noMobile.mobile, null);
            const user = await englishUser(bot);
            await user.say('my bill');
            const reply = joined(await user.say(noMobile.account));
            assert.match(reply, /No mobile number is registered/);
            assertNothingPrivate(transcriptText(user), noMobile);
            assert.equal(bot.sms.sent.length, 0);
        });

        it('"Previous bills" lists several months with amounts and paid status', async () => {
            const user = await englishUser(bot, { phoneNumber: LUCKNOW.mobile! });
            const more = await sayAll(user, ['my bill', LUCKNOW.account]);
            assert.match(joined(more), /What next\?/);
            const history = joined(await user.say('Previous bills'));
            assert.match(history, /Your last 6 bills/);
            const lines = history.split('\n').filter((l) => l.startsWith('•'));
            assert.equal(lines.length, 6);
            assert.match(lines[0], /October 2026: ₹[0-9,]+, \d+ units, not paid/);
            assert.match(lines[1], /September 2026: .*, paid/);
            assert.match(lines[5], /May 2026/);
        });

        it('"Pay bill" shows the payment link with the account number', async () => {
            const user = await englishUser(bot, { phoneNumber: LUCKNOW.mobile! });
            await sayAll(user, ['my bill', LUCKNOW.account]);
            const pay = joined(await user.say('Pay bill'));
            assert.match(pay, /https:\/\/\S*account=1234567890/);
            assert.ok(pay.includes(`Total payable ₹${rupees(LUCKNOW.latestBill.amountPaise + LUCKNOW.latestBill.arrearsPaise)}`), pay);
            assert.match(pay, /Never share card details/);
        });

        it('after verification, a bill query in a NEW conversation uses the one linked account and asks no code', async () => {
            const first = await englishUser(bot, { userId: 'bill-user' });
            await sayAll(first, ['my bill', LUCKNOW.account]);
            await sayCode(bot, first);
            assert.equal(bot.sms.sent.length, 1);

            const later = laterConversation(bot, 'bill-user', 'conv-bill-user-2');
            // One verified account: it is the one meant, so it is used without asking "which account?".
            const shown = joined(await later.say('bill kitna hai'));
            assert.doesNotMatch(shown, /Which account is this about\?/);
            assert.ok(shown.includes(`Amount: ₹${rupees(LUCKNOW.latestBill.amountPaise)}`), shown);
            assert.doesNotMatch(shown, /6-digit code/);
            assert.equal(bot.sms.sent.length, 1, 'no new code sent');
        });
    });

    describe('meter', () => {
        async function verifiedAtReading(facts: DemoFacts): Promise<TestConversation> {
            const user = await englishUser(bot, { phoneNumber: facts.mobile! });
            await user.say('submit meter reading');
            const ask = joined(await user.say(facts.account));
            assert.match(ask, new RegExp(`last reading on record is ${facts.lastReading} kWh`));
            return user;
        }

        it('meter details after verification: number, type and last reading', async () => {
            const user = await englishUser(bot, { phoneNumber: LUCKNOW.mobile! });
            await user.say('meter details');
            const info = joined(await user.say(LUCKNOW.account));
            assert.ok(info.includes(`Meter ${LUCKNOW.meterNumber}`), info);
            assert.match(info, /Type: postpaid/);
            assert.ok(info.includes(`Last reading: ${LUCKNOW.lastReading} kWh on 28 Oct 2026`), info);
            assert.match(info, /submit a new meter reading\?/);
        });

        it('a smart prepaid meter also shows its balance', async () => {
            const user = await englishUser(bot, { phoneNumber: MEERUT.mobile! });
            await user.say('meter details');
            const info = joined(await user.say(MEERUT.account));
            assert.ok(info.includes(`Meter ${MEERUT.meterNumber}`), info);
            assert.match(info, /Type: smart prepaid/);
            assert.match(info, /Prepaid balance: ₹620\.75/);
        });

        it('PRIVACY: meter details with a code show the meter number only after the code', async () => {
            const user = await englishUser(bot);
            await sayAll(user, ['meter details', LUCKNOW.account]);
            assertNothingPrivate(transcriptText(user), LUCKNOW);
            const info = joined(await sayCode(bot, user));
            assert.ok(info.includes(LUCKNOW.meterNumber));
        });

        it('reading: a non-number and one below the last are rejected with reasons; a valid one is confirmed and saved', async () => {
            const user = await verifiedAtReading(LUCKNOW);
            assert.match(joined(await user.say('abc')), /digits only/);
            const below = joined(await user.say(String(LUCKNOW.lastReading - 10)));
            assert.match(below, /cannot be lower than the last reading/);
            assert.ok(below.includes(`(${LUCKNOW.lastReading} kWh)`), below);
            const next = LUCKNOW.lastReading + 92;
            const confirm = joined(await user.say(String(next)));
            assert.ok(confirm.includes(`New reading ${next} kWh for meter ${LUCKNOW.meterNumber}`), confirm);
            assert.match(confirm, /92 units since the last reading/);
            assert.equal(await count(bot, MeterReading), 0, 'nothing saved before confirming');
            assert.match(joined(await user.say('yes')), new RegExp(`Reading ${next} kWh submitted`));
            const readings = await bot.dataSource.getRepository(MeterReading).find();
            assert.equal(readings.length, 1);
            assert.deepEqual([readings[0].accountNumber, readings[0].meterNumber, readings[0].reading], [LUCKNOW.account, LUCKNOW.meterNumber, next]);
            // A self-reading waits for the discom's check: the official reading stays, but the next submission may
            // not go below this one.
            const meter = await bot.dataSource.getRepository(Meter).findOneByOrFail({ meterNumber: LUCKNOW.meterNumber });
            assert.equal(meter.lastReading, LUCKNOW.lastReading);
            assert.match(joined(await user.say('meter reading')), /last reading on record/, 'the one verified account is taken without asking');
            const again = joined(await user.say(String(next - 1)));
            assert.match(again, /cannot be lower than the last reading/);
            assert.ok(again.includes(`(${next} kWh)`), again);
        });

        it('reading: an absurdly high value is rejected with the last reading, then a valid one (with commas) is saved', async () => {
            const user = await verifiedAtReading(VARANASI);
            const high = joined(await user.say(String(VARANASI.lastReading + 1_000_000)));
            assert.match(high, /far above the last reading/);
            assert.ok(high.includes(`(${VARANASI.lastReading} kWh)`));
            const next = VARANASI.lastReading + 88;
            const typed = next.toLocaleString('en-IN');
            assert.match(joined(await user.say(typed)), /Shall I submit it\?/);
            await user.say('yes');
            const [saved] = await bot.dataSource.getRepository(MeterReading).findBy({ meterNumber: VARANASI.meterNumber });
            assert.equal(saved.reading, next);
        });

        it('reading: "no" at the confirmation records nothing', async () => {
            const user = await verifiedAtReading(LUCKNOW);
            await user.say(String(LUCKNOW.lastReading + 5));
            assert.match(joined(await user.say('no')), /reading was not submitted/);
            assert.equal(await count(bot, MeterReading), 0);
            const meter = await bot.dataSource.getRepository(Meter).findOneByOrFail({ meterNumber: LUCKNOW.meterNumber });
            assert.equal(meter.lastReading, LUCKNOW.lastReading);
        });
    });

    describe('officer handoff', () => {
        it('"officer se baat karni hai" asks the account and a mobile, then records a callback request', async () => {
            const user = bot.conversation();
            const intro = await user.say('officer se baat karni hai');
            assert.match(intro[0], /अधिकारी/);
            assert.match(intro[1], /खाता नंबर/);
            assert.match(joined(await user.say(LUCKNOW.account)), /किस 10 अंकों के मोबाइल नंबर/);
            assert.match(joined(await user.say('98765')), /सही मोबाइल नंबर नहीं है/);
            const recorded = joined(await user.say('9876543210'));
            const reference = referenceIn(recorded);
            assert.ok(reference && REFERENCE_FORMAT.test(reference), recorded);
            assert.match(recorded, /\*+7890/);
            assert.match(recorded, /\*+3210/);
            const rows = await bot.dataSource.getRepository(CallbackRequest).find();
            assert.equal(rows.length, 1);
            assert.deepEqual(
                [rows[0].reference, rows[0].accountNumber, rows[0].contactMobile, rows[0].status],
                [reference, LUCKNOW.account, '9876543210', 'open']
            );
        });

        async function handoffWithoutAccount(phone: string): Promise<TestConversation> {
            const user = await englishUser(bot, { phoneNumber: phone });
            await user.say('talk to an officer');
            assert.match(joined(await user.say("I don't have it")), /Which locality and district are you in\?/);
            const ask = await user.sayFull('Vibhuti Khand, Lucknow');
            assert.match(ask[0].text!, /On which 10-digit mobile number/);
            assert.deepEqual(buttonsOf(ask), ['Call me on ******3210']);
            return user;
        }

        async function assertRecordedWithoutAccount(recorded: string): Promise<void> {
            assert.match(recorded, /Your callback request is recorded/);
            assert.doesNotMatch(recorded, /Account:/, 'no account line when none was given');
            const rows = await bot.dataSource.getRepository(CallbackRequest).find();
            assert.equal(rows.length, 1);
            assert.match(rows[0].reference, REFERENCE_FORMAT);
            assert.equal(rows[0].reference, referenceIn(recorded));
            assert.equal(rows[0].accountNumber, null);
            assert.equal(rows[0].contactMobile, '9876543210');
        }

        it('without an account, offers the channel phone; choosing it by number records the request', async () => {
            const user = await handoffWithoutAccount('9876543210');
            await assertRecordedWithoutAccount(joined(await user.say('1')));
        });

        // Regression test; the bug was: the button's title "Call me on ******3210" (sent back as the message text when tapped) is recognised as
        // the "agent" intent, so the interruption restarts the officer flow instead of answering the question.
        it('without an account, tapping the "Call me on ******3210" button records the request', async () => {
            const user = await handoffWithoutAccount('9876543210');
            await assertRecordedWithoutAccount(joined(await user.say('Call me on ******3210')));
        });

        it('"officer" in the middle of a complaint leaves the complaint and starts the callback request', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account]);
            const reply = joined(await user.say('officer'));
            assert.match(reply, /ask an officer of your area to call you back/);
            assert.equal((await complaints(bot)).length, 0);
        });
    });

    describe('interruptions', () => {
        it('"help" at the account question: help text, the same question again, then the flow continues', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            const help = await user.sayFull('help');
            assert.equal(help.length, 2);
            assert.match(help[0].text!, /Answer the question below/);
            assert.match(help[1].text!, /Please type your 10-digit account number/);
            assert.deepEqual(buttonsOf(help), ["I don't have it"]);
            await sayAll(user, [LUCKNOW.account, 'yes']);
            assert.equal((await complaints(bot)).length, 1);
        });

        it('"madad" in Hindi at the account question gives the Hindi help and the same question', async () => {
            const user = bot.conversation();
            await user.say('bijli nahi aa rahi');
            const help = await user.say('madad');
            assert.match(help[0], /नीचे दिए सवाल का जवाब दें/);
            assert.match(help[1], /खाता नंबर/);
        });

        it('"cancel" mid-flow: stopped, nothing saved, the next message starts afresh', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account]);
            const cancelled = joined(await user.say('cancel'));
            assert.match(cancelled, /I have stopped\. Nothing was saved/);
            assert.equal((await complaints(bot)).length, 0);
            const yes = joined(await user.say('yes'));
            assert.doesNotMatch(yes, /registered/, 'the old confirmation is gone');
            assert.equal((await complaints(bot)).length, 0);
            assert.match(joined(await user.say('transformer near my house is burnt')), /10-digit account number/);
        });

        it('"रद्द" cancels a Hindi flow', async () => {
            const user = bot.conversation();
            await sayAll(user, ['बिजली नहीं आ रही है', LUCKNOW.account]);
            assert.match(joined(await user.say('रद्द')), /मैंने रोक दिया/);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('"menu" mid-flow shows the main menu and the menu works', async () => {
            const user = await englishUser(bot);
            await user.say(NO_POWER);
            const menu = await user.sayFull('menu');
            assert.match(menu[0].text!, /What would you like to do\?/);
            assert.deepEqual(buttonsOf(menu).slice(0, 3), ['Register a complaint', 'Complaint status', 'My bill']);
            assert.equal((await complaints(bot)).length, 0);
            assert.match(joined(await user.say('3')), /10-digit account number/);
        });
    });

    describe('unsubscribe', () => {
        async function optOutOf(user: TestConversation): Promise<boolean> {
            const identity = await bot.dataSource
                .getRepository(ChannelIdentity)
                .findOneByOrFail({ channel: 'test', channelUserId: user.adapter.template.from!.id });
            return identity.updatesOptOut;
        }

        it('"stop sending me messages" after a finished flow sets updatesOptOut', async () => {
            const user = await englishUser(bot);
            await sayAll(user, [NO_POWER, LUCKNOW.account, 'yes']);
            assert.equal(await optOutOf(user), false);
            const reply = joined(await user.say('stop sending me messages'));
            assert.match(reply, /will not receive area announcements or bill reminders/);
            assert.equal(await optOutOf(user), true);
            assertNoFailure(bot, transcriptText(user));
        });

        it('"mujhe message mat bhejo" from a Hindi user sets updatesOptOut with a Hindi reply', async () => {
            const user = bot.conversation();
            await sayAll(user, ['bijli nahi aa rahi', 'cancel']);
            const reply = joined(await user.say('mujhe message mat bhejo'));
            assert.match(reply, /क्षेत्र की सूचनाएँ या बिल के याद दिलाने वाले संदेश नहीं भेजे जाएँगे/);
            assert.equal(await optOutOf(user), true);
        });

        // Regression test; the bug was: at the main menu (what every user sees after choosing the language) an unsubscribe request is
        // answered "Sorry, I did not understand" and nothing is recorded.
        it('"stop sending me messages" at the main menu sets updatesOptOut', async () => {
            const user = await englishUser(bot);
            const reply = joined(await user.say('stop sending me messages'));
            assert.match(reply, /will not receive area announcements or bill reminders/);
            assert.equal(await optOutOf(user), true);
        });

        // Regression test; the bug was: as a new user's first message the request is dropped after the language question.
        it('"stop sending me messages" as the very first message sets updatesOptOut at once, in English', async () => {
            const user = bot.conversation();
            const reply = joined(await user.say('stop sending me messages'));
            assert.doesNotMatch(reply, /choose your language/, 'no language question before honouring a stop');
            assert.match(reply, /will not receive area announcements or bill reminders/);
            assert.equal(await optOutOf(user), true);
        });
    });
});
