import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { HolderProof, NewMobileProof } from '../src/data/entities/MobileChangeRequest';
import { formatDateTime, maskDigits } from '../src/i18n/format';
import { findMobileNumber } from '../src/nlu/extractEntities';
import { rupeesIn } from '../src/services/MobileChangeService';
import { AccountDialog, AccountResult } from './AccountDialog';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { oneTimeCodePrompt } from './oneTimeCodeIn';
import { sayGaveUp } from './sayGaveUp';
import { VerifyDialog, VerifyDialogOptions } from './VerifyDialog';

/** Options of {@link MobileUpdateDialog}. */
export interface MobileUpdateOptions {
    /** An account number found in the user's message. */
    accountNumber?: string;
}

const FLOW = 'mobile.flow';
const HOLDER = 'mobile.holder';
const KNOWLEDGE = 'mobile.knowledge';
const NEW_MOBILE = 'mobile.new';
const ASK_HAVE_OLD = 'mobile.haveOld';
const ASK_AMOUNT = 'mobile.amount';
const ASK_METER = 'mobile.meter';
const ASK_NEW = 'mobile.newNumber';
const ASK_NEW_CODE = 'mobile.newCode';
// The code store locks a code after its own attempt limit; this only bounds typing mistakes.
const MAX_CODE_PROMPTS = 8;

/** What the holder step keeps. */
interface HolderValues {
    tried?: 'verify' | 'knowledge';
}

/** The new-mobile step's options: the account, and the number once given (a resend or an expired code re-enters). */
interface NewMobileOptions {
    account: string;
    current: string | null;
    mobile?: string;
}

/**
 * Links or changes the registered mobile of an account: the account, then proof of holding it (a code to the
 * registered mobile when the consumer still has it, which is account verification itself; otherwise the last bill's
 * amount and the meter number, with attempts limited in the database), then the new mobile (a code to it, unless the
 * channel vouches the sender writes from it), then a request with an `M…` reference for the subdivision to decide.
 */
