import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnContext } from 'botbuilder';
import { TurnData } from '../src/bot/TurnData';
import { formatDate, formatMonth, formatRupees } from '../src/i18n/format';
import { BillRecord, ConsumerRecord } from '../src/services/UtilityBackend';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { VerifiedAccountDialog } from './VerifiedAccountDialog';

/** Options of {@link BillDialog}. */
export interface BillDialogOptions {
    /** `pay` leads with the payment link. */
    mode?: 'latest' | 'pay';
    accountNumber?: string;
}

const ASK_MORE = 'bill.more';
const PREVIOUS_BILLS = 6;

/**
 * Bill query for a verified user: the latest bill (amount, units, due date, arrears, paid or not, last payment),
 * previous bills on request, and the configured payment link.
 */
export class BillDialog extends ComponentDialog {
    static readonly id = 'billDialog';

    constructor(private readonly services: DialogServices) {
        super(BillDialog.id);
        this.addDialog(new VerifiedAccountDialog(services));
        this.addDialog(new AskPrompt(ASK_MORE, services.output));
        this.addDialog(new WaterfallDialog('bill.flow', [
            async (step: WaterfallStepContext) => step.beginDialog(VerifiedAccountDialog.id, { prefill: (step.options as BillDialogOptions)?.accountNumber }),
            this.showLatest.bind(this),
            this.more.bind(this),
        ]));
        this.initialDialogId = 'bill.flow';
    }

    private async showLatest(step: WaterfallStepContext) {
        const consumer = step.result as ConsumerRecord | null;
        if (!consumer) return step.endDialog();
        (step.values as { account: string }).account = consumer.accountNumber;
        const turn = TurnData.of(step.context);
        const bills = await this.services.backend.listBills(consumer.accountNumber, 1);
        if (bills.length === 0) {
            await step.context.sendActivity(turn.t('bill:none'));
            return step.endDialog();
        }
        const latest = bills[0];
        const mode = (step.options as BillDialogOptions)?.mode ?? 'latest';
        if (mode === 'pay') {
            await step.context.sendActivity(this.payText(step.context, consumer, latest));
        } else {
            await step.context.sendActivity(this.billText(step.context, latest));
        }
        return step.prompt(ASK_MORE, AskPrompt.options('bill:askMore', undefined, [
            { value: 'previous', label: { key: 'bill:previousButton' } },
            { value: 'pay', label: { key: 'bill:payButton' }, intents: ['bill.pay'] },
            { value: 'menu', label: { key: 'common:menuButton' }, synonymsKey: 'common:words.menu' },
        ]));
    }

    private async more(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        const account = (step.values as { account: string }).account;
        if (answer.choice === 'previous') {
            const bills = await this.services.backend.listBills(account, PREVIOUS_BILLS);
            const language = turn.language ?? 'en';
            const lines = bills.map((bill) => turn.t('bill:historyLine', {
                month: formatMonth(bill.billMonth, language),
                amount: formatRupees(bill.amountPaise, language),
                units: bill.units,
                paid: turn.t(bill.paid ? 'bill:paid' : 'bill:unpaid'),
            }));
            await step.context.sendActivity(`${turn.t('bill:historyHeader', { count: bills.length })}\n\n${lines.join('\n')}`);
        } else if (answer.choice === 'pay') {
            const consumer = await this.services.backend.findConsumer(account);
            const [latest] = await this.services.backend.listBills(account, 1);
            if (consumer && latest) await step.context.sendActivity(this.payText(step.context, consumer, latest));
        } else if (answer.choice === 'menu' || answer.gaveUp) {
            return step.endDialog({ showMenu: true });
        }
        return step.endDialog();
    }

    private billText(context: TurnContext, bill: BillRecord): string {
        const turn = TurnData.of(context);
        const language = turn.language ?? 'en';
        const lines = [turn.t('bill:latest', {
            month: formatMonth(bill.billMonth, language),
            amount: formatRupees(bill.amountPaise, language),
            units: bill.units,
            dueDate: formatDate(bill.dueDate, language),
        })];
        if (bill.arrearsPaise > 0) lines.push(turn.t('bill:arrears', { amount: formatRupees(bill.arrearsPaise, language) }));
        lines.push(bill.paid && bill.paymentDate
            ? turn.t('bill:paidOn', { date: formatDate(bill.paymentDate, language) })
            : turn.t('bill:notPaid', { total: formatRupees(bill.amountPaise + bill.arrearsPaise, language) }));
        return lines.join('\n');
    }

    private payText(context: TurnContext, consumer: ConsumerRecord, bill: BillRecord): string {
        const turn = TurnData.of(context);
        const language = turn.language ?? 'en';
        const link = this.services.settings.paymentUrlTemplate.replace('{account}', encodeURIComponent(consumer.accountNumber));
        if (bill.paid) return turn.t('bill:payNothingDue', { link });
        return turn.t('bill:payLink', { total: formatRupees(bill.amountPaise + bill.arrearsPaise, language), dueDate: formatDate(bill.dueDate, language), link });
    }
}
