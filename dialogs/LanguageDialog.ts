import { ComponentDialog, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { TurnData } from '../src/bot/TurnData';
import { Language } from '../src/i18n/Translator';
import { detectLanguage } from '../src/nlu/detectLanguage';
import { AskAnswer, AskPrompt } from './AskPrompt';
import { DialogServices } from './DialogServices';

const ASK_LANGUAGE = 'language.choose';

/** What {@link LanguageDialog} returns: the language, and the user's words when they wrote instead of choosing. */
export interface LanguageResult {
    language: Language;
    /** Text the user typed in place of a choice ("bijli nahi aa rahi"), for the caller to act on. */
    text?: string;
}

/**
 * First contact: a bilingual welcome with Hindi / English buttons. A typed answer picks the language it is written
 * in (Devanagari or romanised Hindi: Hindi; otherwise English) and is handed back so the caller can act on it. The choice is remembered for the user. Returns a {@link LanguageResult}.
 */
export class LanguageDialog extends ComponentDialog {
    /** Dialog id. */
    static readonly id = 'languageDialog';

    constructor(private readonly services: DialogServices) {
        super(LanguageDialog.id);
        // Words instead of a tap are fine too: their language is the choice, and the caller acts on what they say.
        this.addDialog(
            new AskPrompt(ASK_LANGUAGE, services.output, async (answer) =>
                answer.choice || /\p{L}/u.test(answer.text) ? true : { key: 'common:retry.language' }
            )
        );
        this.addDialog(
            new WaterfallDialog('language.flow', [
                async (step: WaterfallStepContext) =>
                    step.prompt(
                        ASK_LANGUAGE,
                        AskPrompt.options('common:chooseLanguage', undefined, [
                            { value: 'hi', label: { key: 'common:languages.hi' }, intents: ['language.hi'], synonymsKey: 'common:words.hindi' },
                            { value: 'en', label: { key: 'common:languages.en' }, intents: ['language.en'], synonymsKey: 'common:words.english' },
                        ])
                    ),
                async (step: WaterfallStepContext) => {
                    const answer = step.result as AskAnswer;
                    const language: Language =
                        answer.choice === 'hi' || answer.choice === 'en'
                            ? answer.choice
                            : !answer.gaveUp && detectLanguage(answer.text, 'en') !== 'en'
                              ? 'hi'
                              : 'en';
                    const turn = TurnData.of(step.context);
                    // A tapped (or named) language is a choice; one read from a sentence's script is not.
                    if (answer.choice) turn.languageChosen = true;
                    await this.services.identities.setLanguage(turn.identity, language);
                    turn.useLanguage(language);
                    const result: LanguageResult = { language, text: answer.choice || answer.gaveUp ? undefined : answer.text };
                    return step.endDialog(result);
                },
            ])
        );
        this.initialDialogId = 'language.flow';
    }
}
