import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { Language } from '../src/i18n/Translator';
import { Intent, Recognition } from '../src/nlu/IntentRecognizer';
import { foldForMatching } from '../src/nlu/normalizeText';
import { AskAnswer, AskChoice, AskPrompt } from './AskPrompt';
import { BillDialog } from './BillDialog';
import { ComplaintDialog, ComplaintDialogOptions } from './ComplaintDialog';
import { ComplaintStatusDialog, ComplaintStatusOptions } from './ComplaintStatusDialog';
import { DialogServices } from './DialogServices';
import { HandoffDialog } from './HandoffDialog';
import { LanguageDialog, LanguageResult } from './LanguageDialog';
import { MeterDialog } from './MeterDialog';
import { MeterReadingDialog } from './MeterReadingDialog';

/** Options of {@link MainDialog}. */
export interface MainDialogOptions {
    /** Show the menu straight away (after "menu", a cancel, or a welcome). */
    menuOnly?: boolean;
    /** Act on this intent instead of the turn's message (e.g. after an interruption). */
    intent?: Intent;
    /** A new conversation: greet, then the menu (or the language choice for a new user). */
    welcome?: boolean;
}

/** What the main flow keeps between its steps. */
interface MainValues {
    /** The first message of a new user, kept while they choose a language. */
    pending?: string;
    /** The safety warning was already given for that message. */
    safetyWarned?: boolean;
    menuShown?: boolean;
}

const FLOW = 'main.flow';
const ASK_MENU = 'main.menu';
// Interruptions must not fire on a description that merely mentions an officer or the word "help".
const INTERRUPT_SCORE = 0.7;
const INTERRUPT_SCORE_LONG = 0.9;
const INTERRUPT_MAX_WORDS = 4;

const MENU: Array<{ value: string; intent: Intent; synonymsKey?: string }> = [
    { value: 'complaint', intent: 'complaint.no_supply', synonymsKey: 'common:words.complaint' },
    { value: 'status', intent: 'complaint.status' },
    { value: 'bill', intent: 'bill.query' },
    { value: 'meter', intent: 'meter.info' },
    { value: 'reading', intent: 'meter.reading' },
    { value: 'agent', intent: 'agent' },
    { value: 'language', intent: 'language.en' },
];

/**
 * The root dialog: makes sure the user's language is known, routes typed requests by intent or shows the menu,
 * and handles interruptions once for every flow below it: cancel, menu, help, talk to an officer and a language
 * switch work at any prompt.
 */
export class MainDialog extends ComponentDialog {
    static readonly id = 'mainDialog';

    constructor(private readonly services: DialogServices) {
        super(MainDialog.id);
        this.addDialog(new LanguageDialog(services));
        this.addDialog(new ComplaintDialog(services));
        this.addDialog(new ComplaintStatusDialog(services));
        this.addDialog(new BillDialog(services));
        this.addDialog(new MeterDialog(services));
        this.addDialog(new MeterReadingDialog(services));
        this.addDialog(new HandoffDialog(services));
        this.addDialog(new AskPrompt(ASK_MENU, services.output, async (answer) =>
            answer.choice || this.isRoutable(this.services.recognizer.recognize(answer.text)) ? true : { key: 'common:retry.menu' }));
        this.addDialog(new WaterfallDialog(FLOW, [
            this.ensureLanguage.bind(this),
            this.route.bind(this),
            this.afterMenuOrFlow.bind(this),
            this.afterFlow.bind(this),
        ]));
        this.initialDialogId = FLOW;
    }

    protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
        return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
    }

    private async interrupt(dc: DialogContext): Promise<DialogTurnResult | null> {
        const activity = dc.context.activity;
        if (activity.type !== ActivityTypes.Message || !activity.text) return null;
        if (dc.activeDialog?.id === LanguageDialog.id) return null;
        const turn = TurnData.of(dc.context);
        if (this.isMenuWord(dc, activity.text)) {
            await dc.cancelAllDialogs();
            return dc.beginDialog(FLOW, { menuOnly: true } satisfies MainDialogOptions);
        }
        const r = turn.recognition;
        const words = activity.text.trim().split(/\s+/).length;
        if (r.score < INTERRUPT_SCORE || (words > INTERRUPT_MAX_WORDS && r.score < INTERRUPT_SCORE_LONG)) return null;
        // A tapped button ("Call me on ******3210") answers the prompt even if its words sound like a request.
        if (AskPrompt.answersPendingButton(dc, activity.text)) return null;
        switch (r.intent) {
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
                return dc.beginDialog(FLOW, { intent: r.intent } satisfies MainDialogOptions);
            case 'language.hi':
            case 'language.en':
                await this.switchLanguage(dc, r.intent === 'language.hi' ? 'hi' : 'en');
                await dc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            default:
                return null;
        }
    }

    private async ensureLanguage(step: WaterfallStepContext) {
        const turn = TurnData.of(step.context);
        if (turn.language) return step.next();
        const r = turn.recognition;
        if (r.intent === 'language.hi' || r.intent === 'language.en') return step.next();
        if ((step.options as MainDialogOptions | undefined)?.welcome) return step.beginDialog(LanguageDialog.id);
        if (r.language === 'hi' || r.language === 'hi-Latn') {
            await this.services.identities.setLanguage(turn.identity, 'hi');
            turn.useLanguage('hi');
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
            if (this.isRoutable(first)) return this.act(step, first.intent, first);
            return this.showMenu(step, 'common:welcome');
        }
        if (options.welcome) return this.showMenu(step, 'common:welcome');
        if (options.menuOnly || this.isMenuWord(step, turn.recognition.text)) return this.showMenu(step, 'common:menuIntro');
        return this.act(step, options.intent ?? turn.recognition.intent, turn.recognition);
    }

    private async afterMenuOrFlow(step: WaterfallStepContext) {
        const values = step.values as MainValues;
        if (!values.menuShown) return this.afterFlow(step);
        values.menuShown = false;
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        if (answer.gaveUp) {
            await step.context.sendActivity(turn.t('common:gaveUp'));
            return step.endDialog();
        }
        if (answer.choice === 'language') return this.act(step, turn.language === 'hi' ? 'language.en' : 'language.hi', turn.recognition);
        const item = MENU.find((m) => m.value === answer.choice);
        if (item) return this.act(step, item.intent, turn.recognition, item.value === 'complaint');
        const r = this.services.recognizer.recognize(answer.text, turn.language ?? 'en');
        return this.act(step, r.intent, r);
    }

    private async afterFlow(step: WaterfallStepContext) {
        const result = step.result as { showMenu?: boolean } | undefined;
        if (result?.showMenu) return step.replaceDialog(FLOW, { menuOnly: true } satisfies MainDialogOptions);
        await step.context.sendActivity(TurnData.of(step.context).t('common:anythingElse'));
        return step.endDialog();
    }

    /** Does what `intent` asks: starts its flow, or answers it directly and shows the menu where that helps. */
    private async act(step: WaterfallStepContext, intent: Intent, r: Recognition, askCategory = false) {
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
            case 'agent':
                return step.beginDialog(HandoffDialog.id);
            case 'language.hi':
            case 'language.en':
                await this.switchLanguage(step, intent === 'language.hi' ? 'hi' : 'en');
                return this.showMenu(step, 'common:menuIntro');
            case 'unsubscribe':
                await this.services.identities.setUpdatesOptOut(turn.identity, true);
                await step.context.sendActivity(turn.t('common:unsubscribed'));
                return step.endDialog();
            case 'cancel':
                await step.context.sendActivity(turn.t('common:nothingToCancel'));
                return this.showMenu(step, 'common:menuIntro');
            case 'help':
                await step.context.sendActivity(turn.t('common:help'));
                return this.showMenu(step, 'common:menuIntro');
            case 'greeting':
                return this.showMenu(step, 'common:welcome');
            case 'none':
                if (this.mentionsComplaint(step, r.text)) return this.startComplaint(step, r, true);
                return this.showMenu(step, r.text.trim() === '' ? 'common:emptyInput' : 'common:notUnderstood');
            default:
                return this.startComplaint(step, r, askCategory);
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

    private async showMenu(step: WaterfallStepContext, introKey: string) {
        (step.values as MainValues).menuShown = true;
        const choices: AskChoice[] = MENU.map((m) => ({
            value: m.value,
            label: { key: `common:menu.${m.value}` },
            synonymsKey: m.synonymsKey,
        }));
        return step.prompt(ASK_MENU, AskPrompt.options(introKey, undefined, choices));
    }

    /** Whether a message asks for something the bot does (a flow, an officer, an opt-out), as opposed to chit-chat. */
    private isRoutable(r: Pick<Recognition, 'intent' | 'score'>): boolean {
        return r.score >= 0.5 && (r.intent.startsWith('complaint.') || r.intent.startsWith('bill.') || r.intent.startsWith('meter.')
            || r.intent === 'agent' || r.intent === 'unsubscribe');
    }

    private mentionsComplaint(step: WaterfallStepContext, text: string): boolean {
        return saidOneOf(TurnData.of(step.context).wordList('common:words.complaint'), text);
    }

    private isMenuWord(dc: DialogContext, text: string | undefined): boolean {
        if (!text) return false;
        return saidOneOf(TurnData.of(dc.context).wordList('common:words.menu'), text);
    }

    private async switchLanguage(dc: DialogContext, language: Language): Promise<void> {
        const turn = TurnData.of(dc.context);
        await this.services.identities.setLanguage(turn.identity, language);
        turn.useLanguage(language);
        await dc.context.sendActivity(turn.t('common:languageSet'));
    }
}

function saidOneOf(words: string[], text: string): boolean {
    const folded = foldForMatching(text);
    return words.some((w) => foldForMatching(w) === folded);
}
