import { Activity } from 'botbuilder';
import { ChoiceCapabilities, choiceForm, choiceTitles, numberedChoices } from '../shared/choices';
import { codePointLength, splitText } from '../shared/splitText';
import { fetchableByPlatform, imagesOf, withImageLinks } from '../shared/images';

/** One WhatsApp message body without its recipient (`messaging_product`, `to`/`recipient` are added when sent). */
export interface WhatsAppPart {
    kind: 'text' | 'buttons' | 'list' | 'image';
    message: Record<string, unknown>;
}

/** WhatsApp's limits, counted in code points (Meta does not document how it counts). */
export const WHATSAPP_LIMITS = {
    text: 4096,
    interactiveBody: 1024,
    buttons: 3,
    buttonTitle: 20,
    rows: 10,
    rowTitle: 24,
    listButton: 20,
    imageCaption: 1024,
} as const;

/** What WhatsApp shows of choices: three reply buttons, or a list of ten rows. */
export const WHATSAPP_CHOICES: ChoiceCapabilities = {
    buttons: WHATSAPP_LIMITS.buttons,
    buttonTitle: WHATSAPP_LIMITS.buttonTitle,
    list: { rows: WHATSAPP_LIMITS.rows, rowTitle: WHATSAPP_LIMITS.rowTitle },
};

/** Options of {@link renderWhatsApp}. */
export interface RenderOptions {
    /** Label of the button that opens a list ("Options" / "विकल्प"), at most 20 code points. */
    listButton: string;
}

/**
 * Renders a message activity for WhatsApp: text split at 4096 on word boundaries; suggested actions in the form
 * {@link choiceForm} picks for {@link WHATSAPP_CHOICES} (up to three reply buttons, else a list of ten, else numbered
 * text). Button and row ids are the titles themselves, so a tap arrives exactly as if the user had typed the choice.
 * Image attachments with an HTTPS address go as image messages (`image.link`), the text as the first one's caption
 * when it fits (1,024) and nothing else is asked; other image addresses are appended to the text as links.
 */
export function renderWhatsApp(activity: Partial<Activity>, options: RenderOptions): WhatsAppPart[] {
    const images = imagesOf(activity);
    // WhatsApp fetches a linked image itself, over HTTPS only; any other address goes as a link in the text.
    const sendable = images.filter((image) => fetchableByPlatform(image.url));
    const text = withImageLinks(
        activity.text ?? '',
        images.filter((image) => !sendable.includes(image))
    );
    if (sendable.length === 0) return renderContent(text, activity, options);
    const plain = choiceTitles(activity.suggestedActions?.actions).length === 0;
    // Text that fits a caption rides on the (first) image; otherwise the images go first and the text after them.
    if (plain && text !== '' && codePointLength(text) <= WHATSAPP_LIMITS.imageCaption) {
        return sendable.map((image, i) => imagePart(image.url, i === 0 ? text : undefined));
    }
    return [...sendable.map((image) => imagePart(image.url)), ...(text === '' && plain ? [] : renderContent(text, activity, options))];
}

function imagePart(link: string, caption?: string): WhatsAppPart {
    return { kind: 'image', message: { type: 'image', image: caption === undefined ? { link } : { link, caption } } };
}

function renderContent(text: string, activity: Partial<Activity>, options: RenderOptions): WhatsAppPart[] {
    const titles = choiceTitles(activity.suggestedActions?.actions);
    if (titles.length === 0) return textParts(text);
    const listFits = codePointLength(options.listButton) <= WHATSAPP_LIMITS.listButton;
    const form = choiceForm(titles, listFits ? WHATSAPP_CHOICES : { ...WHATSAPP_CHOICES, list: undefined });
    if (form === 'numbered') return textParts(numberedChoices(text, titles));
    const chunks = splitText(text, WHATSAPP_LIMITS.interactiveBody);
    // Interactive messages need a body: text longer than one body goes first as plain text.
    const body = chunks.pop() ?? '…';
    const lead = chunks.length > 0 ? textParts(chunks.join('\n\n')) : [];
    const action =
        form === 'buttons'
            ? { buttons: titles.map((title) => ({ type: 'reply', reply: { id: title, title } })) }
            : { button: options.listButton, sections: [{ rows: titles.map((title) => ({ id: title, title })) }] };
    return [
        ...lead,
        { kind: form, message: { type: 'interactive', interactive: { type: form === 'buttons' ? 'button' : 'list', body: { text: body }, action } } },
    ];
}

function textParts(text: string): WhatsAppPart[] {
    return splitText(text, WHATSAPP_LIMITS.text).map((chunk) => ({
        kind: 'text' as const,
        message: { type: 'text', text: { body: chunk, preview_url: false } },
    }));
}
