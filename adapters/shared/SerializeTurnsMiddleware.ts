import { Middleware, TurnContext } from 'botbuilder';
import { KeyedLock } from '../../src/KeyedLock';

/**
 * Serialises turns per `channelId` + conversation id. botbuilder's `BotState` saves with eTag `*`, so two overlapping
 * turns of one conversation (a double-tapped button, a webhook retry, a proactive update) would otherwise lose one
 * turn's state. Proactive turns run middleware too, so they take the same lock.
 */
export class SerializeTurnsMiddleware implements Middleware {
    constructor(private readonly lock: KeyedLock = new KeyedLock()) {}

    /** Runs the rest of the turn once every earlier turn of the same conversation has finished. */
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
        const activity = context.activity;
        const key = `${activity.channelId}/${activity.conversation?.id ?? ''}`;
        await this.lock.run(key, next);
    }
}
