import { Middleware, TurnContext } from 'botbuilder';
import { KeyedLock } from './KeyedLock';
import { TurnLock } from './ports';

/**
 * Serialises turns per `channelId` + conversation id. botbuilder's `BotState` saves with eTag `*`, so two overlapping
 * turns of one conversation (a double-tapped button, a webhook retry, a proactive update) would otherwise lose one
 * turn's state. Proactive turns run middleware too, so they take the same lock.
 */
export class SerializeTurnsMiddleware implements Middleware {
    constructor(private readonly lock: TurnLock = new KeyedLock()) {}

    /** Runs the rest of the turn once every earlier turn of the same conversation has finished. */
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
        await this.lock.run(turnLockKey(context.activity.channelId, context.activity.conversation?.id), next);
    }
}

/** The key turns of one conversation are serialised on, by this middleware and by webhook adapters alike. */
export function turnLockKey(channelId: string | undefined, conversationId: string | undefined): string {
    return `${channelId ?? ''}/${conversationId ?? ''}`;
}
