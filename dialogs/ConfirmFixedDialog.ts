import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { Complaint } from '../src/data/entities/Complaint';
import { oneTimeCodePrompt } from './oneTimeCodeIn';
import { ClosureProof, LifecycleError } from '../src/services/ComplaintLifecycle';
import { AWAITING_CONFIRMATION } from '../src/services/complaintStatuses';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { sayGaveUp } from './sayGaveUp';
import { complaintAccess } from './complaintAccess';
import { RatingDialog, RatingOptions } from './RatingDialog';

/** Options of {@link ConfirmFixedDialog}. */
export interface ConfirmFixedOptions {
    /** The complaint the consumer answered "is it fixed?" about. */
    ticket: string;
    /** Their answer. */
    fixed: boolean;
}

const ASK_CODE = 'confirmFixed.code';
const FLOW = 'confirmFixed.flow';
// The code service voids a code after its own attempt limit; this only bounds typing mistakes.
const MAX_PROMPT_ATTEMPTS = 8;

/**
 * Acts on the consumer's answer to "is it fixed?". No reopens the complaint. Yes closes it only with proof: from
 * the chat that registered it or one verified for its account; for a complaint without an account, a one-time code
 * sent to its contact mobile and typed back here, unless the channel vouches that the sender's phone is that mobile.
 * Without proof the complaint stays as it is (field staff re-check an unconfirmed one); nothing closes it otherwise.
 * After a closure, the consumer is asked for a rating ({@link RatingDialog}).
 */
export class ConfirmFixedDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'confirmFixedDialog';

    constructor(private readonly services: DialogServices) {
        super(ConfirmFixedDialog.id);
        this.addDialog(
            oneTimeCodePrompt(ASK_CODE, services.output, async (context, spec, digits) => {
                const found = await this.services.complaints.findByTicket(String(spec.data?.ticket));
                return found ? this.services.closureCodes.check(TurnData.of(context).identity, found.complaint, digits) : null;
            })
        );
        this.addDialog(new RatingDialog(services));
        this.addDialog(new WaterfallDialog(FLOW, [this.start.bind(this), this.afterCode.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async start(step: WaterfallStepContext) {
        const { ticket, fixed } = step.options as ConfirmFixedOptions;
        const turn = TurnData.of(step.context);
        const complaint = (await this.services.complaints.findByTicket(ticket))?.complaint;
        if (!complaint || !AWAITING_CONFIRMATION.includes(complaint.status)) return this.noLonger(step, ticket);
        if (!fixed) {
            try {
                await this.services.lifecycle.confirm(complaint.id, false);
            } catch (error) {
                if (!(error instanceof LifecycleError)) throw error;
                return this.noLonger(step, ticket);
            }
            await step.context.sendActivity(turn.t('status:reopened', { ticket }));
            return step.endDialog();
        }
        const proof = await this.proofAtHand(step, complaint);
        if (proof) return this.close(step, complaint, proof);
        if (complaint.accountNumber) {
            await step.context.sendActivity(turn.t('status:confirmNotYours', { ticket }));
            return step.endDialog();
        }
        const started = await this.services.closureCodes.send(turn.identity, complaint);
        switch (started.kind) {
            case 'code_sent':
                return step.prompt(
                    ASK_CODE,
                    AskPrompt.options(
                        'status:askClosureCode',
                        { mobile: started.maskedMobile, ticket },
                        [{ value: 'resend', label: { key: 'verify:resend' }, synonymsKey: 'verify:words.resend' }],
                        { maxAttempts: MAX_PROMPT_ATTEMPTS, data: { ticket } }
                    )
                );
            case 'rate_limited':
                await step.context.sendActivity(turn.t('verify:rate_limited', { minutes: started.minutes }));
                return step.endDialog();
            case 'no_mobile':
                await step.context.sendActivity(turn.t('status:confirmNoMobile', { ticket }));
                return step.endDialog();
            default:
                await step.context.sendActivity(turn.t('verify:send_failed'));
                return step.endDialog();
        }
    }

    private async afterCode(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { ticket } = step.options as ConfirmFixedOptions;
        const { t } = TurnData.of(step.context);
        if (answer.choice === 'resend') return step.replaceDialog(FLOW, step.options);
        if (answer.note === 'verified') {
            const complaint = (await this.services.complaints.findByTicket(ticket))?.complaint;
            if (!complaint) return this.noLonger(step, ticket);
            return this.close(step, complaint, 'code');
        }
        if (answer.note === 'expired') {
            await step.context.sendActivity(t('verify:expired'));
            return step.replaceDialog(FLOW, step.options);
        }
        if (answer.gaveUp && answer.note !== 'locked') return sayGaveUp(step);
        await step.context.sendActivity(t('verify:locked'));
        return step.endDialog();
    }

    /** The proof this turn already carries, if any: the registering chat or a verified link (with an account), or a trusted phone equal to the contact mobile. */
    private async proofAtHand(step: WaterfallStepContext, complaint: Complaint): Promise<ClosureProof | null> {
        if (complaint.accountNumber) return complaintAccess(this.services, step.context, complaint);
        return complaint.contactMobile && TurnData.of(step.context).senderPhone === complaint.contactMobile ? 'trusted_phone' : null;
    }

    private async close(step: WaterfallStepContext, complaint: Complaint, proof: ClosureProof) {
        try {
            await this.services.lifecycle.confirm(complaint.id, true, proof);
        } catch (error) {
            if (!(error instanceof LifecycleError)) throw error;
            return this.noLonger(step, complaint.ticket);
        }
        await step.context.sendActivity(TurnData.of(step.context).t('status:fixedConfirmed', { ticket: complaint.ticket }));
        // The closure is stored: the rating that follows is optional and cannot undo it.
        return step.replaceDialog(RatingDialog.id, { ticket: complaint.ticket, complaintId: complaint.id } satisfies RatingOptions);
    }

    private async noLonger(step: WaterfallStepContext, ticket: string) {
        await step.context.sendActivity(TurnData.of(step.context).t('status:confirmNoLonger', { ticket }));
        return step.endDialog();
    }
}
