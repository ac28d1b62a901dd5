import { ActionTypes, Activity, ActivityTypes, CardAction, TurnContext } from 'botbuilder';

/** What a channel can render; anything it cannot is turned into plain text here. */
export interface ChannelCapabilities {
    /** Most quick-reply buttons one message may carry; 0 means numbered text instead. */
    maxSuggestedActions: number;
    /** Longest button title before it is shortened. */
    maxButtonTitle: number;
}

/** A button: `title` is shown, and tapping it sends `title` as the message text. */
export interface ChoiceButton {
    value: string;
    title: string;
}

const TEXT_ONLY: ChannelCapabilities = { maxSuggestedActions: 0, maxButtonTitle: 0 };

/**
 * Per-channel rendering of messages with buttons. Channels known to render suggested actions get them; every other
 * channel (and any message with more buttons than the channel allows) gets a numbered list, which the prompts
 * accept by number. Adapters register their channel's capabilities.
 */
export class ChannelOutput {
    private readonly capabilities = new Map<string, ChannelCapabilities>([
        ['emulator', { maxSuggestedActions: 100, maxButtonTitle: 100 }],
        ['webchat', { maxSuggestedActions: 100, maxButtonTitle: 100 }],
        ['directline', { maxSuggestedActions: 100, maxButtonTitle: 100 }],
        ['terminal', { maxSuggestedActions: 100, maxButtonTitle: 100 }],
    ]);

    /** Declares what `channelId` can render. */
    register(channelId: string, capabilities: ChannelCapabilities): void {
        this.capabilities.set(channelId, capabilities);
    }

    /** The message for `text` with `buttons`, as `channelId` can show it. */
    render(channelId: string, text: string, buttons: ChoiceButton[]): Partial<Activity> {
        if (buttons.length === 0) return { type: ActivityTypes.Message, text };
        const caps = this.capabilities.get(channelId) ?? TEXT_ONLY;
        const fits = buttons.length <= caps.maxSuggestedActions && buttons.every((b) => b.title.length <= caps.maxButtonTitle);
        if (fits) {
            const actions: CardAction[] = buttons.map((b) => ({ type: ActionTypes.ImBack, title: b.title, value: b.title }));
            return { type: ActivityTypes.Message, text, suggestedActions: { actions, to: [] } };
        }
        const list = buttons.map((b, i) => `${i + 1}. ${b.title}`).join('\n');
        return { type: ActivityTypes.Message, text: `${text}\n\n${list}` };
    }

    /** Sends `text` with `buttons` on the turn's channel. */
    async send(context: TurnContext, text: string, buttons: ChoiceButton[] = []): Promise<void> {
        await context.sendActivity(this.render(context.activity.channelId, text, buttons));
    }
}
