import { Activity } from 'botbuilder';
import { choiceTitles, numberedChoices, TEXT_ONLY } from '../shared/choices';
import { splitText } from '../shared/splitText';
import { imagesOf, withImageLinks } from '../shared/images';

/** One X direct message: its text. */
export interface TwitterPart {
    kind: 'text';
    text: string;
}

/** What X DMs show of choices: none (v2 DMs have no quick replies), so they go as numbered text. */
export const TWITTER_CHOICES = TEXT_ONLY;

/** X DM limits, in code points. */
export const TWITTER_LIMITS = {
    /** Longest DM text (peer-reported; X counts at least every code point). */
    text: 10_000,
} as const;

/**
 * Renders a message activity as X direct messages: text split at 10,000 code points on word boundaries, with
 * suggested actions appended as a numbered list ("1. हाँ\n2. नहीं"), because v2 DMs have no quick replies; the
 * prompts accept a bare number as the choice. An activity with neither text nor actions renders to nothing. Images
 * go as links in the text: a DM image needs a media upload (chunked, OAuth 1.0a), which this adapter does not do.
 */
export function renderTwitter(activity: Partial<Activity>): TwitterPart[] {
    const text = withImageLinks(activity.text ?? '', imagesOf(activity));
    const full = numberedChoices(text, choiceTitles(activity.suggestedActions?.actions));
    return splitText(full, TWITTER_LIMITS.text).map((chunk) => ({ kind: 'text' as const, text: chunk }));
}
