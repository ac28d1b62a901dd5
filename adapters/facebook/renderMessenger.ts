import { Activity } from 'botbuilder';
import { ChoiceCapabilities, choiceForm, choiceTitles, numberedChoices } from '../shared/choices';
import { codePointLength, splitText } from '../shared/splitText';
import { fetchableByPlatform, imagesOf, withImageLinks } from '../shared/images';

/** One Messenger `message` object without its recipient and messaging type (added when sent). */
export interface MessengerPart {
    kind: 'text' | 'quick_replies' | 'image';
    message: Record<string, unknown>;
}

/** Messenger's limits, counted in characters (code points), as Meta documents them. */
export const MESSENGER_LIMITS = {
    text: 2000,
    quickReplies: 13,
    quickReplyTitle: 20,
    quickReplyPayload: 1000,
} as const;

/** What Messenger shows of choices: thirteen quick replies. */
export const MESSENGER_CHOICES: ChoiceCapabilities = { buttons: MESSENGER_LIMITS.quickReplies, buttonTitle: MESSENGER_LIMITS.quickReplyTitle };

/**
 * Renders a message activity for Messenger: text split at 2000 on word boundaries; suggested actions as up to 13
 * quick replies (titles ≤ 20) on the last chunk, else numbered text, which the prompts accept by number. A title is
 * never cut: if one does not fit, the whole set goes out as numbered text. Each quick reply's payload is the action's
 * value (its title when the value is no text, or too long for a payload), and a tap arrives as that payload: what the
 * bot asked for, whatever the label said. Image attachments with an HTTPS address go as image attachments
 * (`payload.url`, `is_reusable`) after the text, or before it when it carries quick replies; other image addresses
 * are appended to the text as links.
 */
export function renderMessenger(activity: Partial<Activity>): MessengerPart[] {
    const images = imagesOf(activity);
    // Messenger fetches an image from its URL (HTTPS); any other address goes as a link in the text.
    const sendable = images.filter((image) => fetchableByPlatform(image.url));
    const text = withImageLinks(
        activity.text ?? '',
        images.filter((image) => !sendable.includes(image))
    );
    // A message carries text or an attachment, never both: the text (the caption) goes first and the images after it,
    // unless the text carries quick replies, which must stay on the last message the user sees.
    const pictures: MessengerPart[] = sendable.map((image) => ({
        kind: 'image',
        message: { attachment: { type: 'image', payload: { url: image.url, is_reusable: true } } },
    }));
    const hasChoices = choiceTitles(activity.suggestedActions?.actions).length > 0;
    if (pictures.length > 0 && text === '' && !hasChoices) return pictures;
    return hasChoices ? [...pictures, ...renderContent(text, activity)] : [...renderContent(text, activity), ...pictures];
}

function renderContent(text: string, activity: Partial<Activity>): MessengerPart[] {
    const titles = choiceTitles(activity.suggestedActions?.actions);
    if (titles.length === 0) return textParts(text);
    if (choiceForm(titles, MESSENGER_CHOICES) === 'buttons') {
        const payloads = (activity.suggestedActions?.actions ?? [])
            .filter((a) => String(a.title || a.value || '') !== '')
            .map((a, i) =>
                typeof a.value === 'string' && a.value.trim() !== '' && codePointLength(a.value) <= MESSENGER_LIMITS.quickReplyPayload ? a.value : titles[i]
            );
        const chunks = splitText(text, MESSENGER_LIMITS.text);
        // Quick replies must ride on a message with text; they show under the last one the user sees.
        const last = chunks.pop() ?? '…';
        return [
            ...chunks.map(textPart),
            {
                kind: 'quick_replies',
                message: { text: last, quick_replies: titles.map((title, i) => ({ content_type: 'text', title, payload: payloads[i] })) },
            },
        ];
    }
    return textParts(numberedChoices(text, titles));
}

function textParts(text: string): MessengerPart[] {
    return splitText(text, MESSENGER_LIMITS.text).map(textPart);
}

function textPart(chunk: string): MessengerPart {
    return { kind: 'text', message: { text: chunk } };
}
