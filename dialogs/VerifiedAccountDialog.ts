import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { AccountDialog, AccountResult } from './AccountDialog';
import { DialogServices } from './DialogServices';
import { VerifyDialog, VerifyDialogOptions } from './VerifyDialog';

/** Options of {@link VerifiedAccountDialog}. */
export interface VerifiedAccountOptions {
    /** An account number found in the user's message. */
    prefill?: string;
}

/**
 * The gate in front of private data: finds the account, then verifies the user for it. Returns the verified account
 * number, or `null` (after telling the user why) when either step did not succeed.
 */
export class VerifiedAccountDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'verifiedAccountDialog';

    constructor(services: DialogServices) {
        super(VerifiedAccountDialog.id);
        this.addDialog(new AccountDialog(services));
        this.addDialog(new VerifyDialog(services));
        this.addDialog(
            new WaterfallDialog('verifiedAccount.flow', [
                async (step: WaterfallStepContext) =>
                    step.beginDialog(AccountDialog.id, { prefill: (step.options as VerifiedAccountOptions | undefined)?.prefill }),
                async (step: WaterfallStepContext) => {
                    const result = step.result as AccountResult;
                    if (result.kind !== 'account') {
                        await step.context.sendActivity(TurnData.of(step.context).t('common:gaveUp'));
                        return step.endDialog(null);
                    }
                    // Only the number is kept in conversation state, never the unverified account's personal details.
                    (step.values as { account: string }).account = result.consumer.accountNumber;
                    return step.beginDialog(VerifyDialog.id, { accountNumber: result.consumer.accountNumber } satisfies VerifyDialogOptions);
                },
                async (step: WaterfallStepContext) => step.endDialog(step.result === true ? (step.values as { account: string }).account : null),
            ])
        );
        this.initialDialogId = 'verifiedAccount.flow';
    }
}
