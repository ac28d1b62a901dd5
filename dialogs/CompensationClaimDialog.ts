import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { CompensationClaim } from '../src/data/entities/CompensationClaim';
import { Complaint } from '../src/data/entities/Complaint';
import { formatDateTime, maskDigits } from '../src/i18n/format';
import { TranslateFn } from '../src/i18n/Translator';
import { DialogServices } from './DialogServices';
import { complaintAccess } from './complaintAccess';

/** Options of {@link CompensationClaimDialog}. */
export interface CompensationClaimOptions {
    /** The complaint number the consumer named; without one, their latest complaint with a claim or a delay. */
    ticket?: string;
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
        const turn = TurnData.of(step.context);
        const ticket = (step.options as CompensationClaimOptions).ticket ?? (await this.latestClaimable(step));
        if (!ticket) {
            await step.context.sendActivity(turn.t('claims:noneFound'));
            return step.endDialog();
        }
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
            case 'notLate':
                await step.context.sendActivity(turn.t('claims:notLate', { ticket }));
                break;
            case 'expired':
                await step.context.sendActivity(turn.t('claims:expired', { ticket, until: formatDateTime(outcome.claimableUntil, language) }));
                break;
            case 'claimed':
                await step.context.sendActivity(
                    turn.t('claims:claimed', {
                        ticket,
                        amount: amountText(turn.t, outcome.claim),
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
            turn.t('claims:existing', { ticket: claim.ticket, amount: amountText(turn.t, claim), claimed: formatDateTime(claim.claimedAt, language), state })
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
            amount: amountText(turn.t, claim),
            standard: claim.standard,
            version: claim.standardsVersion,
            claimed: formatDateTime(claim.claimedAt, language),
            decision,
        });
        await step.context.sendActivity(turn.t('claims:cgrf.intro'));
        await step.context.sendActivity(draft);
    }

    /**
     * "mujhe muavza chahiye" without a number: of the complaints this chat registered or is verified for, newest first,
     * the first that already has a claim, else the first that was (or is) past its due time.
     */
    private async latestClaimable(step: WaterfallStepContext): Promise<string | null> {
        const turn = TurnData.of(step.context);
        const { channelId, from } = step.context.activity;
        const accounts = await this.services.identities.verifiedAccounts(turn.identity.id);
        const mine = [
            ...(await this.services.complaints.listForChannelUser(channelId, from.id, 10)),
            ...(accounts.length ? await this.services.complaints.listForAccounts(accounts, 10) : []),
        ].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        for (const complaint of mine) if (await this.services.claims.forComplaint(complaint.id)) return complaint.ticket;
        for (const complaint of mine) if ((await this.services.claims.accrued(complaint)).daysLate > 0) return complaint.ticket;
        return null;
    }

    private async isTheirs(step: WaterfallStepContext, complaint: Complaint): Promise<boolean> {
        return (await complaintAccess(this.services, step.context, complaint)) !== null;
    }
}

/** The claim's amount as the consumer reads it: rupees, or that the deciding officer sets it. */
function amountText(t: TranslateFn, claim: CompensationClaim): string {
    return claim.amountInr === null ? t('claims:amountOpen') : `₹${claim.amountInr}`;
}
