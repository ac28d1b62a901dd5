import { foldForMatching } from '../nlu/normalizeText';
import { Activity, ActivityTypes, ConversationReference, TestAdapter, TurnContext } from 'botbuilder';
import { vouchForSenderPhone, withIndianCountryCode } from '../../adapters/shared/senderPhone';
import { BijliMitra } from '../createBijliMitra';
import { AccountLink } from '../data/entities/AccountLink';
import { Bill } from '../data/entities/Bill';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { CompensationClaim } from '../data/entities/CompensationClaim';
import { Complaint } from '../data/entities/Complaint';
import { Consumer } from '../data/entities/Consumer';
import { PlannedShutdown } from '../data/entities/PlannedShutdown';
import { Meter } from '../data/entities/Meter';
import { MobileChangeRequest } from '../data/entities/MobileChangeRequest';
import { Official } from '../data/entities/Official';
import { MeterReading } from '../data/entities/MeterReading';
import { formatDateTime, formatRupees } from '../i18n/format';
import { LANGUAGES } from '../i18n/Translator';
import { LogSmsSender } from '../services/LogSmsSender';
import { IncidentService } from '../services/IncidentService';
import { AnswerKind, ConversationScript, GivenCallback, GivenComplaint, GivenIncident, GivenShutdown } from './ConversationScript';
import { Incident } from '../data/entities/Incident';
import { IncidentFollower } from '../data/entities/IncidentFollower';

/** Why a conversation failed, by class, so a report can say what kind of thing still goes wrong. */
export type FailureClass =
    'outcome' | 'lost' | 'fallback' | 'disclosure' | 'language' | 'unexpectedQuestion' | 'stuck' | 'gaveUp' | 'error' | 'tooManyQuestions' | 'followUp';

export interface Failure {
    class: FailureClass;
    detail: string;
}

/** One line of a transcript; a bot line notes what its question asked for, when it asked one. */
export interface TranscriptLine {
    from: 'user' | 'bot';
    text: string;
    asks?: string;
}

export interface ConversationOutcome {
    id: string;
    lang: ConversationScript['lang'];
    topic: string;
    success: boolean;
    failures: Failure[];
    /** Questions the bot asked that the simulated user answered. */
    questions: number;
    transcript: TranscriptLine[];
}

/** The question a prompt asks, by prompt id; `menu` and `done` mean the request is over. */
const KIND_BY_PROMPT: Record<string, AnswerKind | 'menu'> = {
    'language.choose': 'language',
    'account.number': 'account',
    'account.numberOrNone': 'account',
    'account.linked': 'other',
    'complaint.category': 'category',
    'complaint.mobile': 'mobile',
    'complaint.address': 'address',
    'complaint.description': 'description',
    'complaint.confirm': 'confirm',
    'complaint.correction': 'description',
    'complaint.duplicate': 'yesno',
    'verify.code': 'code',
    'confirmFixed.code': 'code',
    'rating.stars': 'rating',
    'rating.reason': 'reason',
    'stillWorking.ask': 'yesno',
    'place.district': 'address',
    'mobile.haveOld': 'yesno',
    'mobile.amount': 'billAmount',
    'mobile.meter': 'meterNumber',
    'mobile.newNumber': 'newMobile',
    'mobile.newCode': 'code',
    'status.how': 'ticket',
    'status.ticket': 'ticket',
    'status.ticketAgain': 'ticket',
    'status.fixed': 'yesno',
    'reading.value': 'reading',
    'reading.confirm': 'confirm',
    'handoff.mobile': 'mobile',
    'handoff.place': 'address',
    'callbackStatus.called': 'yesno',
    'main.menu': 'menu',
    'main.fixed': 'yesno',
    'outage.back': 'yesno',
    'outage.offer': 'yesno',
    'outage.register': 'yesno',
    'knownFault.updates': 'yesno',
    'bill.more': 'menu',
    'meter.next': 'menu',
};

const MAX_QUESTIONS = 10;
/** The name of the synthetic neighbours who reported a given incident (removed before each conversation). */
const NEIGHBOUR_NAME = 'Neighbour (conversation test)';
/** Questions a user may leave unanswered without failing the conversation. */
const OPTIONAL_KINDS = new Set(['rating', 'reason']);
const MAX_SAME_QUESTION = 3;
/** Replies to "thanks" or "bye" longer than this, or with this many buttons, are not brief. */
const BRIEF_CHARS = 350;
const MENU_BUTTONS = 5;

/** District names as consumers write them, for checking where a complaint without an account was placed. */
const DISTRICT_NAMES: Record<string, string[]> = {
    lucknow: ['lucknow', 'lakhnau', 'लखनऊ'],
    varanasi: ['varanasi', 'banaras', 'benaras', 'वाराणसी', 'बनारस'],
    meerut: ['meerut', 'merath', 'मेरठ'],
    agra: ['agra', 'आगरा'],
    kanpur: ['kanpur', 'कानपुर'],
    gorakhpur: ['gorakhpur', 'गोरखपुर'],
    ghaziabad: ['ghaziabad', 'गाजियाबाद', 'ग़ाज़ियाबाद'],
    noida: ['noida', 'नोएडा', 'नोयडा'],
    aligarh: ['aligarh', 'अलीगढ़', 'अलीगढ'],
    ayodhya: ['ayodhya', 'faizabad', 'अयोध्या', 'फैजाबाद'],
    bareilly: ['bareilly', 'bareli', 'barely', 'बरेली'],
    prayagraj: ['prayagraj', 'allahabad', 'प्रयागराज', 'इलाहाबाद'],
    mathura: ['mathura', 'vrindavan', 'मथुरा', 'वृंदावन'],
};