export class MobileUpdateDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'mobileUpdateDialog';

    constructor(private readonly services: DialogServices) {
        super(MobileUpdateDialog.id);
        this.addDialog(new AccountDialog(services));
        this.addDialog(new VerifyDialog(services));
        this.addDialog(new AskPrompt(ASK_HAVE_OLD, services.output));
        this.addDialog(
            new AskPrompt(ASK_AMOUNT, services.output, async (answer) => (rupeesIn(answer.text) !== null ? true : { key: 'mobile:retry.amount' }), {
                freeText: true,
                numeric: true,
            })
        );
        this.addDialog(
            new AskPrompt(
                ASK_METER,
                services.output,
                async (answer) => (/[0-9A-Za-z\u0966-\u096F]{3}/.test(answer.text) ? true : { key: 'mobile:retry.meter' }),
                {
                    freeText: true,
                }
            )
        );
        this.addDialog(
            new AskPrompt(
                ASK_NEW,
                services.output,
                async (answer, _context, spec) => {
                    const mobile = findMobileNumber(answer.text);
                    if (!mobile) return { key: 'mobile:retry.newMobile' };
                    if (mobile === spec.data?.current) return { key: 'mobile:retry.sameMobile' };
                    return true;
                },
                { freeText: true, numeric: true }
            )
        );
        this.addDialog(
            oneTimeCodePrompt(ASK_NEW_CODE, services.output, (context, spec, digits) =>
                this.services.mobileChanges.checkNewMobileCode(TurnData.of(context).identity, String(spec.data?.mobile), digits)
            )
        );
        this.addDialog(
            new WaterfallDialog(FLOW, [this.findAccount.bind(this), this.proveHolder.bind(this), this.askNewMobile.bind(this), this.register.bind(this)])
        );
        this.addDialog(
            new WaterfallDialog(HOLDER, [
                this.offerOldMobile.bind(this),
                this.oldOrKnowledge.bind(this),
                this.afterProof.bind(this),
                this.afterFallback.bind(this),
            ])
        );
        this.addDialog(new WaterfallDialog(KNOWLEDGE, [this.askAmount.bind(this), this.askMeter.bind(this), this.checkKnowledge.bind(this)]));
        this.addDialog(new WaterfallDialog(NEW_MOBILE, [this.askNumber.bind(this), this.proveNumber.bind(this), this.afterNewCode.bind(this)]));
        this.initialDialogId = FLOW;
    }

    // ---- The whole request ------------------------------------------------------------------------------------

    private async findAccount(step: WaterfallStepContext) {
        const { t } = TurnData.of(step.context);
        await step.context.sendActivity(t('mobile:intro'));
        return step.beginDialog(AccountDialog.id, { prefill: (step.options as MobileUpdateOptions | undefined)?.accountNumber });
    }

    private async proveHolder(step: WaterfallStepContext) {
        const result = step.result as AccountResult;
        if (result.kind !== 'account') return sayGaveUp(step);
        (step.values as { account: string }).account = result.consumer.accountNumber;
        return step.beginDialog(HOLDER, { account: result.consumer.accountNumber });
    }

    private async askNewMobile(step: WaterfallStepContext) {
        const proof = step.result as HolderProof | null;
        if (!proof) return step.endDialog();
        const values = step.values as { account: string; holderProof: HolderProof };
        values.holderProof = proof;
        const consumer = await this.services.backend.findConsumer(values.account);
        return step.beginDialog(NEW_MOBILE, { account: values.account, current: consumer?.registeredMobile ?? null } satisfies NewMobileOptions);
    }

    private async register(step: WaterfallStepContext) {
        const proved = step.result as { mobile: string; proof: NewMobileProof } | null;
        if (!proved) return step.endDialog();
        const values = step.values as { account: string; holderProof: HolderProof };
        const turn = TurnData.of(step.context);
        const activity = step.context.activity;
        const outcome = await this.services.mobileChanges.request({
            identity: turn.identity,
            channel: activity.channelId,
            channelUserId: activity.from.id,
            conversationRef: JSON.stringify(TurnContext.getConversationReference(activity)),
            language: turn.language,
            accountNumber: values.account,
            newMobile: proved.mobile,
            holderProof: values.holderProof,
            newMobileProof: proved.proof,
        });
        const { request } = outcome;
        await step.context.sendActivity(
            turn.t(outcome.kind === 'created' ? 'mobile:registered' : 'mobile:alreadyPending', {
                reference: request.reference,
                account: maskDigits(request.accountNumber),
                mobile: maskDigits(request.newMobile, 2),
                due: formatDateTime(request.dueAt, turn.language ?? 'en'),
            })
        );
        return step.endDialog();
    }

    // ---- Proof of holding the account -------------------------------------------------------------------------

    private async offerOldMobile(step: WaterfallStepContext) {
        const { account } = step.options as { account: string };
        const turn = TurnData.of(step.context);
        const consumer = await this.services.backend.findConsumer(account);
        const old = consumer?.registeredMobile ?? null;
        // Verified already against the registered mobile (this chat proved it before): that is the proof.
        if (old && (await this.services.identities.isVerified(turn.identity.id, account, old))) return step.endDialog('old_mobile' satisfies HolderProof);
        if (!old) {
            await step.context.sendActivity(turn.t('mobile:noOldMobile'));
            return step.next({ text: '', choice: 'no' } satisfies AskAnswer);
        }
        return step.prompt(ASK_HAVE_OLD, AskPrompt.options('mobile:askHaveOld', { mobile: maskDigits(old, 2) }, yesNoChoices()));
    }

    private async oldOrKnowledge(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const values = step.values as HolderValues;
        const { account } = step.options as { account: string };
        if (answer.choice === 'yes') {
            values.tried = 'verify';
            return step.beginDialog(VerifyDialog.id, { accountNumber: account } satisfies VerifyDialogOptions);
        }
        values.tried = 'knowledge';
        return step.beginDialog(KNOWLEDGE, { account });
    }

    private async afterProof(step: WaterfallStepContext) {
        const values = step.values as HolderValues;
        const { account } = step.options as { account: string };
        if (values.tried === 'knowledge') return step.endDialog(step.result === true ? ('knowledge' satisfies HolderProof) : null);
        if (step.result === true) return step.endDialog('old_mobile' satisfies HolderProof);
        // The code did not work out (no phone after all, locked, too many sends): the account questions remain.
        const { t } = TurnData.of(step.context);
        await step.context.sendActivity(t('mobile:tryKnowledge'));
        values.tried = 'knowledge';
        return step.beginDialog(KNOWLEDGE, { account });
    }

    private async afterFallback(step: WaterfallStepContext) {
        return step.endDialog(step.result === true ? ('knowledge' satisfies HolderProof) : null);
    }

    // ---- Knowledge of the account -----------------------------------------------------------------------------

    private async askAmount(step: WaterfallStepContext) {
        const { account } = step.options as { account: string };
        const turn = TurnData.of(step.context);
        const wait = await this.services.mobileChanges.knowledgeWaitHours(turn.identity.id, account);
        if (wait > 0) {
            await step.context.sendActivity(turn.t('mobile:knowledgeLocked', { count: wait }));
            return step.endDialog(false);
        }
        if (!(await this.services.mobileChanges.canAskKnowledge(account))) {
            await step.context.sendActivity(turn.t('mobile:cannotAsk'));
            return step.endDialog(false);
        }
        return step.prompt(ASK_AMOUNT, AskPrompt.options('mobile:askAmount'));
    }

    private async askMeter(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        (step.values as { amount: string }).amount = answer.text;
        return step.prompt(ASK_METER, AskPrompt.options('mobile:askMeter'));
    }

    private async checkKnowledge(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const { account } = step.options as { account: string };
        const turn = TurnData.of(step.context);
        const outcome = await this.services.mobileChanges.checkKnowledge(turn.identity.id, account, (step.values as { amount: string }).amount, answer.text);
        if (outcome.kind === 'right') {
            await step.context.sendActivity(turn.t('mobile:knowledgeRight'));
            return step.endDialog(true);
        }
        if (outcome.kind === 'locked') {
            await step.context.sendActivity(turn.t('mobile:knowledgeLocked', { count: outcome.hours }));
            return step.endDialog(false);
        }
        await step.context.sendActivity(turn.t('mobile:knowledgeWrong', { count: outcome.attemptsLeft }));
        return step.replaceDialog(KNOWLEDGE, step.options);
    }

    // ---- The new mobile ---------------------------------------------------------------------------------------

    private async askNumber(step: WaterfallStepContext) {
        const options = step.options as NewMobileOptions;
        if (options.mobile) return step.next({ text: options.mobile, choice: null } satisfies AskAnswer);
        return step.prompt(ASK_NEW, AskPrompt.options('mobile:askNew', undefined, undefined, { data: { current: options.current } }));
    }

    private async proveNumber(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const options = step.options as NewMobileOptions;
        const mobile = findMobileNumber(answer.text)!;
        options.mobile = mobile;
        const turn = TurnData.of(step.context);
        // WhatsApp vouches for the number the message came from: no code is needed to prove the sender holds it.
        if (turn.senderPhone === mobile) {
            await step.context.sendActivity(turn.t('mobile:newMatched'));
            return step.endDialog({ mobile, proof: 'channel' satisfies NewMobileProof });
        }
        const sent = await this.services.mobileChanges.sendNewMobileCode(turn.identity, mobile);
        if (sent.kind === 'rate_limited') {
            await step.context.sendActivity(turn.t('verify:rate_limited', { minutes: sent.minutes }));
            return step.endDialog(null);
        }
        if (sent.kind === 'send_failed') {
            await step.context.sendActivity(turn.t('verify:send_failed'));
            return step.endDialog(null);
        }
        return step.prompt(
            ASK_NEW_CODE,
            AskPrompt.options(
                'mobile:askNewCode',
                { mobile: sent.maskedMobile },
                [{ value: 'resend', label: { key: 'verify:resend' }, synonymsKey: 'verify:words.resend' }],
                { maxAttempts: MAX_CODE_PROMPTS, data: { mobile } }
            )
        );
    }

    private async afterNewCode(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const options = step.options as NewMobileOptions;
        const { t } = TurnData.of(step.context);
        if (answer.choice === 'resend') return step.replaceDialog(NEW_MOBILE, options);
        if (answer.note === 'verified') {
            await step.context.sendActivity(t('mobile:newVerified'));
            return step.endDialog({ mobile: options.mobile!, proof: 'otp' satisfies NewMobileProof });
        }
        if (answer.note === 'expired') {
            await step.context.sendActivity(t('verify:expired'));
            return step.replaceDialog(NEW_MOBILE, options);
        }
        if (answer.gaveUp && answer.note !== 'locked') return sayGaveUp(step);
        await step.context.sendActivity(t('verify:locked'));
        return step.endDialog(null);
    }
}
