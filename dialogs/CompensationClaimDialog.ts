import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { CompensationClaim } from '../src/data/entities/CompensationClaim';
import { Complaint } from '../src/data/entities/Complaint';
import { formatDateTime, maskDigits } from '../src/i18n/format';
import { DialogServices } from './DialogServices';
import { complaintAccess } from './complaintAccess';

/** Options of {@link CompensationClaimDialog}. */
export interface CompensationClaimOptions {
    /** The complaint number the consumer named. */
    ticket: string;
}

/**
 * "compensation claim karna hai C2612-0004": takes the claim for a breached complaint, or shows the claim already
 * made. Only the chat that registered the complaint or someone verified for its account may claim or see a claim.
 * A refused claim, or one not decided in time, comes with a ready complaint text for the consumer grievance forum.
 */
export class CompensationClaimDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'compensationClaimDialog';

    constructor(private readonly services: DialogServices) {
        super(CompensationClaimDialog.id);
        this.addDialog(new WaterfallDialog('claim.flow', [this.claim.bind(this)]));
        this.initialDialogId = 'claim.flow';
    }

    private async claim(step: WaterfallStepContext) {
        const { ticket } = step.options as CompensationClaimOptions;
        const turn = TurnData.of(step.context);
        const found = await this.services.complaints.findByTicket(ticket);
        if (!found) {
            await step.context.sendActivity(turn.t('status:retry.unknown', { ticket }));
            return step.endDialog();
        }
        const { complaint } = found;
        if (!(await this.isTheirs(step, complaint))) {
            await step.context.sendActivity(turn.t('claims:notYours', { ticket }));
            return step.endDialog();
        }
        const outcome = await this.services.claims.claim(complaint, turn.identity.id);
        const language = turn.language ?? 'en';
        switch (outcome.kind) {
            case 'noAmount':
                await step.context.sendActivity(turn.t('claims:noAmount', { ticket }));
                break;
            case 'expired':
                await step.context.sendActivity(turn.t('claims:expired', { ticket, until: formatDateTime(outcome.claimableUntil, language) }));
                break;
            case 'claimed':
                await step.context.sendActivity(
                    turn.t('claims:claimed', {
                        ticket,
                        amount: outcome.claim.amountInr,
                        daysLate: outcome.claim.daysLate,
                        decideBy: formatDateTime(outcome.claim.decideBy, language),
                    })
                );
                break;
            case 'exists':
                await this.showExisting(step, complaint, outcome.claim);
                break;
        }
        return step.endDialog();
    }

    private async showExisting(step: WaterfallStepContext, complaint: Complaint, claim: CompensationClaim): Promise<void> {
        const turn = TurnData.of(step.context);
        const language = turn.language ?? 'en';
        const late = this.services.claims.notDecidedInTime(claim);
        const state = late
            ? turn.t('claims:states.notDecided')
            : turn.t(`claims:states.${claim.status}`, { billMonth: claim.billMonth, reason: claim.refusalReason });
        await step.context.sendActivity(
            turn.t('claims:existing', { ticket: claim.ticket, amount: claim.amountInr, claimed: formatDateTime(claim.claimedAt, language), state })
        );
        if (claim.status !== 'refused' && !late) return;
        const consumer = complaint.accountNumber ? await this.services.backend.findConsumer(complaint.accountNumber) : null;
        const forum = this.services.forums.forumFor(consumer?.discom ?? null);
        const decision = late
            ? turn.t('claims:cgrf.notDecided', { decideBy: formatDateTime(claim.decideBy, language) })
            : turn.t('claims:cgrf.refused', { date: claim.decidedAt ? formatDateTime(claim.decidedAt, language) : '', reason: claim.refusalReason });
        const draft = turn.t('claims:cgrf.draft', {
            forum: forum ? (language === 'hi' ? forum.hi : forum.en) : turn.t('claims:cgrf.unknownForum'),
            portal: forum?.portal ? turn.t('claims:cgrf.portal', { portal: forum.portal }) : '',
            name: consumer?.name ?? turn.t('claims:cgrf.nameBlank'),
            account: complaint.accountNumber ? maskDigits(complaint.accountNumber) : turn.t('claims:cgrf.noAccount'),
            ticket: claim.ticket,
            registered: formatDateTime(complaint.createdAt, language),
            due: complaint.dueAt ? formatDateTime(complaint.dueAt, language) : '',
            resolved: complaint.resolvedAt ? formatDateTime(complaint.resolvedAt, language) : turn.t('claims:cgrf.notResolved'),
            daysLate: claim.daysLate,
            amount: claim.amountInr,
            standard: claim.standard,
            version: claim.standardsVersion,
            claimed: formatDateTime(claim.claimedAt, language),
            decision,
        });
        await step.context.sendActivity(turn.t('claims:cgrf.intro'));
        await step.context.sendActivity(draft);
    }

    private async isTheirs(step: WaterfallStepContext, complaint: Complaint): Promise<boolean> {
        return (await complaintAccess(this.services, step.context, complaint)) !== null;
    }
}
