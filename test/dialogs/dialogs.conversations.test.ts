import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { complaints, englishUser, joined, LUCKNOW, sayAll, ticketIn, VARANASI } from '../support/dialogKit';
import { TestBot } from '../support/TestBot';

/**
 * Whole conversations as consumers have them (issue "conversations that succeed"): the first message acted on, slots
 * read from sentences, everyday questions answered with a pointer, small talk and control words at any point, the
 * promised due time repeated, a second report joining the open complaint.
 */
describe('conversations that succeed', () => {
    let bot: TestBot;
    beforeEach(async () => {
        bot = await TestBot.create();
    });
    afterEach(async () => {
        await bot.close();
    });

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
            for (const yes of [
                'ha ji',
                'जी हाँ, सही है',
                'haan kar do',
                'yes please go ahead',
                'theek hai register karo',
                'ji kr dijiye',
                'sab details theek hain, ab darj kar do',
            ]) {
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
            await sayAll(user, ['taar toot kar sadak par gira hai', 'mere paas nahi hai', '9876543210', 'Vibhuti Khand, Lucknow', 'haan']);
            const [row] = await complaints(bot);
            const reply = joined(await user.say(`${row.ticket} wire still on the road near the school`));
            assert.match(reply, new RegExp(row.ticket));
            assert.equal((await complaints(bot)).length, 1);
            const notes = await bot.dataSource.getRepository(ComplaintEvent).findBy({ complaintId: row.id, actor: 'consumer' });
            assert.deepEqual(
                notes.filter((n) => n.note).map((n) => n.note),
                ['wire still on the road near the school']
            );
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

        it('a danger asks the account with a way without it; a passer-by saying so is asked the place', async () => {
            const user = bot.conversation();
            const first = joined(await user.say('a wire is hanging very low over the main road near the school'));
            assert.match(first, /SAFETY FIRST/);
            assert.match(first, /10-digit account number/);
            assert.match(first, /I don't have it/);
            assert.match(joined(await user.say('not my connection, i was just passing by')), /10-digit mobile number/);
        });

        it('a sparking transformer gets its own safety advice first', async () => {
            const replies = await bot.conversation().say('transformer me chingari nikal rahi hai');
            assert.match(replies[0], /ट्रांसफार्मर से कम से कम 10 मीटर दूर/);
            assert.match(joined(replies), /खाता नंबर/);
        });

        it('a time limit of whole days is said in days', async () => {
            const user = bot.conversation();
            const saved = joined(await sayAll(user, ['voltage bahut kam hai', LUCKNOW.account, 'haan']));
            assert.match(saved, /10 दिन में/);
            assert.doesNotMatch(saved, /240 घंटे/);
        });
    });

    describe('the second round (what blind sets F and G showed)', () => {
        const identityOf = (user: ReturnType<TestBot['conversation']>) =>
            bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channelUserId: user.adapter.template.from!.id });

        it('anger before the problem is heard, and the problem typed next is acted on', async () => {
            const user = bot.conversation();
            const heard = joined(await user.say('ye kya tamasha h bijli vibhag ka'));
            assert.match(heard, /परेशानी के लिए माफ़ी/);
            assert.doesNotMatch(heard, /कॉल|समझ नहीं पाया/);
            assert.match(joined(await user.say('dukan me voltage upar niche ho rha h subah se')), /खाता नंबर/);
        });

        it('a burnt meter is reported, though the words also name a name transfer', async () => {
            const reply = joined(await bot.conversation().say('meri dadi ke ghar ka meter jal gya h kal raat dhuan nikla, connection dadi ke naam pe h'));
            assert.doesNotMatch(reply, /नाम बदलना/);
            assert.match(reply, /खाता नंबर/);
        });

        it('"bill kitna aya" is not a question about planned cuts (katne and kitna share a skeleton)', async () => {
            const reply = joined(await bot.conversation().say('mera bijli ka bill kitna aya h is baar'));
            assert.doesNotMatch(reply, /कटौती/);
            assert.match(reply, /खाता नंबर/);
        });

        it('"nhi nhi mat kro register" at the summary registers nothing', async () => {
            const user = bot.conversation();
            await user.say(`meter kharab h lagta h ${LUCKNOW.account}`);
            assert.match(joined(await user.say('nhi nhi mat kro register, galti se likh diya')), /शिकायत दर्ज नहीं की गई/);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('"wait... light has come. no need, cancel it" at the account question stops', async () => {
            const user = bot.conversation();
            await user.say('no power in my house sir');
            assert.match(joined(await user.say('wait... light has come just now. no need, cancel it')), /nothing has been saved|stop/i);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('a remark typed at the address question is kept, and the place asked again', async () => {
            const user = bot.conversation();
            await user.say('लंका चौराहे के पास बिजली का तार टूट के सड़क पर पड़ा है');
            await user.say('मेरे पास नहीं है');
            await user.say('9450011223');
            assert.match(joined(await user.say('लोग ऊपर से निकल रहे हैं जल्दी बंद करवाओ')), /कहाँ है/);
            const summary = joined(await user.say('लंका चौराहा, वाराणसी'));
            assert.match(summary, /लोग ऊपर से निकल रहे हैं/);
            assert.match(summary, /पता: लंका चौराहा, वाराणसी/);
        });

        it('"sorry, light is there but dim, voltage is low" at the account question changes the kind', async () => {
            const user = bot.conversation();
            await user.say('no light in kaili village');
            assert.match(joined(await user.say('sorry sir light is there but very very dim, voltage is low')), /Voltage/);
            await user.say(LUCKNOW.account);
            await user.say('yes');
            const [saved] = await complaints(bot);
            assert.equal(saved.category, 'voltage');
        });

        it('"pls send me power cut alerts" subscribes, and START in the middle of a flow does too', async () => {
            const alerts = bot.conversation();
            const reply = joined(await alerts.say('pls send me power cut alerts and bill reminder on whatsapp'));
            assert.doesNotMatch(reply, /account number/);
            assert.equal((await identityOf(alerts)).subscribed, true);
            const midFlow = bot.conversation();
            await midFlow.say('mera bill batao');
            const again = joined(await midFlow.say('START'));
            assert.match(again, /खाता नंबर/);
            assert.equal((await identityOf(midFlow)).subscribed, true);
            assert.equal((await complaints(bot)).length, 0);
        });

        it('"isi number par call kar dijiye" at the call-back question takes the sender\'s number', async () => {
            const user = bot.conversation({ phoneNumber: '9839217764' });
            await user.say('मुझे किसी अधिकारी से बात करनी है');
            await user.say(LUCKNOW.account);
            assert.match(joined(await user.say('इसी नंबर पर कॉल कर दीजिए')), /R\d{4}-\d{4}/);
        });

        it('a Hindi writer answered in English after START is answered in Hindi once they write Devanagari', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('START')), /Area news/);
            assert.match(joined(await user.say('धन्यवाद')), /स्वागत/);
        });

        it('"namaste sir" asks the language instead of guessing Hindi', async () => {
            assert.match(joined(await bot.conversation().say('namaste sir')), /choose your language/);
        });

        it('"kya aap English me baat kar sakte hain?" switches the language rather than listing what the bot does', async () => {
            const reply = joined(await bot.conversation().say('क्या आप English में बात कर सकते हैं? मुझे हिंदी पढ़ने में दिक्कत होती है'));
            assert.match(reply, /English/);
            assert.doesNotMatch(reply, /मैं बिजली की शिकायत दर्ज करके टिकट दे सकता/);
        });

        it('"thank you, light came back" is thanked, not reported as an outage', async () => {
            for (const text of ['thank you sir, light came back', 'धन्यवाद भैया, लाइट आ गई 🙏']) {
                const reply = joined(await bot.conversation().say(text));
                assert.doesNotMatch(reply, /account number|खाता नंबर/, text);
            }
            assert.equal((await complaints(bot)).length, 0);
        });

        it('a short question right after an everyday answer gets that answer again, once', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('खेत पे ट्यूबवेल के लिए नया कनेक्शन लेना है')), /jhatpat\.uppcl\.org/);
            const again = joined(await user.say('क्या करना होगा, कागज क्या लगेंगे'));
            assert.match(again, /jhatpat\.uppcl\.org/);
            assert.doesNotMatch(again, /खाता नंबर/);
            // Without an everyday answer just before, the same words are not taken for one.
            assert.doesNotMatch(joined(await bot.conversation().say('क्या करना होगा, कागज क्या लगेंगे')), /jhatpat\.uppcl\.org/);
        });

        it('"shikayat ka number bata do" after registering shows the ticket, not the helpline', async () => {
            const user = bot.conversation();
            const saved = joined(await sayAll(user, [`दुकान की लाइट गई है 2 घंटे से, खाता ${LUCKNOW.account}`, 'हां']));
            const ticket = ticketIn(saved);
            assert.ok(ticket);
            const reply = joined(await user.say('नंबर बता दो शिकायत का'));
            assert.match(reply, new RegExp(ticket));
            assert.doesNotMatch(reply, /हेल्पलाइन 1912 है/);
        });
    });

    describe('the third round (what blind sets J and K showed)', () => {
        const identityOf = (user: ReturnType<TestBot['conversation']>) =>
            bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channelUserId: user.adapter.template.from!.id });

        it('"mujhe chahiye ye" after the planned-cuts answer turns area news on; "ok" after an answer does not start anything', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('kal light katne ka schedule kya hai')), /START/);
            assert.equal((await identityOf(user)).subscribed, false, 'a question about cuts is answered, not taken as a request');
            await user.say('mujhe chahiye ye');
            assert.equal((await identityOf(user)).subscribed, true);
            const other = bot.conversation();
            await other.say('smart meter ka recharge kaise karu');
            assert.doesNotMatch(joined(await other.say('ok')), /खाता नंबर|account number/);
        });

        it('"how to subscribe?" is done, not described; START in capitals inside a sentence counts', async () => {
            const asks = bot.conversation();
            await asks.say('please send me message whenever there is power cut or shutdown in my area. how to subscribe?');
            assert.equal((await identityOf(asks)).subscribed, true);
            const undo = bot.conversation();
            await undo.say('STOP');
            assert.equal((await identityOf(undo)).subscribed, false);
            await undo.say('अरे नहीं गलती से भेज दिया, मैसेज आते रहने दो। START');
            assert.equal((await identityOf(undo)).subscribed, true);
        });

        it('details typed ahead at the account question are kept, not read as "no account", and the account asked again', async () => {
            const user = bot.conversation();
            await user.say('gaon ka transformer phuk gaya raat ko');
            const noted = joined(await user.say('dhamaka hua tha aur dhuan nikla, tab se light nahi h'));
            assert.match(noted, /जोड़ दिया/);
            assert.match(noted, /खाता नंबर/);
            assert.match(joined(await user.say(LUCKNOW.account)), /dhamaka hua tha/, 'the summary keeps the details');
            await user.say('haan');
            const [saved] = await complaints(bot);
            assert.equal(saved.accountNumber, LUCKNOW.account);
            assert.match(saved.description ?? '', /dhamaka/);
        });

        it('"I don\'t remember it" from the account\'s registered mobile uses that account, saying so', async () => {
            const user = bot.conversation({ phoneNumber: LUCKNOW.mobile! });
            await user.say('english');
            await user.say('very low voltage since 3 days, fans are slow');
            const reply = joined(await user.say('sorry i dont remember the number'));
            assert.match(reply, /registered to the mobile number you are writing from/);
            await user.say('yes');
            const [saved] = await complaints(bot);
            assert.equal(saved.accountNumber, LUCKNOW.account);
            // From a number registered to no account, the same words take the way without an account.
            const stranger = bot.conversation({ phoneNumber: '9000000001' });
            await stranger.say('english');
            await stranger.say('very low voltage since 3 days, fans are slow');
            assert.match(joined(await stranger.say('sorry i dont remember the number')), /address/);
        });

        it('a greeting is greeted (and asked the language), not thanked; "chalo bye" and "ok never mind" get a line, no menu', async () => {
            const user = bot.conversation();
            const greeted = joined(await user.say('good morning ji 🙏'));
            assert.doesNotMatch(greeted, /welcome!/i);
            assert.match(greeted, /choose your language/);
            const english = await englishUser(bot);
            for (const text of ['chalo bye', 'ok never mind', 'how are you']) {
                const replies = await english.sayFull(text);
                assert.equal(replies.length, 1, text);
                assert.equal(replies[0].suggestedActions?.actions?.length ?? 0, 0, `${text}: no menu`);
            }
        });

        it('"English please" sticks when the user then writes in Devanagari', async () => {
            const user = bot.conversation();
            assert.match(joined(await user.say('english me reply karo pls, Hindi padhne me time lagta h')), /English/);
            const reply = joined(await user.say('बिल कहाँ कहाँ जमा हो सकता है?'));
            assert.match(reply, /pay your bill/);
        });

        it('a question about what happens next, right after registering, is about that complaint', async () => {
            const user = bot.conversation();
            await sayAll(user, [`mere smart meter ki screen blank ho gyi h, account ${LUCKNOW.account}`, 'haan']);
            const reply = joined(await user.say('iski wajah se balance khatam hoke light to nahi kategi na?'));
            assert.match(reply, /C\d{4}-\d{4}/);
            assert.equal((await complaints(bot)).length, 1);
        });

        it('theft is answered with where to report it; "fire brigade ko bulau?" gets the emergency numbers, never over a fault', async () => {
            assert.match(joined(await bot.conversation().say('पड़ोस में कटिया डाल के बिजली चोरी हो रही है रोज, कहाँ बताऊं?')), /uppcl\.org/);
            assert.match(joined(await bot.conversation().say('fire brigade ko bhi bulau kya?')), /112/);
            const report = joined(await bot.conversation().say('तार गिरा है आग लग गई दमकल बुलाओ'));
            assert.match(report, /खाता नंबर/, 'the fault is taken first');
            assert.equal((await complaints(bot)).length, 0);
        });
    });

    describe('the fourth round (what blind sets L and M showed)', () => {
        const identityOf = (user: ReturnType<TestBot['conversation']>) =>
            bot.dataSource.getRepository(ChannelIdentity).findOneByOrFail({ channelUserId: user.adapter.template.from!.id });

        it('"ruko, bill dhundh ke batata hu" at the account question waits; the number typed next is taken', async () => {
            const user = bot.conversation();
            await user.say('bhai इतना हाई वोल्टेज आ रहा है कि 3 बल्ब फ्यूज हो गए');
            const waited = joined(await user.say('रुको, बिल ढूंढ के बताता हूं'));
            assert.match(waited, /आराम से/);
            assert.doesNotMatch(waited, /रोक दिया/);
            await sayAll(user, [LUCKNOW.account, 'हाँ']);
            assert.equal((await complaints(bot)).length, 1);
            // A "wait" that goes on to cancel still cancels.
            const cancels = bot.conversation();
            await cancels.say('बिजली नहीं आ रही शिकायत करनी है');
            assert.match(joined(await cancels.say('अरे रुको लाइट आ गई, अब शिकायत नहीं करनी रहने दो')), /रोक दिया/);
        });

        it('"no light" needs its words together: a meter that does not move, a light bill not received are not outages', async () => {
            const meter = await englishUser(bot);
            await sayAll(meter, ['meter is not moving at all. reading same since 10 days even though we are using light daily', LUCKNOW.account, 'yes']);
            const bill = await englishUser(bot);
            await sayAll(bill, ['I have not got my light bill for last 3 months', LUCKNOW.account]);
            const saved = await complaints(bot);
            assert.ok(
                saved.every((c) => c.category !== 'no_supply'),
                saved.map((c) => c.category).join()
            );
        });

        it('"send me msgs whenever light is going to be cut" and "yaad dilane wale message chalu kar do" subscribe', async () => {
            for (const text of [
                'pls send me msgs whenever light is going to be cut in my area',
                'बिल जमा करने की तारीख भूल जाती हूँ, याद दिलाने वाले मैसेज चालू कर दो',
            ]) {
                const user = bot.conversation();
                await user.say(text);
                assert.equal((await identityOf(user)).subscribed, true, text);
            }
            assert.equal((await complaints(bot)).length, 0);
        });

        it('a guess of "unsubscribe" by the statistical model does not opt anyone out', async () => {
            const user = bot.conversation();
            await user.say('START');
            await user.say('mujhe chahiye ye');
            assert.equal((await identityOf(user)).subscribed, true);
        });
    });

    describe('the fifth round (what blind set N showed)', () => {
        it('without the number, a sender whose mobile is registered is asked whether it is that account; a passer-by is not', async () => {
            const owner = bot.conversation({ phoneNumber: LUCKNOW.mobile! });
            await owner.say('हिंदी');
            await owner.say('2 घंटे से बिजली नहीं है');
            const asked = joined(await owner.say('आस पास के घरों में भी नहीं है'));
            assert.match(asked, new RegExp(`\\*+${LUCKNOW.account.slice(-4)}`));
            await sayAll(owner, ['हाँ', 'हाँ']);
            const [saved] = await complaints(bot);
            assert.equal(saved.accountNumber, LUCKNOW.account);
            const passerBy = bot.conversation({ phoneNumber: LUCKNOW.mobile! });
            await passerBy.say('हिंदी');
            await passerBy.say('सड़क पर तार टूटा पड़ा है');
            assert.doesNotMatch(joined(await passerBy.say('मेरा नहीं है, मैं रास्ते से जा रहा था')), /पंजीकृत है जिससे/);
        });

        it('someone introducing themselves is asked what they need, not told they were not understood', async () => {
            const reply = joined(await bot.conversation().say('सर जी मैं बैटरी वाला ऑटो चलाता हूं, रात को घर पे ही चार्ज करता हूं'));
            assert.match(reply, /बताइए क्या मदद चाहिए/);
            assert.doesNotMatch(reply, /समझ नहीं पाया/);
        });

        it('"a/c 2395917603" is an account number, not a ticket', async () => {
            const user = await englishUser(bot);
            await user.say('my meter is running too fast');
            const reply = joined(await user.say(`a/c ${LUCKNOW.account}`));
            assert.doesNotMatch(reply, /exactly 10 digits/);
            assert.match(reply, /Shall I register it\?/);
        });
    });
});
