import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { toAsciiDigits } from '../src/nlu/normalizeText';
import { recognizeNumbers } from '../src/nlu/hindi/recognizeNumbers';
import { MeterRecord } from '../src/services/UtilityBackend';
import { AskAnswer, AskPrompt, yesNoChoices } from './AskPrompt';
import { sayGaveUp } from './sayGaveUp';
import { DialogServices } from './DialogServices';
import { VerifiedAccountDialog } from './VerifiedAccountDialog';

/** Options of {@link MeterReadingDialog}. */
export interface MeterReadingOptions {
    accountNumber?: string;
    /** An account the user was just verified for (by the meter dialog), so they are not asked again. */
    verifiedAccount?: string;
}

const ASK_READING = 'reading.value';
const ASK_CONFIRM = 'reading.confirm';

/**
 * Reads a meter reading: digits (Devanagari too, with spaces and Indian or Western grouping commas) or one number
 * in words ("बारह हज़ार तीन सौ", "barah hazaar").
 */
export function parseReading(text: string): number | null {
    const compact = toAsciiDigits(text)
        .replace(/(kwh|units?|यूनिट|kw)/gi, '')
        .replace(/[\s,]/g, '');
    if (/^[0-9]{1,9}(\.[0-9]+)?$/.test(compact)) return Math.floor(Number(compact));
    const numbers = recognizeNumbers(text.replace(/(kwh|units?|यूनिट)/gi, ' ')).filter((n) => Number.isFinite(n.value) && n.value >= 0);
    // "sorry ek 0 chhut gaya, 13100 hai": of several numbers, the one reading-sized number (three digits or more) is it.
    const readingSized = numbers.filter((n) => n.value >= 100);
    const [only] = numbers.length === 1 ? numbers : readingSized.length === 1 ? readingSized : [];
    return only ? Math.floor(only.value) : null;
}

/**
 * Self meter-reading: for a verified user, shows the last reading, asks the new one, refuses one that is not a
 * number, is below the last reading or is implausibly high, confirms and records it.
 */
export class MeterReadingDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'meterReadingDialog';

    constructor(private readonly services: DialogServices) {
        super(MeterReadingDialog.id);
        this.addDialog(new VerifiedAccountDialog(services));
        this.addDialog(
            new AskPrompt(
                ASK_READING,
                services.output,
                async (answer, _context, spec) => {
                    const reading = parseReading(answer.text);
                    const last = Number(spec.data?.last);
                    if (reading === null) return { key: 'meter:retry.notNumber' };
                    if (reading < last) return { key: 'meter:retry.belowLast', vars: { last } };
                    if (reading - last > this.services.settings.meterReadingMaxJump) return { key: 'meter:retry.tooHigh', vars: { last } };
                    return true;
                },
                { freeText: true, numeric: true }
            )
        );
        // Unclear is asked again in other words, a few times more than elsewhere: a reading is never dropped as a "no".
        this.addDialog(
            new AskPrompt(ASK_CONFIRM, services.output, async (answer, _context, spec) =>
                answer.choice ? true : { key: 'meter:retry.confirm', vars: spec.vars }
            )
        );
        this.addDialog(
            new WaterfallDialog('reading.flow', [
                async (step: WaterfallStepContext) => {
                    const options = (step.options ?? {}) as MeterReadingOptions;
                    if (options.verifiedAccount) return step.next(options.verifiedAccount);
                    return step.beginDialog(VerifiedAccountDialog.id, { prefill: options.accountNumber });
                },
                this.askReading.bind(this),
                this.confirm.bind(this),
                this.save.bind(this),
            ])
        );
        this.initialDialogId = 'reading.flow';
    }

    private async askReading(step: WaterfallStepContext) {
        const account = step.result as string | null;
        if (!account) return step.endDialog();
        const turn = TurnData.of(step.context);
        const meter = await this.services.backend.findMeter(account);
        if (!meter) {
            await step.context.sendActivity(turn.t('meter:none'));
            return step.endDialog();
        }
        (step.values as { meter: MeterRecord }).meter = meter;
        // A reading submitted earlier (not yet checked) is a floor too: readings never go backwards.
        const floor = Math.max(meter.lastReading, (await this.services.backend.lastSubmittedReading(meter.meterNumber)) ?? 0);
        return step.prompt(
            ASK_READING,
            AskPrompt.options(
                'meter:askReading',
                {
                    last: meter.lastReading,
                    date: { $date: meter.lastReadingDate },
                },
                undefined,
                { data: { last: floor } }
            )
        );
    }

    private async confirm(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        if (answer.gaveUp) return sayGaveUp(step);
        const reading = parseReading(answer.text) as number;
        const values = step.values as { meter: MeterRecord; reading: number };
        values.reading = reading;
        return step.prompt(
            ASK_CONFIRM,
            AskPrompt.options(
                'meter:confirmReading',
                {
                    reading,
                    units: reading - values.meter.lastReading,
                    meter: values.meter.meterNumber,
                },
                yesNoChoices()
            )
        );
    }

    private async save(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const turn = TurnData.of(step.context);
        const values = step.values as { meter: MeterRecord; reading: number };
        if (answer.gaveUp) {
            await step.context.sendActivity(turn.t('meter:confirmGaveUp'));
            return step.endDialog();
        }
        if (answer.choice !== 'yes') {
            await step.context.sendActivity(turn.t('meter:readingNotSaved'));
            return step.endDialog();
        }
        const activity = step.context.activity;
        const outcome = await this.services.backend.submitMeterReading(values.meter.accountNumber, values.meter.meterNumber, values.reading, {
            channel: activity.channelId,
            channelUserId: activity.from.id,
        });
        if (!outcome.accepted) {
            // Someone submitted a higher reading while this user was confirming.
            await step.context.sendActivity(turn.t('meter:retry.belowLast', { last: outcome.floor }));
            return step.endDialog();
        }
        await step.context.sendActivity(turn.t('meter:readingSaved', { reading: values.reading, units: values.reading - values.meter.lastReading }));
        return step.endDialog();
    }
}
