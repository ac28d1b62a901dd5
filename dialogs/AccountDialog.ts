import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { maskDigits } from '../src/i18n/format';
import { TurnContext } from 'botbuilder';
import { extractEntities, parseAccountNumber, parseMobileNumber } from '../src/nlu/extractEntities';
import { toAsciiDigits } from '../src/nlu/normalizeText';
import { ConsumerRecord } from '../src/services/UtilityBackend';
import { AskAnswer, AskChoice, AskPrompt, LocalizedText, yesNoChoices } from './AskPrompt';
import { DialogServices } from './DialogServices';

/** Options of {@link AccountDialog}. */
export interface AccountDialogOptions {
    /** Offer "I don't have my account number" (complaints and officer requests can go on without one). */
    allowNoAccount?: boolean;
    /** An account number already found in the user's message. */
    prefill?: string;
}

/**
 * What {@link AccountDialog} returns. `none` carries a mobile the consumer typed instead of an account, for the
 * no-account path; with `allowNoAccount`, too many unusable answers also end as `none` rather than losing the request.
 */
export type AccountResult = { kind: 'account'; consumer: ConsumerRecord } | { kind: 'none'; mobile?: string } | { kind: 'gaveUp' };

const ASK_LINKED = 'account.linked';
const ASK_NUMBER = 'account.number';
const ASK_NUMBER_OR_NONE = 'account.numberOrNone';
const ASK_OWN = 'account.own';

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
        const validate = async (answer: AskAnswer, context: TurnContext) => {
            if (answer.choice === 'none') return true as const;
            const read = await this.read(TurnData.of(context), answer.text);
            if (read.kind === 'account' || read.kind === 'none') return true as const;
            return read.retry;
        };
        // Someone offered their linked accounts may just type another number instead of tapping "other".
        this.addDialog(
            new AskPrompt(ASK_LINKED, services.output, async (answer, context, spec) => {
                if (answer.choice !== null) return true;
                if (!/[0-9\u0966-\u096F]{4}/.test(answer.text)) return { key: 'common:retry.pickOne', vars: { count: spec.choices?.length ?? 2 } };
                return validate(answer, context);
            })
        );
        this.addDialog(new AskPrompt(ASK_NUMBER, services.output, validate, { freeText: true, numeric: true }));
        this.addDialog(new AskPrompt(ASK_NUMBER_OR_NONE, services.output, validate, { freeText: true, numeric: true }));
        this.addDialog(new AskPrompt(ASK_OWN, services.output));
        this.addDialog(
            new WaterfallDialog('account.flow', [this.offerLinked.bind(this), this.askNumber.bind(this), this.finish.bind(this), this.ownOrNone.bind(this)])
        );
        this.initialDialogId = 'account.flow';
    }

    /**
     * What an answer to "your account number?" says, read from anywhere in the sentence: an account on record, a
     * mobile typed instead (its owner's only account, or the no-account path), "I don't know it", or what was wrong.
     */
    private async read(
        turn: TurnData,
        text: string
    ): Promise<{ kind: 'account'; consumer: ConsumerRecord } | { kind: 'none'; mobile?: string } | { kind: 'retry'; retry: LocalizedText }> {
        const found = /[0-9\u0966-\u096F]/.test(text) ? extractEntities(text, 'hi').find((e) => e.type === 'accountNumber')?.value : undefined;
        const candidate = found ?? (/^[\s0-9\u0966-\u096F-]+$/.test(text) ? text : null);
        if (candidate) {
            const parsed = parseAccountNumber(candidate);
            if ('error' in parsed) return { kind: 'retry', retry: { key: `common:account.invalid.${parsed.error}` } };
            const consumer = await this.services.backend.findConsumer(parsed.value);
            if (consumer) return { kind: 'account', consumer };
            const mobile = parseMobileNumber(parsed.value);
            if (mobile) {
                // A registered mobile leads to its account only when it is the one account on that mobile; an unknown
                // number is taken for a mobile only when the consumer says so ("mera mobile 98…"), else it may be a
                // mistyped account.
                const owners = await this.services.backend.findConsumersByMobile(mobile);
                if (owners.length === 1) return { kind: 'account', consumer: owners[0] };
                if (owners.length > 1 || turn.mentions('common:words.mobile', text)) return { kind: 'none', mobile };
            }
            return { kind: 'retry', retry: { key: 'common:account.unknown', vars: { account: maskDigits(parsed.value) } } };
        }
        const digits = toAsciiDigits(text).match(/[0-9][0-9 -]{4,}[0-9]/)?.[0];
        if (digits) return { kind: 'retry', retry: { key: 'common:account.invalid.length' } };
        if (saysNoAccount(turn, text)) return { kind: 'none' };
        return { kind: 'retry', retry: { key: 'common:account.invalid.letters' } };
    }

    /** The one account whose registered mobile the channel vouches this sender writes from, if there is exactly one. */
    private async ownAccount(turn: TurnData): Promise<ConsumerRecord | null> {
        if (!turn.senderPhone) return null;
        const owners = await this.services.backend.findConsumersByMobile(turn.senderPhone);
        return owners.length === 1 ? owners[0] : null;
    }

    private async offerLinked(step: WaterfallStepContext) {
        const options = (step.options ?? {}) as AccountDialogOptions;
        const turn = TurnData.of(step.context);
        if (options.prefill) {
            const read = await this.read(turn, options.prefill);
            if (read.kind === 'account') return step.endDialog({ kind: 'account', consumer: read.consumer } satisfies AccountResult);
            if (read.kind === 'none' && read.mobile && options.allowNoAccount)
                return step.endDialog({ kind: 'none', mobile: read.mobile } satisfies AccountResult);
            // The number in their message is not on record: say so before asking for it.
            if (read.kind === 'retry') await step.context.sendActivity(turn.render(read.retry.key, read.retry.vars));
        }
        const linked = (await this.services.identities.verifiedAccounts(turn.identity.id)).slice(-3);
        if (linked.length === 0) return step.next();
        // One verified account: that is the one meant, without asking every time.
        if (linked.length === 1) {
            const consumer = await this.services.backend.findConsumer(linked[0]);
            if (consumer) return step.endDialog({ kind: 'account', consumer } satisfies AccountResult);
        }
        const choices: AskChoice[] = linked.map((account) => ({
            value: account,
            label: { key: 'common:account.useLinked', vars: { account: maskDigits(account) } },
        }));
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
            return step.prompt(
                ASK_NUMBER_OR_NONE,
                AskPrompt.options('common:account.askOrNone', undefined, [
                    { value: 'none', label: { key: 'common:account.noAccount' }, synonymsKey: 'common:words.noAccount' },
                ])
            );
        }
        return step.prompt(ASK_NUMBER, AskPrompt.options('common:account.ask'));
    }

    private async finish(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const options = (step.options ?? {}) as AccountDialogOptions;
        // A complaint goes on without an account rather than being lost.
        if (answer.gaveUp) return step.endDialog((options.allowNoAccount ? { kind: 'none' } : { kind: 'gaveUp' }) satisfies AccountResult);
        const turn = TurnData.of(step.context);
        const read: Awaited<ReturnType<AccountDialog['read']>> = answer.choice === 'none' ? { kind: 'none' } : await this.read(turn, answer.text);
        if (read.kind === 'account') return step.endDialog({ kind: 'account', consumer: read.consumer } satisfies AccountResult);
        // "I don't remember it" from the one account's registered mobile: that account, said out loud (masked). Any
        // other answer without the number from that mobile is asked whether it is that one (unless they said it is not
        // theirs: a passer-by, a tenant).
        const forgot = !/[0-9\u0966-\u096F]/.test(answer.text) && turn.mentions('common:words.forgotAccount', answer.text);
        const mayAsk = read.kind === 'none' && !read.mobile && !!options.allowNoAccount && !turn.mentions('common:words.notMine', answer.text);
        const registered = forgot || mayAsk ? await this.ownAccount(turn) : null;
        if (forgot && registered) {
            await step.context.sendActivity(turn.t('common:account.usedOwn', { account: maskDigits(registered.accountNumber) }));
            return step.endDialog({ kind: 'account', consumer: registered } satisfies AccountResult);
        }
        if (read.kind !== 'none' || !options.allowNoAccount) return step.endDialog({ kind: 'gaveUp' } satisfies AccountResult);
        if (!mayAsk || !registered) return step.endDialog(read satisfies AccountResult);
        (step.values as { own?: string }).own = registered.accountNumber;
        return step.prompt(ASK_OWN, AskPrompt.options('common:account.askOwn', { account: maskDigits(registered.accountNumber) }, yesNoChoices()));
    }

    private async ownOrNone(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const own = (step.values as { own?: string }).own;
        const consumer = answer.choice === 'yes' && own ? await this.services.backend.findConsumer(own) : null;
        return step.endDialog((consumer ? { kind: 'account', consumer } : { kind: 'none' }) satisfies AccountResult);
    }
}

/** "I don't have it", "pata nahi", "नहीं पता"… (common:words.noAccount) anywhere in `text`. */
export function saysNoAccount(turn: TurnData, text: string): boolean {
    return turn.mentions('common:words.noAccount', text);
}