/**
 * Runs scripted conversations against the real bot (dialogs, services and database) through botbuilder's
 * TestAdapter, answering each question the way the script's user would, and checks the outcome. Conversations run
 * one after another on one application; the tables a conversation writes are emptied before the next.
 */
export class ConversationRunner {
    constructor(
        private readonly app: BijliMitra,
        private readonly sms: LogSmsSender
    ) {
        app.services.output.register('test', { buttons: 100, buttonTitle: 100 });
    }

    async run(script: ConversationScript): Promise<ConversationOutcome> {
        await this.reset();
        const run = new ScriptRun(this.app, this.sms, script);
        try {
            await run.play();
            await run.check();
        } catch (error) {
            run.fail('error', (error as Error).stack ?? String(error));
        }
        return run.outcome();
    }

    /** Empties what a conversation writes, so each one starts in the same world. */
    private async reset(): Promise<void> {
        for (const table of [
            'complaint_events',
            'incident_followers',
            'incident_events',
            'outage_sightings',
            'planned_shutdowns',
            'complaints',
            'incidents',
            'meter_readings',
            'callback_requests',
            'compensation_claims',
            'mobile_change_events',
            'mobile_change_requests',
            'mobile_proof_attempts',
            'live_chat_messages',
            'live_chats',
            'account_links',
            'one_time_codes',
            'channel_identities',
            'bot_state',
            'outbound_messages',
        ]) {
            await this.app.dataSource.query(`DELETE FROM ${table}`);
        }
        // The neighbours a given incident was reported by.
        await this.app.dataSource.getRepository(Consumer).delete({ name: NEIGHBOUR_NAME });
    }
}

/** One script being played. */
class ScriptRun {
    private readonly adapter: TestAdapter;
    private readonly userId: string;
    private readonly transcript: TranscriptLine[] = [];
    private readonly failures: Failure[] = [];
    private readonly asked = new Map<string, number>();
    private questions = 0;
    private lastButtonCount = 0;
    private givenTicket: string | null = null;
    private givenComplaintId: number | null = null;
    private givenStatus: string | null = null;
    private givenReference: string | null = null;
    private givenIncidentId: number | null = null;
    private givenIncidentReference: string | null = null;
    /** The given planned shutdown's window, for the `shutdown` follow-up check. */
    private givenShutdown: { startsAt: Date; endsAt: Date } | null = null;
    /** Transcript lines the given state produced (the bot's proactive question), before the user's first message. */
    private openingLines = 0;
    /** Whether a proactive turn (a notice or question the given state leads to) reaches this chat. */
    private proactiveOn = false;
    private reachedConfirm = false;
    /** Replies whose language is checked, and those of the last user turn. */
    private readonly checkedReplies: string[] = [];
    private lastTurnReplies: string[] = [];
    private readonly language: 'hi' | 'en';

