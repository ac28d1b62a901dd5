import { strict as assert } from 'assert';
import { Complaint } from '../../src/data/entities/Complaint';
import { Consumer } from '../../src/data/entities/Consumer';
import { Incident } from '../../src/data/entities/Incident';
import { IncidentFollower } from '../../src/data/entities/IncidentFollower';
import { formatDateTime } from '../../src/i18n/format';
import { Logger } from '../../src/logger';
import { ComplaintNotifier, RecordingNotifier } from '../../src/services/ComplaintNotifier';
import { IncidentNotifier } from '../../src/services/IncidentService';
import { ProactiveNotifier } from '../../src/services/ProactiveNotifier';
import { PlannedShutdown } from '../../src/data/entities/PlannedShutdown';
import { englishUser, hindiUser, joined, LUCKNOW, sayAll, ticketIn, VARANASI } from '../support/dialogKit';
import { ManualClock } from '../support/ManualClock';
import { ProactiveChats } from '../support/ProactiveChats';
import { TestBot, TestConversation } from '../support/TestBot';

const INCIDENT_REFERENCE = /I[0-9]{4}-[0-9]{4}/;

/**
 * Outage conversations through the real dialogs, the real incident grouping and the real proactive notifier: the K-th
 * and later reporters hear the known fault, "kab aayegi light?" is answered from it (for reporters, and for others
 * who may follow it), and the repair is confirmed or denied by each reporter in their own words.
 */
