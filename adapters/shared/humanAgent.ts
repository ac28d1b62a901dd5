import { Activity, ActivityTypes } from 'botbuilder';

/** The `channelData` key that marks an outgoing message as a reply a person wrote (a live chat), not the bot's. */
const HUMAN_AGENT_KEY = 'humanAgent';

/** The error code recorded for a person's reply the platform refused for its age (Messenger: over 7 days since the user wrote). */
export const HUMAN_AGENT_WINDOW_CLOSED = 'human_agent_window_closed';

/** Who wrote a person's reply; platforms that treat such replies apart (Messenger's `HUMAN_AGENT` tag) read it. */
export interface HumanAgentMark {
    writtenBy: string;
}

/** A text message written by `writtenBy` (an official in a live chat), for the adapters to send as a person's reply. */
export function humanAgentReply(text: string, writtenBy: string): Partial<Activity> {
    return { type: ActivityTypes.Message, text, channelData: { [HUMAN_AGENT_KEY]: { writtenBy } satisfies HumanAgentMark } };
}

/** The person who wrote `activity`, when it is a person's reply; null for the bot's own messages. */
export function humanAgentOf(activity: Partial<Activity>): HumanAgentMark | null {
    const mark = (activity.channelData as Record<string, unknown> | undefined)?.[HUMAN_AGENT_KEY] as HumanAgentMark | undefined;
    return mark && typeof mark.writtenBy === 'string' && mark.writtenBy !== '' ? mark : null;
}
