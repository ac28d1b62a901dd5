import { WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';

/** Ends a flow after too many unusable answers, saying nothing was saved and how to go on. */
export async function sayGaveUp(step: WaterfallStepContext) {
    await step.context.sendActivity(TurnData.of(step.context).t('common:gaveUp'));
    return step.endDialog();
}
