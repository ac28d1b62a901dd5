import { Middleware, TurnContext } from 'botbuilder';
import { KeyedLock } from './KeyedLock';
import { TurnLock } from './TurnLock';

/**
 * Serialises turns per `channelId` + conversation id. botbuilder's `BotState` saves with eTag `*`, so two overlapping
 * turns of one conversation (a double-tapped button, a webhook retry, a proactive update) would otherwise lose one
 * turn's state. Proactive turns run middleware too, so they take the same lock.
 */
export class SerializeTurnsMiddleware implements Middleware {
    constructor(private readonly lock: TurnLock = new KeyedLock()) {}

    /**
     * Runs the rest of the turn once every earlier turn of the same conversation has finished. A turn a webhook
     * adapter runs while draining its conversation already holds that lock ({@link markSerialized}): one acquisition
     * a turn, not a second, re-entrant one.
     */
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
        if (context.turnState.get(SERIALIZED) === true) return next();
        await this.lock.run(turnLockKey(context.activity.channelId, context.activity.conversation?.id), next);
    }
}

const SERIALIZED = Symbol('bijliMitra.turnSerialized');

/** Marks a turn that runs under its conversation's lock already (a webhook adapter's drain holds it). */
export function markSerialized(context: TurnContext): void {
    context.turnState.set(SERIALIZED, true);
}

/** The key turns of one conversation are serialised on, by this middleware and by webhook adapters alike. */
export function turnLockKey(channelId: string | undefined, conversationId: string | undefined): string {
    return `${channelId ?? ''}/${conversationId ?? ''}`;
}
