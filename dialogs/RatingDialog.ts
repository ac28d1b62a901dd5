import { toAsciiDigits } from '../src/nlu/normalizeText';
import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { AskAnswer, AskChoice, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';

/** Options of {@link RatingDialog}. */
export interface RatingOptions {
    /** The complaint the consumer has just confirmed fixed. */
    ticket: string;
    complaintId: number;
}

const ASK_RATING = 'rating.stars';
const ASK_REASON = 'rating.reason';
const FLOW = 'rating.flow';
const SKIP = 'skip';
// Star characters a consumer may send instead of a number ("⭐⭐⭐⭐").
const STARS = /^[\s⭐★🌟]+$/u;

/**
 * After the consumer confirms a fix: a 1–5 rating (buttons; a digit in either script, a word such as "paanch" or
 * "very good", or stars) and an optional reason, each skippable. The closure is already stored when this starts;
 * nothing here can undo or hold it up, and a bad answer only asks again (then lets go).
 */
export class RatingDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'ratingDialog';

    constructor(private readonly services: DialogServices) {
        super(RatingDialog.id);
        this.addDialog(
            new AskPrompt(ASK_RATING, services.output, async (answer) => {
                if (answer.choice !== null) return true;
                const stars = ratingFromStars(answer.text) ?? ratingFromNumber(answer.text);
                if (stars === null) return { key: 'status:rating.retry' };
                answer.choice = String(stars);
                return true;
            })
        );
        this.addDialog(
            new AskPrompt(
                ASK_REASON,
                services.output,
                async (answer) => (answer.choice !== null || answer.text.trim() !== '' ? true : { key: 'status:rating.askReason' }),
                {
                    freeText: true,
                }
            )
        );
        this.addDialog(new WaterfallDialog(FLOW, [this.askRating.bind(this), this.askReason.bind(this), this.done.bind(this)]));
        this.initialDialogId = FLOW;
    }

    private async askRating(step: WaterfallStepContext) {
        const { ticket } = step.options as RatingOptions;
        const choices: AskChoice[] = [1, 2, 3, 4, 5].map((n) => ({
            value: String(n),
            label: { key: `status:rating.stars${n}` },
            synonymsKey: `status:rating.words.r${n}`,
        }));
        choices.push({ value: SKIP, label: { key: 'status:rating.skip' }, synonymsKey: 'status:rating.words.skip' });
        return step.prompt(ASK_RATING, AskPrompt.options('status:rating.ask', { ticket }, choices));
    }

    private async askReason(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { complaintId, ticket } = step.options as RatingOptions;
        const { t } = TurnData.of(step.context);
        if (answer.gaveUp || answer.choice === SKIP || answer.choice === null) {
            await step.context.sendActivity(t('status:rating.skipped', { ticket }));
            return step.endDialog();
        }
        const stored = await this.services.lifecycle.rate(complaintId, Number(answer.choice));
        if (!stored) {
            await step.context.sendActivity(t('status:rating.skipped', { ticket }));
            return step.endDialog();
        }
        return step.prompt(
            ASK_REASON,
            AskPrompt.options('status:rating.askReason', undefined, [
                { value: SKIP, label: { key: 'status:rating.skip' }, synonymsKey: 'status:rating.words.skip' },
            ])
        );
    }

    private async done(step: WaterfallStepContext) {
        const answer = step.result as AskAnswer;
        const { complaintId } = step.options as RatingOptions;
        if (!answer.gaveUp && answer.choice !== SKIP && answer.text.trim() !== '') {
            await this.services.lifecycle.explainRating(complaintId, answer.text);
        }
        await step.context.sendActivity(TurnData.of(step.context).t('status:rating.thanks'));
        return step.endDialog();
    }
}

/** A rating sent as 1 to 5 star characters, or null. */
function ratingFromStars(text: string): number | null {
    if (!STARS.test(text)) return null;
    const count = [...text.replace(/\s/gu, '')].length;
    return count >= 1 && count <= 5 ? count : null;
}

/**
 * A rating given as the one number from 1 to 5 in a sentence ("5 stars", "4/5", "5 out of 5", "४ स्टार दूंगा"), or
 * null when there is none or more than one number.
 */
function ratingFromNumber(text: string): number | null {
    const numbers = toAsciiDigits(text)
        .replace(/\b(?:out of|\/)\s*5\b|में से\s*5/gu, ' ')
        .match(/[0-9]+/g);
    if (!numbers || numbers.length !== 1) return null;
    const value = Number(numbers[0]);
    return value >= 1 && value <= 5 ? value : null;
}
