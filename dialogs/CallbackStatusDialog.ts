import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { CallbackRequest } from '../src/data/entities/CallbackRequest';
import { formatDateTime } from '../src/i18n/format';
import { toAsciiDigits } from '../src/nlu/normalizeText';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { readAnswerPhrases } from './yesNo';
import { DialogServices } from './DialogServices';
import { sayGaveUp } from './sayGaveUp';

/** Options of {@link CallbackStatusDialog}. */
export interface CallbackStatusOptions {
    /** The callback reference (`R2612-0003`). */
    reference: string;
    /** A proactive turn: an official recorded the call; ask at once whether the consumer was called. */
    askCalled?: boolean;
    /** What the consumer wrote, which may already say whether they were called ("got a call from the JE"). */
    text?: string;
}

/** The words in which a consumer says they were, or were not, called. */
const CALLED_PHRASES = { yes: 'handoff:words.called', no: 'handoff:words.notCalled' };

const REFERENCE = /(?<![\p{L}\p{N}/])[Rr]\s?-?\s?([0-9]{4})\s?-?\s?([0-9]{4,6})(?![0-9])/u;
const ASK_CALLED = 'callbackStatus.called';
const FLOW = 'callbackStatus.flow';

/** The callback reference in `text` ("R2612-0003 ka kya hua", "status r 2612 0003"), in canonical form, or null. */
export function callbackReferenceIn(text: string): string | null {
    const match = toAsciiDigits(text).match(REFERENCE);
    return match ? `R${match[1]}-${match[2]}` : null;
}

/**
 * A callback request by its `R…` reference. The chat that asked for it is told its state, due time and the level of
 * the official who owns it (never the name); anyone else only that it exists and its state, as for tickets. After an
 * official recorded the call, the chat that asked is asked "were you called?": no reopens it and tells the owner.
 */
export class CallbackStatusDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'callbackStatusDialog';

    constructor(private readonly services: DialogServices) {
        super(CallbackStatusDialog.id);
        // "got the call from JE sahab" or "officer never called" answers the question in its own words.
        this.addDialog(new AskPrompt(ASK_CALLED, services.output, undefined, { strictYes: true, answerPhrases: CALLED_PHRASES }));
        this.addDialog(new WaterfallDialog(FLOW, [this.show.bind(this), this.answered.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async show(step: WaterfallStepContext) {
        const { reference, askCalled, text } = step.options as CallbackStatusOptions;
        const { t, language } = TurnData.of(step.context);
        const request = await this.services.callbacks.findByReference(reference);
        if (!request) {
            await step.context.sendActivity(t('handoff:status.unknown', { reference }));
            return step.endDialog();
        }
        const state = t(`handoff:states.${request.status}`);
        // References are sequential, so anyone can type one: a stranger learns only that it exists and its state.
        if (!this.isTheirs(step, request)) {
            await step.context.sendActivity(t('handoff:status.brief', { reference: request.reference, status: state }));
            return step.endDialog();
        }
        const waiting = request.status === 'called' && request.consumerAnswer === null;
        const said = waiting && text ? readAnswerPhrases(TurnData.of(step.context), text, CALLED_PHRASES) : null;
        if (said) return this.record(step, request.id, said === 'yes');
        if (!askCalled) {
            const level = this.services.callbacks.ownerLevel(request);
            const lines = [
                t('handoff:status.detail', {
                    reference: request.reference,
                    status: state,
                    owner: level ? t(`handoff:levels.${level}`) : t('handoff:levels.none'),
                    time: formatDateTime(request.createdAt, language ?? 'en'),
                }),
            ];
            if (request.dueAt && (request.status === 'open' || request.status === 'reopened')) {
                lines.push(t('handoff:status.due', { time: formatDateTime(request.dueAt, language ?? 'en') }));
            }
            if (request.status === 'converted' && request.convertedTicket) lines.push(t('handoff:status.converted', { ticket: request.convertedTicket }));
            await step.context.sendActivity(lines.join('\n'));
        }
        if (!waiting) {
            if (askCalled) await step.context.sendActivity(t('handoff:status.brief', { reference: request.reference, status: state }));
            return step.endDialog();
        }
        (step.values as { id: number }).id = request.id;
        return step.prompt(ASK_CALLED, AskPrompt.options('handoff:askCalled', { reference: request.reference }, yesNoChoices()));
    }

    private async answered(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        return this.record(step, (step.values as { id: number }).id, answer.choice === 'yes');
    }

    /** Records the consumer's answer to "were you called?" and thanks them, or reopens the request. */
    private async record(step: WaterfallStepContext, id: number, called: boolean) {
        const { t } = TurnData.of(step.context);
        const request = await this.services.callbacks.answerCalled(id, called);
        if (!request) {
            await step.context.sendActivity(t('handoff:alreadyAnswered'));
            return step.endDialog();
        }
        await step.context.sendActivity(t(called ? 'handoff:calledThanks' : 'handoff:notCalledReopened', { reference: request.reference }));
        return step.endDialog();
    }

    private isTheirs(step: WaterfallStepContext, request: CallbackRequest): boolean {
        const activity = step.context.activity;
        return request.channel === activity.channelId && request.channelUserId === activity.from.id;
    }
}