    constructor(
        private readonly app: BijliMitra,
        private readonly sms: LogSmsSender,
        private readonly script: ConversationScript
    ) {
        this.userId = `eval-${script.id}`;
        this.language = script.expect.replyLanguage ?? (script.lang === 'en' ? 'en' : 'hi');
        this.adapter = app.prepareAdapter(
            new TestAdapter(async (context) => app.bot.run(context), {
                channelId: 'test',
                locale: 'en-IN',
                conversation: { id: `conv-${this.userId}`, isGroup: false, conversationType: 'personal', name: '' },
                from: { id: this.userId, name: 'Consumer', role: 'user' },
                recipient: { id: 'bot', name: 'Bijli Mitra', role: 'bot' },
            })
        );
        // Proactive turns ("is it fixed?", "were you called?") run in this chat while the given state is prepared.
        Object.assign(this.adapter, {
            continueConversationAsync: async (_appId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => {
                // Only this chat's turns: a given incident's neighbours are asked in chats of their own, which nobody reads.
                if (!this.proactiveOn || reference.conversation?.id !== `conv-${this.userId}`) return;
                const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
                await logic(new TurnContext(this.adapter, activity));
            },
        });
        const phone = script.phone;
        if (phone)
            this.adapter.use({
                onTurn: async (context: TurnContext, next) => {
                    vouchForSenderPhone(context, withIndianCountryCode(phone));
                    await next();
                },
            });
    }

    fail(failureClass: FailureClass, detail: string): void {
        this.failures.push({ class: failureClass, detail });
    }

    outcome(): ConversationOutcome {
        return {
            id: this.script.id,
            lang: this.script.lang,
            topic: this.script.topic,
            success: this.failures.length === 0,
            failures: this.failures,
            questions: this.questions,
            transcript: this.transcript,
        };
    }

    async play(): Promise<void> {
        await this.prepareGiven();
        for (const message of this.script.say) await this.send(message);
        if (!(await this.answerQuestions())) return;
        for (const follow of this.script.then) {
            const before = await this.newComplaints();
            const start = this.transcript.length;
            await this.send(follow.say);
            if (!(await this.answerQuestions())) return;
            const replies = this.transcript.slice(start).filter((l) => l.from === 'bot');
            await this.checkFollowUp(follow.say, follow.expect, replies, before.length);
        }
    }

    private async prepareGiven(): Promise<void> {
        const given = this.script.given;
        if (!given) return;
        const identities = this.app.services.identities;
        const identity = await identities.getOrCreate('test', this.userId, null);
        await identities.setLanguage(identity, this.language);
        if (given.subscribed) await identities.setSubscribed(identity, true);
        if (given.complaint) await this.prepareComplaint(given.complaint);
        if (given.callback) await this.prepareCallback(given.callback);
        if (given.incident) await this.prepareIncident(given.incident);
        if (given.shutdown) await this.prepareShutdown(given.shutdown);
        // What the given state made the bot say (its question) is what the user sees first.
        await this.record(this.adapter.activeQueue.splice(0));
        this.openingLines = this.transcript.length;
    }

    private async prepareComplaint(given: GivenComplaint): Promise<void> {
        const consumer = given.account ? await this.app.services.backend.findConsumer(given.account) : null;
        const registered = await this.app.services.complaints.register({
            accountNumber: consumer ? consumer.accountNumber : null,
            category: given.category,
            description: given.category,
            address: consumer?.address ?? null,
            latitude: null,
            longitude: null,
            contactMobile: given.contactMobile ?? this.script.phone ?? null,
            attachments: null,
            channel: 'test',
            channelUserId: this.userId,
            sourceActivityKey: null,
            conversationRef: this.conversationRef(),
            language: this.language,
            problemSince: null,
        });
        const complaints = this.app.dataSource.getRepository(Complaint);
        const hoursAgo = given.hoursAgo ?? 2;
        const createdAt = new Date(Date.now() - hoursAgo * 3_600_000);
        await complaints.update(registered.id, { createdAt });
        await this.app.lifecycle.start({ ...registered, createdAt });
        this.givenTicket = registered.ticket;
        this.givenComplaintId = registered.id;
        const state = given.state ?? 'open';
        if (state === 'breached' || state === 'fixedLate') {
            // Moved back in time so that its due time passed `daysLate` days (and a few hours) ago.
            const started = await complaints.findOneByOrFail({ id: registered.id });
            const daysLate = given.daysLate ?? 2;
            const dueAt = new Date(Date.now() - (daysLate * 24 + 6) * 3_600_000);
            const shift = dueAt.getTime() - (started.dueAt ?? dueAt).getTime();
            const moved = (d: Date | null) => (d ? new Date(d.getTime() + shift) : null);
            await complaints.update(registered.id, { createdAt: moved(started.createdAt)!, dueAt, nextEscalationAt: moved(started.nextEscalationAt) });
            if (state === 'fixedLate') {
                // Fixed within its `daysLate`-th day late, seven hours ago, and confirmed then (no question open now).
                await this.app.lifecycle.resolve(registered.id, await this.someOfficial(started), 'repaired');
                await this.app.lifecycle.confirm(registered.id, true, consumer ? 'registrant' : 'code');
                const fixedAt = new Date(Date.now() - 7 * 3_600_000);
                await complaints.update(registered.id, { resolvedAt: fixedAt, closedAt: fixedAt });
            }
        }
        if (state === 'resolved') {
            const started = await complaints.findOneByOrFail({ id: registered.id });
            this.proactiveOn = true;
            await this.app.lifecycle.resolve(registered.id, await this.someOfficial(started), 'repaired');
            this.proactiveOn = false;
            await complaints.update(registered.id, { resolvedAt: new Date(Date.now() - (given.resolvedHoursAgo ?? 2) * 3_600_000) });
        }
        this.givenStatus = (await complaints.findOneByOrFail({ id: registered.id })).status;
    }

    private async prepareCallback(given: GivenCallback): Promise<void> {
        const consumer = given.account ? await this.app.services.backend.findConsumer(given.account) : null;
        const recorded = await this.app.services.handoff.request({
            accountNumber: consumer?.accountNumber ?? null,
            contactMobile: this.script.phone ?? consumer?.registeredMobile ?? null,
            channel: 'test',
            channelUserId: this.userId,
            conversationRef: this.conversationRef(),
            language: this.language,
        });
        const started = await this.app.services.callbacks.start(recorded, null);
        const shift = -(given.hoursAgo ?? 1) * 3_600_000;
        const moved = (d: Date | null) => (d ? new Date(d.getTime() + shift) : null);
        await this.app.dataSource
            .getRepository(CallbackRequest)
            .update(started.id, { createdAt: moved(started.createdAt)!, dueAt: moved(started.dueAt), nextEscalationAt: moved(started.nextEscalationAt) });
        this.givenReference = started.reference;
        if (given.called) {
            const official =
                started.assignedOfficialId ?? (await this.app.dataSource.getRepository(Official).findOneOrFail({ where: {}, order: { id: 'ASC' } })).id;
            this.proactiveOn = true;
            await this.app.services.callbacks.recordOutcome(started.id, official, 'called', 'called the consumer');
            this.proactiveOn = false;
        }
    }

    /**
     * A known fault of the area of `given.account`: its other reporters are synthetic neighbours on the same transformer
     * (at least K of them, so the real grouping makes the incident), moved back `minutesAgo`; then the engineer's cause
     * and restoration time; the chat's own report when `reported`; and the repair, which asks this chat "is it back?".
     */
    private async prepareIncident(given: GivenIncident): Promise<void> {
        const consumer = await this.app.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: given.account });
        const neighbours = Math.max(given.reports ?? 3, this.app.config.incidentReports);
        for (let i = 0; i < neighbours; i++) {
            const neighbour = await this.app.dataSource.getRepository(Consumer).save({
                ...consumer,
                accountNumber: `9${String(900000000 + i * 7919 + consumer.accountNumber.charCodeAt(9)).slice(-9)}`,
                name: NEIGHBOUR_NAME,
                registeredMobile: null,
            });
            const registered = await this.app.services.complaints.register({
                accountNumber: neighbour.accountNumber,
                category: 'no_supply',
                description: 'no_supply',
                address: neighbour.address,
                latitude: null,
                longitude: null,
                contactMobile: null,
                attachments: null,
                channel: 'test',
                channelUserId: `neighbour-${i}`,
                sourceActivityKey: null,
                conversationRef: JSON.stringify({ channelId: 'test', conversation: { id: `neighbour-${i}` }, user: { id: `neighbour-${i}` } }),
                language: 'hi',
                problemSince: null,
            });
            await this.app.lifecycle.start(registered);
        }
        const incidents = this.app.dataSource.getRepository(Incident);
        const formed = await this.app.services.incidents.openFor(IncidentService.areaOfConsumer(consumer));
        if (!formed) throw new Error(`the given incident of ${given.account} did not form`);
        const since = new Date(Date.now() - (given.minutesAgo ?? 30) * 60_000);
        await incidents.update(formed.id, { startedAt: since });
        await this.app.dataSource.getRepository(Complaint).update({ incidentId: formed.id }, { createdAt: since });
        const official = formed.assignedOfficialId ?? (await this.app.dataSource.getRepository(Official).findOneOrFail({ where: {}, order: { id: 'ASC' } })).id;
        if (given.cause !== undefined || given.etrHours !== undefined) {
            await this.app.incidents.setDetails(formed.id, official, {
                cause: given.cause,
                etr: given.etrHours !== undefined ? new Date(Date.now() + given.etrHours * 3_600_000) : undefined,
            });
        }
        this.givenIncidentId = formed.id;
        this.givenIncidentReference = formed.reference;
        if (given.reported) {
            await this.prepareComplaint({ account: given.account, category: 'no_supply', hoursAgo: (given.minutesAgo ?? 30) / 60 });
            const own = await this.app.dataSource.getRepository(Complaint).findOneByOrFail({ id: this.givenComplaintId! });
            if (own.incidentId !== formed.id) throw new Error(`the chat's report ${own.ticket} did not join ${formed.reference}`);
        }
        if (given.state === 'restored') {
            this.proactiveOn = true;
            await this.app.incidents.markRestored(formed.id, official, 'repaired');
            this.proactiveOn = false;
            const restoredAt = new Date(Date.now() - (given.restoredMinutesAgo ?? 10) * 60_000);
            await incidents.update(formed.id, { restoredAt });
            await this.app.dataSource.getRepository(Complaint).update({ incidentId: formed.id }, { resolvedAt: restoredAt });
            this.givenStatus = (await this.app.dataSource.getRepository(Complaint).findOneByOrFail({ id: this.givenComplaintId! })).status;
        }
    }

    /**
     * A planned shutdown of the area of `given.account`. TODO(lead): PlannedShutdowns is built on another branch; when
     * it is merged, create the shutdown here (area of the account, this window, the reason) so the bot can tell it.
     */
    /** A planned shutdown of the given account's area (its whole subdivision), entered by the office before. */
    private async prepareShutdown(given: GivenShutdown): Promise<void> {
        const consumer = await this.app.services.backend.findConsumer(given.account);
        if (!consumer) throw new Error(`"given.shutdown" names account ${given.account}, which the demo data does not have`);
        const startsAt = new Date(Date.now() + given.startsInHours * 3_600_000);
        const endsAt = new Date(startsAt.getTime() + given.hours * 3_600_000);
        this.givenShutdown = { startsAt, endsAt };
        // Entered directly: the service refuses a start in the past, and a given shutdown may have begun already.
        await this.app.dataSource.getRepository(PlannedShutdown).insert({
            // The table is emptied before every conversation, so one reference serves.
            reference: 'P-GIVEN',
            discom: consumer.discom,
            subdivision: consumer.subdivision,
            feederCode: null,
            startsAt,
            endsAt,
            reason: given.reason ?? 'maintenance',
            createdBy: null,
            noticeQueuedAt: null,
            cancelledAt: null,
            cancelledBy: null,
        });
    }

    /** The official who acts on a given complaint: its owner, else the first one (the actor is only recorded). */
    private async someOfficial(complaint: Complaint): Promise<number> {
        return complaint.assignedOfficialId ?? (await this.app.dataSource.getRepository(Official).findOneOrFail({ where: {}, order: { id: 'ASC' } })).id;
    }

    private conversationRef(): string {
        return JSON.stringify({ channelId: 'test', conversation: { id: `conv-${this.userId}` }, user: { id: this.userId } });
    }

    private fill(text: string): string {
        return text
            .replace(/\{ticket\}/g, this.givenTicket ?? 'C0000-0000')
            .replace(/\{reference\}/g, this.givenReference ?? 'R0000-0000')
            .replace(/\{incident\}/g, this.givenIncidentReference ?? 'I0000-0000');
    }

    private async send(raw: string): Promise<Partial<Activity>[]> {
        const text = this.fill(raw);
        this.transcript.push({ from: 'user', text });
        await this.adapter.receiveActivity({ type: ActivityTypes.Message, text, from: this.adapter.template.from } as Partial<Activity>);
        const replies = this.adapter.activeQueue.splice(0);
        await this.record(replies);
        return replies;
    }

    /** Adds the bot's replies to the transcript with the question they leave open, and checks them. */
    private async record(replies: Partial<Activity>[]): Promise<void> {
        if (replies.length === 0) return;
        const asks = await this.pendingQuestion();
        const texts = replies.map((r) => replyText(r));
        texts.forEach((t, i) => this.transcript.push({ from: 'bot', text: t, asks: i === texts.length - 1 && asks ? asks : undefined }));
        this.lastTurnReplies = texts;
        this.lastButtonCount = Math.max(0, ...replies.map((r) => r.suggestedActions?.actions?.length ?? 0));
        // The language question is bilingual by design.
        if (asks !== 'language') this.checkedReplies.push(...texts);
        this.checkReplies(texts);
    }

    /** Answers the bot's questions until the request is over; false when the conversation cannot go on. */
    private async answerQuestions(): Promise<boolean> {
        for (;;) {
            const kind = await this.pendingQuestion();
            if (!kind || kind === 'menu') return true;
            const times = (this.asked.get(kind) ?? 0) + 1;
            this.asked.set(kind, times);
            if (kind === 'confirm') this.reachedConfirm = true;
            if (times > MAX_SAME_QUESTION) {
                this.fail('stuck', `asked for ${kind} ${times} times`);
                return false;
            }
            if (++this.questions > MAX_QUESTIONS) {
                this.fail('tooManyQuestions', `more than ${MAX_QUESTIONS} questions`);
                return false;
            }
            const answer = this.answerFor(kind as AnswerKind, times);
            // A rating is optional: a user with nothing to say to it simply goes on with what they came for.
            if (answer === null && OPTIONAL_KINDS.has(kind)) return true;
            if (answer === null) {
                this.fail('unexpectedQuestion', `asked for ${kind}, which this user had no answer for: "${this.lastTurnReplies.join(' / ').slice(0, 160)}"`);
                return false;
            }
            await this.send(answer);
        }
    }

    private answerFor(kind: AnswerKind, times: number): string | null {
        const given = this.script.answers[kind];
        if (given === undefined) return null;
        const list = Array.isArray(given) ? given : [given];
        const answer = list[Math.min(times, list.length) - 1];
        if (kind === 'code') return answer.replace(/\{code\}/g, this.lastCode() ?? '000000');
        return answer;
    }

    private lastCode(): string | null {
        const last = this.sms.sent[this.sms.sent.length - 1];
        return last?.text.match(/\b([0-9]{6})\b/)?.[1] ?? null;
    }

    /** What the open question asks for, read from the saved dialog stack; null when nothing is asked. */
    private async pendingQuestion(): Promise<string | null> {
        const key = `test/conversations/conv-${this.userId}/`;
        const stored = (await this.app.storage.read([key]))[key] as { dialogState?: { dialogStack?: StackEntry[] } } | undefined;
        const top = deepest(stored?.dialogState?.dialogStack ?? []);
        if (!top) return null;
        const kind = KIND_BY_PROMPT[top.id];
        if (kind) return kind;
        const choices = (top.state?.options?.validations as { choices?: Array<{ value: string }> } | undefined)?.choices ?? [];
        if (choices.some((c) => c.value === 'yes')) return 'yesno';
        return 'other';
    }

    /** General rules on every reply: no fallback, no give-up, no error. */
    private checkReplies(texts: string[]): void {
        for (const text of texts) {
            if (this.matchesAny(text, 'common:notUnderstood')) this.fail('fallback', `"not understood" after "${this.lastUser()}"`);
            if (this.matchesAny(text, 'common:gaveUp')) this.fail('gaveUp', `gave up after "${this.lastUser()}"`);
            if (this.matchesAny(text, 'common:error')) this.fail('error', `error reply after "${this.lastUser()}"`);
        }
    }

    private lastUser(): string {
        return [...this.transcript].reverse().find((l) => l.from === 'user')?.text ?? '';
    }

    /** Whether `text` contains the text at `key` (its part before the first variable) in any reply language. */
    private matchesAny(text: string, key: string): boolean {
        return LANGUAGES.some((language) => {
            const rendered = this.app.translator.forLanguage(language)(key);
            const fixed = rendered.split('{{')[0].trim();
            return fixed.length >= 8 && text.includes(fixed.slice(0, 60));
        });
    }

    private async identity(): Promise<ChannelIdentity | null> {
        return this.app.dataSource.getRepository(ChannelIdentity).findOneBy({ channel: 'test', channelUserId: this.userId });
    }

    private async newComplaints(): Promise<Complaint[]> {
        const all = await this.app.dataSource.getRepository(Complaint).find({ where: { channel: 'test', channelUserId: this.userId }, order: { id: 'ASC' } });
        return all.filter((c) => c.ticket !== this.givenTicket);
    }

    private async checkFollowUp(said: string, checks: string[], replies: TranscriptLine[], complaintsBefore: number): Promise<void> {
        const text = replies.map((r) => r.text).join('\n');
        for (const check of checks) {
            if (check === 'dueTime' && !(await this.mentionsDueTime(text))) this.fail('followUp', `"${said}": no due time in the reply`);
            if (check === 'ticket' && !(await this.mentionsTicket(text))) this.fail('followUp', `"${said}": no ticket in the reply`);
            if (check === 'brief' && (text.length > BRIEF_CHARS || replies.length === 0 || this.lastButtonCount >= MENU_BUTTONS)) {
                this.fail('followUp', `"${said}": the reply is not brief (${text.length} characters)`);
            }
            if (check === 'noNewComplaint' && (await this.newComplaints()).length > complaintsBefore)
                this.fail('followUp', `"${said}": opened another complaint`);
            if (check.startsWith('faq:') && !this.answersFaq(text, check.slice(4))) this.fail('followUp', `"${said}": not answered as ${check}`);
            if (check === 'incident' && !(this.givenIncidentReference && text.includes(this.givenIncidentReference)))
                this.fail('followUp', `"${said}": the incident's reference is not in the reply`);
            if (check === 'etr' && !(await this.mentionsRestorationTime(text)))
                this.fail('followUp', `"${said}": no restoration time (or "not known yet") in the reply`);
            if (check === 'shutdown' && !this.mentionsShutdown(text)) this.fail('followUp', `"${said}": the planned shutdown's window is not in the reply`);
        }
    }

    /**
     * The given incident's restoration time (the engineer's, or until there is one the regulator's time limit, which is
     * when the power should be back), or its "not known yet", in any reply language.
     */
    private async mentionsRestorationTime(text: string): Promise<boolean> {
        if (this.givenIncidentId === null) throw new Error('the "etr" check needs a "given.incident"');
        const incident = await this.app.dataSource.getRepository(Incident).findOneByOrFail({ id: this.givenIncidentId });
        const times = [incident.etr, incident.dueAt].filter((t): t is Date => t !== null);
        if (times.some((time) => LANGUAGES.some((language) => text.includes(formatDateTime(time, language))))) return true;
        return this.matchesAny(text, 'incidents:etrUnknown');
    }

    /** The given planned shutdown's start and end, in any reply language. */
    private mentionsShutdown(text: string): boolean {
        const window = this.givenShutdown;
        if (!window) throw new Error('the "shutdown" check needs a "given.shutdown"');
        return LANGUAGES.some((language) => text.includes(formatDateTime(window.startsAt, language)) && text.includes(formatDateTime(window.endsAt, language)));
    }

    private answersFaq(text: string, id: string): boolean {
        return LANGUAGES.some((language) => {
            const t = this.app.translator.forLanguage(language);
            const key = `faq:topics.${id}.answer`;
            const answer = t(key);
            return answer !== key && text.includes(answer.split('{{')[0].trim().slice(0, 50));
        });
    }

    private async mentionsTicket(text: string): Promise<boolean> {
        const tickets = [this.givenTicket, ...(await this.newComplaints()).map((c) => c.ticket)].filter((t): t is string => !!t);
        return tickets.some((t) => text.includes(t));
    }

    private async mentionsDueTime(text: string): Promise<boolean> {
        const all = await this.app.dataSource.getRepository(Complaint).findBy({ channel: 'test', channelUserId: this.userId });
        // A complaint still on its discom's triage desk has no fix time yet; the time the desk gives it to an engineer
        // is the honest answer to "by when?".
        return all.some((c) => {
            const due = c.dueAt ?? c.triageDueAt;
            return due !== null && LANGUAGES.some((language) => text.includes(formatDateTime(due, language)));
        });
    }

    /** The end state against `expect`, and the rules every conversation keeps. */
    async check(): Promise<void> {
        const expect = this.script.expect;
        const botText = this.transcript
            .filter((l) => l.from === 'bot')
            .map((l) => l.text)
            .join('\n');
        const complaints = await this.newComplaints();
        const c = expect.complaint;
        if (c === 'none' && complaints.length > 0)
            this.fail('outcome', `registered ${complaints.map((x) => `${x.ticket} (${x.category})`).join(', ')}, expected none`);
        if (c === 'existing') {
            if (complaints.length > 0) this.fail('outcome', `opened ${complaints[0].ticket} beside the open ${this.givenTicket}`);
            if (this.givenTicket && !botText.includes(this.givenTicket)) this.fail('outcome', `the open complaint ${this.givenTicket} was not shown`);
        }
        if (c && typeof c === 'object') {
            const categories = Array.isArray(c.category) ? c.category : [c.category];
            if (complaints.length === 0) {
                this.fail(this.reachedConfirm ? 'lost' : 'outcome', `no complaint registered (expected ${categories.join('|')})`);
            } else if (complaints.length > 1) {
                this.fail('outcome', `${complaints.length} complaints registered, expected one`);
            } else {
                const got = complaints[0];
                if (!categories.includes(got.category)) this.fail('outcome', `category ${got.category}, expected ${categories.join('|')}`);
                if (c.account && got.accountNumber !== c.account) this.fail('outcome', `account ${got.accountNumber ?? 'none'}, expected ${c.account}`);
                if (c.district && !(await this.placedIn(got, c.district))) this.fail('outcome', `not placed in ${c.district} (address "${got.address ?? ''}")`);
            }
        }
        if (expect.reading !== undefined) {
            const readings = await this.app.dataSource.getRepository(MeterReading).findBy({ channel: 'test', channelUserId: this.userId });
            if (expect.reading === 'none' && readings.length > 0) this.fail('outcome', `reading ${readings[0].reading} recorded, expected none`);
            if (typeof expect.reading === 'number' && !readings.some((r) => Number(r.reading) === expect.reading)) {
                this.fail(
                    this.reachedConfirm ? 'lost' : 'outcome',
                    `reading ${expect.reading} not recorded${readings.length ? ` (got ${readings.map((r) => r.reading).join(', ')})` : ''}`
                );
            }
        }
        if (expect.callback !== undefined) {
            const callbacks = await this.app.dataSource.getRepository(CallbackRequest).countBy({ channel: 'test', channelUserId: this.userId });
            if (expect.callback !== callbacks > 0) this.fail('outcome', expect.callback ? 'no callback arranged' : 'a callback was arranged');
        }
        await this.checkAfterComplaint();
        await this.checkOutage();
        if (expect.subscribed !== undefined) {
            const identity = await this.identity();
            if ((identity?.subscribed ?? false) !== expect.subscribed)
                this.fail('outcome', `subscribed is ${identity?.subscribed ?? false}, expected ${expect.subscribed}`);
        }
        if (expect.status !== undefined) {
            const ticket = this.fill(expect.status);
            if (!botText.includes(ticket) || this.matchesAny(botText, 'status:retry.unknown')) this.fail('outcome', `status of ${ticket} not shown`);
        }
        if (expect.faq !== undefined && !this.answersFaq(botText, expect.faq)) this.fail('outcome', `not answered as faq:${expect.faq}`);
        const verified = await this.verifiedAccounts();
        if (expect.bill === 'shown' && !(await this.billShown(botText, verified))) this.fail('outcome', 'the bill was not shown');
        await this.checkDisclosure(botText, verified);
        this.checkLanguage();
    }

    /** What became of the given complaint and call back: confirmed or reopened, claimed, its state shown, answered. */
    private async checkAfterComplaint(): Promise<void> {
        const expect = this.script.expect;
        if (expect.fix !== undefined || expect.claim !== undefined || expect.rating !== undefined) {
            if (this.givenComplaintId === null) throw new Error('"expect.fix", "expect.claim" and "expect.rating" need a "given.complaint"');
            const now = await this.app.dataSource.getRepository(Complaint).findOneByOrFail({ id: this.givenComplaintId });
            const open = ['registered', 'assigned', 'in_progress', 'reopened'];
            const fixOk =
                expect.fix === undefined ||
                (expect.fix === 'confirmed' && now.status === 'closed') ||
                (expect.fix === 'reopened' && open.includes(now.status) && this.givenStatus !== now.status) ||
                (expect.fix === 'unchanged' && now.status === this.givenStatus);
            if (!fixOk) this.fail('outcome', `${now.ticket} is ${now.status} (was ${this.givenStatus}), expected ${expect.fix}`);
            if (expect.rating !== undefined && (now.rating ?? 'none') !== expect.rating)
                this.fail('outcome', `rating ${now.rating ?? 'none'} recorded, expected ${expect.rating}`);
            if (expect.claim !== undefined) {
                const claimed = (await this.app.dataSource.getRepository(CompensationClaim).countBy({ complaintId: now.id })) > 0;
                if (claimed !== (expect.claim === 'made')) this.fail('outcome', claimed ? 'a claim was made, expected none' : 'no claim was made');
            }
        }
        if (expect.mobileRequest !== undefined) {
            const requests = await this.app.dataSource.getRepository(MobileChangeRequest).findBy({ channel: 'test', channelUserId: this.userId });
            const want = expect.mobileRequest;
            if (want === 'none' && requests.length > 0) this.fail('outcome', `a mobile change request ${requests[0].reference} was made, expected none`);
            if (want !== 'none' && !requests.some((r) => r.accountNumber === want.account && r.newMobile === want.newMobile)) {
                const got = requests.map((r) => `${r.reference} (${r.accountNumber.slice(-4)} → ${r.newMobile.slice(-4)})`).join(', ');
                this.fail('outcome', `no request to register ${want.newMobile.slice(-4)} on ${want.account.slice(-4)}${got ? ` (got ${got})` : ''}`);
            }
        }
        if (expect.callbackStatus !== undefined || expect.called !== undefined) {
            if (this.givenReference === null) throw new Error('"expect.callbackStatus" and "expect.called" need a "given.callback"');
            const request = await this.app.dataSource.getRepository(CallbackRequest).findOneByOrFail({ reference: this.givenReference });
            // The question the given state opened with names the reference too; what counts is the replies after it.
            const replied = this.transcript
                .slice(this.openingLines)
                .filter((l) => l.from === 'bot')
                .map((l) => l.text)
                .join('\n');
            if (expect.callbackStatus && !replied.includes(request.reference)) this.fail('outcome', `the state of ${request.reference} was not shown`);
            if (expect.called !== undefined && request.consumerAnswer !== (expect.called ? 'yes' : 'no'))
                this.fail('outcome', `"were you called?" recorded ${request.consumerAnswer ?? 'nothing'}, expected ${expect.called ? 'yes' : 'no'}`);
        }
    }

    /** What became of the given incident for this chat: joined, followed, confirmed or reopened. */
    private async checkOutage(): Promise<void> {
        const expect = this.script.expect;
        if (expect.incident === undefined && expect.notify === undefined && expect.restored === undefined) return;
        const id = this.givenIncidentId;
        if (id === null) throw new Error('"expect.incident", "expect.notify" and "expect.restored" need a "given.incident"');
        const mine = await this.app.dataSource.getRepository(Complaint).find({ where: { channel: 'test', channelUserId: this.userId }, order: { id: 'ASC' } });
        const joined = mine.filter((c) => c.incidentId === id);
        if (expect.incident === 'attached' && !(mine.length === 1 && joined.length === 1)) {
            this.fail('outcome', `${mine.length} complaints, ${joined.length} joined to ${this.givenIncidentReference}; expected exactly one, joined`);
        }
        if (expect.incident === 'none' && joined.length > 0)
            this.fail('outcome', `${joined[0].ticket} was joined to ${this.givenIncidentReference}, expected none`);
        if (expect.notify !== undefined) {
            const following =
                (await this.app.dataSource.getRepository(IncidentFollower).countBy({ incidentId: id, channel: 'test', channelUserId: this.userId })) > 0;
            const updates = joined.some((c) => c.incidentUpdates);
            if (expect.notify !== (following || updates))
                this.fail(
                    'outcome',
                    `told when power is back: ${following || updates} (following ${following}, updates ${updates}), expected ${expect.notify}`
                );
        }
        if (expect.restored !== undefined) {
            if (this.givenComplaintId === null) throw new Error('"expect.restored" needs "given.incident.reported"');
            const now = await this.app.dataSource.getRepository(Complaint).findOneByOrFail({ id: this.givenComplaintId });
            const open = ['registered', 'assigned', 'in_progress', 'reopened'];
            const ok =
                (expect.restored === 'confirmed' && now.status === 'closed') ||
                (expect.restored === 'reopened' && open.includes(now.status) && this.givenStatus !== now.status) ||
                (expect.restored === 'unchanged' && now.status === this.givenStatus);
            if (!ok) this.fail('outcome', `${now.ticket} is ${now.status} (was ${this.givenStatus}), expected ${expect.restored}`);
        }
    }

    private async placedIn(complaint: Complaint, district: string): Promise<boolean> {
        const names = DISTRICT_NAMES[district.toLowerCase()] ?? [district.toLowerCase()];
        const consumer = complaint.accountNumber
            ? await this.app.dataSource.getRepository(Consumer).findOneBy({ accountNumber: complaint.accountNumber })
            : null;
        // Folded (case, nukta): "गाज़ियाबाद" and "गाजियाबाद" are one name.
        const where = foldForMatching(`${complaint.address ?? ''} ${consumer?.address ?? ''} ${complaint.description}`);
        return names.some((n) => where.includes(foldForMatching(n)));
    }

    private async verifiedAccounts(): Promise<Set<string>> {
        const identity = await this.identity();
        if (!identity) return new Set();
        const links = await this.app.dataSource.getRepository(AccountLink).findBy({ identityId: identity.id });
        return new Set(links.map((l) => l.accountNumber));
    }

    private async latestBill(account: string): Promise<Bill | null> {
        return this.app.dataSource.getRepository(Bill).findOne({ where: { accountNumber: account }, order: { billMonth: 'DESC' } });
    }

    private async billShown(text: string, verified: Set<string>): Promise<boolean> {
        for (const account of verified) {
            const bill = await this.latestBill(account);
            if (bill && LANGUAGES.some((language) => text.includes(formatRupees(bill.amountPaise, language)))) return true;
        }
        return false;
    }

    /** Nothing about an account the user is not verified for: its holder's name, meter number or bill amount. */
    private async checkDisclosure(text: string, verified: Set<string>): Promise<void> {
        const consumers = await this.app.dataSource.getRepository(Consumer).find();
        // What the user typed or what belongs to a verified account is no secret, even where another account shares it.
        const userText = this.transcript
            .filter((l) => l.from === 'user')
            .map((l) => l.text)
            .join('\n');
        const allowed = new Set<string>();
        // Every amount shown for a verified account (bills, arrears, totals, payments) may equal another account's bill.
        for (const account of verified) {
            for (const bill of await this.app.dataSource.getRepository(Bill).findBy({ accountNumber: account })) {
                for (const paise of [bill.amountPaise, bill.arrearsPaise, bill.amountPaise + bill.arrearsPaise]) {
                    for (const language of LANGUAGES) allowed.add(formatRupees(paise, language));
                }
            }
        }
        for (const consumer of consumers) {
            if (verified.has(consumer.accountNumber)) continue;
            const meter = await this.app.dataSource.getRepository(Meter).findOneBy({ accountNumber: consumer.accountNumber });
            const bill = await this.latestBill(consumer.accountNumber);
            const secrets = [consumer.name, meter?.meterNumber, ...(bill ? LANGUAGES.map((l) => formatRupees(bill.amountPaise, l)) : [])].filter(
                (s): s is string => !!s && s.length >= 4
            );
            const leaked = secrets.find((s) => text.includes(s) && !allowed.has(s) && !userText.includes(s));
            if (leaked) this.fail('disclosure', `showed "${leaked}" of account ${consumer.accountNumber.slice(-4)} to an unverified user`);
        }
    }

    private checkLanguage(): void {
        const replies = this.script.expect.replyLanguage ? this.lastTurnReplies : this.checkedReplies;
        const wrong = replies.find((text) => text.trim() !== '' && languageOf(text) !== this.language && languageOf(text) !== 'both');
        if (wrong) this.fail('language', `reply not in ${this.language}: "${wrong.slice(0, 80)}"`);
    }
}

