import { TurnContext } from 'botbuilder';

/** The bot logic of a `continueConversationAsync` call, whichever of BotAdapter's overloads was used. */
export function continuationLogic(
    logicOrAudience: ((context: TurnContext) => Promise<void>) | string,
    maybeLogic?: (context: TurnContext) => Promise<void>
): (context: TurnContext) => Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error('continueConversationAsync needs the bot logic to run');
    return logic;
}
