import { TurnContext } from 'botbuilder';

/** What an adapter did with the message of a turn the host's outbound queue runs. */
export type QueuedSendOutcome =
    | { status: 'sent'; platformMessageId: string }
    /** `final`: the platform refused it for good (a monthly cap, a blocked user): the queue gives it up at once. */
    | { status: 'failed'; reason: string; final?: boolean }
    /** Nothing was sent: the platform's allowance is used up until `until`; the queue sends it again then. */
    | { status: 'deferred'; until: Date; reason: string };

/** The queue's note on a turn it runs for one queued message; the adapter fills in `outcome`. */
export interface QueuedSend {
    /** A broadcast, which leaves part of a platform allowance to replies. */
    readonly bulk: boolean;
    /** What became of the message, when the adapter sends after the turn's logic (X); read once the turn is over. */
    outcome?: QueuedSendOutcome;
}

const QUEUED = Symbol.for('bijliMitra.queuedSend');

/**
 * Marks a proactive turn that the host's outbound queue runs for one queued message: an adapter that must wait reports
 * it with {@link reportQueuedSend} instead of queueing the message again. The queue keeps `send` and reads its
 * `outcome` after the turn (botbuilder revokes the turn's context when the turn ends).
 */
export function markQueuedSend(context: TurnContext, send: QueuedSend): void {
    context.turnState.set(QUEUED, send);
}

/** The queue's note on this turn, or undefined when no queue runs it. */
export function queuedSendOf(context: TurnContext): QueuedSend | undefined {
    return context.turnState.get(QUEUED) as QueuedSend | undefined;
}

/** Reports what became of a queued turn's message (a turn no queue runs ignores it). */
export function reportQueuedSend(context: TurnContext, outcome: QueuedSendOutcome): void {
    const send = queuedSendOf(context);
    if (send) send.outcome = outcome;
}
