import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { sayGaveUp } from './sayGaveUp';

/** Options of {@link StillWorkingDialog}. */
export interface StillWorkingOptions {
    /** The closed complaint drawn for the re-contact. */
    ticket: string;
}

const ASK = 'stillWorking.ask';
const FLOW = 'stillWorking.flow';

/**
 * The random re-contact of a confirmed closure: "Is the supply still working fine since the fix?". Yes is recorded;
 * no reopens the complaint (same ticket, history kept) and counts against the closure on the dashboard.
 */
export class StillWorkingDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'stillWorkingDialog';

    constructor(private readonly services: DialogServices) {
        super(StillWorkingDialog.id);
        this.addDialog(new AskPrompt(ASK, services.output, undefined, { strictYes: true }));
        this.addDialog(new WaterfallDialog(FLOW, [this.ask.bind(this), this.answered.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async ask(step: WaterfallStepContext) {
        const { ticket } = step.options as StillWorkingOptions;
        return step.prompt(ASK, AskPrompt.options('status:askStillWorking', { ticket }, yesNoChoices()));
    }

    private async answered(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { ticket } = step.options as StillWorkingOptions;
        const { t } = TurnData.of(step.context);
        if (answer.gaveUp) return sayGaveUp(step);
        const complaint = (await this.services.complaints.findByTicket(ticket))?.complaint;
        const outcome = complaint ? await this.services.lifecycle.recordRecontact(complaint.id, answer.choice === 'yes') : 'not_asked';
        if (outcome === 'not_asked') await step.context.sendActivity(t('status:recontact.noLonger', { ticket }));
        else await step.context.sendActivity(t(answer.choice === 'yes' ? 'status:recontact.thanks' : 'status:recontact.reopened', { ticket }));
        return step.endDialog();
    }
}
