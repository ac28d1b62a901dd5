import { strict as assert } from 'assert';
import { CompensationClaim } from '../../../src/data/entities/CompensationClaim';
import { Complaint } from '../../../src/data/entities/Complaint';
import { BotServer } from '../../../src/server';
import { RecordingNotifier } from '../../../src/services/ComplaintNotifier';
import { ConsoleClient, flashOf, startConsoleServer } from '../../support/ConsoleClient';
import { englishUser, joined, LUCKNOW, sayAll, ticketIn } from '../../support/dialogKit';
import { TestBot, TestConversation } from '../../support/TestBot';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A clock the test moves by hand; the bot, the lifecycle, the claims and the console all read it. */
class Clock {
    constructor(public time = new Date('2026-11-20T04:30:00Z')) {}
    now = () => new Date(this.time);
    advance(ms: number): void {
        this.time = new Date(this.time.getTime() + ms);
    }
}

function claimStatusIn(page: string, ticket: string): string | null {
    return new RegExp(`<tr data-claim="${ticket}" data-status="([a-z_]+)">`).exec(page)?.[1] ?? null;
}

/**
 * Compensation claims through the real dialogs (a claim from the chat that registered the complaint), the console
 * over HTTP (a JE sees, an SDO decides) and the notifier, with a controlled clock: breach → claim → approved →
 * credited; refused → a CGRF complaint text; undecided past CLAIM_DECISION_DAYS → a CGRF text; outside the 60 days
 * or without an amount → refused with a message; one claim per complaint.
 */
