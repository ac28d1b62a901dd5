import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { Complaint } from '../src/data/entities/Complaint';
import { Incident } from '../src/data/entities/Incident';
import { formatDateTime } from '../src/i18n/format';
import { IncidentService, OutageArea } from '../src/services/IncidentService';
import { AWAITING_CONFIRMATION } from '../src/services/complaintStatuses';
import { AccountDialog, AccountDialogOptions, AccountResult } from './AccountDialog';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { ComplaintDialog, ComplaintDialogOptions } from './ComplaintDialog';
import { ConfirmFixedDialog, ConfirmFixedOptions } from './ConfirmFixedDialog';
import { FIXED_PHRASES, sayFixedLater } from './confirmFixedWords';
import { DialogServices } from './DialogServices';
import type { PlannedShutdown } from '../src/data/entities/PlannedShutdown';
import { FlowResult } from './FlowResult';
import { knownFaultText } from './KnownFaultDialog';
import { sayGaveUp } from './sayGaveUp';

/** Options of {@link OutageInfoDialog}. */
export interface OutageInfoOptions {
    /** `eta`: when will the power be back; `shutdown`: is a planned shutdown coming. */
    question: 'eta' | 'shutdown';
    /** An account number found in the message. */
    accountNumber?: string;
}

/** What the flow keeps between its steps: the incident and account it is about, never the account holder. */
interface OutageValues {
    incidentId?: number;
    reference?: string;
    account?: string | null;
    /** Ticket whose "is the power back?" this flow asked. */
    confirming?: string;
}

const ASK_OFFER = 'outage.offer';
const ASK_REGISTER = 'outage.register';
const ASK_BACK = 'outage.back';
const FLOW = 'outage.flow';
/** "Is a shutdown coming?" looks this far ahead (tomorrow, said today). */
const SHUTDOWN_LOOKAHEAD_HOURS = 48;

/**
 * "kab aayegi light?", "kal light katne wali hai kya?": answered from what is known about the consumer's area. A chat
 * whose no-power report is joined to an incident hears that incident (and, once it is marked repaired, is asked whether
 * the power is back). Otherwise the area comes from the account (a verified one, one in the message, or asked for):
 * a planned shutdown under way or coming, an open incident (with the offer to be told when the power is back, or to
 * register their own complaint), or no known fault (with the offer to register one). Only the area is ever named.
 */
