import { Activity } from 'botbuilder';
import { codePointLength, splitText } from '../shared/splitText';

/** One Messenger `message` object without its recipient and messaging type (added when sent). */
export interface MessengerPart {
    kind: 'text' | 'quick_replies';
    message: Record<string, unknown>;
}

/** Messenger's limits, counted in code points (Meta does not document how it counts). */
export const MESSENGER_LIMITS = {
    text: 2000,
    quickReplies: 13,
    quickReplyTitle: 20,
} as const;

/**
 * Renders a message activity for Messenger: text split at 2000 on word boundaries; suggested actions as up to 13
 * quick replies (titles ≤ 20) on the last chunk, else numbered text, which the prompts accept by number. A title is
 * never cut: if one does not fit, the whole set goes out as numbered text. Each quick reply's payload is its title,
 * so a tap arrives exactly as if the user had typed the choice.
 */
export function renderMessenger(activity: Partial<Activity>): MessengerPart[] {
    const text = activity.text ?? '';
    const titles = (activity.suggestedActions?.actions ?? []).map((a) => String(a.title || a.value || '')).filter((t) => t !== '');
    if (titles.length === 0) return textParts(text);
    const unique = new Set(titles).size === titles.length;
    const fits = titles.every((t) => codePointLength(t) <= MESSENGER_LIMITS.quickReplyTitle);
    if (unique && fits && titles.length <= MESSENGER_LIMITS.quickReplies) {
        const chunks = splitText(text, MESSENGER_LIMITS.text);
        // Quick replies must ride on a message with text; they show under the last one the user sees.
        const last = chunks.pop() ?? '…';
        return [
            ...chunks.map(textPart),
            {
                kind: 'quick_replies',
                message: { text: last, quick_replies: titles.map((title) => ({ content_type: 'text', title, payload: title })) },
            },
        ];
    }
    return textParts(`${text}\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`);
}

function textParts(text: string): MessengerPart[] {
    return splitText(text, MESSENGER_LIMITS.text).map(textPart);
}

function textPart(chunk: string): MessengerPart {
    return { kind: 'text', message: { text: chunk } };
}
