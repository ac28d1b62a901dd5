import { Activity, TurnContext } from 'botbuilder';
import { ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { echoSafe, formatDateTime, maskName } from '../src/i18n/format';
import { photoReferences } from '../src/media/photoReferences';
import { extractEntities, findMobileNumber } from '../src/nlu/extractEntities';
import { ConsumerRecord } from '../src/services/UtilityBackend';
import { findLocation, GeoPoint } from '../src/bot/findLocation';
import { AccountDialog, AccountResult, saysNoAccount } from './AccountDialog';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { sayGaveUp } from './sayGaveUp';
import { DialogServices } from './DialogServices';
import { plannedShutdownReply } from './plannedShutdownReply';
import { FlowResult, isFault } from './FlowResult';
import { complaintProgress } from './complaintProgress';
import { Complaint } from '../src/data/entities/Complaint';
import { readYesNo } from './yesNo';
import { startsWithOneOf } from './messageCues';
import { ASK_DISTRICT, PlaceDialog, PlaceDialogOptions, PlaceResult } from './PlaceDialog';
import { KnownFaultDialog, KnownFaultOptions } from './KnownFaultDialog';
import { IncidentService } from '../src/services/IncidentService';

/** Options of {@link ComplaintDialog}. */
export interface ComplaintDialogOptions {
    /** Category id when the user's words already named one. */
    category?: string;
    /** The message that started the complaint; used as the description when it says enough. */
    text?: string;
    /** An account number found in that message. */
    accountNumber?: string;
    /** The safety warning was already given (before the language choice). */
    safetyWarned?: boolean;
}

/** What the flow keeps in conversation state: an unverified account's personal details are never among it. */
interface ComplaintValues {
    category: string;
    account: { number: string; maskedName: string; area: { subdivision: string; division: string; discom: string } } | null;
    contactMobile: string | null;
    address: string | null;
    location: GeoPoint | null;
    /** Without an account: the district id named or asked (null when a shared location placed it). */
    district?: string | null;
    description: string;
    /** Platform references of photos sent during the flow. */
    photos?: string[];
    /** What the consumer added about the problem before the description was taken (at the address question). */
    extra?: string[];
    /** The consumer already said no to the summary once. */
    saidNo?: boolean;
    /** Which question the review step is waiting on. */
    awaiting?: 'confirm' | 'correction';
}

const FLOW = 'complaint.flow';
const ASK_CATEGORY = 'complaint.category';
const MAX_PHOTOS = 5;
const ASK_MOBILE = 'complaint.mobile';
const ASK_ADDRESS = 'complaint.address';
const ASK_DESCRIPTION = 'complaint.description';
const ASK_CONFIRM = 'complaint.confirm';
const ASK_CORRECTION = 'complaint.correction';
const REVIEW_ROUNDS = 6;
// The longest description and address accepted (the complaints table allows 1000 and 300 characters).
const MAX_DESCRIPTION = 500;
/** A complaint of another kind said this surely, with words that correct, changes the kind where the account is asked. */
const SURE_CATEGORY = 0.75;
const MAX_ADDRESS = 300;
// At the account question, a fault described this surely is more about it (a rule's score, not the model's guess).
const SURE_DETAILS = 0.85;
// A first message of this many words describes the problem well enough to skip asking again.
const DESCRIPTIVE_WORDS = 4;

/**
 * Complaint intake: category (from the words, else asked), safety advice first for hazards, the account (or mobile
 * and address without one), a short description, confirmation with masked name and area, then a saved complaint
 * with a ticket number. Works without verification, as 1912 does, and shows only masked details.
 */
export class ComplaintDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'complaintDialog';

    constructor(private readonly services: DialogServices) {
        super(ComplaintDialog.id);
        this.addDialog(new AskPrompt(ASK_CATEGORY, services.output));
        // An account number typed here ("consumer number 8041573269") is better still: it is taken as the account.
        this.addDialog(
            new AskPrompt(
                ASK_MOBILE,
                services.output,
                async (answer, context) =>
                    findMobileNumber(answer.text) || saysNoAccount(TurnData.of(context), answer.text) || (await this.accountIn(answer.text))
                        ? true
                        : { key: 'complaint:retry.mobile' },
                { freeText: true }
            )
        );
        this.addDialog(
            new AskPrompt(
                ASK_ADDRESS,
                services.output,
                async (answer, context) => {
                    if (findLocation(context.activity)) return true;
                    // An account number typed here places the complaint better than any address.
                    if (await this.accountIn(answer.text)) return true;
                    if (answer.text.length > MAX_ADDRESS) return { key: 'complaint:retry.addressLong', vars: { max: MAX_ADDRESS } };
                    // An address names a place: a few letters at least, not just a number.
                    return (answer.text.match(/\p{L}/gu) ?? []).length >= 3 && answer.text.replace(/[^\p{L}\p{N}]/gu, '').length >= 5
                        ? true
                        : { key: 'complaint:retry.address' };
                },
                { freeText: true }
            )
        );
        this.addDialog(
            new AskPrompt(
                ASK_DESCRIPTION,
                services.output,
                async (answer) => {
                    const letters = answer.text.replace(/[^\p{L}\p{N}]/gu, '').length;
                    if (letters < 3) return { key: 'complaint:retry.descriptionShort' };
                    if (answer.text.length > MAX_DESCRIPTION) return { key: 'complaint:retry.descriptionLong', vars: { max: MAX_DESCRIPTION } };
                    return true;
                },
                { freeText: true }
            )
        );
        this.addDialog(
            new AskPrompt(ASK_CONFIRM, services.output, async (answer) => {
                if (answer.choice) return true;
                // Not a yes or no but more details ("aur meter bhi jal gaya hai"): they are added, then asked again.
                if (answer.text.length > MAX_DESCRIPTION) return { key: 'complaint:retry.descriptionLong', vars: { max: MAX_DESCRIPTION } };
                return wordsIn(answer.text) >= 2 ? true : { key: 'complaint:retry.confirm' };
            })
        );
        this.addDialog(
            new AskPrompt(ASK_CORRECTION, services.output, async (answer) => (wordsIn(answer.text) >= 1 ? true : { key: 'complaint:retry.descriptionShort' }), {
                freeText: true,
            })
        );
        this.addDialog(new AccountDialog(services));
        this.addDialog(new PlaceDialog(services));
        this.addDialog(new KnownFaultDialog(services));
        this.addDialog(
            new WaterfallDialog(FLOW, [
                this.category.bind(this),
                this.safetyThenAccount.bind(this),
                this.mobileIfNoAccount.bind(this),
                this.addressIfNoAccount.bind(this),
                this.districtIfNoAccount.bind(this),
                this.description.bind(this),
                this.confirm.bind(this),
                // Each review round is one step: a correction or added details lead to the summary again.
                ...Array.from({ length: REVIEW_ROUNDS }, () => this.review.bind(this)),
                this.reviewedTooOften.bind(this),
            ])
        );
        this.initialDialogId = FLOW;
    }

    /**
     * A photo or a location sent in the middle of the flow belongs to this complaint: keep it and ask the open
     * question again. (At the address question a location is the answer, so the prompt gets it.)
     */
    protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
        const activity = innerDc.context.activity;
        const photos = photoReferences(activity);
        const location = findLocation(activity);
        const flow = innerDc.stack.find((instance) => instance.id === FLOW);
        // At the address or district question a location is the answer, so the prompt gets it.
        const pendingId = AskPrompt.pending(innerDc)?.prompt.id;
        const atAddress = pendingId === ASK_ADDRESS;
        const atPlace = atAddress || pendingId === ASK_DISTRICT;
        if (flow && (photos.length > 0 || (location && !atPlace))) {
            const values = flow.state.values as ComplaintValues;
            const { t } = TurnData.of(innerDc.context);
            if (photos.length > 0) {
                values.photos = [...(values.photos ?? []), ...photos].slice(-MAX_PHOTOS);
                await innerDc.context.sendActivity(t('complaint:photoAttached'));
            } else {
                values.location = location;
                await innerDc.context.sendActivity(t('complaint:locationAttached'));
            }
            // A caption is the user's answer to the open question; without one, ask it again.
            if (!activity.text) {
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            }
        }
        // "sorry sir, light is there but very dim, voltage is low" while the account is asked: the problem is another
        // one. The complaint takes the new kind, keeps the words, and the question is asked again.
        const pending = AskPrompt.pending(innerDc);
        const atAccount = pending?.prompt.settings.numeric === true && pending.prompt.id.startsWith('account.');
        if (flow && atAccount && activity.text && !/(?:[0-9\u0966-\u096F][\s-]?){4}/.test(activity.text)) {
            const turn = TurnData.of(innerDc.context);
            const values = flow.state.values as ComplaintValues;
            const r = turn.recognition;
            const sure = isFault(r.intent) && r.score >= SURE_CATEGORY;
            const other = sure ? this.services.categories.detect(r.intent, activity.text) : undefined;
            // Only when the words correct what was said: more about the same fault ("dhamaka hua tha fir light chali
            // gyi" after a transformer) names other kinds too.
            if (other && values.category && other.id !== values.category && turn.mentions('complaint:words.correction', activity.text)) {
                values.category = other.id;
                values.extra = [...(values.extra ?? []), activity.text.slice(0, MAX_DESCRIPTION)];
                await innerDc.context.sendActivity(turn.t('complaint:categoryChanged', { category: turn.t(`complaint:categories.${other.id}`) }));
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            }
            // Typed ahead, "dhamaka hua tha, tab se light nahi h" says more about the fault, not that there is no
            // account (its "nahi h" notwithstanding): kept with the description, and the account asked again.
            if (this.saysMoreNotAccount(turn, activity.text, values)) {
                values.extra = [...(values.extra ?? []), activity.text.slice(0, MAX_DESCRIPTION)];
                await innerDc.context.sendActivity(turn.t('complaint:notedDetails'));
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            }
        }
        // Typed ahead or in alarm, "aag lag sakti hai" at the address question says more about the danger, not where it
        // is: it is kept with the description and the place asked again.
        if (
            flow &&
            atAddress &&
            activity.text &&
            !location &&
            this.saysMoreNotWhere(TurnData.of(innerDc.context), activity.text, flow.state.values as ComplaintValues)
        ) {
            const values = flow.state.values as ComplaintValues;
            values.extra = [...(values.extra ?? []), activity.text.slice(0, MAX_DESCRIPTION)];
            await innerDc.context.sendActivity(TurnData.of(innerDc.context).t('complaint:notedAskPlace'));
            await innerDc.repromptDialog();
            return { status: DialogTurnStatus.waiting };
        }
        return super.onContinueDialog(innerDc);
    }

    /**
     * A sure description of a fault that names no account, connection or ownership ("not mine", "tenant") and does not
     * open with "I don't know" or the like; twice at most, so that the question is answered in the end.
     */
    private saysMoreNotAccount(turn: TurnData, text: string, values: ComplaintValues): boolean {
        const r = turn.recognition;
        const fault = isFault(r.intent) && r.score >= SURE_DETAILS;
        if (!fault && !turn.mentions('complaint:words.danger', text)) return false;
        if ((values.extra ?? []).length >= 2 || turn.mentions('complaint:words.accountRef', text)) return false;
        // ("light aa gayi, rehne do" stops; it adds nothing.)
        if (turn.mentions('common:words.cancel', text) || turn.mentions('common:words.smallTalk', text)) return false;
        return !startsWithOneOf(turn.wordList('common:words.noAccount'), text, turn.wordSet('common:words.filler'));
    }

    /** A message about the danger, or a remark, with nothing that names a place: no place word, no number. */
    private saysMoreNotWhere(turn: TurnData, text: string, values: ComplaintValues): boolean {
        if (/[0-9\u0966-\u096F]/.test(text) || turn.mentions('complaint:words.place', text)) return false;
        // The turn's own recognition: `text` is this turn's message.
        const r = turn.recognition;
        if (turn.mentions('complaint:words.danger', text) || (r.intent.startsWith('complaint.') && r.score >= 0.85)) return true;
        // A sentence ("log upar se nikal rahe hain", "bacche bhi chhu lete h") is a remark, where an address is a name;
        // twice at most, so that a place written as a sentence is still taken in the end.
        return (values.extra ?? []).length < 2 && turn.mentions('complaint:words.statement', text);
    }

    private values(step: WaterfallStepContext): ComplaintValues {
        return step.values as ComplaintValues;
    }

    private async category(step: WaterfallStepContext) {
        const options = (step.options ?? {}) as ComplaintDialogOptions;
        const values = this.values(step);
        values.location = findLocation(step.context.activity);
        if (options.category && this.services.categories.byId(options.category)) return step.next({ choice: options.category });
        const choices = this.services.categories.all.map((c) => ({
            value: c.id,
            label: { key: `complaint:categories.${c.id}` },
            intents: c.intent ? [c.intent] : undefined,
        }));
        return step.prompt(ASK_CATEGORY, AskPrompt.options('complaint:askCategory', undefined, choices));
    }

    private async safetyThenAccount(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        if (answer.gaveUp || !answer.choice) return sayGaveUp(step);
        const values = this.values(step);
        values.category = answer.choice;
        const options = (step.options ?? {}) as ComplaintDialogOptions;
        // A wire or pole is always a danger; a transformer or meter is one when the words say so ("chingari", "dhuan").
        const hazard = this.services.categories.byId(answer.choice)?.hazard === true;
        const advice = `safety.${answer.choice}`;
        const hasAdvice = turn.t(`complaint:${advice}`) !== advice;
        const danger = hazard || (hasAdvice && turn.mentions('complaint:words.danger', options.text ?? ''));
        if (danger && !options.safetyWarned) await step.context.sendActivity(turn.t(hazard ? 'complaint:safetyWarning' : `complaint:${advice}`));
        // A danger on the network is asked for the account too: most who report one live by it, and the account places
        // it with the right line staff; a passer-by taps "I don't have it" and is asked the place instead.
        return step.beginDialog(AccountDialog.id, { allowNoAccount: true, prefill: options.accountNumber });
    }

    private async mobileIfNoAccount(step: WaterfallStepContext) {
        const result = step.result as AccountResult;
        const values = this.values(step);
        if (result.kind === 'gaveUp') return sayGaveUp(step);
        const consumer = result.kind === 'account' ? result.consumer : null;
        values.account = consumer && accountValues(consumer);
        const shutdown = await plannedShutdownReply(this.services, TurnData.of(step.context), consumer, values.category, step.options);
        if (shutdown) {
            // "so when will it come?" next asks more of this shutdown.
            TurnData.of(step.context).answeredOutage = { question: 'eta', account: consumer?.accountNumber ?? null, at: Date.now() };
            await step.context.sendActivity(shutdown);
            return step.endDialog({} satisfies FlowResult);
        }
        values.contactMobile = null;
        values.address = null;
        const activity = step.context.activity;
        const duplicate = await this.services.complaints.findOpenDuplicate(
            values.category,
            values.account?.number ?? null,
            activity.channelId,
            activity.from.id
        );
        if (duplicate) return this.joinDuplicate(step, duplicate);
        // No power where a fault is already known (or this report makes one): nothing more to ask; the incident answers.
        if (consumer && (await this.partOfKnownFault(values.category, consumer, step.context.activity))) {
            const text = (step.options as ComplaintDialogOptions | undefined)?.text?.trim();
            values.description = (text || TurnData.of(step.context).t(`complaint:categories.${values.category}`)).slice(0, MAX_DESCRIPTION);
            return this.save(step);
        }
        if (values.account) return step.next();
        const turn = TurnData.of(step.context);
        const mobile = (result.kind === 'none' ? result.mobile : undefined) ?? turn.senderPhone;
        if (mobile) {
            values.contactMobile = mobile;
            return step.next();
        }
        return step.prompt(ASK_MOBILE, AskPrompt.options('complaint:askMobile'));
    }

    /** Whether a report of `category` from `consumer`'s connection belongs to an open incident, or makes one. */
    private async partOfKnownFault(category: string, consumer: ConsumerRecord, activity: Activity): Promise<boolean> {
        const incidents = this.services.incidents;
        const reporter = { channel: activity.channelId, channelUserId: activity.from.id, accountNumber: consumer.accountNumber };
        return incidents.isOutage(category) && incidents.knownOrForming(IncidentService.areaOfConsumer(consumer), reporter);
    }

    /** The same for a report without an account, by where the consumer placed it (district, locality, location). */
    private async partOfKnownFaultAt(values: ComplaintValues, text: string, activity: Activity): Promise<boolean> {
        if (!this.services.incidents.isOutage(values.category)) return false;
        const words = `${values.address ?? ''} ${text}`;
        const { latitude = null, longitude = null } = values.location ?? {};
        const placed = await this.services.places.place({ district: values.district ?? null, locality: words, latitude, longitude });
        if (!placed.area) return false;
        const reporter = { channel: activity.channelId, channelUserId: activity.from.id, accountNumber: null };
        return this.services.incidents.knownOrForming(IncidentService.areaOfPlace(placed.area, words, latitude, longitude), reporter);
    }

    /** The consumer whose account number `text` holds, if any. */
    private async accountIn(text: string): Promise<ConsumerRecord | null> {
        // Most replies here hold no number at all; the entity reader is not cheap.
        if (!/[0-9\u0966-\u096F]/.test(text)) return null;
        const account = extractEntities(text, 'hi').find((e) => e.type === 'accountNumber')?.value;
        return account ? this.services.backend.findConsumer(account) : null;
    }

    /** The same fault reported again joins the open complaint: its details are added and its progress is shown. */
    private async joinDuplicate(step: WaterfallStepContext, duplicate: Complaint) {
        const turn = TurnData.of(step.context);
        const text = (step.options as ComplaintDialogOptions | undefined)?.text;
        if (text?.trim()) await this.services.lifecycle.addNote(duplicate.id, 'consumer', text.slice(0, MAX_DESCRIPTION));
        await step.context.sendActivity(
            turn.t('complaint:duplicate', {
                ticket: duplicate.ticket,
                status: turn.t(`status:states.${duplicate.status}`),
                progress: complaintProgress(turn, duplicate),
            })
        );
        return step.endDialog({ ticket: duplicate.ticket } satisfies FlowResult);
    }

    private async addressIfNoAccount(step: WaterfallStepContext) {
        const values = this.values(step);
        const answer = step.result as AskAnswer | undefined;
        // No mobile after a few tries: the complaint goes on without one rather than being lost.
        const account = answer?.text && !answer.gaveUp ? await this.accountIn(answer.text) : null;
        if (account) values.account = accountValues(account);
        else if (answer?.text && !answer.gaveUp) values.contactMobile = findMobileNumber(answer.text);
        if (values.account) return step.next();
        return step.prompt(ASK_ADDRESS, AskPrompt.options('complaint:askAddress'));
    }

    /** The address answer (or an account typed there), then, without an account, the district (see PlaceDialog). */
    private async districtIfNoAccount(step: WaterfallStepContext) {
        const values = this.values(step);
        const answer = step.result as AskAnswer | undefined;
        if (answer?.gaveUp) return sayGaveUp(step);
        if (!values.account && answer) {
            const location = findLocation(step.context.activity);
            if (location) values.location = location;
            const consumer = await this.accountIn(answer.text);
            if (consumer) values.account = accountValues(consumer);
            else values.address = answer.text || null;
        }
        if (values.account) return step.next();
        return step.beginDialog(PlaceDialog.id, { text: values.address, location: values.location } satisfies PlaceDialogOptions);
    }

    private async description(step: WaterfallStepContext) {
        const values = this.values(step);
        const place = step.result as PlaceResult | undefined;
        if (place?.kind === 'gaveUp') return sayGaveUp(step);
        if (place) {
            values.district = place.district;
            values.location = place.location ?? values.location;
        }
        const options = (step.options ?? {}) as ComplaintDialogOptions;
        // Without an account too: no power where a fault is known needs no more questions once the place is known.
        if (!values.account && (await this.partOfKnownFaultAt(values, options.text ?? '', step.context.activity))) {
            values.description = (options.text?.trim() || TurnData.of(step.context).t(`complaint:categories.${values.category}`)).slice(0, MAX_DESCRIPTION);
            return this.save(step);
        }
        const words = (options.text ?? '').split(/\s+/).filter((w) => /[\p{L}]/u.test(w)).length;
        if (options.text && words >= DESCRIPTIVE_WORDS) return step.next({ text: options.text, choice: null } satisfies AskAnswer);
        return step.prompt(ASK_DESCRIPTION, AskPrompt.options('complaint:askDescription'));
    }

    private async confirm(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const values = this.values(step);
        values.description = [answer.text, ...(values.extra ?? [])].join('\n').slice(0, MAX_DESCRIPTION);
        return this.askToConfirm(step);
    }

    private async askToConfirm(step: WaterfallStepContext) {
        const values = this.values(step);
        values.awaiting = 'confirm';
        const account = values.account;
        // The consumer's name, even masked, only to someone verified for the account: a stranger typing account numbers
        // learns the area (where the complaint goes) and nothing about the person.
        const verified = account ? (await this.services.identities.verifiedAccounts(TurnData.of(step.context).identity.id)).includes(account.number) : false;
        const vars = {
            category: { $t: `complaint:categories.${values.category}` },
            description: echoSafe(values.description),
            name: account?.maskedName ?? '',
            area: account ? { $t: 'complaint:area', vars: account.area } : values.address ? echoSafe(values.address) : { $t: 'complaint:sharedLocation' },
        };
        const key = !account ? 'complaint:confirmNoAccount' : verified ? 'complaint:confirm' : 'complaint:confirmUnverified';
        return step.prompt(ASK_CONFIRM, AskPrompt.options(key, vars, yesNoChoices()));
    }

    /** When the consumer's own words say the problem began ("kal raat se", "since 6 am"), from the first that does. */
    private problemSince(texts: Array<string | undefined>): Date | null {
        for (const text of texts) {
            const since = text ? this.services.recognizer.recognize(text, 'hi-Latn').entities.find((e) => e.type === 'since') : undefined;
            if (since) return new Date(since.value);
        }
        return null;
    }

    /**
     * The consumer's reply to the summary. Yes registers it, with anything written after the yes added ("haan par
     * address galat hai, ..."); a no with words is a correction; a bare no asks what to change; other words are more
     * details. Corrections and details go into the description and the summary is shown again. Never taken as a no.
     */
    private async review(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const values = this.values(step);
        if (answer.gaveUp) return this.confirmGaveUp(step);
        // "khata number galat tha, sahi 2395917603 hai": a known account in the reply corrects the one on the complaint.
        const corrected = await this.accountIn(answer.text);
        if (corrected && corrected.accountNumber !== values.account?.number) values.account = accountValues(corrected);
        if (values.awaiting === 'correction') {
            // A second plain no, where the change was asked: the consumer does not want it registered.
            const again = readYesNo(TurnData.of(step.context), answer.text);
            if (again?.answer === 'no' && !again.rest) return this.notSaved(step);
            this.addDetails(values, answer.text);
            return this.askToConfirm(step);
        }
        if (answer.choice === 'yes') {
            if (answer.rest && wordsIn(answer.rest) >= 2) this.addDetails(values, answer.rest);
            return this.save(step);
        }
        // "nahi chhodo, thik ho gaya", or a second plain no: the consumer does not want it registered. A no with more
        // words after it is another correction.
        const turn = TurnData.of(step.context);
        const plainNo = !(answer.rest && wordsIn(answer.rest) >= 2);
        // (The cancel may run into the no: "nhi nhi mat kro register"; a reply that corrects the account is no cancel.)
        if (answer.choice === 'no' && ((values.saidNo && plainNo) || (!corrected && turn.mentions('common:words.cancel', answer.text))))
            return this.notSaved(step);
        if (!answer.choice && turn.mentions('common:words.cancel', answer.text)) return this.notSaved(step);
        if (answer.choice === 'no') values.saidNo = true;
        if (answer.choice === 'no' && !(answer.rest && wordsIn(answer.rest) >= 2)) {
            values.awaiting = 'correction';
            return step.prompt(ASK_CORRECTION, AskPrompt.options('complaint:askCorrection'));
        }
        this.addDetails(values, answer.choice === 'no' ? (answer.rest ?? '') : answer.text);
        await step.context.sendActivity(TurnData.of(step.context).t('complaint:detailsAdded'));
        return this.askToConfirm(step);
    }

    private addDetails(values: ComplaintValues, text: string): void {
        const added = text.trim();
        if (added === '') return;
        values.description = `${values.description}\n${added}`.slice(0, MAX_DESCRIPTION);
    }

    private async notSaved(step: WaterfallStepContext) {
        await step.context.sendActivity(TurnData.of(step.context).t('complaint:notSaved'));
        return step.endDialog();
    }

    private async reviewedTooOften(step: WaterfallStepContext) {
        return this.confirmGaveUp(step);
    }

    /** No clear yes after several rounds: nothing is registered, and the consumer is told exactly how to go on. */
    private async confirmGaveUp(step: WaterfallStepContext) {
        await step.context.sendActivity(TurnData.of(step.context).t('complaint:confirmGaveUp'));
        return step.endDialog();
    }

    private async save(step: WaterfallStepContext) {
        const turn = TurnData.of(step.context);
        const values = this.values(step);
        const activity = step.context.activity;
        // The consumer's address is read now rather than carried in conversation state.
        const consumer = values.account ? await this.services.backend.findConsumer(values.account.number) : null;
        const complaint = await this.services.complaints.register({
            accountNumber: values.account?.number ?? null,
            category: values.category,
            description: values.description,
            address: consumer?.address.slice(0, MAX_ADDRESS) ?? values.address,
            district: values.account ? null : (values.district ?? null),
            latitude: values.location?.latitude ?? null,
            longitude: values.location?.longitude ?? null,
            contactMobile: values.contactMobile,
            attachments: values.photos?.length ? JSON.stringify(values.photos) : null,
            channel: activity.channelId,
            channelUserId: activity.from.id,
            sourceActivityKey: activity.id ? `${activity.channelId}/${activity.conversation.id}/${activity.id}` : null,
            conversationRef: JSON.stringify(TurnContext.getConversationReference(activity)),
            language: turn.language,
            problemSince: this.problemSince([values.description, (step.options as ComplaintDialogOptions | undefined)?.text]),
        });
        // A redelivered confirmation returns the complaint already started; its clock is not restarted.
        const started = complaint.dueAt || complaint.triageDueAt ? complaint : await this.services.lifecycle.start(complaint);
        // Joined to a known fault: the consumer hears of the fault (and their ticket) instead of a lone complaint.
        if (started.incidentId) return step.replaceDialog(KnownFaultDialog.id, { complaintId: started.id } satisfies KnownFaultOptions);
        const language = turn.language ?? 'en';
        const areaClass = consumer?.areaClass ?? 'urban';
        const limit = this.services.lifecycle.limitFor(started.category, areaClass);
        const lines = [
            turn.t('complaint:saved', {
                ticket: started.ticket,
                category: turn.t(`complaint:categories.${values.category}`),
                time: formatDateTime(started.createdAt, language),
            }),
        ];
        if (started.triageDueAt && !started.assignedOfficialId) {
            // Nobody can own it yet: the consumer hears the truth (the discom's desk, and by when it places it), never a
            // resolution time no engineer has taken on.
            lines.push(
                turn.t('complaint:savedTriage', {
                    discom: started.discom ?? '',
                    time: formatDateTime(started.triageDueAt, language),
                })
            );
        } else if (started.dueAt) {
            lines.push(
                turn.t(limit.status === 'unknown' ? 'complaint:dueByTarget' : 'complaint:dueBy', {
                    duration: duration(turn, limit.hours),
                    time: formatDateTime(started.dueAt, language),
                })
            );
        }
        await step.context.sendActivity(lines.join('\n\n'));
        return step.endDialog({ ticket: complaint.ticket } satisfies FlowResult);
    }
}

/** Words with letters in `text`. */
function wordsIn(text: string): number {
    return text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}

/** What the flow keeps of an account: masked, so conversation state holds nothing personal. */
function accountValues(consumer: ConsumerRecord): NonNullable<ComplaintValues['account']> {
    return {
        number: consumer.accountNumber,
        maskedName: maskName(consumer.name),
        area: { subdivision: consumer.subdivision, division: consumer.division, discom: consumer.discom },
    };
}

/** A time limit as people say it: whole days as days ("7 दिन", not "168 घंटे"), else hours. */
function duration(turn: TurnData, hours: number): string {
    if (hours >= 24 && hours % 24 === 0) return hours === 24 ? turn.t('complaint:duration.day') : turn.t('complaint:duration.days', { count: hours / 24 });
    return hours === 1 ? turn.t('complaint:duration.hour') : turn.t('complaint:duration.hours', { count: hours });
}