export class OutageInfoDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'outageInfoDialog';

    constructor(private readonly services: DialogServices) {
        super(OutageInfoDialog.id);
        this.addDialog(new AccountDialog(services));
        this.addDialog(new ComplaintDialog(services));
        this.addDialog(new ConfirmFixedDialog(services));
        this.addDialog(new AskPrompt(ASK_OFFER, services.output));
        this.addDialog(new AskPrompt(ASK_REGISTER, services.output));
        this.addDialog(new AskPrompt(ASK_BACK, services.output, undefined, { strictYes: true, answerPhrases: FIXED_PHRASES }));
        this.addDialog(new WaterfallDialog(FLOW, [this.ownReport.bind(this), this.fromAccount.bind(this), this.afterOffer.bind(this), this.finish.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async ownReport(step: WaterfallStepContext) {
        const options = step.options as OutageInfoOptions;
        const turn = TurnData.of(step.context);
        const { channelId, from } = step.context.activity;
        const joined = options.question === 'eta' ? await this.services.incidents.forChat(channelId, from.id) : null;
        if (joined) return this.answerReporter(step, joined.incident, joined.complaint);
        if (options.accountNumber)
            return step.beginDialog(AccountDialog.id, { prefill: options.accountNumber, allowNoAccount: true } satisfies AccountDialogOptions);
        const linked = await this.services.identities.verifiedAccounts(turn.identity.id);
        if (linked.length === 1) {
            const consumer = await this.services.backend.findConsumer(linked[0]);
            if (consumer) return step.next({ kind: 'account', consumer } satisfies AccountResult);
        }
        return step.beginDialog(AccountDialog.id, { allowNoAccount: true } satisfies AccountDialogOptions);
    }

    private async fromAccount(step: WaterfallStepContext) {
        const values = step.values as OutageValues;
        if (values.confirming) return this.confirmed(step, values.confirming);
        const result = step.result as AccountResult;
        const turn = TurnData.of(step.context);
        const { question } = step.options as OutageInfoOptions;
        if (result.kind === 'gaveUp') return sayGaveUp(step);
        if (result.kind === 'none') {
            values.account = null;
            await step.context.sendActivity(turn.t('incidents:noAccount'));
            return step.prompt(ASK_REGISTER, AskPrompt.options('incidents:askRegisterNoAccount', undefined, yesNoChoices()));
        }
        const consumer = result.consumer;
        values.account = consumer.accountNumber;
        turn.answeredOutage = { question, account: consumer.accountNumber, at: Date.now() };
        const area = IncidentService.areaOfConsumer(consumer);
        if (await this.tellShutdowns(step.context, area, question)) return step.endDialog();
        const incident = await this.services.incidents.openFor(area);
        if (incident) {
            values.incidentId = incident.id;
            values.reference = incident.reference;
            await step.context.sendActivity(knownFaultText(turn, incident, null, this.services.settings.statusPageUrl));
            return step.prompt(
                ASK_OFFER,
                AskPrompt.options('incidents:askFollow', undefined, [
                    { value: 'yes', label: { key: 'incidents:follow' }, synonymsKey: 'common:words.yes' },
                    { value: 'complaint', label: { key: 'incidents:ownComplaint' }, synonymsKey: 'common:words.complaint' },
                    { value: 'no', label: { key: 'common:no' }, synonymsKey: 'common:words.no' },
                ])
            );
        }
        await step.context.sendActivity(turn.t('incidents:noneKnown', { area: consumer.subdivision }));
        return step.prompt(ASK_REGISTER, AskPrompt.options('incidents:askRegister', undefined, yesNoChoices()));
    }

    private async afterOffer(step: WaterfallStepContext) {
        const values = step.values as OutageValues;
        if (values.confirming) return step.endDialog(step.result);
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        // Something else typed instead of an answer ("mera bill batao") is acted on by the main dialog.
        if (answer.gaveUp || answer.choice === null) return step.endDialog({ followUp: !answer.gaveUp } satisfies FlowResult);
        if (answer.choice === 'yes' && values.incidentId !== undefined) {
            const activity = step.context.activity;
            await this.services.incidents.follow(values.incidentId, {
                channel: activity.channelId,
                channelUserId: activity.from.id,
                conversationRef: JSON.stringify(TurnContext.getConversationReference(activity)),
                language: turn.language,
            });
            await step.context.sendActivity(turn.t('incidents:followOn', { reference: values.reference }));
            return step.endDialog();
        }
        if (answer.choice === 'complaint' || answer.choice === 'yes') {
            return step.beginDialog(ComplaintDialog.id, {
                category: 'no_supply',
                accountNumber: values.account ?? undefined,
                text: turn.t('incidents:noSupplyDescription'),
            } satisfies ComplaintDialogOptions);
        }
        await step.context.sendActivity(turn.t('incidents:offerDeclined'));
        return step.endDialog();
    }

    private async finish(step: WaterfallStepContext) {
        return step.endDialog(step.result);
    }

    /**
     * A reporter hears their incident and their own ticket's time limit; once the incident is marked repaired and their
     * report waits for their word, they are asked whether the power is back.
     */
    private async answerReporter(step: WaterfallStepContext, incident: Incident, complaint: Complaint) {
        const turn = TurnData.of(step.context);
        const language = turn.language ?? 'hi';
        if (AWAITING_CONFIRMATION.includes(complaint.status)) {
            (step.values as OutageValues).confirming = complaint.ticket;
            const repairedAt = incident.restoredAt ?? complaint.resolvedAt ?? new Date();
            return step.prompt(
                ASK_BACK,
                AskPrompt.options(
                    'incidents:restoredAsk',
                    { reference: incident.reference, ticket: complaint.ticket, time: formatDateTime(repairedAt, language) },
                    yesNoChoices()
                )
            );
        }
        turn.answeredOutage = { question: 'eta', account: complaint.accountNumber, at: Date.now() };
        const lines = [knownFaultText(turn, incident, complaint.ticket, this.services.settings.statusPageUrl)];
        if (complaint.dueAt) lines.push(turn.t('incidents:ticketDue', { ticket: complaint.ticket, time: formatDateTime(complaint.dueAt, language) }));
        await step.context.sendActivity(lines.join('\n'));
        return step.endDialog();
    }

    /** The reporter's answer to "is the power back?": as for any "is it fixed?". */
    private async confirmed(step: WaterfallStepContext, ticket: string) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        if (answer.choice === 'later') return sayFixedLater(step, ticket);
        if (answer.choice !== 'yes' && answer.choice !== 'no') return step.endDialog({ followUp: true } satisfies FlowResult);
        return step.beginDialog(ConfirmFixedDialog.id, { ticket, fixed: answer.choice === 'yes' } satisfies ConfirmFixedOptions);
    }

    /**
     * A planned shutdown under way in the area answers any question about the power; "is a shutdown coming?" is also
     * answered with those ahead, or that none is listed. False when nothing was said (no schedule, or nothing to say).
     */
    private async tellShutdowns(context: TurnContext, area: OutageArea, question: OutageInfoOptions['question']): Promise<boolean> {
        const schedule = this.services.shutdowns;
        const turn = TurnData.of(context);
        const current = await schedule.coveringNow(area);
        const covering = current ? [current] : [];
        if (covering.length > 0) {
            await context.sendActivity(covering.map((s) => turn.t('incidents:shutdownNow', this.windowVars(turn, s))).join('\n'));
            return true;
        }
        if (question !== 'shutdown') return false;
        const upcoming = await schedule.upcomingFor(area, SHUTDOWN_LOOKAHEAD_HOURS);
        await context.sendActivity(
            upcoming.length > 0
                ? upcoming.map((s) => turn.t('incidents:shutdownUpcoming', this.windowVars(turn, s))).join('\n')
                : turn.t('incidents:shutdownNone', { hours: SHUTDOWN_LOOKAHEAD_HOURS })
        );
        return true;
    }

    private windowVars(turn: TurnData, window: Pick<PlannedShutdown, 'startsAt' | 'endsAt' | 'reason'>): Record<string, unknown> {
        const language = turn.language ?? 'hi';
        return {
            start: formatDateTime(window.startsAt, language),
            end: formatDateTime(window.endsAt, language),
            reason: window.reason ? turn.t('incidents:shutdownReason', { reason: window.reason }) : '',
        };
    }
}
