import { codePointLength } from './splitText';

/** What a channel can really show of a message's choices, in code points. */
export interface ChoiceCapabilities {
    /** Most reply buttons (quick replies) one message may carry; 0 when the channel has none. */
    buttons: number;
    /** Longest button title. */
    buttonTitle: number;
    /** A list for more choices than fit as buttons, where the platform has one. */
    list?: { rows: number; rowTitle: number };
}

/** How a message's choices are shown on a channel. */
export type ChoiceForm = 'buttons' | 'list' | 'numbered';

/** A channel that shows choices only as text. */
export const TEXT_ONLY: ChoiceCapabilities = { buttons: 0, buttonTitle: 0 };

/**
 * The one decision about choices, made the same way by the bot's core (which then numbers what does not fit) and by
 * a renderer given choices by some other bot: its buttons when they all fit, else its list, else numbered text. A
 * title is never cut, and repeated titles (which a tap could not tell apart) go as text.
 */
export function choiceForm(titles: readonly string[], capabilities: ChoiceCapabilities): ChoiceForm {
    if (new Set(titles).size !== titles.length) return 'numbered';
    const fits = (count: number, length: number) => titles.length <= count && titles.every((t) => codePointLength(t) <= length);
    if (fits(capabilities.buttons, capabilities.buttonTitle)) return 'buttons';
    if (capabilities.list && fits(capabilities.list.rows, capabilities.list.rowTitle)) return 'list';
    return 'numbered';
}

/** `text` with the choices after it as a numbered list ("1. हाँ"), which the prompts accept by number. */
export function numberedChoices(text: string, titles: readonly string[]): string {
    const list = titles.map((title, i) => `${i + 1}. ${title}`).join('\n');
    return list === '' ? text : text.trim() === '' ? list : `${text}\n\n${list}`;
}

/** The titles of an activity's suggested actions (a tap sends the title). */
export function choiceTitles(actions: ReadonlyArray<{ title?: string; value?: unknown }> | undefined): string[] {
    return (actions ?? []).map((a) => String(a.title || a.value || '')).filter((t) => t !== '');
}
