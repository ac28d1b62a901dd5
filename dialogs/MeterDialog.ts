import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { formatDate, formatRupees } from '../src/i18n/format';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';
import { FlowResult, isRequest } from './FlowResult';
import { MeterReadingDialog, MeterReadingOptions } from './MeterReadingDialog';
import { VerifiedAccountDialog } from './VerifiedAccountDialog';

/** Options of {@link MeterDialog}. */
export interface MeterDialogOptions {
    accountNumber?: string;
}

const ASK_NEXT = 'meter.next';

/** Meter information for a verified user: number, type, last reading and date, prepaid balance; then an offer to submit a reading. */
export class MeterDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'meterDialog';

    constructor(private readonly services: DialogServices) {
        super(MeterDialog.id);
        this.addDialog(new VerifiedAccountDialog(services));
        this.addDialog(new MeterReadingDialog(services));
        // A new request typed here ("meter details" after a bill) is taken up rather than refused.
        this.addDialog(
            new AskPrompt(ASK_NEXT, services.output, async (answer, context) =>
                answer.choice || isRequest(TurnData.of(context).recognition) ? true : { key: 'common:retry.pickOne', vars: { count: 2 } }
            )
        );
        this.addDialog(
            new WaterfallDialog('meter.flow', [
                async (step: WaterfallStepContext) =>
                    step.beginDialog(VerifiedAccountDialog.id, { prefill: (step.options as MeterDialogOptions)?.accountNumber }),
                this.show.bind(this),
                this.next.bind(this),
            ])
        );
        this.initialDialogId = 'meter.flow';
    }

    private async show(step: WaterfallStepContext) {
        const account = step.result as string | null;
        if (!account) return step.endDialog();
        const turn = TurnData.of(step.context);
        const language = turn.language ?? 'en';
        const meter = await this.services.backend.findMeter(account);
        if (!meter) {
            await step.context.sendActivity(turn.t('meter:none'));
            return step.endDialog();
        }
        (step.values as { account: string }).account = account;
        const lines = [
            turn.t('meter:info', {
                meter: meter.meterNumber,
                type: turn.t(`meter:types.${meter.meterType}`),
                reading: meter.lastReading,
                date: formatDate(meter.lastReadingDate, language),
            }),
        ];
        if (meter.prepaidBalancePaise !== null) {
            lines.push(
                turn.t(meter.prepaidBalancePaise < 0 ? 'meter:balanceNegative' : 'meter:balance', {
                    amount: formatRupees(Math.abs(meter.prepaidBalancePaise), language),
                })
            );
        }
        await step.context.sendActivity(lines.join('\n'));
        return step.prompt(
            ASK_NEXT,
            AskPrompt.options('meter:askNext', undefined, [
                { value: 'reading', label: { key: 'meter:submitButton' }, intents: ['meter.reading'] },
                { value: 'menu', label: { key: 'common:menuButton' }, synonymsKey: 'common:words.menu' },
            ])
        );
    }

    private async next(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.choice === 'reading') {
            return step.beginDialog(MeterReadingDialog.id, { verifiedAccount: (step.values as { account: string }).account } satisfies MeterReadingOptions);
        }
        return step.endDialog((answer.choice === 'menu' || answer.gaveUp ? { showMenu: true } : { followUp: true }) satisfies FlowResult);
    }
}