interface StackEntry {
    id: string;
    state?: { dialogs?: { dialogStack?: StackEntry[] }; options?: { validations?: unknown } };
}

function deepest(stack: StackEntry[]): StackEntry | null {
    // botbuilder keeps the active dialog last.
    const top = stack[stack.length - 1];
    if (!top) return null;
    const inner = top.state?.dialogs?.dialogStack;
    return inner?.length ? (deepest(inner) ?? top) : top;
}

/** A reply's text with its buttons, as the user sees them. */
function replyText(activity: Partial<Activity>): string {
    const buttons = activity.suggestedActions?.actions?.map((a) => a.title ?? String(a.value)) ?? [];
    return buttons.length ? `${activity.text ?? ''} [${buttons.join(' | ')}]` : (activity.text ?? '');
}

function languageOf(text: string): 'hi' | 'en' | 'both' {
    const withoutButtons = text.replace(/\[[^\]]*\]$/, '');
    // A reply given in both languages, a paragraph each (to a first "START", which shows neither), suits every user.
    const paragraphs = withoutButtons.replace(/https?:\/\/\S+/g, '').split(/\n\s*\n/);
    const englishOnly = paragraphs.some((p) => !/[\u0900-\u097F]/.test(p) && (p.match(/[A-Za-z]{2,}/g) ?? []).length >= 5);
    const hindi = paragraphs.some((p) => (p.match(/[\u0900-\u097F]/g) ?? []).length >= 20);
    if (englishOnly && hindi) return 'both';
    const devanagari = (withoutButtons.match(/[\u0900-\u097F]/g) ?? []).length;
    const latin = (withoutButtons.match(/[A-Za-z]/g) ?? []).length;
    // Replies echo the consumer's own words and addresses, so a quarter of Devanagari letters makes a Hindi reply.
    return devanagari > 0 && devanagari * 3 >= latin ? 'hi' : 'en';
}
