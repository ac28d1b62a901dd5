import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { Incident } from '../../src/data/entities/Incident';
import { RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { complaints, englishUser, hindiUser, joined, sayAll, ticketIn } from '../support/dialogKit';
import { TestBot } from '../support/TestBot';

// The demo's neighbours of 1234567890, all on transformer VIBHUTIKHAND-DT1.
const NEIGHBOURS = ['1234567801', '1234567802', '1234567803'];
const INCIDENT = /I\d{4}-\d{4}/;

/**
 * A no-supply report of a known fault, through the real dialogs: the K-th and later reporters are registered at once
 * (no description or summary questions), joined to the incident, and told its reference, how many neighbours
 * reported it, since when and the restoration time; with or without an account.
 */
describe('reports of a known fault', () => {
    let bot: TestBot;
    let notifier: RecordingNotifier;

    beforeEach(async () => {
        notifier = new RecordingNotifier();
        bot = await TestBot.create({ config: { publicBaseUrl: 'https://bot.example.in' }, overrides: { notifier } });
    });
    afterEach(async () => {
        await bot.close();
    });

    /** A full no-supply report from `account`, answering the questions of a lone complaint. */
    async function reportAlone(account: string): Promise<string> {
        const user = await englishUser(bot);
        await user.say('no power since evening');
        await user.say(account);
        const replies = joined(await sayAll(user, ['whole lane is dark since 7 pm', 'yes']));
        assert.match(replies, /should be fixed within/, 'a lone report is an ordinary complaint');
        return replies;
    }

    it('the third report of one transformer makes the incident and is answered from it; the fourth too, in Hindi', async () => {
        await reportAlone(NEIGHBOURS[0]);
        await reportAlone(NEIGHBOURS[1]);

        const third = await englishUser(bot);
        const answer = joined(await third.say(`no light at home, account ${NEIGHBOURS[2]}`));
        assert.doesNotMatch(answer, /describe|Shall I register/i, 'no description or summary question');
        assert.match(answer, INCIDENT, 'the incident reference');
        assert.match(answer, /known fault in your area/);
        assert.match(answer, /2 neighbours have reported it/);
        assert.match(answer, /regulator's time limit/, "the standard's time until the engineer sets one");
        assert.match(answer, /https:\/\/bot\.example\.in\/status/);
        assert.match(answer, /expected time changes\?/, 'asked whether to send changes of the time');
        const ticket = ticketIn(answer);
        assert.ok(ticket, 'the consumer still gets their own ticket');
        assert.match(joined(await third.say('no thanks')), /no updates on the time/);
        const status = joined(await third.say(`status of ${ticket}`));
        assert.match(status, INCIDENT, 'the status of a joined complaint names its fault');
        assert.match(status, /regulator's time limit/);
        const row = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket: ticket! });
        assert.ok(row.incidentId);
        assert.equal(row.incidentUpdates, false);

        const fourth = await hindiUser(bot);
        const hindi = joined(await fourth.say('लाइट नहीं है 1234567890'));
        assert.match(hindi, INCIDENT);
        assert.match(hindi, /पहले से ज्ञात बिजली बाधा/);
        assert.match(hindi, /3 पड़ोसी/);
        assert.match(joined(await fourth.say('हाँ')), /समय बदलने पर और बिजली आने पर/);
        const incidents = await bot.dataSource.getRepository(Incident).find();
        assert.equal(incidents.length, 1);
        assert.equal(incidents[0].reportCount, 4);
        assert.equal((await complaints(bot)).length, 4, 'one complaint per report, none twice');
        assert.equal(notifier.sent.filter((n) => n.text.key === 'officials:incidentSuspected').length, 1);
    });

    it('a report without an account joins by locality once the place is known, and is asked nothing more', async () => {
        const place = 'Sahara mall road, Vibhuti Khand, Lucknow';
        for (let i = 0; i < 2; i++) {
            const user = await englishUser(bot, { phoneNumber: `98765000${10 + i}` });
            await user.say('no power in our colony');
            await user.say("I don't have it");
            const saved = joined(await sayAll(user, [place, 'whole colony dark since 8 pm', 'yes']));
            assert.ok(ticketIn(saved), 'a lone report without an account is registered as usual');
        }
        const third = await englishUser(bot, { phoneNumber: '9876500099' });
        await third.say('no power in our colony');
        await third.say("I don't have it");
        const answer = joined(await third.say(place));
        assert.match(answer, INCIDENT);
        assert.match(answer, /known fault in your area/);
        assert.ok(ticketIn(answer));
        const [incident] = await bot.dataSource.getRepository(Incident).find();
        assert.equal(incident.scope, 'locality');
        assert.equal(incident.reportCount, 3);
    });

    it('a second no-power message of the same reporter is answered from their fault, not made a second complaint', async () => {
        await reportAlone(NEIGHBOURS[0]);
        await reportAlone(NEIGHBOURS[1]);
        const third = await englishUser(bot);
        await third.say(`no light, account ${NEIGHBOURS[2]}`);
        await third.say('yes');
        const again = joined(await third.say('still no light, how many more hours??'));
        assert.match(again, /known fault in your area/);
        assert.doesNotMatch(again, /account number/, 'the account is not asked again');
        assert.equal((await complaints(bot)).length, 3);
    });
});
