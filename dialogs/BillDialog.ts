import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnContext } from 'botbuilder';
import { TurnData } from '../src/bot/TurnData';
import { formatDate, formatMonth, formatRupees } from '../src/i18n/format';
import { BillRecord } from '../src/services/UtilityBackend';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { FlowResult, isRequest } from './FlowResult';
import { VerifiedAccountDialog } from './VerifiedAccountDialog';

/** Options of {@link BillDialog}. */
export interface BillDialogOptions {
    /** `pay` leads with the payment link. */
    mode?: 'latest' | 'pay';
    accountNumber?: string;
}

const ASK_MORE = 'bill.more';
const PREVIOUS_BILLS = 6;
// How far back to look for the last payment when the latest bill is unpaid.
const LAST_PAYMENT_LOOKBACK = 12;

/**
 * Bill query for a verified user: the latest bill (amount, units, due date, arrears, paid or not, last payment),
 * previous bills on request, and the configured payment link.
 */
export class BillDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'billDialog';

    constructor(private readonly services: DialogServices) {
        super(BillDialog.id);
        this.addDialog(new VerifiedAccountDialog(services));
        // A new request typed here ("meter details" after a bill) is taken up rather than refused.
        this.addDialog(
            new AskPrompt(ASK_MORE, services.output, async (answer, context) =>
                answer.choice || isRequest(TurnData.of(context).recognition) ? true : { key: 'common:retry.pickOne', vars: { count: 2 } }
            )
        );
        this.addDialog(
            new WaterfallDialog('bill.flow', [
                async (step: WaterfallStepContext) =>
                    step.beginDialog(VerifiedAccountDialog.id, { prefill: (step.options as BillDialogOptions)?.accountNumber }),
                this.showLatest.bind(this),
                this.more.bind(this),
            ])
        );
        this.initialDialogId = 'bill.flow';
    }

    private async showLatest(step: WaterfallStepContext) {
        const account = step.result as string | null;
        if (!account) return step.endDialog();
        (step.values as { account: string }).account = account;
        const turn = TurnData.of(step.context);
        const bills = await this.services.backend.listBills(account, LAST_PAYMENT_LOOKBACK);
        if (bills.length === 0) {
            await step.context.sendActivity(turn.t('bill:none'));
            return step.endDialog();
        }
        const latest = bills[0];
        const mode = (step.options as BillDialogOptions)?.mode ?? 'latest';
        if (mode === 'pay') {
            // What is to be paid comes with the link, so the consumer sees the amount before paying.
            const bill = this.billText(
                step.context,
                latest,
                bills.find((b) => b.paid && b.paymentDate)
            );
            await step.context.sendActivity(`${bill}\n\n${this.payText(step.context, account, latest)}`);
        } else {
            await step.context.sendActivity(
                this.billText(
                    step.context,
                    latest,
                    bills.find((b) => b.paid && b.paymentDate)
                )
            );
        }
        return step.prompt(
            ASK_MORE,
            AskPrompt.options('bill:askMore', undefined, [
                { value: 'previous', label: { key: 'bill:previousButton' } },
                { value: 'pay', label: { key: 'bill:payButton' }, intents: ['bill.pay'] },
                { value: 'menu', label: { key: 'common:menuButton' }, synonymsKey: 'common:words.menu' },
            ])
        );
    }

    private async more(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        const account = (step.values as { account: string }).account;
        if (answer.choice === 'previous') {
            const bills = await this.services.backend.listBills(account, PREVIOUS_BILLS);
            const language = turn.language ?? 'en';
            const lines = bills.map((bill) =>
                turn.t('bill:historyLine', {
                    month: formatMonth(bill.billMonth, language),
                    amount: formatRupees(bill.amountPaise, language),
                    units: bill.units,
                    paid: turn.t(bill.paid ? 'bill:paid' : 'bill:unpaid'),
                })
            );
            await step.context.sendActivity(`${turn.t('bill:historyHeader', { count: bills.length })}\n\n${lines.join('\n')}`);
        } else if (answer.choice === 'pay') {
            const [latest] = await this.services.backend.listBills(account, 1);
            if (latest) await step.context.sendActivity(this.payText(step.context, account, latest));
        } else if (answer.choice === 'menu' || answer.gaveUp) {
            return step.endDialog({ showMenu: true } satisfies FlowResult);
        } else {
            return step.endDialog({ followUp: true } satisfies FlowResult);
        }
        return step.endDialog();
    }

    private billText(context: TurnContext, bill: BillRecord, lastPaid: BillRecord | undefined): string {
        const turn = TurnData.of(context);
        const language = turn.language ?? 'en';
        const lines = [
            turn.t('bill:latest', {
                month: formatMonth(bill.billMonth, language),
                amount: formatRupees(bill.amountPaise, language),
                units: bill.units,
                dueDate: formatDate(bill.dueDate, language),
            }),
        ];
        if (bill.arrearsPaise > 0) lines.push(turn.t('bill:arrears', { amount: formatRupees(bill.arrearsPaise, language) }));
        if (bill.paid && bill.paymentDate) {
            lines.push(turn.t('bill:paidOn', { date: formatDate(bill.paymentDate, language) }));
        } else {
            lines.push(turn.t('bill:notPaid', { total: formatRupees(bill.amountPaise + bill.arrearsPaise, language) }));
            if (bill.dueDate < indianToday()) lines.push(turn.t('bill:overdue'));
            if (lastPaid?.paymentDate) {
                lines.push(
                    turn.t('bill:lastPayment', { amount: formatRupees(lastPaid.amountPaise, language), date: formatDate(lastPaid.paymentDate, language) })
                );
            }
        }
        return lines.join('\n');
    }

    private payText(context: TurnContext, account: string, bill: BillRecord): string {
        const turn = TurnData.of(context);
        const language = turn.language ?? 'en';
        const link = this.services.settings.paymentUrlTemplate.replace('{account}', encodeURIComponent(account));
        if (bill.paid) return turn.t('bill:payNothingDue', { link });
        return turn.t('bill:payLink', {
            total: formatRupees(bill.amountPaise + bill.arrearsPaise, language),
            dueDate: formatDate(bill.dueDate, language),
            link,
        });
    }
}

/** Today's date in India as `YYYY-MM-DD`, to compare with a bill's due date. */
function indianToday(now = new Date()): string {
    return new Date(now.getTime() + 330 * 60_000).toISOString().slice(0, 10);
}
