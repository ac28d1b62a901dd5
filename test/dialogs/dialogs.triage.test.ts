import { strict as assert } from 'assert';
import { CallbackRequest } from '../../src/data/entities/CallbackRequest';
import { Complaint } from '../../src/data/entities/Complaint';
import { ComplaintEvent } from '../../src/data/entities/ComplaintEvent';
import { Consumer } from '../../src/data/entities/Consumer';
import { Official } from '../../src/data/entities/Official';
import { RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { Districts } from '../../src/services/Districts';
import { englishUser, hindiUser, joined, referenceIn, sayAll, ticketIn } from '../support/dialogKit';
import { ManualClock } from '../support/ManualClock';
import { TestBot, TestConversation } from '../support/TestBot';

const NO_POWER = 'no power since morning in our street';
const HOUR = 3600_000;

/**
 * Every complaint owned, through the real dialogs: a complaint without an account is placed by the district and
 * locality the consumer gives (or a shared location) with the right subdivision's JE; a place nobody can own goes to
 * the triage desk of the district's discom with its own due time and an honest message, and escalates to the
 * discom's senior officials when not placed in time; an account imported earlier with an unknown subdivision goes
 * there too. Never "fixed within 2 hours" from a JE that does not exist.
 */
describe('every complaint owned: placing complaints without an account', () => {
    let bot: TestBot;
    let clock: ManualClock;
    let notifier: RecordingNotifier;

    beforeEach(async () => {
        clock = new ManualClock();
        notifier = new RecordingNotifier();
        bot = await TestBot.create({ config: { triageDueHours: 4, placeRadiusKm: 3 }, overrides: { notifier, now: clock.now } });
    });
    afterEach(async () => {
        await bot.close();
    });

    const official = (username: string) => bot.dataSource.getRepository(Official).findOneByOrFail({ username });
    const complaint = (ticket: string) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });

    /** An English consumer without an account, up to the address question. */
    async function atAddress(): Promise<TestConversation> {
        const user = await englishUser(bot, { phoneNumber: '9876501234' });
        await user.say(NO_POWER);
        assert.match(joined(await user.say("I don't have it")), /full address/);
        return user;
    }

    it('English: a locality without its district asks the district, and the JE of that subdivision of its discom owns it', async () => {
        const user = await atAddress();
        const askDistrict = joined(await user.say('Near the Shiv mandir, Rajatalab'));
        assert.match(askDistrict, /Which district is this in\?/);
        const refused = joined(await user.say('Atlantis'));
        assert.match(refused, /I do not know that district of Uttar Pradesh/, 'an unknown district is refused with a way forward');
        assert.match(joined(await user.say('Banaras')), /District: Varanasi\./);
        const saved = joined(await user.say('yes'));
        const row = await complaint(ticketIn(saved)!);
        assert.deepEqual([row.district, row.discom, row.subdivision], ['varanasi', 'PuVVNL', 'Rajatalab']);
        assert.equal(row.assignedOfficialId, (await official('je.rajatalab')).id);
        assert.equal(row.triageDueAt, null);
        assert.match(saved, /should be fixed within/);
    });

    it('Hindi: the district in Devanagari places a Lucknow locality with its JE, not a namesake elsewhere', async () => {
        const user = await hindiUser(bot, { phoneNumber: '9876501234' });
        await user.say('सुबह से बिजली नहीं है');
        assert.match(joined(await user.say('मेरे पास नहीं है')), /पूरा पता/);
        assert.match(joined(await user.say('Vibhuti Khand, sector 4 ke paas')), /यह किस ज़िले में है\?/);
        assert.match(joined(await user.say('लखनऊ')), /ज़िला: लखनऊ।/);
        const saved = joined(await user.say('हाँ'));
        const row = await complaint(ticketIn(saved)!);
        assert.deepEqual([row.district, row.discom, row.subdivision], ['lucknow', 'MVVNL', 'Vibhuti Khand']);
        assert.equal(row.assignedOfficialId, (await official('je.vibhutikhand')).id);
        assert.match(saved, /UPERC मानकों के अनुसार/);
    });

    it('a district named in the address is not asked again', async () => {
        const user = await atAddress();
        const confirm = joined(await user.say('Gali 3, Viraj Khand, Gomti Nagar, Lucknow'));
        assert.doesNotMatch(confirm, /Which district/);
        const row = await complaint(ticketIn(joined(await user.say('yes')))!);
        assert.equal(row.assignedOfficialId, (await official('je.virajkhand')).id);
    });

    it('a shared location places it in the nearest subdivision within the radius, without asking the district', async () => {
        const user = await atAddress();
        // About 300 m from the demo centre of Viraj Khand, 1.5 km from Vibhuti Khand's.
        const confirm = joined(await user.say({ text: '', entities: [{ type: 'GeoCoordinates', latitude: 26.8712, longitude: 81.0077 } as never] }));
        assert.doesNotMatch(confirm, /Which district/);
        const row = await complaint(ticketIn(joined(await sayAll(user, ['the whole lane is dark', 'yes'])))!);
        assert.equal(row.assignedOfficialId, (await official('je.virajkhand')).id);
        assert.deepEqual([row.discom, row.subdivision, row.district], ['MVVNL', 'Viraj Khand', null]);
    });

    it('a shared location far from every known subdivision asks the district instead', async () => {
        const user = await atAddress();
        // Agra: no demo subdivision has a location within 3 km.
        const ask = joined(await user.say({ text: '', entities: [{ type: 'GeoCoordinates', latitude: 27.1767, longitude: 78.0081 } as never] }));
        assert.match(ask, /could not match the location you shared/);
        assert.match(joined(await user.say('Agra')), /District: Agra\./);
    });

    it('an unknown place goes to the triage desk of the district’s discom, with its due time and an honest message', async () => {
        const user = await atAddress();
        const saved = joined(await sayAll(user, ['Mandir wali gali, Sarnath', 'Varanasi', 'yes']));
        const row = await complaint(ticketIn(saved)!);
        assert.deepEqual([row.discom, row.district, row.assignedOfficialId, row.dueAt], ['PuVVNL', 'varanasi', null, null]);
        assert.equal(row.triageDueAt!.getTime(), clock.now().getTime() + 4 * HOUR);
        assert.match(saved, /with the PuVVNL triage desk/);
        assert.match(saved, /give it to the engineer of your area by/);
        assert.doesNotMatch(saved, /should be fixed within|UPERC|Our target/, 'no resolution promise without an engineer');
        // The desk is told; nobody in Lucknow is.
        const told = notifier.sent.filter((n) => n.to === 'official' && n.complaintId === row.id);
        assert.deepEqual(
            told.map((n) => n.text.key),
            ['officials:triageNew']
        );
        assert.equal(told[0].officialId, (await official('triage.puvvnl')).id);
        // Asking after it tells the same.
        assert.match(joined(await user.say(`status ${row.ticket}`)), /PuVVNL triage desk, to be given to the engineer of your area by/);
    });

    it('a hazard nobody can own must be placed within the hazard acknowledgement time, not the desk’s hours', async () => {
        const user = await englishUser(bot, { phoneNumber: '9876501234' });
        await user.say('a wire has snapped and fallen on the road');
        await user.say("I don't have it");
        const saved = joined(await sayAll(user, ['Mandir wali gali, Sarnath', 'Varanasi', 'yes']));
        const row = await complaint(ticketIn(saved)!);
        assert.deepEqual([row.category, row.discom, row.assignedOfficialId], ['line', 'PuVVNL', null]);
        assert.equal(row.triageDueAt!.getTime(), clock.now().getTime() + bot.app.config.hazardAckMinutes * 60_000);
    });

    it('escalates to the discom’s senior officials (its CEs) once, when the desk has not placed it in time', async () => {
        const user = await atAddress();
        const row = await complaint(ticketIn(joined(await sayAll(user, ['Mandir wali gali, Sarnath', 'Varanasi', 'yes'])))!);
        clock.advance(3.9);
        assert.equal((await bot.app.lifecycle.tick()).triageLate, 0, 'not before its time');
        clock.advance(0.2);
        assert.equal((await bot.app.lifecycle.tick()).triageLate, 1);
        assert.equal((await bot.app.lifecycle.tick()).triageLate, 0, 'told once');
        const late = notifier.sent.filter((n) => n.text.key === 'officials:triageLate');
        assert.deepEqual(
            late.map((n) => n.officialId),
            [(await official('ce.varanasi')).id]
        );
        const events = await bot.dataSource.getRepository(ComplaintEvent).find({ where: { complaintId: row.id }, order: { id: 'ASC' } });
        assert.ok(events.some((e) => /not placed by the PuVVNL triage desk in time/.test(e.note ?? '')));
        assert.equal((await complaint(row.ticket)).assignedOfficialId, null, 'still on the desk until someone places it');
        assert.match(joined(await user.say(`status ${row.ticket}`)), /senior officers have been told/);
    });

    it('a consumer imported earlier with a subdivision unknown to the hierarchy goes to the triage desk, never unowned', async () => {
        // As an import before quarantine existed would have left it.
        await bot.dataSource.getRepository(Consumer).insert({
            accountNumber: '1357924680',
            name: 'Suresh Chandra',
            registeredMobile: '9415077777',
            address: '12, Gomti Nagar Extension, Lucknow',
            discom: 'MVVNL',
            division: 'EUDD Gomti Nagar, Lucknow',
            subdivision: 'Gomti Nagar Extension',
            tariffCategory: 'LMV-1',
            areaClass: 'city',
        });
        const user = await englishUser(bot);
        const saved = joined(await sayAll(user, [NO_POWER, '1357924680', 'yes']));
        const row = await complaint(ticketIn(saved)!);
        assert.deepEqual([row.discom, row.assignedOfficialId, row.dueAt], ['MVVNL', null, null]);
        assert.ok(row.triageDueAt);
        assert.match(saved, /with the MVVNL triage desk/);
        assert.doesNotMatch(saved, /should be fixed within 2 hours/);
    });

    it('a callback without an account asks the same district question and is owned by that subdivision’s JE', async () => {
        const user = await englishUser(bot, { phoneNumber: '9876543210' });
        await user.say('talk to an officer');
        await user.say("I don't have it");
        assert.match(joined(await user.say('Rajatalab bazaar')), /Which district is this in\?/);
        const recorded = joined(await sayAll(user, ['Varanasi', '1']));
        const request = await bot.dataSource.getRepository(CallbackRequest).findOneByOrFail({ reference: referenceIn(recorded)! });
        assert.deepEqual([request.discom, request.subdivision], ['PuVVNL', 'Rajatalab']);
        assert.equal(request.assignedOfficialId, (await official('je.rajatalab')).id);
    });
});

