import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { oneTimeCodePrompt } from './oneTimeCodeIn';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { sayGaveUp } from './sayGaveUp';
import { saysNoAccount } from './AccountDialog';

/** Options of {@link VerifyDialog}. */
export interface VerifyDialogOptions {
    accountNumber: string;
}

const ASK_CODE = 'verify.code';
// The verification service locks a code after its own attempt limit; this only bounds typing mistakes.
const MAX_PROMPT_ATTEMPTS = 8;

/**
 * Proves the user holds `consumer`'s account before private details are shown; returns `true` when verified now or
 * before. A sender whose channel phone equals the registered mobile passes at once; others get a one-time code on
 * the registered mobile, with limited attempts and expiry. "Resend" sends a new code within the hourly limit.
 */
export class VerifyDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'verifyDialog';

    constructor(private readonly services: DialogServices) {
        super(VerifyDialog.id);
        this.addDialog(
            oneTimeCodePrompt(
                ASK_CODE,
                services.output,
                (context, spec, digits) => this.services.verification.check(TurnData.of(context).identity, String(spec.data?.account), digits),
                async (answer, context) => {
                    // "I don't have that phone": no code will ever come; say how to get the mobile updated instead.
                    const turn = TurnData.of(context);
                    // "unka phone mere paas hi h": the code can come; it is asked for, not given up on.
                    if (turn.mentions('verify:words.haveIt', answer.text)) return { key: 'verify:retry.haveIt' };
                    if (saysNoAccount(turn, answer.text) || turn.mentions('verify:words.notReceived', answer.text)) {
                        answer.note = 'noPhone';
                        return true;
                    }
                    return { key: 'verify:retry.format' };
                }
            )
        );
        this.addDialog(new WaterfallDialog('verify.flow', [this.start.bind(this), this.afterCode.bind(this)]));
        this.initialDialogId = 'verify.flow';
    }

    private async start(step: WaterfallStepContext) {
        const { accountNumber } = step.options as VerifyDialogOptions;
        const turn = TurnData.of(step.context);
        const consumer = await this.services.backend.findConsumer(accountNumber);
        if (!consumer) return step.endDialog(false);
        const started = await this.services.verification.start(turn.identity, consumer, turn.senderPhone);
        switch (started.kind) {
            case 'already':
                return step.endDialog(true);
            case 'phone_match':
                await step.context.sendActivity(turn.t('verify:phoneMatched'));
                return step.endDialog(true);
            case 'code_sent':
                return step.prompt(
                    ASK_CODE,
                    AskPrompt.options(
                        'verify:askCode',
                        { mobile: started.maskedMobile },
                        [{ value: 'resend', label: { key: 'verify:resend' }, synonymsKey: 'verify:words.resend' }],
                        { maxAttempts: MAX_PROMPT_ATTEMPTS, data: { account: consumer.accountNumber } }
                    )
                );
            case 'rate_limited':
                await step.context.sendActivity(turn.t('verify:rate_limited', { minutes: started.minutes }));
                return step.endDialog(false);
            default:
                await step.context.sendActivity(turn.t(`verify:${started.kind}`));
                return step.endDialog(false);
        }
    }

    private async afterCode(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { t } = TurnData.of(step.context);
        if (answer.choice === 'resend') return step.replaceDialog('verify.flow', step.options);
        if (answer.note === 'noPhone') {
            await step.context.sendActivity(t('verify:noPhone'));
            return step.endDialog(false);
        }
        if (answer.note === 'verified') {
            await step.context.sendActivity(t('verify:verified'));
            return step.endDialog(true);
        }
        if (answer.note === 'expired') {
            // A fresh code is sent at once (within the hourly limit) rather than sending the user back to the menu.
            await step.context.sendActivity(t('verify:expired'));
            return step.replaceDialog('verify.flow', step.options);
        }
        if (answer.gaveUp && answer.note !== 'locked') return sayGaveUp(step);
        await step.context.sendActivity(t('verify:locked'));
        return step.endDialog(false);
    }
}
