import { ActionTypes, Activity, ActivityTypes, CardAction, TurnContext } from 'botbuilder';
import { ChoiceCapabilities, choiceForm, numberedChoices, TEXT_ONLY } from '../../adapters/shared/choices';

/** A button: `title` is shown, and tapping it sends `title` as the message text. */
export interface ChoiceButton {
    value: string;
    title: string;
}

// Bot Framework Web Chat, the Emulator and the terminal chat show any number of suggested actions.
const WEB_CHAT: ChoiceCapabilities = { buttons: 100, buttonTitle: 100 };

/**
 * Per-channel rendering of messages with buttons, the one place that decides it: each channel declares what it can
 * really show ({@link ChoiceCapabilities}; platform channels through their descriptors), choices that fit go as
 * suggested actions for the channel's renderer to translate, and the rest (and every choice on an unknown channel) as
 * a numbered list, which the prompts accept by number.
 */
export class ChannelOutput {
    private readonly capabilities = new Map<string, ChoiceCapabilities>([
        ['emulator', WEB_CHAT],
        ['webchat', WEB_CHAT],
        ['directline', WEB_CHAT],
        ['terminal', WEB_CHAT],
    ]);

    // Web Chat and the Emulator show an image attachment; the terminal chat and unknown channels get its address.
    private readonly images = new Set(['emulator', 'webchat', 'directline']);

    /** Declares what `channelId` can show: its choices and whether its renderer sends images. */
    register(channelId: string, capabilities: ChoiceCapabilities, images = false): void {
        this.capabilities.set(channelId, capabilities);
        if (images) this.images.add(channelId);
        else this.images.delete(channelId);
    }

    /**
     * The message for an image with a caption, as `channelId` can show it: an image attachment (the renderer sends it as
     * the platform does) where the channel declares images, else the caption with the image's address under it.
     */
    renderImage(channelId: string, caption: string, url: string, contentType: string): Partial<Activity> {
        if (!this.images.has(channelId)) return { type: ActivityTypes.Message, text: `${caption}\n${url}` };
        return { type: ActivityTypes.Message, text: caption, attachments: [{ contentType, contentUrl: url }] };
    }

    /** The message for `text` with `buttons`, as `channelId` can show it. */
    render(channelId: string, text: string, buttons: ChoiceButton[]): Partial<Activity> {
        if (buttons.length === 0) return { type: ActivityTypes.Message, text };
        const titles = buttons.map((b) => b.title);
        if (choiceForm(titles, this.capabilities.get(channelId) ?? TEXT_ONLY) === 'numbered') {
            return { type: ActivityTypes.Message, text: numberedChoices(text, titles) };
        }
        const actions: CardAction[] = titles.map((title) => ({ type: ActionTypes.ImBack, title, value: title }));
        return { type: ActivityTypes.Message, text, suggestedActions: { actions, to: [] } };
    }

    /** Sends `text` with `buttons` on the turn's channel. */
    async send(context: TurnContext, text: string, buttons: ChoiceButton[] = []): Promise<void> {
        await context.sendActivity(this.render(context.activity.channelId, text, buttons));
    }
}