describe('compensation claims: bot, console and CGRF text', function () {
    this.timeout(60_000);
    let clock: Clock;
    let notifier: RecordingNotifier;
    let bot: TestBot;
    let server: BotServer;
    let base: string;

    beforeEach(async () => {
        clock = new Clock();
        notifier = new RecordingNotifier();
        bot = await TestBot.create({ config: { claimDecisionDays: 30 }, overrides: { notifier, now: clock.now } });
        server = await startConsoleServer(bot.app, clock.now);
        base = `http://127.0.0.1:${server.port}`;
    });
    afterEach(async () => {
        await server.close();
        await bot.close();
    });

    const reload = (ticket: string) => bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
    const claimOf = (ticket: string) => bot.dataSource.getRepository(CompensationClaim).findOneBy({ ticket });
    const noticesFor = (complaint: Complaint) => notifier.sent.filter((n) => n.to === 'consumer' && n.complaintId === complaint.id).map((n) => n.text);

    /** A transformer complaint on the Vibhuti Khand demo account (city: 6 h, ₹150 a day), registered in the chat. */
    async function registerTransformer(user: TestConversation): Promise<Complaint> {
        const ticket = ticketIn(joined(await sayAll(user, ['the transformer in our street has burnt out', LUCKNOW.account, 'yes'])));
        assert.ok(ticket, 'registered');
        const complaint = await reload(ticket);
        assert.equal(complaint.category, 'transformer');
        return complaint;
    }

    /** Past the due time by `days` started days, then resolved by its owner. */
    async function breachAndResolve(complaint: Complaint, days: number): Promise<Complaint> {
        clock.time = new Date(complaint.dueAt!.getTime() + (days - 1) * DAY + HOUR);
        await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'transformer replaced');
        return reload(complaint.ticket);
    }

    async function signedIn(username: string, password: string): Promise<ConsoleClient> {
        const client = new ConsoleClient(base);
        await client.signIn(username, password);
        // The console starts in Hindi; these assertions read the English texts.
        assert.equal((await client.get('/console/language/en?next=%2Fconsole%2Fclaims')).status, 303);
        return client;
    }

    async function decide(client: ConsoleClient, ticket: string, form: Record<string, string>): Promise<string | null> {
        const claim = await claimOf(ticket);
        assert.ok(claim, `a claim on ${ticket}`);
        const answer = await client.post(`/console/claims/${claim.id}/decide`, { _csrf: await client.csrf('/console/claims'), ...form });
        assert.equal(answer.status, 303);
        return flashOf((await client.get('/console/claims')).text);
    }

    it('goes from breach to claim in the chat, is seen by the JE, decided by the SDO, credited in a bill month, and the consumer is told each step', async () => {
        const user = await englishUser(bot);
        const registered = await registerTransformer(user);
        assert.match(
            joined(await user.say(`compensation claim karna hai ${registered.ticket}`)),
            /has no compensation to claim: it is not past the time limit/
        );
        assert.equal(await claimOf(registered.ticket), null, 'no claim before the breach');

        const resolved = await breachAndResolve(registered, 2);
        const claimed = joined(await user.say(`compensation claim karna hai ${registered.ticket}`));
        assert.match(claimed, new RegExp(`Your claim of ₹300 for complaint ${registered.ticket} \\(2 days late\\) is registered`));
        const claim = (await claimOf(registered.ticket))!;
        assert.deepEqual(
            [claim.status, claim.amountInr, claim.daysLate, claim.standardsVersion, claim.discom],
            ['claimed', 300, 2, registered.standardsVersion, 'MVVNL']
        );
        assert.equal(claim.claimableUntil.getTime(), resolved.resolvedAt!.getTime() + 60 * DAY, 'the window is 60 days from the fix');
        assert.equal(claim.decideBy.getTime(), clock.now().getTime() + 30 * DAY);

        // One claim per complaint: asking again shows the first.
        assert.match(
            joined(await user.say(`claim ${registered.ticket}`)),
            /Compensation claim for complaint C[0-9-]+: ₹300, claimed on .*\nStatus: waiting for the officer's decision/
        );
        assert.equal(await bot.dataSource.getRepository(CompensationClaim).countBy({ complaintId: registered.id }), 1);

        // The JE of the area sees the claim but has no forms, and a crafted decision is refused.
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const jePage = (await je.get('/console/claims')).text;
        assert.equal(claimStatusIn(jePage, registered.ticket), 'claimed');
        assert.doesNotMatch(jePage, /name="action" value="approve"/);
        assert.match(jePage, /a sub-divisional officer \(SDO\) or above decides them/);
        assert.match((await decide(je, registered.ticket, { action: 'approve' }))!, /Only a sub-divisional officer \(SDO\) or above can decide/);
        assert.equal((await claimOf(registered.ticket))!.status, 'claimed');

        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        assert.match((await sdo.get('/console/claims')).text, /name="action" value="approve"/);
        assert.match((await decide(sdo, registered.ticket, { action: 'approve' }))!, /approved; the consumer is told/);
        assert.match((await decide(sdo, registered.ticket, { action: 'credit', billMonth: 'December' }))!, /Give the bill month as YYYY-MM/);
        assert.match((await decide(sdo, registered.ticket, { action: 'credit', billMonth: '2026-12' }))!, /marked credited/);
        const credited = (await claimOf(registered.ticket))!;
        assert.deepEqual([credited.status, credited.billMonth], ['credited', '2026-12']);
        assert.ok(credited.decidedBy !== null && credited.creditedBy === credited.decidedBy, 'who decided is recorded');
        assert.match((await decide(sdo, registered.ticket, { action: 'refuse', reason: 'too late' }))!, /already decided; nothing changed/);
        assert.equal((await claimOf(registered.ticket))!.status, 'credited');

        const keys = noticesFor(registered).map((n) => n.key);
        assert.deepEqual(
            keys.filter((k) => k.startsWith('claims:')),
            ['claims:notice.approved', 'claims:notice.credited']
        );
        assert.match(joined(await user.say(`claim ${registered.ticket}`)), /Status: credited in your bill of 2026-12/);

        // The discom's report on the claims page.
        const report = (await sdo.get('/console/claims')).text;
        assert.match(report, /<tr data-report="accrued"><th>[^<]+<\/th><td>1<\/td><td>₹300<\/td><\/tr>/);
        assert.match(report, /<tr data-report="claimed"><th>[^<]+<\/th><td>1<\/td><td>₹300<\/td><\/tr>/);
        assert.match(report, /<tr data-report="credited"><th>[^<]+<\/th><td>1<\/td><td>₹300<\/td><\/tr>/);
    });

    it('takes the claim on a late complaint whose standard gives no amount, and the deciding officer sets the amount', async () => {
        const user = await englishUser(bot);
        const ticket = ticketIn(joined(await sayAll(user, ['no power since morning in our street', LUCKNOW.account, 'yes'])))!;
        const registered = await reload(ticket);
        const resolved = await breachAndResolve(registered, 2);
        assert.equal(resolved.status, 'resolved');
        // No ticket named: the latest late complaint of this chat is the one claimed.
        const claimed = joined(await user.say('I want compensation for the delay'));
        assert.match(
            claimed,
            new RegExp(`Your claim of an amount the deciding officer sets under the Standards of Performance for complaint ${ticket} \\(2 days late\\)`)
        );
        const claim = (await claimOf(ticket))!;
        assert.deepEqual([claim.status, claim.amountInr, claim.daysLate], ['claimed', null, 2]);

        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const page = (await sdo.get('/console/claims')).text;
        assert.match(page, /to be set by the officer/);
        assert.match(page, /name="amount"[^>]*required/);
        assert.match((await decide(sdo, ticket, { action: 'approve' }))!, /has no amount in the standards: give it in whole rupees/);
        assert.equal((await claimOf(ticket))!.status, 'claimed', 'nothing changed without an amount');
        assert.match((await decide(sdo, ticket, { action: 'approve', amount: '250' }))!, /approved; the consumer is told/);
        assert.deepEqual([(await claimOf(ticket))!.status, (await claimOf(ticket))!.amountInr], ['approved', 250]);
        const approvedNotice = noticesFor(registered).find((n) => n.key === 'claims:notice.approved');
        assert.equal(approvedNotice?.vars?.amount, '₹250');
        // An amount once set is never changed by a later form.
        assert.match((await decide(sdo, ticket, { action: 'credit', billMonth: '2026-12', amount: '9999' }))!, /marked credited/);
        assert.equal((await claimOf(ticket))!.amountInr, 250);
    });

    it('with nothing late, "I want compensation" says there is nothing to claim and makes no claim', async () => {
        const user = await englishUser(bot);
        await sayAll(user, ['no power since morning in our street', LUCKNOW.account, 'yes']);
        assert.match(
            joined(await user.say('mujhe muavza chahiye')),
            /has no compensation to claim: it is not past the time limit|found no complaint of yours that was fixed late/
        );
        assert.equal(await bot.dataSource.getRepository(CompensationClaim).count(), 0);
    });

    it('a refusal needs a reason, is told to the consumer, and the bot then offers a CGRF text naming the discom forum (English and Hindi)', async () => {
        const user = await englishUser(bot);
        const registered = await registerTransformer(user);
        await breachAndResolve(registered, 1);
        assert.match(joined(await user.say(`${registered.ticket} ka muavza claim`)), /Your claim of ₹150/);
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        assert.match((await decide(sdo, registered.ticket, { action: 'refuse', reason: '   ' }))!, /needs a reason/);
        assert.match((await decide(sdo, registered.ticket, { action: 'refuse', reason: 'Supply was restored by a temporary line' }))!, /refused/);
        const refusal = noticesFor(registered).find((n) => n.key === 'claims:notice.refused');
        assert.deepEqual(refusal?.vars?.reason, 'Supply was restored by a temporary line');

        const draft = joined(await user.say(`claim ${registered.ticket}`));
        assert.match(draft, /Status: refused: Supply was restored by a temporary line/);
        assert.match(draft, /You can take this to the consumer grievance forum \(CGRF\)/);
        assert.match(
            draft,
            /To: Consumer Grievance Redressal Forum \(CGRF\) of Madhyanchal Vidyut Vitran Nigam Ltd, for your circle \(online: https:\/\/cgrf\.uppcl\.org\)/
        );
        assert.match(draft, new RegExp(`consumer with account \\*{6}${LUCKNOW.account.slice(-4)}, registered complaint ${registered.ticket}`));
        assert.ok(!draft.includes(LUCKNOW.account), 'the account is masked as it is shown to them');
        assert.match(draft, /1 days late\. The standard breached: transformer, city: 6 h, Rs 150\/day \(uncertain\) \(table UPERC-SoP-2019\/1\)/);
        assert.match(draft, /the claim was refused with the reason: "Supply was restored by a temporary line"/);

        await user.say('Hindi');
        const hindi = joined(await user.say(`claim ${registered.ticket}`));
        assert.match(hindi, /सेवा में: मध्यांचल विद्युत वितरण निगम लि\. का उपभोक्ता व्यथा निवारण फोरम/);
        assert.match(hindi, /कारण से नामंज़ूर किया गया: "Supply was restored by a temporary line"/);
    });

    it('a claim not decided within CLAIM_DECISION_DAYS counts as not decided and gets a CGRF text; the console shows it so', async () => {
        const user = await englishUser(bot);
        const registered = await registerTransformer(user);
        await breachAndResolve(registered, 1);
        await user.say(`compensation ${registered.ticket}`);
        clock.advance(30 * DAY - HOUR);
        assert.doesNotMatch(joined(await user.say(`claim ${registered.ticket}`)), /CGRF/, 'still within its time');
        clock.advance(2 * HOUR);
        const draft = joined(await user.say(`claim ${registered.ticket}`));
        assert.match(draft, /Status: not decided in time/);
        assert.match(draft, /The claim was not decided by /);
        const sdo = await signedIn('sdo.gomtinagar', 'demo-sdo-1');
        const page = (await sdo.get('/console/claims')).text;
        assert.equal(claimStatusIn(page, registered.ticket), 'not_decided');
        assert.match(page, /<tr data-report="notDecided"><th>[^<]+<\/th><td>1<\/td>/);
    });

    it('refuses a claim outside the 60 days, and one from someone who neither registered the complaint nor verified its account', async () => {
        const user = await englishUser(bot);
        const registered = await registerTransformer(user);
        await breachAndResolve(registered, 1);
        const stranger = await englishUser(bot, { userId: 'someone-else' });
        assert.match(joined(await stranger.say(`claim ${registered.ticket}`)), /Only the person who registered complaint C[0-9-]+, or someone verified/);
        clock.advance(60 * DAY + HOUR);
        assert.match(
            joined(await user.say(`claim ${registered.ticket}`)),
            /The time to claim compensation for complaint C[0-9-]+ ended on .* \(60 days after it was fixed\)/
        );
        assert.equal(await bot.dataSource.getRepository(CompensationClaim).count(), 0);
    });

    it('the escalation notice offers the claim in the bot instead of "call 1912"', async () => {
        const user = await englishUser(bot);
        const registered = await registerTransformer(user);
        clock.time = new Date(registered.dueAt!.getTime() + HOUR);
        await bot.app.lifecycle.tick();
        const notice = noticesFor(registered).find((n) => n.key === 'status:notice.compensation');
        assert.ok(notice, 'compensation announced');
        const text = bot.app.translator.forLanguage('en')(notice.key, notice.vars);
        assert.match(text, new RegExp(`send "claim ${registered.ticket}" here within 60 days`));
        assert.doesNotMatch(text, /1912/);
    });
});
