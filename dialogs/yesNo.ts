import { AskChoice } from './AskPrompt';

/** Yes / No buttons that also accept haan, ji, theek hai, नहीं, nahi… in any reply language. */
export function yesNoChoices(): AskChoice[] {
    return [
        { value: 'yes', label: { key: 'common:yes' }, synonymsKey: 'common:words.yes' },
        { value: 'no', label: { key: 'common:no' }, synonymsKey: 'common:words.no' },
    ];
}
