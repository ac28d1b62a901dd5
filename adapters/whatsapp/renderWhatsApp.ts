import { Activity } from 'botbuilder';
import { codePointLength, splitText } from '../shared/splitText';

/** One WhatsApp message body without its recipient (`messaging_product`, `to`/`recipient` are added when sent). */
export interface WhatsAppPart {
    kind: 'text' | 'buttons' | 'list';
    message: Record<string, unknown>;
}

/** WhatsApp's limits, counted in code points (Meta does not document how it counts; see channels.md §4). */
export const WHATSAPP_LIMITS = {
    text: 4096,
    interactiveBody: 1024,
    buttons: 3,
    buttonTitle: 20,
    rows: 10,
    rowTitle: 24,
    listButton: 20,
} as const;

/** Options of {@link renderWhatsApp}. */
export interface RenderOptions {
    /** Label of the button that opens a list ("Options" / "विकल्प"), at most 20 code points. */
    listButton: string;
}

/**
 * Renders a message activity for WhatsApp: text split at 4096 on word boundaries; suggested actions as up to three
 * reply buttons (titles ≤ 20), else a list (≤ 10 rows, titles ≤ 24), else numbered text, which the prompts accept by
 * number. A title is never cut: a form it does not fit is skipped. Button and row ids are the titles themselves, so
 * a tap arrives exactly as if the user had typed the choice.
 */
export function renderWhatsApp(activity: Partial<Activity>, options: RenderOptions): WhatsAppPart[] {
    const text = activity.text ?? '';
    const titles = (activity.suggestedActions?.actions ?? []).map((a) => String(a.title || a.value || '')).filter((t) => t !== '');
    if (titles.length === 0) return textParts(text);
    const unique = new Set(titles).size === titles.length;
    const fits = (limit: number) => titles.every((t) => codePointLength(t) <= limit);
    const chunks = splitText(text, WHATSAPP_LIMITS.interactiveBody);
    // Interactive messages need a body: text longer than one body goes first as plain text.
    const body = chunks.pop() ?? '…';
    const lead = chunks.length > 0 ? textParts(chunks.join('\n\n')) : [];
    if (unique && titles.length <= WHATSAPP_LIMITS.buttons && fits(WHATSAPP_LIMITS.buttonTitle)) {
        return [
            ...lead,
            {
                kind: 'buttons',
                message: {
                    type: 'interactive',
                    interactive: {
                        type: 'button',
                        body: { text: body },
                        action: { buttons: titles.map((title) => ({ type: 'reply', reply: { id: title, title } })) },
                    },
                },
            },
        ];
    }
    if (
        unique &&
        titles.length <= WHATSAPP_LIMITS.rows &&
        fits(WHATSAPP_LIMITS.rowTitle) &&
        codePointLength(options.listButton) <= WHATSAPP_LIMITS.listButton
    ) {
        return [
            ...lead,
            {
                kind: 'list',
                message: {
                    type: 'interactive',
                    interactive: {
                        type: 'list',
                        body: { text: body },
                        action: { button: options.listButton, sections: [{ rows: titles.map((title) => ({ id: title, title })) }] },
                    },
                },
            },
        ];
    }
    return textParts(`${text}\n\n${titles.map((t, i) => `${i + 1}. ${t}`).join('\n')}`);
}

function textParts(text: string): WhatsAppPart[] {
    return splitText(text, WHATSAPP_LIMITS.text).map((chunk) => ({
        kind: 'text' as const,
        message: { type: 'text', text: { body: chunk, preview_url: false } },
    }));
}