describe('districts of Uttar Pradesh (src/up-districts.json)', () => {
    const districts = Districts.load();

    it('lists the 75 districts, each with its discom', () => {
        assert.equal(districts.all.length, 75);
        const per = new Map<string, number>();
        for (const d of districts.all) per.set(d.discom, (per.get(d.discom) ?? 0) + 1);
        assert.deepEqual(Object.fromEntries(per), { PVVNL: 14, MVVNL: 19, DVVNL: 20, KESCo: 1, PuVVNL: 21 });
    });

    it('reads Hindi, English, romanised and old names, the last named winning', () => {
        const found = (text: string) => districts.findIn(text)?.id ?? null;
        assert.equal(found('वाराणसी'), 'varanasi');
        assert.equal(found('banaras'), 'varanasi');
        assert.equal(found('Allahabad'), 'prayagraj');
        assert.equal(found('इलाहाबाद'), 'prayagraj');
        assert.equal(found('sector 62, Noida'), 'gautam-buddh-nagar');
        assert.equal(found('गाजीपुर'), 'ghazipur', 'without the nukta');
        assert.equal(found('Harijan Basti, Lucknow'), 'lucknow', 'the district named last');
        assert.equal(found('Kanpur Dehat'), 'kanpur-dehat');
        assert.equal(found('Kanpur'), 'kanpur-nagar');
        assert.equal(found('Atlantis'), null);
    });
});
