import { ActivityTypes, TurnContext } from 'botbuilder';
import { ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { RootDialogOptions } from '../src/bot/BijliMitraBot';
import { TurnData } from '../src/bot/TurnData';
import { Language } from '../src/i18n/Translator';
import { Incident } from '../src/data/entities/Incident';
import { maskDigits } from '../src/i18n/format';
import { photoReferences } from '../src/media/photoReferences';
import { Intent, isIntent, Recognition } from '../src/nlu/IntentRecognizer';
import { languageVotes } from '../src/nlu/detectLanguage';
import { findLocation } from '../src/bot/findLocation';
import { saysNoAccount } from './AccountDialog';
import { greetsOnly, isSmallTalk, onlyFillers, saidOneOf, startsWithOneOf, startsWithSmallTalk, subscriptionIn } from './messageCues';
import { AskAnswer, AskChoice, AskPrompt, yesNoChoices } from './AskPrompt';
import { BillDialog } from './BillDialog';
import { ComplaintDialog, ComplaintDialogOptions } from './ComplaintDialog';
import { asksWhen, ComplaintStatusDialog, ComplaintStatusOptions } from './ComplaintStatusDialog';
import { DialogServices } from './DialogServices';
import { FlowResult, isFault, isRequest } from './FlowResult';
import { sayGaveUp } from './sayGaveUp';
import { readYesNo } from './yesNo';
import { FIXED_PHRASES, sayFixedLater } from './confirmFixedWords';
import { ConfirmFixedDialog, ConfirmFixedOptions } from './ConfirmFixedDialog';
import { StillWorkingDialog, StillWorkingOptions } from './StillWorkingDialog';
import { HandoffDialog } from './HandoffDialog';
import { CallbackStatusDialog, CallbackStatusOptions, callbackReferenceIn } from './CallbackStatusDialog';
import { LanguageDialog, LanguageResult } from './LanguageDialog';
import { MeterDialog } from './MeterDialog';
import { MeterReadingDialog } from './MeterReadingDialog';
import { CompensationClaimDialog, CompensationClaimOptions } from './CompensationClaimDialog';
import { MobileUpdateDialog, MobileUpdateOptions } from './MobileUpdateDialog';
import { MobileRequestStatusDialog, MobileRequestStatusOptions, mobileReferenceIn } from './MobileRequestStatusDialog';
import { OutageInfoDialog, OutageInfoOptions } from './OutageInfoDialog';
import { ASK_UPDATES } from './KnownFaultDialog';
import { OPEN_STATUSES } from '../src/services/complaintStatuses';
import { ACTIVE_INCIDENT_STATUSES } from '../src/data/entities/Incident';

/** Options of {@link MainDialog}. */
export interface MainDialogOptions extends RootDialogOptions {
    /** Show the menu straight away, introduced by this text (after "menu", a cancel, a switch, a welcome). */
    menu?: string;
    /** Act on this intent with the turn's recognition (after an interruption or a follow-up request). */
    intent?: Intent;
    /** Turn area news and reminders on or off (STOP / START at the menu). */
    subscription?: 'on' | 'off';
    /** An account number sent alone: the menu asks what to do for it, and the flow chosen takes it. */
    account?: string;
}

/** What the main flow keeps between its steps. */
interface MainValues {
    /** The first message of a new user, kept while they choose a language. */
    pending?: string;
    /** The safety warning was already given for that message. */
    safetyWarned?: boolean;
    menuShown?: boolean;
    /** The account number the menu was shown for. */
    account?: string;
    /** Ticket whose "is it fixed?" question is open. */
    confirming?: string;
    /** The proactive "were you called?" was the whole conversation. */
    askedCalled?: boolean;
    /** The proactive "is the supply still working?" was the whole conversation. */
    recontacting?: boolean;
}

// A follow-up to an outage answer ("so approx 1 hour right?", "ok what is the fault number") is a short message.
const OUTAGE_FOLLOW_UP_MAX_WORDS = 10;
const FLOW = 'main.flow';
const ASK_MENU = 'main.menu';
const ASK_FIXED = 'main.fixed';
/** Requests that mention compensation but ask for something else ("stop", "talk to an officer about my claim"). */
const NOT_A_CLAIM = new Set<string>(['cancel', 'unsubscribe', 'agent']);
// The main menu never gives up on anyone: it is where every way forward starts.
const MENU_ATTEMPTS = 1000;
// On button prompts, interruptions need a confident recognition; a long message needs more.
const INTERRUPT_SCORE = 0.7;
const INTERRUPT_SCORE_LONG = 0.9;
const INTERRUPT_MAX_WORDS = 4;
// A follow-up about the open complaint ("still not done ji, we are waiting since yesterday. kab tak?") is this short.
const FOLLOW_UP_MAX_WORDS = 16;
// "haan mujhe chahiye ye": accepting what an everyday answer offered is this short.
const ACCEPT_MAX_WORDS = 6;
// A sentence about oneself this long, with no request in it, is an introduction ("main battery wala auto chalata hu").
const INTRODUCTION_WORDS = 5;
// An everyday answer's offer is done at once when the message asks for it this surely (a rule, "how to subscribe?").
const OFFER_ASKED = 0.75;
// An opt-in or opt-out said this surely is done rather than explained.
const SURE_CONTROL = 0.85;
// A request typed at a number question is taken up when the recognizer is this sure of it.
const NEW_REQUEST_SCORE = 0.8;
// A language request long enough to be lowered by the recognizer's length rule is still one.
const LANGUAGE_REQUEST_SCORE = 0.75;
// Below this a recognition is the statistical model's guess, not a rule's.
const GUESS_SCORE = 0.6;
// A complaint rule at least this sure gives way only to an everyday question of three phrase words.
const SURE_COMPLAINT = 0.88;
/** An officer asked for ("officer se baat karao"), not just named. */
const AGENT_ASKED = 0.9;
/** A request to link or change a mobile this sure starts the flow over the everyday answer that describes it. */
const SURE_MOBILE = 0.85;
/** A follow-up to an everyday answer is a short question; a long message says something of its own. */
const FAQ_FOLLOW_UP_MAX_WORDS = 10;
// An everyday question of one phrase word gives way to a recognized request at least this sure.
const FAQ_OVERRULES_BELOW = 0.86;

/** Command word lists (locales) and the interruption each one means, for exact matches on free-text prompts. */
const COMMAND_WORDS: Array<[string, Intent]> = [
    ['common:words.cancel', 'cancel'],
    ['common:words.cancelAlone', 'cancel'],
    ['common:words.help', 'help'],
    ['common:words.agent', 'agent'],
    ['common:words.hindi', 'language.hi'],
    ['common:words.english', 'language.en'],
];

const MENU: Array<{ value: string; intent?: Intent; synonymsKey?: string }> = [
    { value: 'complaint', synonymsKey: 'common:words.complaint' },
    { value: 'status', intent: 'complaint.status' },
    { value: 'bill', intent: 'bill.query' },
    { value: 'meter', intent: 'meter.info' },
    { value: 'reading', intent: 'meter.reading' },
    { value: 'agent', intent: 'agent' },
    { value: 'updates' },
    { value: 'language' },
];

/**
 * The root dialog: makes sure the user's language is known, routes typed requests by intent or shows the menu,
 * and handles interruptions once for every flow below it: cancel, menu, help, talk to an officer, unsubscribe and a
 * language switch work at any prompt.
 */
export class MainDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'mainDialog';
    private readonly statusDialog: ComplaintStatusDialog;

    constructor(private readonly services: DialogServices) {
        super(MainDialog.id);
        this.addDialog(new LanguageDialog(services));
        this.addDialog(new ComplaintDialog(services));
        this.statusDialog = new ComplaintStatusDialog(services);
        this.addDialog(this.statusDialog);
        this.addDialog(new BillDialog(services));
        this.addDialog(new MeterDialog(services));
        this.addDialog(new MeterReadingDialog(services));
        this.addDialog(new HandoffDialog(services));
        this.addDialog(new CallbackStatusDialog(services));
        this.addDialog(new ConfirmFixedDialog(services));
        this.addDialog(new StillWorkingDialog(services));
        this.addDialog(new CompensationClaimDialog(services));
        this.addDialog(new MobileUpdateDialog(services));
        this.addDialog(new MobileRequestStatusDialog(services));
        this.addDialog(new OutageInfoDialog(services));
        // Anything the bot can act on is a valid answer to the menu, chit-chat included.
        this.addDialog(
            new AskPrompt(ASK_MENU, services.output, async (answer, context) =>
                answer.choice ||
                TurnData.of(context).recognition.intent !== 'none' ||
                services.faq.match(answer.text) ||
                isSmallTalk(TurnData.of(context), answer.text)
                    ? true
                    : { key: 'common:retry.menu' }
            )
        );
        this.addDialog(new AskPrompt(ASK_FIXED, services.output, undefined, { strictYes: true, answerPhrases: FIXED_PHRASES }));
        this.addDialog(
            new WaterfallDialog(FLOW, [this.ensureLanguage.bind(this), this.route.bind(this), this.afterMenuOrFlow.bind(this), this.afterFlow.bind(this)])
        );
        this.initialDialogId = FLOW;
    }

    protected override async onBeginDialog(innerDc: DialogContext, options?: object): Promise<DialogTurnResult> {
        await this.followScript(innerDc);
        return super.onBeginDialog(innerDc, options);
    }

    protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
        await this.followScript(innerDc);
        return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
    }

    /**
     * Someone answered in English ("START" was their first word, or they greeted in English) who now starts something
     * in Devanagari ("धन्यवाद") wants Hindi: the replies follow, without a word about it. An answer to an open question
     * ("हाँ" to a summary) switches nothing, nor does anything after "English please".
     */
    private async followScript(dc: DialogContext): Promise<void> {
        const turn = TurnData.of(dc.context);
        const pending = AskPrompt.pending(dc);
        const answering = pending !== null && pending.prompt.id !== ASK_MENU;
        if (
            !answering &&
            !turn.languageChosen &&
            turn.language === 'en' &&
            turn.recognition.language === 'hi' &&
            /[\u0900-\u097F]{2}/.test(turn.recognition.text)
        ) {
            await this.adoptLanguage(dc, 'hi');
        }
    }

    private async interrupt(dc: DialogContext): Promise<DialogTurnResult | null> {
        const activity = dc.context.activity;
        if (activity.type !== ActivityTypes.Message) return null;
        const photo = photoReferences(activity).length > 0;
        // A photo during a complaint belongs to it (ComplaintDialog keeps it); anything else gets an explanation.
        if (!activity.text && activity.attachments?.length && !(photo && this.complaintInProgress(dc))) {
            await dc.context.sendActivity(TurnData.of(dc.context).t('common:mediaNotSupported'));
            await dc.repromptDialog();
            return { status: DialogTurnStatus.waiting };
        }
        if (!activity.text) return null;
        const turn = TurnData.of(dc.context);
        if (dc.activeDialog?.id === LanguageDialog.id) {
            // "STOP" needs no language: it is honoured at once, in English unless the words were Hindi.
            const subscription = subscriptionIn(turn, activity.text);
            if (!subscription) return null;
            await dc.cancelAllDialogs();
            await this.adoptLanguage(dc, turn.recognition.language === 'en' ? 'en' : 'hi');
            return dc.beginDialog(FLOW, { subscription } satisfies MainDialogOptions);
        }
        if (saidOneOf(turn.wordList('common:words.menu'), activity.text)) {
            await dc.cancelAllDialogs();
            return dc.beginDialog(FLOW, { menu: 'common:menuIntro' } satisfies MainDialogOptions);
        }
        // At the main menu nothing is in progress, so "STOP" and "START" are about subscriptions, not cancelling.
        if (AskPrompt.pending(dc)?.prompt.id === ASK_MENU) {
            const subscription = subscriptionIn(turn, activity.text);
            if (subscription) {
                await dc.cancelAllDialogs();
                return dc.beginDialog(FLOW, { subscription } satisfies MainDialogOptions);
            }
        }
        // "START" in the middle of a flow asks for area news (a "STOP" there cancels): done, and the question asked again.
        if (subscriptionIn(turn, activity.text) === 'on') {
            await this.turnOnUpdates(dc.context);
            await dc.repromptDialog();
            return { status: DialogTurnStatus.waiting };
        }
        // "ruko, bill dhundh ke batata hu": a wait, not a cancel; the question stays open for the answer.
        if (this.asksToWait(dc, activity.text)) {
            await dc.context.sendActivity(turn.t('common:takeYourTime'));
            return { status: DialogTurnStatus.waiting };
        }
        const intent = await this.interruptionIn(dc, activity.text);
        if (!intent) {
            const taken = (await this.takeUpAtNumberQuestion(dc, activity.text)) ?? (await this.answerQuestionAtButtons(dc, activity.text));
            if (taken) return taken;
        }
        switch (intent) {
            case 'cancel':
                await dc.cancelAllDialogs();
                await dc.context.sendActivity(turn.t('common:cancelled'));
                return { status: DialogTurnStatus.complete };
            case 'help':
                await dc.context.sendActivity(turn.t('common:helpInFlow'));
                await dc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            case 'agent':
            case 'unsubscribe':
                await dc.cancelAllDialogs();
                return dc.beginDialog(FLOW, { intent } satisfies MainDialogOptions);
            case 'language.hi':
            case 'language.en':
                await this.switchLanguage(dc, intent === 'language.hi' ? 'hi' : 'en');
                await dc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            default:
                return null;
        }
    }

    /** A question is open and the reply opens with "wait" and says nothing else it could mean (no cancel, no "light aa gayi"). */
    private asksToWait(dc: DialogContext, text: string): boolean {
        const turn = TurnData.of(dc.context);
        if (!AskPrompt.pending(dc) || /[0-9\u0966-\u096F]/.test(text)) return false;
        if (!startsWithOneOf(turn.wordList('common:words.wait'), text, turn.wordSet('common:words.filler'))) return false;
        return !turn.mentions('common:words.cancel', text) && !turn.mentions('common:words.smallTalk', text);
    }

    /**
     * A number question (account, ticket, code, reading) cannot be answered without digits: an everyday question typed
     * there is answered and the question asked again, and a clear request for another flow ("mera bill batao" while a
     * complaint asks the account) starts that flow, instead of "an account number has only digits".
     */
    private async takeUpAtNumberQuestion(dc: DialogContext, text: string): Promise<DialogTurnResult | null> {
        const pending = AskPrompt.pending(dc);
        // Four digits or more (spaced or not) are an attempt at the number; "2 ghante se light gayi" is not.
        if (!pending?.prompt.settings.numeric || /(?:[0-9\u0966-\u096F][\s-]?){4}/.test(text)) return null;
        const turn = TurnData.of(dc.context);
        const r = turn.recognition;
        // "I don't have it, the bill is with my father" answers the question; it asks for nothing else. (But "unke ghar
        // 3 din se light nhi h" is a complaint, whatever "nhi h" says.)
        const sure = isRequest(r) && r.score >= SURE_COMPLAINT && this.flowOf(dc) !== flowFor(r.intent);
        if (!sure && (saysNoAccount(turn, text) || turn.mentions('verify:words.notReceived', text))) return null;
        const answered = await this.answerEverydayQuestion(dc, text);
        if (answered) return answered;
        if (!isRequest(r) || r.score < NEW_REQUEST_SCORE || this.flowOf(dc) === flowFor(r.intent)) return null;
        // "3 baar shikayat kar chuka, koi sunta nahi" while asking for an officer is why they ask, not a new request.
        if (this.flowOf(dc) === HandoffDialog.id && (r.intent === 'complaint.status' || turn.mentions('common:words.grievance', text))) return null;
        await dc.cancelAllDialogs();
        return dc.beginDialog(FLOW, { intent: r.intent } satisfies MainDialogOptions);
    }

    /**
     * An everyday question typed where buttons are offered ("can I pay by Paytm?" under Previous bills / Pay bill) is
     * answered, and the buttons offered again. The main menu is left to the flow, which answers without the menu.
     */
    private async answerQuestionAtButtons(dc: DialogContext, text: string): Promise<DialogTurnResult | null> {
        const pending = AskPrompt.pending(dc);
        if (!pending?.spec.choices?.length || pending.prompt.settings.freeText || pending.prompt.id === ASK_MENU) return null;
        if (AskPrompt.answersPendingButton(dc, text)) return null;
        return this.answerEverydayQuestion(dc, text);
    }

    /** An everyday question of two phrase words or more typed at a question: answered, and the question asked again. */
    private async answerEverydayQuestion(dc: DialogContext, text: string): Promise<DialogTurnResult | null> {
        const faq = this.services.faq.match(text);
        if (!faq || faq.words < 2) return null;
        await this.sayEverydayAnswer(dc.context, faq.topic, false);
        await dc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
    }

    /**
     * Answers everyday question `topic` (with where else to go, `more`, when no question is open to come back to) and
     * keeps the topic for the next turn, whose "kaise hoga?" asks more of it.
     */
    private async sayEverydayAnswer(context: TurnContext, topic: string, more: boolean): Promise<void> {
        const turn = TurnData.of(context);
        const answer = turn.t(`faq:topics.${topic}.answer`);
        await context.sendActivity(more ? `${answer}\n\n${turn.t('faq:more')}` : answer);
        turn.answeredFaq = topic;
    }

    /** What everyday answer `topic` offers to do ("send START for area notices": subscribe), if anything. */
    private offerOf(turn: TurnData, topic: string): Intent | null {
        const offer = turn.t(`faq:topics.${topic}.offer`);
        return isIntent(offer) ? offer : null;
    }

    /** The flow under way in `dc` (its dialog id), or null. */
    private flowOf(dc: DialogContext): string | null {
        let inner: DialogContext | undefined = dc;
        const ids: string[] = [];
        while (inner) {
            ids.push(...inner.stack.map((i) => i.id));
            inner = inner.child;
        }
        return FLOWS.find((id) => ids.includes(id)) ?? null;
    }

    /**
     * The interruption `text` asks for, if any. At a free-text prompt (address, mobile, reading…) only an exact
     * command word counts; at a button prompt a confident recognition does, unless the text is one of its buttons.
     */
    private async interruptionIn(dc: DialogContext, text: string): Promise<Intent | null> {
        const turn = TurnData.of(dc.context);
        const pending = AskPrompt.pending(dc);
        const r = turn.recognition;
        const hasDigits = /[0-9\u0966-\u096F]/.test(text);
        // "rehne do bhai, light aa gayi", "forget it, voltage is ok now": a cancel that opens the message counts anywhere;
        // so does one after a "wait" ("अरे रुको लाइट आ गई, अब शिकायत नहीं करनी रहने दो").
        const fillers = turn.wordSet('common:words.filler');
        const cancelWords = turn.wordList('common:words.cancel');
        const opensWithCancel =
            startsWithOneOf(cancelWords, text, fillers) ||
            startsWithOneOf(turn.wordList('common:words.cancelAlone'), text, fillers, true) ||
            (startsWithOneOf(turn.wordList('common:words.wait'), text, fillers) && turn.mentions('common:words.cancel', text));
        // "no need" to "shall I message you when the time changes?" answers it; it cancels nothing.
        const declinesUpdates = pending?.prompt.id === ASK_UPDATES && readYesNo(turn, text)?.answer === 'no';
        if (
            opensWithCancel &&
            !declinesUpdates &&
            !hasDigits &&
            // ("messages band karo" turns news off; "subah shikayat ki thi, kuch nahi hua" asks after a complaint made.)
            !(r.intent === 'unsubscribe' && r.score >= 0.85) &&
            !(r.intent === 'complaint.status' && r.score >= 0.85 && turn.mentions('status:words.madeBefore', text))
        )
            return 'cancel';
        if (pending?.prompt.settings.freeText) {
            const command = COMMAND_WORDS.find(([key]) => saidOneOf(turn.wordList(key), text))?.[1] ?? null;
            if (command) return command;
            if (!r.intent.startsWith('language.') || r.score < LANGUAGE_REQUEST_SCORE) return null;
            // "please talk in English. My account number is 1234567890": switch, and let the question take the number.
            if (hasDigits) {
                await this.switchLanguage(dc, r.intent === 'language.hi' ? 'hi' : 'en');
                return null;
            }
            // "please talk in English", "english me baat kro": a clear language request, short enough to be only that.
            return text.trim().split(/\s+/).length <= 12 ? r.intent : null;
        }
        const words = text.trim().split(/\s+/).length;
        if (r.score < INTERRUPT_SCORE || (words > INTERRUPT_MAX_WORDS && r.score < INTERRUPT_SCORE_LONG)) return null;
        if (AskPrompt.answersPendingButton(dc, text)) return null;
        return r.intent;
    }

    private async ensureLanguage(step: WaterfallStepContext) {
        const turn = TurnData.of(step.context);
        const proactive = step.options as MainDialogOptions | undefined;
        if (turn.language || proactive?.confirmResolution || proactive?.askCalled || proactive?.stillWorking) return step.next();
        const r = turn.recognition;
        if (r.intent === 'language.hi' || r.intent === 'language.en') return step.next();
        if ((step.options as MainDialogOptions | undefined)?.welcome) return step.beginDialog(LanguageDialog.id);
        // "sir", "namaste sir": a greeting or a word or two in Latin letters does not show the writer's language (many
        // English writers greet with "namaste"); ask rather than guess. A request is acted on at once in the language
        // it leans to: a question first would hold up what was asked.
        const votes = r.language === 'hi' || isRequest(r) ? null : languageVotes(r.text);
        // A greeting that goes on in one language only ("hello sir how are you", "namaste sir kaise ho") shows it.
        const greetingShows =
            votes !== null && r.intent === 'greeting' && Math.min(votes.hinglish, votes.english) === 0 && Math.max(votes.hinglish, votes.english) >= 3;
        const shown = votes === null || greetingShows || (r.intent !== 'greeting' && votes.hinglish + votes.english >= 2);
        if ((r.language === 'hi' || r.language === 'hi-Latn') && shown) {
            await this.services.identities.setLanguage(turn.identity, 'hi');
            turn.useLanguage('hi');
            return step.next();
        }
        // An English message that asks for something is answered in English at once; only a message with no signal
        // ("hi", a number) gets the language question.
        const text = r.text;
        const control =
            subscriptionIn(turn, text) !== null ||
            saidOneOf(turn.wordList('common:words.cancel'), text) ||
            saidOneOf(turn.wordList('common:words.cancelAlone'), text);
        // "START" alone in Latin letters is what the bot tells everyone to send: it shows no language, so it is done
        // and answered in both, and the language is read from what they write next.
        // So is "ok thnx": thanks and goodbyes in Latin letters come from writers of both languages.
        const smallTalkOnly = isSmallTalk(turn, text) && !greetsOnly(turn, r) && !turn.mentions('common:words.howAreYou', text);
        if (r.language !== 'hi' && ((control && text.trim().split(/\s+/).length === 1) || (smallTalkOnly && !greetingShows))) {
            turn.useBothLanguages();
            return step.next();
        }
        if (
            r.language === 'en' &&
            (control ||
                this.services.faq.match(text) ||
                greetingShows ||
                (shown && (isRequest(r) || (r.intent !== 'none' && r.intent !== 'greeting' && r.score >= 0.5))))
        ) {
            await this.adoptLanguage(step, 'en');
            return step.next();
        }
        const values = step.values as MainValues;
        values.pending = step.context.activity.text ?? '';
        if (this.services.categories.detect(r.intent, r.text)?.hazard) {
            // Danger to life cannot wait for a language choice: warn first, in the language they wrote in.
            await step.context.sendActivity(turn.t('complaint:safetyWarning'));
            values.safetyWarned = true;
        }
        return step.beginDialog(LanguageDialog.id);
    }

    private async route(step: WaterfallStepContext) {
        const options = (step.options ?? {}) as MainDialogOptions;
        const turn = TurnData.of(step.context);
        const chosen = step.result as LanguageResult | undefined;
        const pending = chosen?.text ?? (step.values as MainValues).pending;
        if (pending !== undefined) {
            // Back from the language choice: act on what the user first wrote, if it asked for something.
            const first = this.services.recognizer.recognize(pending, turn.language ?? 'en');
            // ("chhat pe solar lagwana h, subsidy milti h kya?" typed instead of a language: answered too.)
            if (isRequest(first) || (first.intent === 'outage.eta' && first.score > GUESS_SCORE) || this.services.faq.match(pending))
                return this.act(step, first.intent, first);
            return this.showMenu(step, 'common:welcome');
        }
        if (options.confirmResolution) {
            (step.values as MainValues).confirming = options.confirmResolution.ticket;
            const { ticket, note } = options.confirmResolution;
            // A report joined to a fault hears of the fault's repair, not of its own.
            const fault = note === null ? null : await this.faultOf(ticket);
            const question =
                note === null
                    ? AskPrompt.options('status:askFixedReminder', { ticket }, yesNoChoices())
                    : fault
                      ? AskPrompt.options('incidents:restoredQuestion', { ticket, reference: fault.reference }, yesNoChoices())
                      : AskPrompt.options('status:askFixed', { ticket, note }, yesNoChoices());
            return step.prompt(ASK_FIXED, question);
        }
        if (options.stillWorking) {
            (step.values as MainValues).recontacting = true;
            return step.beginDialog(StillWorkingDialog.id, { ticket: options.stillWorking } satisfies StillWorkingOptions);
        }
        if (options.askCalled) {
            (step.values as MainValues).askedCalled = true;
            return step.beginDialog(CallbackStatusDialog.id, { reference: options.askCalled, askCalled: true } satisfies CallbackStatusOptions);
        }
        if (options.subscription === 'on') return this.subscribe(step);
        if (options.subscription === 'off') return this.act(step, 'unsubscribe', turn.recognition);
        if (options.welcome) return this.showMenu(step, 'common:welcome');
        if (options.account) {
            (step.values as MainValues).account = options.account;
            return this.showMenu(step, 'common:accountWhat', { account: maskDigits(options.account) });
        }
        if (options.menu) return this.showMenu(step, options.menu);
        if (saidOneOf(turn.wordList('common:words.menu'), turn.recognition.text)) return this.showMenu(step, 'common:menuIntro');
        // "STOP" / "START" and their Hindi forms are subscription commands when no question is open.
        const subscription = subscriptionIn(turn, turn.recognition.text);
        if (subscription === 'off') return this.act(step, 'unsubscribe', turn.recognition);
        if (subscription === 'on') return this.subscribe(step);
        const activity = step.context.activity;
        if (!options.intent && !activity.text && findLocation(activity)) return this.startComplaint(step, turn.recognition, true);
        if (!options.intent && !activity.text && activity.attachments?.length) {
            await step.context.sendActivity(turn.t('common:mediaNotSupported'));
            return this.showMenu(step, 'common:menuIntro');
        }
        return this.act(step, options.intent ?? turn.recognition.intent, turn.recognition);
    }

    private async afterMenuOrFlow(step: WaterfallStepContext) {
        const values = step.values as MainValues;
        if (values.confirming) return this.confirmed(step, values.confirming);
        if (!values.menuShown) return this.afterFlow(step);
        values.menuShown = false;
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        if (answer.gaveUp) return sayGaveUp(step);
        // The account sent alone before the menu is the one the chosen flow is about.
        const r: Recognition = values.account
            ? { ...turn.recognition, entities: [...turn.recognition.entities, { type: 'accountNumber', value: values.account, start: 0, end: 0 }] }
            : turn.recognition;
        if (answer.choice === 'language') return this.act(step, turn.language === 'hi' ? 'language.en' : 'language.hi', r);
        if (answer.choice === 'complaint') return this.startComplaint(step, r, true);
        if (answer.choice === 'updates') return turn.identity.subscribed ? this.act(step, 'unsubscribe', r) : this.subscribe(step);
        const item = MENU.find((m) => m.value === answer.choice);
        return this.act(step, item?.intent ?? r.intent, r);
    }

    private async afterFlow(step: WaterfallStepContext) {
        // The answer to "is it fixed?" (or "were you called?") was the whole conversation.
        const values = step.values as MainValues;
        if (values.confirming || values.askedCalled || values.recontacting) return step.endDialog();
        const result = step.result as FlowResult | undefined;
        if (result?.followUp) return step.replaceDialog(FLOW, { intent: TurnData.of(step.context).recognition.intent } satisfies MainDialogOptions);
        if (result?.showMenu) return step.replaceDialog(FLOW, { menu: 'common:menuIntro' } satisfies MainDialogOptions);
        await step.context.sendActivity(TurnData.of(step.context).t('common:anythingElse'));
        return step.endDialog();
    }

    private async subscribe(step: WaterfallStepContext) {
        await this.turnOnUpdates(step.context);
        return step.endDialog();
    }

    private async turnOnUpdates(context: TurnContext): Promise<void> {
        const turn = TurnData.of(context);
        await this.services.identities.setSubscribed(turn.identity, true);
        const linked = await this.services.identities.verifiedAccounts(turn.identity.id);
        await context.sendActivity(turn.t(linked.length > 0 ? 'common:subscribed' : 'common:subscribedNoAccount'));
    }

    /** The consumer's answer to "is it fixed?": yes closes the complaint once proven, no reopens it. */
    private async confirmed(step: WaterfallStepContext, ticket: string) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        if (answer.choice === 'later') return sayFixedLater(step, ticket);
        return step.beginDialog(ConfirmFixedDialog.id, { ticket, fixed: answer.choice === 'yes' } satisfies ConfirmFixedOptions);
    }

    /** The incident the complaint with `ticket` is joined to, if any. */
    private async faultOf(ticket: string): Promise<Incident | null> {
        const found = await this.services.complaints.findByTicket(ticket);
        return found ? ((await this.services.incidents.forComplaint(found.complaint.id))?.incident ?? null) : null;
    }

    /** Does what `intent` asks: starts its flow, or answers it directly and shows the menu where that helps. */
    private async act(step: WaterfallStepContext, intent: Intent, r: Recognition): Promise<DialogTurnResult> {
        const turn = TurnData.of(step.context);
        const account = r.entities.find((e) => e.type === 'accountNumber')?.value;
        const ticket = r.entities.find((e) => e.type === 'ticket')?.value;
        // "compensation claim karna hai C2612-0004": a claim on that complaint (or what became of it).
        if (ticket && !intent.startsWith('language.') && intent !== 'cancel' && turn.mentions('claims:words.claim', r.text)) {
            return step.beginDialog(CompensationClaimDialog.id, { ticket } satisfies CompensationClaimOptions);
        }
        // "mujhe muavza chahiye", "I want compensation": a claim on their latest delayed complaint (or what became of it).
        if (!ticket && !NOT_A_CLAIM.has(intent) && !intent.startsWith('language.') && turn.mentions('claims:words.claim', r.text)) {
            return step.beginDialog(CompensationClaimDialog.id, {} satisfies CompensationClaimOptions);
        }
        // A ticket in the message is about that complaint, whatever else it says ("C2612-0042 taar abhi bhi gira hai").
        if (ticket && !intent.startsWith('language.') && intent !== 'cancel' && intent !== 'unsubscribe') intent = 'complaint.status';
        // A callback reference alone or with a question ("R2612-0003 ka kya hua", "status R2612-0003") asks after that request.
        const callback = ticket ? null : callbackReferenceIn(r.text);
        if (callback && !intent.startsWith('language.') && intent !== 'cancel' && intent !== 'unsubscribe') {
            return step.beginDialog(CallbackStatusDialog.id, { reference: callback } satisfies CallbackStatusOptions);
        }
        // "status M2612-0001": a mobile change request, asked after by its reference.
        const mobileRequest = ticket || callback ? null : mobileReferenceIn(r.text);
        if (mobileRequest && !intent.startsWith('language.') && intent !== 'cancel' && intent !== 'unsubscribe') {
            return step.beginDialog(MobileRequestStatusDialog.id, { reference: mobileRequest } satisfies MobileRequestStatusOptions);
        }
        // "mera number badal gaya", "link my mobile": said by a rule, it is done here rather than answered as a question.
        // ("to mobile number kaise judwaye?" asks how: the everyday answer says so and offers to take the request.)
        const asksHow = turn.mentions('mobile:words.howTo', r.text);
        if (intent === 'mobile.update' && r.score >= SURE_MOBILE && !ticket && !asksHow) return this.begin(step, intent, r);
        // Only a rule opts out; the statistical model's guess at "mujhe chahiye ye" must not.
        if (intent === 'unsubscribe' && r.score <= GUESS_SCORE) intent = 'none';
        // Nor does the model's guess ask when the power returns ("office kitne baje khulta h" asks office hours).
        if (intent === 'outage.eta' && r.score <= GUESS_SCORE) intent = 'none';
        // "kab tak theek hoga?", "jaldi karo" from someone with an open complaint ask after it.
        const short = r.text.split(/\s+/).length <= FOLLOW_UP_MAX_WORDS;
        // ("shikayat ka number bata do": the ticket, when there is one, not the helpline's number.)
        // ("…light to nahi kategi na?", "will somebody come to check?": what happens next, unless an everyday answer says.)
        // A sure complaint ("no light in the whole colony… 1912 is always busy") needs a longer question to be one.
        const sureComplaint = isFault(intent) && r.score >= SURE_COMPLAINT;
        const whatNext =
            /\?\s*$/.test(r.text) && turn.mentions('status:words.whatNext', r.text) && (this.services.faq.match(r.text)?.words ?? 0) < (sureComplaint ? 3 : 2);
        const aboutOpen = asksWhen(turn, r.text) || whatNext || turn.mentions('status:words.hurry', r.text) || turn.mentions('status:words.ticketAsk', r.text);
        // "what time exactly?", "so when will it come?" just after an outage answer (a fault, a shutdown) ask more of it.
        const outage = turn.previousOutage;
        const asksMore = asksWhen(turn, r.text) || intent === 'outage.eta' || turn.mentions('incidents:words.followUp', r.text);
        const briefFollowUp = r.text.split(/\s+/).length <= OUTAGE_FOLLOW_UP_MAX_WORDS;
        if (outage && !ticket && !account && briefFollowUp && asksMore && !(isFault(intent) && r.score >= SURE_COMPLAINT)) {
            return step.beginDialog(OutageInfoDialog.id, { question: outage.question, accountNumber: outage.account ?? undefined } satisfies OutageInfoOptions);
        }
        // "since last night no light, how many more hours??" from a reporter whose report is in an open fault: that fault
        // (and their own ticket), not a second report asking the account again.
        if (!ticket && isFault(intent) && this.services.categories.isOutage(this.services.categories.detect(intent, r.text)?.id ?? '')) {
            const { channelId, from } = step.context.activity;
            const own = await this.services.incidents.forChat(channelId, from.id);
            if (own && ACTIVE_INCIDENT_STATUSES.includes(own.incident.status) && OPEN_STATUSES.includes(own.complaint.status)) {
                return step.beginDialog(OutageInfoDialog.id, { question: 'eta' } satisfies OutageInfoOptions);
            }
        }
        // "what time exactly?" after the everyday answer on planned shutdowns: their area's schedule (the account is asked).
        if (turn.previousFaq === 'planned_shutdown' && !ticket && briefFollowUp && asksWhen(turn, r.text) && !isRequest(r)) {
            return step.beginDialog(OutageInfoDialog.id, { question: 'shutdown', accountNumber: account } satisfies OutageInfoOptions);
        }
        // "kab aayegi light?": answered from the incident this chat's report is joined to; without a report of their own,
        // from their area's. (A complaint of their own that is no known fault answers it with its own time limit.)
        if (!ticket && (intent === 'outage.eta' || (short && asksWhen(turn, r.text)))) {
            const { channelId, from } = step.context.activity;
            if (await this.services.incidents.forChat(channelId, from.id)) {
                return step.beginDialog(OutageInfoDialog.id, { question: 'eta' } satisfies OutageInfoOptions);
            }
            if (intent === 'outage.eta' && !(await this.statusDialog.latestOpen(step.context))) return this.begin(step, intent, r);
        }
        if (!ticket && short && aboutOpen && (await this.statusDialog.latestOpen(step.context))) {
            return step.beginDialog(ComplaintStatusDialog.id, { latest: true, text: r.text } satisfies ComplaintStatusOptions);
        }
        // "complaint ki thi", "शिकायत की थी मैंने": a complaint made before, when this user has one, not a new one.
        if (!ticket && turn.mentions('status:words.madeBefore', r.text) && (await this.statusDialog.hasAny(step.context))) {
            return step.beginDialog(ComplaintStatusDialog.id, { text: r.text } satisfies ComplaintStatusOptions);
        }
        // "kya aap English me baat kar sakte hain?" asks for the language, not what the bot can do.
        const languageRequest = intent.startsWith('language.') && r.score >= LANGUAGE_REQUEST_SCORE;
        const faq = languageRequest ? null : this.services.faq.match(r.text);
        // "kal light katne wali hai kya?" from someone whose account is at hand: their area's schedule, not the general answer.
        if (faq?.topic === 'planned_shutdown' && this.services.shutdowns && !ticket) {
            const linked = account ? [account] : await this.services.identities.verifiedAccounts(turn.identity.id);
            if (linked.length > 0) return step.beginDialog(OutageInfoDialog.id, { question: 'shutdown', accountNumber: account } satisfies OutageInfoOptions);
        }
        // "kaise hoga?", "kagaz kya lagenge", "online apply ho jayega?" just after an everyday answer ask more of it:
        // that answer again, rather than a flow the words half match.
        const previous = turn.previousFaq;
        const words = r.text.trim().split(/\s+/).length;
        const brief = words <= FAQ_FOLLOW_UP_MAX_WORDS;
        // "mujhe chahiye ye", "haan bhejo" to an answer that offers something ("send START for area notices"): done.
        const offer = previous ? this.offerOf(turn, previous) : null;
        if (
            offer &&
            words <= ACCEPT_MAX_WORDS &&
            turn.mentions('faq:accept', r.text) &&
            readYesNo(turn, r.text)?.answer !== 'no' &&
            !(isRequest(r) && r.score >= SURE_COMPLAINT)
        ) {
            return this.begin(step, offer, { ...r, intent: offer });
        }
        if (
            previous &&
            !(faq && faq.words >= 2) &&
            !ticket &&
            !account &&
            brief &&
            turn.mentions('faq:followUp', r.text) &&
            !(isRequest(r) && r.score >= SURE_COMPLAINT)
        ) {
            await this.sayEverydayAnswer(step.context, previous, true);
            return step.endDialog();
        }
        // A fault on the network is never mistaken for a question ("transformer se tel tapak raha hai").
        const hazard = hazardIntent(intent);
        // With an account number the consumer wants something done on that account ("8041573269 uska bill batao").
        // So does one asking for their own bill ("dukan ka bill batao aur payment ka link bhejo"), over where to pay.
        const ownBill = intent.startsWith('bill.') && turn.mentions('bill:words.ownBill', r.text);
        // ("i dont want area news anymore, unsubscribe me": a sure opt-in or opt-out is done, whatever words it shares.)
        const control = (intent === 'subscribe' || intent === 'unsubscribe') && r.score >= SURE_CONTROL;
        const specific = !!ticket || (!!account && isRequest(r)) || ownBill || control;
        // (A danger read from words shared with theft or solar questions, "katiya from the pole", takes two.)
        const needed = sureComplaint && !hazard ? 3 : 2;
        // Over a fault said for sure, the question's words must also stand together ("meter jal gaya … connection dadi
        // ke naam pe hai" reports a burnt meter, not a name change).
        // A topic marked `afterFaults` ("call the fire brigade?") never stands in for the fault it comes with, whose
        // safety advice says as much.
        const yields = faq && isRequest(r) && intent.startsWith('complaint.') && turn.t(`faq:topics.${faq.topic}.afterFaults`) === 'true';
        // (So does asking for a person for sure, "I want to talk to some officer… please arrange a call": no everyday
        // answer stands in for one.)
        const sureRequest = sureComplaint || (intent === 'agent' && r.score >= SURE_COMPLAINT);
        const asked = faq && !yields && (faq.close || (!sureRequest && !hazard));
        if (faq && asked && !specific && (faq.words >= needed || (!hazard && !sureComplaint && (r.score < FAQ_OVERRULES_BELOW || !isRequest(r))))) {
            // "send me a message whenever there is a shutdown, how to subscribe?": what the answer offers is what was
            // asked for, so it is done rather than described.
            // (Not "mobile number kaise judwaye?": asking how to change a mobile is told how, with the offer to do it.)
            if (this.offerOf(turn, faq.topic) === intent && r.score >= OFFER_ASKED && !(intent === 'mobile.update' && asksHow))
                return this.begin(step, intent, r);
            // "my old number is lost, register my new one": a request for what the mobile answer offers, not a question.
            if (this.offerOf(turn, faq.topic) === 'mobile.update' && !asksHow) return this.begin(step, 'mobile.update', r);
            await this.sayEverydayAnswer(step.context, faq.topic, true);
            return step.endDialog();
        }
        // "ok pls do it fast" after a status: an acknowledgement, not a request the model half-guessed.
        // ("thank you for your help" thanks; it does not ask for help.)
        // ("good evening sir, thank you, lineman came and fixed it": an officer named, none asked for.)
        const namesOnly = r.intent === 'agent' && r.score < AGENT_ASKED;
        const thanksFirst = startsWithSmallTalk(turn, r.text) && (r.score <= GUESS_SCORE || r.intent === 'help' || r.intent === 'greeting' || namesOnly);
        if ((!isRequest(r) || r.score <= GUESS_SCORE) && (isSmallTalk(turn, r.text) || thanksFirst) && !greetsOnly(turn, r)) {
            await step.context.sendActivity(turn.t(turn.mentions('common:words.howAreYou', r.text) ? 'common:howAreYouReply' : 'common:smallTalkReply'));
            return step.endDialog();
        }
        // "खाता … में शिकायत करनी है": a complaint whose kind is not said yet, whatever the model guessed.
        if (r.score <= GUESS_SCORE && (intent === 'complaint.status' || !intent.startsWith('complaint.')) && turn.mentions('common:words.complaint', r.text)) {
            return this.startComplaint(step, r, true);
        }
        // "बेटा मुझसे ये मोबाइल पे लिखना नहीं होता": someone who cannot type is offered an officer's call.
        if (r.score <= GUESS_SCORE && turn.mentions('common:words.cantType', r.text)) return this.begin(step, 'agent', r);
        // "ye kya tamasha hai bijli vibhag ka", a bare "jaldi": anger or haste before the problem is said is heard, and
        // the consumer is asked what happened, rather than told they were not understood or sent to an officer.
        const upset = turn.mentions('common:words.grievance', r.text) || (short && turn.mentions('status:words.hurry', r.text));
        if (upset && r.score <= GUESS_SCORE && r.entities.length === 0) return this.menuAgain(step, 'common:grievance');
        // "3305871962", "खाता 7081926354" alone: what to do for that account is asked, rather than a guess at it.
        const besideAccount = r.text.replace(/[0-9\u0966-\u096F\s\-.,:/]+/g, ' ').trim();
        if (account && (intent === 'none' || r.score <= GUESS_SCORE) && besideAccount.split(' ').filter(Boolean).length <= 2) {
            return step.replaceDialog(FLOW, { account } satisfies MainDialogOptions);
        }
        return this.begin(step, intent, r);
    }

    /** Starts what `intent` asks for, once the message has been read for everything else (see {@link act}). */
    private async begin(step: WaterfallStepContext, intent: Intent, r: Recognition): Promise<DialogTurnResult> {
        const turn = TurnData.of(step.context);
        const account = r.entities.find((e) => e.type === 'accountNumber')?.value;
        const ticket = r.entities.find((e) => e.type === 'ticket')?.value;
        switch (intent) {
            case 'complaint.status':
                return step.beginDialog(ComplaintStatusDialog.id, { ticket, text: r.text } satisfies ComplaintStatusOptions);
            case 'bill.query':
            case 'bill.pay':
                return step.beginDialog(BillDialog.id, { mode: intent === 'bill.pay' ? 'pay' : 'latest', accountNumber: account });
            case 'meter.info':
                return step.beginDialog(MeterDialog.id, { accountNumber: account });
            case 'meter.reading':
                return step.beginDialog(MeterReadingDialog.id, { accountNumber: account });
            case 'agent': {
                // "nobody called me yet", "got a call from the JE": about the request in hand, not a new one.
                const { channelId, from } = step.context.activity;
                const pending = await this.services.callbacks.pendingFor(channelId, from.id);
                if (pending) return step.beginDialog(CallbackStatusDialog.id, { reference: pending.reference, text: r.text } satisfies CallbackStatusOptions);
                return step.beginDialog(HandoffDialog.id);
            }
            case 'outage.eta':
                // With a complaint of their own open, its time limit is the answer; else their area's fault, if any.
                if (await this.statusDialog.latestOpen(step.context)) {
                    return step.beginDialog(ComplaintStatusDialog.id, { latest: true, text: r.text } satisfies ComplaintStatusOptions);
                }
                return step.beginDialog(OutageInfoDialog.id, {
                    question: 'eta',
                    accountNumber: account ?? turn.previousOutage?.account ?? undefined,
                } satisfies OutageInfoOptions);
            case 'mobile.update':
                return step.beginDialog(MobileUpdateDialog.id, { accountNumber: account } satisfies MobileUpdateOptions);
            case 'language.hi':
            case 'language.en':
                await this.switchLanguage(step, intent === 'language.hi' ? 'hi' : 'en');
                return this.menuAgain(step, 'common:menuIntro');
            case 'subscribe':
                return this.subscribe(step);
            case 'unsubscribe':
                await this.services.identities.setSubscribed(turn.identity, false);
                await step.context.sendActivity(turn.t('common:unsubscribed'));
                return step.endDialog();
            case 'cancel':
                // "ok never mind" with nothing under way: acknowledged in a line, no menu.
                await step.context.sendActivity(turn.t('common:nothingToCancel'));
                return step.endDialog();
            case 'help':
                await step.context.sendActivity(turn.t('common:help'));
                return this.menuAgain(step, 'common:menuIntro');
            case 'greeting':
                return this.menuAgain(step, 'common:welcome');
            case 'none':
                // "भाई साहब", "sir ji": someone calling for attention is greeted, not told they were not understood.
                if (onlyFillers(turn, r.text)) return this.menuAgain(step, 'common:welcome');
                if (saidOneOf(turn.wordList('common:words.complaint'), r.text)) return this.startComplaint(step, r, true);
                // "सर जी मैं बैटरी वाला ऑटो चलाता हूं…": someone introducing themselves is asked what they need, not told
                // they were not understood.
                if (r.text.trim().split(/\s+/).length >= INTRODUCTION_WORDS && turn.mentions('common:words.aboutMe', r.text)) {
                    return this.menuAgain(step, 'common:introHeard');
                }
                return this.menuAgain(step, r.text.trim() === '' ? 'common:emptyInput' : 'common:notUnderstood');
            default:
                return this.startComplaint(step, r, false);
        }
    }

    private async startComplaint(step: WaterfallStepContext, r: Recognition, askCategory: boolean) {
        const options: ComplaintDialogOptions = {
            category: askCategory ? undefined : this.services.categories.detect(r.intent, r.text)?.id,
            text: askCategory ? undefined : r.text,
            accountNumber: r.entities.find((e) => e.type === 'accountNumber')?.value,
            safetyWarned: (step.values as MainValues).safetyWarned,
        };
        return step.beginDialog(ComplaintDialog.id, options);
    }

    /** Shows the menu from any step: restarting the flow keeps the menu's answer on the step that reads it. */
    private async menuAgain(step: WaterfallStepContext, introKey: string) {
        return step.replaceDialog(FLOW, { menu: introKey } satisfies MainDialogOptions);
    }

    private async showMenu(step: WaterfallStepContext, introKey: string, vars?: Record<string, unknown>) {
        (step.values as MainValues).menuShown = true;
        const choices: AskChoice[] = MENU.map((m) => ({
            value: m.value,
            label: { key: `common:menu.${m.value}` },
            synonymsKey: m.synonymsKey,
        }));
        return step.prompt(ASK_MENU, AskPrompt.options(introKey, vars, choices, { maxAttempts: MENU_ATTEMPTS }));
    }

    private complaintInProgress(dc: DialogContext): boolean {
        return dc.stack.some((instance) => instance.id === ComplaintDialog.id);
    }

    /** Uses `language` from now on without announcing it (the user wrote in it). */
    private async adoptLanguage(dc: DialogContext, language: Language): Promise<void> {
        const turn = TurnData.of(dc.context);
        await this.services.identities.setLanguage(turn.identity, language);
        turn.useLanguage(language);
    }

    private async switchLanguage(dc: DialogContext, language: Language): Promise<void> {
        const turn = TurnData.of(dc.context);
        turn.languageChosen = true;
        await this.services.identities.setLanguage(turn.identity, language);
        turn.useLanguage(language);
        await dc.context.sendActivity(turn.t('common:languageSet'));
    }
}

/** The flows a request can start, outermost first, for telling a new request from the one under way. */
const FLOWS = [ComplaintDialog.id, ComplaintStatusDialog.id, BillDialog.id, MeterReadingDialog.id, MeterDialog.id, HandoffDialog.id, MobileUpdateDialog.id];

/** A fault on the network: a wire, a pole, a transformer. */
function hazardIntent(intent: Intent): boolean {
    return intent === 'complaint.line' || intent === 'complaint.transformer';
}

/** The flow an intent starts. */
function flowFor(intent: Intent): string | null {
    if (intent === 'complaint.status') return ComplaintStatusDialog.id;
    if (intent.startsWith('complaint.')) return ComplaintDialog.id;
    if (intent.startsWith('bill.')) return BillDialog.id;
    if (intent === 'meter.reading') return MeterReadingDialog.id;
    if (intent === 'meter.info') return MeterDialog.id;
    if (intent === 'agent') return HandoffDialog.id;
    if (intent === 'mobile.update') return MobileUpdateDialog.id;
    return null;
}