describe('outage conversations', () => {
    let bot: TestBot;
    let clock: ManualClock;
    const chats = new ProactiveChats();
    /** Neighbours of the Lucknow demo consumer on the same transformer (VIBHUTIKHAND-DT1). */
    const neighbours: string[] = [];

    beforeEach(async () => {
        clock = new ManualClock();
        chats.clear();
        // The notifier is built after the bot (it runs the bot's "is it fixed?" turn); until then notices are recorded.
        let delegate: ComplaintNotifier & IncidentNotifier = new RecordingNotifier();
        const notifier: ComplaintNotifier & IncidentNotifier = {
            toConsumer: (c, t) => delegate.toConsumer(c, t),
            toOfficial: (o, c, t) => delegate.toOfficial(o, c, t),
            askConsumerToConfirm: (c, n) => delegate.askConsumerToConfirm(c, n),
            remindConsumerToConfirm: (c) => delegate.remindConsumerToConfirm(c),
            askConsumerStillWorking: (c) => delegate.askConsumerStillWorking(c),
            toFollower: (f, t) => delegate.toFollower(f, t),
            toIncidentOfficial: async () => undefined,
        };
        bot = await TestBot.create({ overrides: { notifier, now: clock.now } });
        delegate = new ProactiveNotifier(
            new Map([['test', chats.adapter]]),
            bot.app.translator,
            new Logger('error'),
            '',
            (ticket, note) => (context) => bot.app.bot.askToConfirm(context, ticket, note)
        );
        const consumers = bot.dataSource.getRepository(Consumer);
        const lucknow = await consumers.findOneByOrFail({ accountNumber: LUCKNOW.account });
        neighbours.length = 0;
        for (let i = 1; i <= 4; i++) {
            const accountNumber = `900000000${i}`;
            await consumers.save({
                ...lucknow,
                accountNumber,
                name: `Neighbour ${i}`,
                registeredMobile: null,
                address: `B-${i}/14, Vibhuti Khand, Gomti Nagar, Lucknow`,
            });
            neighbours.push(accountNumber);
        }
    });
    afterEach(async () => {
        await bot.close();
    });

    async function complaint(ticket: string): Promise<Complaint> {
        return bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
    }

    async function openIncident(): Promise<Incident> {
        const incidents = await bot.dataSource.getRepository(Incident).find({ order: { id: 'DESC' } });
        assert.ok(incidents[0], 'an incident formed');
        return incidents[0];
    }

    /** A no-power report from `account`; returns the replies after the account number. */
    async function report(user: TestConversation, account: string, words: string): Promise<string> {
        await user.say(words);
        return joined(await user.say(account));
    }

    /** Three neighbours report, forming the incident; the first two answer the summary, the third hears the fault. */
    async function threeReports(): Promise<{ users: TestConversation[]; third: string }> {
        const users = [chats.track(await englishUser(bot)), chats.track(await hindiUser(bot)), chats.track(await englishUser(bot))];
        for (const [i, user] of users.slice(0, 2).entries()) {
            const replies = await report(user, neighbours[i], i === 0 ? 'no power since morning in our street' : 'सुबह से बिजली नहीं है');
            // The first reports are single cases until the K-th: their summaries are confirmed as usual.
            assert.doesNotMatch(replies, INCIDENT_REFERENCE);
            assert.ok(ticketIn(joined(await user.say(i === 0 ? 'yes' : 'हाँ'))));
        }
        const third = await report(users[2], neighbours[2], 'no light in our lane since morning');
        return { users, third };
    }

    it('answers the 3rd and 4th reporters with the known fault and its reference, in English and Hindi, without asking more', async () => {
        const { users, third } = await threeReports();
        const incident = await openIncident();
        assert.match(third, new RegExp(`This is a known fault in your area: ${incident.reference}\\. 2 neighbours have reported it`));
        assert.match(third, /Your complaint C[0-9]{4}-[0-9]{4} is joined to this fault/);
        assert.match(third, /Shall I also message you each time the expected time changes\?/);
        assert.match(joined(await users[2].say('no thanks')), /no updates on the time/);
        const fourth = chats.track(await hindiUser(bot));
        const answer = await report(fourth, neighbours[3], 'हमारे यहाँ भी लाइट नहीं है');
        assert.match(answer, new RegExp(`पहले से ज्ञात बिजली बाधा है: ${incident.reference}। 3 पड़ोसी`));
        assert.match(answer, /इसी बाधा से जोड़ दी गई है/);
        const reports = await bot.dataSource.getRepository(Complaint).find({ where: { incidentId: incident.id } });
        assert.equal(reports.length, 4, 'every report is joined to the one incident');
        assert.equal(reports.find((c) => c.accountNumber === neighbours[2])!.incidentUpdates, false, 'the third said no to updates');
    });

    it('answers "kab aayegi light?" from the incident for a reporter, with the engineer\'s time once set', async () => {
        const { users } = await threeReports();
        await users[2].say('yes');
        const incident = await openIncident();
        const before = joined(await users[1].say('kab aayegi light?'));
        assert.match(before, new RegExp(incident.reference));
        assert.match(before, /नियामक की समय-सीमा के अनुसार बिजली .* तक वापस आ जानी चाहिए/, "the regulator's time until the engineer gives one");
        const own = (await bot.dataSource.getRepository(Complaint).findOneByOrFail({ accountNumber: neighbours[1] })).ticket;
        assert.match(before, new RegExp(`आपकी शिकायत ${own}`));
        const etr = new Date(clock.now().getTime() + 3 * 3_600_000);
        await bot.app.incidents.setDetails(incident.id, incident.assignedOfficialId!, { cause: 'transformer fuse blown', etr });
        chats.replies(users[0]);
        const after = joined(await users[0].say('when will power come back?'));
        assert.match(
            after,
            new RegExp(
                `${incident.reference}[\\s\\S]*Cause: transformer fuse blown\\.[\\s\\S]*The engineer expects power back by ${escape(formatDateTime(etr, 'en'))}`
            )
        );
        assert.equal(await bot.dataSource.getRepository(Complaint).count(), 3, 'asking opened no complaint');
    });

    it("answers a non-reporter from their area's incident and tells them when it is repaired, if they want", async () => {
        await threeReports();
        const incident = await openIncident();
        const asker = chats.track(await englishUser(bot));
        const asked = joined(await asker.say('when will the power come back?'));
        assert.match(asked, /account number/);
        const answered = joined(await asker.say(neighbours[3]));
        assert.match(answered, new RegExp(`This is a known fault in your area: ${incident.reference}`));
        assert.doesNotMatch(answered, /Neighbour|Your complaint/, 'nothing of anyone else, and no ticket of their own');
        assert.match(answered, /Shall I message you here when the power is back\?/);
        assert.match(joined(await asker.say('yes')), new RegExp(`when fault ${incident.reference} is repaired`));
        assert.equal(await bot.dataSource.getRepository(IncidentFollower).countBy({ incidentId: incident.id }), 1);
        assert.equal(await bot.dataSource.getRepository(Complaint).count(), 3, 'following opened no complaint');
        await bot.app.incidents.markRestored(incident.id, incident.assignedOfficialId!, 'fuse replaced');
        assert.match(chats.replies(asker), new RegExp(`The fault ${incident.reference} has been repaired`));
    });

    it("asks each reporter about the repair in the fault's words and takes own-words answers: back, still off, still dark", async () => {
        const { users } = await threeReports();
        await users[2].say('yes');
        const incident = await openIncident();
        await bot.app.incidents.markRestored(incident.id, incident.assignedOfficialId!, 'fuse replaced');
        const [first, second, third] = users.map((u) => chats.replies(u));
        assert.match(first, new RegExp(`Power should be back after the repair of fault ${incident.reference}\\. Is it back\\? Still off\\? Reply NO\\.`));
        assert.match(second, new RegExp(`बिजली बाधा ${incident.reference} की मरम्मत के बाद बिजली आ जानी चाहिए। क्या बिजली आ गई\\?`));
        assert.match(third, new RegExp(incident.reference));
        const tickets = await Promise.all(
            neighbours.slice(0, 3).map(async (a) => (await bot.dataSource.getRepository(Complaint).findOneByOrFail({ accountNumber: a })).ticket)
        );
        assert.match(joined(await users[0].say('light aa gayi')), new RegExp(`${tickets[0]} is now closed`));
        assert.match(joined(await users[1].say('abhi bhi nahi aayi')), new RegExp(`शिकायत ${tickets[1]} फिर से खोल दी गई`));
        assert.match(joined(await users[2].say('no, still dark here')), new RegExp(`Complaint ${tickets[2]} is reopened`));
        const [back, off, dark] = await Promise.all(tickets.map(complaint));
        assert.equal(back.status, 'closed');
        for (const reopened of [off, dark]) {
            assert.equal(reopened.status, 'reopened');
            assert.equal(reopened.incidentId, null, 'a reporter still off leaves the incident');
            assert.equal(reopened.nestedIncidentId, incident.id);
        }
    });

    it('asks a reporter who asks "kab aayegi?" after the repair whether the power is back, and reopens on no', async () => {
        const { users } = await threeReports();
        await users[2].say('yes');
        const incident = await openIncident();
        await bot.app.incidents.markRestored(incident.id, incident.assignedOfficialId!, 'fuse replaced');
        chats.replies(users[0]);
        // The chat answered something else first; asked later, the question comes again.
        await users[0].say('menu');
        const asked = joined(await users[0].say('when will power come back?'));
        assert.match(asked, new RegExp(`The fault ${incident.reference} was marked repaired at`));
        const ticket = (await bot.dataSource.getRepository(Complaint).findOneByOrFail({ accountNumber: neighbours[0] })).ticket;
        assert.match(joined(await users[0].say('no')), new RegExp(`Complaint ${ticket} is reopened`));
        assert.equal((await complaint(ticket)).status, 'reopened');
    });

    it('says no fault is known in the area and registers a no-supply complaint on yes, in Hindi', async () => {
        const user = await hindiUser(bot);
        assert.match(joined(await user.say('बिजली कब आएगी')), /खाता नंबर/);
        assert.match(joined(await user.say(VARANASI.account)), /अभी कोई बिजली बाधा दर्ज नहीं है/);
        const summary = joined(await user.say('हाँ'));
        const ticket = ticketIn(joined(await user.say('हाँ'))) ?? ticketIn(summary);
        assert.ok(ticket, 'a complaint was registered');
        const registered = await complaint(ticket);
        assert.deepEqual([registered.category, registered.accountNumber], ['no_supply', VARANASI.account]);
    });

    it('with a complaint of their own that is no known fault, "kab aayegi light" gives its time limit as before', async () => {
        const user = await englishUser(bot);
        const ticket = ticketIn(joined(await sayAll(user, ['no power since morning in our street', VARANASI.account, 'yes'])))!;
        const due = (await complaint(ticket)).dueAt!;
        assert.match(joined(await user.say('kab aayegi light')), new RegExp(escape(formatDateTime(due, 'en'))));
    });

    it("answers planned-shutdown questions from the area's schedule when one is known, and the eta question during one", async () => {
        const startsAt = new Date(clock.now().getTime() + 16 * 3_600_000);
        const window = { startsAt, endsAt: new Date(startsAt.getTime() + 4 * 3_600_000), reason: 'line maintenance' } as PlannedShutdown;
        let covering: PlannedShutdown | null = null;
        const asked: string[] = [];
        bot.app.services.shutdowns = {
            coveringNow: async (area) => {
                asked.push(area.subdivision);
                return covering;
            },
            upcomingFor: async () => [window],
            areaText: () => 'Vibhuti Khand',
        };
        const user = await hindiUser(bot);
        const told = joined(await user.say(`kal light katne wali hai kya? account ${LUCKNOW.account}`));
        assert.match(
            told,
            new RegExp(
                `निर्धारित बिजली कटौती: ${escape(formatDateTime(window.startsAt, 'hi'))} से ${escape(formatDateTime(window.endsAt, 'hi'))} तक \\(line maintenance\\)`
            )
        );
        assert.deepEqual(asked, ['Vibhuti Khand'], "asked for the account's area");
        covering = { ...window, startsAt: clock.now() };
        const during = await englishUser(bot);
        await during.say('when will power come back?');
        assert.match(
            joined(await during.say(LUCKNOW.account)),
            /A planned shutdown is on in your area: from .* \(line maintenance\)\. Power should be back by/
        );
    });
});

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
