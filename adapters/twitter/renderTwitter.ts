import { Activity } from 'botbuilder';
import { splitText } from '../shared/splitText';

/** One X direct message: its text. */
export interface TwitterPart {
    kind: 'text';
    text: string;
}

/** X DM limits, in code points. */
export const TWITTER_LIMITS = {
    /** Longest DM text (peer-reported; X counts at least every code point). */
    text: 10_000,
} as const;

/**
 * Renders a message activity as X direct messages: text split at 10,000 code points on word boundaries, with
 * suggested actions appended as a numbered list ("1. हाँ\n2. नहीं"), because v2 DMs have no quick replies; the
 * prompts accept a bare number as the choice. An activity with neither text nor actions renders to nothing.
 */
export function renderTwitter(activity: Partial<Activity>): TwitterPart[] {
    const text = activity.text ?? '';
    const titles = (activity.suggestedActions?.actions ?? []).map((a) => String(a.title || a.value || '')).filter((t) => t !== '');
    const list = titles.map((title, i) => `${i + 1}. ${title}`).join('\n');
    const full = list === '' ? text : text.trim() === '' ? list : `${text}\n\n${list}`;
    return splitText(full, TWITTER_LIMITS.text).map((chunk) => ({ kind: 'text' as const, text: chunk }));
}
