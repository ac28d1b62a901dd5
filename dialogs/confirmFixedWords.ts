import { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { AnswerPhrases } from './yesNo';

/** How consumers answer "is it fixed?" in their own words: "light aa gayi", "abhi bhi nahi", "shaam ko dekh ke bataunga". */
export const FIXED_PHRASES: AnswerPhrases = { yes: 'status:words.fixed', no: 'status:words.notFixed', later: 'status:words.later' };

/** "I will check and tell you": nothing changes, and the consumer is told how to answer later. */
export async function sayFixedLater(step: WaterfallStepContext, ticket: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(TurnData.of(step.context).t('status:fixedLater', { ticket }));
    return step.endDialog();
}
