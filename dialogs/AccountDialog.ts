import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { maskDigits } from '../src/i18n/format';
import { parseAccountNumber } from '../src/nlu/extractEntities';
import { ConsumerRecord } from '../src/services/UtilityBackend';
import { AskAnswer, AskChoice, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';

/** Options of {@link AccountDialog}. */
export interface AccountDialogOptions {
    /** Offer "I don't have my account number" (complaints and officer requests can go on without one). */
    allowNoAccount?: boolean;
    /** An account number already found in the user's message. */
    prefill?: string;
}

/** What {@link AccountDialog} returns. */
export type AccountResult = { kind: 'account'; consumer: ConsumerRecord } | { kind: 'none' } | { kind: 'gaveUp' };

const ASK_LINKED = 'account.linked';
const ASK_NUMBER = 'account.number';
const ASK_NUMBER_OR_NONE = 'account.numberOrNone';

/**
 * Finds the consumer's account: one of the accounts this user already verified, a number found in their message,
 * or a typed number (Devanagari digits, spaces and dashes accepted; exactly 10 digits; must exist). Bad input gets
 * the exact reason and another try; after three, the caller gets `gaveUp` and offers a way out.
 */
export class AccountDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'accountDialog';

    constructor(private readonly services: DialogServices) {
        super(AccountDialog.id);
        const validate = async (answer: AskAnswer) => {
            if (answer.choice === 'none') return true as const;
            const parsed = parseAccountNumber(answer.text);
            if ('error' in parsed) return { key: `common:account.invalid.${parsed.error}` };
            const consumer = await this.services.backend.findConsumer(parsed.value);
            return consumer ? (true as const) : { key: 'common:account.unknown', vars: { account: maskDigits(parsed.value) } };
        };
        // Someone offered their linked accounts may just type another number instead of tapping "other".
        this.addDialog(new AskPrompt(ASK_LINKED, services.output, async (answer) => {
            if (answer.choice !== null) return true;
            if (!/[0-9\u0966-\u096F]{4}/.test(answer.text)) return { key: 'common:retry.pickOne', vars: { count: 2 } };
            return validate(answer);
        }));
        this.addDialog(new AskPrompt(ASK_NUMBER, services.output, validate, { freeText: true }));
        this.addDialog(new AskPrompt(ASK_NUMBER_OR_NONE, services.output, validate, { freeText: true }));
        this.addDialog(new WaterfallDialog('account.flow', [
            this.offerLinked.bind(this),
            this.askNumber.bind(this),
            this.finish.bind(this),
        ]));
        this.initialDialogId = 'account.flow';
    }

    private async offerLinked(step: WaterfallStepContext) {
        const options = (step.options ?? {}) as AccountDialogOptions;
        if (options.prefill) {
            const parsed = parseAccountNumber(options.prefill);
            const consumer = 'value' in parsed ? await this.services.backend.findConsumer(parsed.value) : null;
            if (consumer) return step.endDialog({ kind: 'account', consumer } satisfies AccountResult);
            // The number in their message is not on record: say so before asking for it.
            if ('value' in parsed) await step.context.sendActivity(TurnData.of(step.context).t('common:account.unknown', { account: maskDigits(parsed.value) }));
        }
        const turn = TurnData.of(step.context);
        const linked = (await this.services.identities.verifiedAccounts(turn.identity.id)).slice(-3);
        if (linked.length === 0) return step.next();
        const choices: AskChoice[] = linked.map((account) => ({ value: account, label: { key: 'common:account.useLinked', vars: { account: maskDigits(account) } } }));
        choices.push({ value: 'other', label: { key: 'common:account.other' } });
        return step.prompt(ASK_LINKED, AskPrompt.options('common:account.whichLinked', undefined, choices));
    }

    private async askNumber(step: WaterfallStepContext) {
        const picked = step.result as AskAnswer | undefined;
        const typed = picked && !picked.choice ? parseAccountNumber(picked.text) : null;
        const account = picked?.choice && picked.choice !== 'other' ? picked.choice : typed && 'value' in typed ? typed.value : null;
        if (account) {
            const consumer = await this.services.backend.findConsumer(account);
            if (consumer) return step.endDialog({ kind: 'account', consumer } satisfies AccountResult);
        }
        const options = (step.options ?? {}) as AccountDialogOptions;
        if (options.allowNoAccount) {
            return step.prompt(ASK_NUMBER_OR_NONE, AskPrompt.options('common:account.askOrNone', undefined, [
                { value: 'none', label: { key: 'common:account.noAccount' }, synonymsKey: 'common:words.noAccount' },
            ]));
        }
        return step.prompt(ASK_NUMBER, AskPrompt.options('common:account.ask'));
    }

    private async finish(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return step.endDialog({ kind: 'gaveUp' } satisfies AccountResult);
        if (answer.choice === 'none') return step.endDialog({ kind: 'none' } satisfies AccountResult);
        const parsed = parseAccountNumber(answer.text);
        const consumer = 'value' in parsed ? await this.services.backend.findConsumer(parsed.value) : null;
        if (!consumer) return step.endDialog({ kind: 'gaveUp' } satisfies AccountResult);
        return step.endDialog({ kind: 'account', consumer } satisfies AccountResult);
    }
}
