import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { Incident } from '../src/data/entities/Incident';
import { formatDateTime } from '../src/i18n/format';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { FlowResult } from './FlowResult';

/** Options of {@link KnownFaultDialog}. */
export interface KnownFaultOptions {
    /** The consumer's complaint, just registered and joined to an incident. */
    complaintId: number;
}

/** The id of the question whether to send changes of the restoration time. */
export const ASK_UPDATES = 'knownFault.updates';
const FLOW = 'knownFault.flow';

/**
 * The answer to a no-supply report that belongs to a known fault: the incident's reference, how many neighbours
 * reported it and since when, the cause and restoration time when set, and the consumer's own ticket (its due time and
 * any compensation stay theirs); then whether they want each change of the restoration time (they hear when power is
 * back in any case, since only their word closes the complaint). Any other reply ends this and is acted on.
 */
export class KnownFaultDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'knownFaultDialog';

    constructor(private readonly services: DialogServices) {
        super(KnownFaultDialog.id);
        this.addDialog(new AskPrompt(ASK_UPDATES, services.output, async () => true));
        this.addDialog(new WaterfallDialog(FLOW, [this.answer.bind(this), this.updates.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async answer(step: WaterfallStepContext) {
        const { complaintId } = step.options as KnownFaultOptions;
        const found = await this.services.incidents.forComplaint(complaintId);
        if (!found) return step.endDialog();
        const { incident, complaint } = found;
        const turn = TurnData.of(step.context);
        turn.answeredOutage = { question: 'eta', account: complaint.accountNumber, at: Date.now() };
        await step.context.sendActivity(knownFaultText(turn, incident, complaint.ticket, this.services.settings.statusPageUrl));
        return step.prompt(ASK_UPDATES, AskPrompt.options('incidents:askUpdates', undefined, yesNoChoices()));
    }

    private async updates(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { complaintId } = step.options as KnownFaultOptions;
        const { t } = TurnData.of(step.context);
        if (answer.gaveUp || answer.choice === null) return step.endDialog({ followUp: !answer.gaveUp } satisfies FlowResult);
        const wanted = answer.choice === 'yes';
        await this.services.incidents.setUpdates(complaintId, wanted);
        await step.context.sendActivity(t(wanted ? 'incidents:updatesOn' : 'incidents:updatesOff'));
        return step.endDialog();
    }
}

/**
 * What the bot says of a known fault: reference, reports, since when, cause and restoration time when set, the
 * consumer's ticket when they have one, and the public status page when there is one.
 */
export function knownFaultText(turn: TurnData, incident: Incident, ticket: string | null, statusPageUrl: string | null): string {
    const language = turn.language ?? 'hi';
    const lines = [
        turn.t('incidents:known', {
            reference: incident.reference,
            count: Math.max(incident.reportCount - (ticket ? 1 : 0), 1),
            since: formatDateTime(incident.startedAt, language),
        }),
    ];
    if (incident.cause) lines.push(turn.t('incidents:cause', { cause: incident.cause }));
    // Until the engineer gives a time, the regulator's limit (the earliest report's due time) is the honest answer.
    const etr = incident.etr ?? incident.dueAt;
    lines.push(
        etr
            ? turn.t(incident.etr && incident.etrFromOfficial ? 'incidents:etr' : 'incidents:etrStandard', { time: formatDateTime(etr, language) })
            : turn.t('incidents:etrUnknown')
    );
    if (ticket) lines.push(turn.t('incidents:yourTicket', { ticket }));
    if (statusPageUrl) lines.push(turn.t('incidents:statusPage', { url: statusPageUrl }));
    return lines.join('\n');
}
