import { ActivityTypes, TurnContext } from 'botbuilder';
import { Prompt, PromptOptions, PromptRecognizerResult, PromptValidatorContext } from 'botbuilder-dialogs';
import { ChannelOutput } from '../src/bot/ChannelOutput';
import { TurnData } from '../src/bot/TurnData';
import { foldForMatching, toAsciiDigits } from '../src/nlu/normalizeText';

/** A locale key with its variables; rendered in the user's language at the moment it is sent. */
export interface LocalizedText {
    key: string;
    vars?: Record<string, unknown>;
}

/** A button of an {@link AskPrompt}. */
export interface AskChoice {
    value: string;
    /** Button title, from `locales/`. */
    label: LocalizedText;
    /** Intents that also select this choice when typed ("bill kitna hai" picks the bill button). */
    intents?: string[];
    /** Locale key of an array of extra words that select this choice (e.g. common:words.yes). */
    synonymsKey?: string;
}

/** What {@link AskPrompt} stores in `PromptOptions.validations`. */
export interface AskSpec extends LocalizedText {
    choices?: AskChoice[];
    /** Set by a failed validation: the message that explains what was wrong and asks again. */
    retry?: LocalizedText;
    /** Failed answers allowed before the prompt gives up; the calling dialog then offers a way out. */
    maxAttempts?: number;
    /** Anything the validator needs on later turns (kept in dialog state). */
    data?: Record<string, unknown>;
}

/** The answer: the trimmed text, the choice it selected (if any), or `gaveUp` after too many bad answers. */
export interface AskAnswer {
    text: string;
    choice: string | null;
    gaveUp?: boolean;
    /** What the validator found out while checking (e.g. a code check's outcome), for the next step. */
    note?: string;
}

/** Checks an answer: `true` accepts it, a {@link LocalizedText} rejects it with that explanation. */
export type AskValidator = (answer: AskAnswer, context: TurnContext, spec: AskSpec) => Promise<true | LocalizedText>;

const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * The one prompt of the dialogs. Unlike the stock prompts it renders its question from `locales/` each time it is
 * shown, so a reprompt after a language switch comes in the new language; it matches buttons by number (ASCII or
 * Devanagari digits), by title in either language, by synonyms and by intent; and it degrades buttons to a
 * numbered list on channels that have none. The stock NumberPrompt/ChoicePrompt cannot read Hindi (language.md).
 */
export class AskPrompt extends Prompt<AskAnswer> {
    constructor(dialogId: string, private readonly output: ChannelOutput, private readonly check?: AskValidator) {
        super(dialogId, async (pc) => this.validate(pc));
    }

    /** Options that ask `key` with optional buttons. */
    static options(key: string, vars?: Record<string, unknown>, choices?: AskChoice[], extra: Pick<AskSpec, 'maxAttempts' | 'data'> = {}): PromptOptions {
        const spec: AskSpec = { key, vars, choices, ...extra };
        return { validations: spec };
    }

    protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
        const spec = options.validations as AskSpec;
        const { t } = TurnData.of(context);
        const question = t(spec.key, spec.vars);
        const text = isRetry && spec.retry ? t(spec.retry.key, { ...spec.retry.vars, question }) : question;
        const buttons = (spec.choices ?? []).map((c) => ({ value: c.value, title: t(c.label.key, c.label.vars) }));
        await this.output.send(context, text, buttons);
    }

    protected async onRecognize(context: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<AskAnswer>> {
        if (context.activity.type !== ActivityTypes.Message) return { succeeded: false };
        const text = (context.activity.text ?? '').trim();
        const spec = options.validations as AskSpec;
        return { succeeded: true, value: { text, choice: this.matchChoice(context, text, spec.choices ?? []) } };
    }

    private matchChoice(context: TurnContext, text: string, choices: AskChoice[]): string | null {
        if (choices.length === 0 || text === '') return null;
        const turn = TurnData.of(context);
        const number = toAsciiDigits(text).replace(/[.)\s]/g, '');
        if (/^[0-9]{1,2}$/.test(number)) {
            const index = Number(number) - 1;
            return choices[index]?.value ?? null;
        }
        const folded = foldForMatching(text).replace(/[^\p{L}\p{M}\p{N} ]/gu, '').trim();
        for (const choice of choices) {
            const titles = [turn.t(choice.label.key, choice.label.vars), ...this.otherLanguageTitles(context, choice)];
            if (titles.some((title) => foldForMatching(title).replace(/[^\p{L}\p{M}\p{N} ]/gu, '').trim() === folded)) return choice.value;
        }
        for (const choice of choices) {
            const synonyms = choice.synonymsKey ? turn.wordList(choice.synonymsKey) : [];
            if (synonyms.some((s) => foldForMatching(s) === folded)) return choice.value;
        }
        if (turn.recognition.text === context.activity.text) {
            for (const choice of choices) {
                if (choice.intents?.includes(turn.recognition.intent) && turn.recognition.score >= 0.5) return choice.value;
            }
        }
        return null;
    }

    private otherLanguageTitles(context: TurnContext, choice: AskChoice): string[] {
        const turn = TurnData.of(context);
        return turn.otherLanguages().map((t) => t(choice.label.key, choice.label.vars));
    }

    private async validate(pc: PromptValidatorContext<AskAnswer>): Promise<boolean> {
        const spec = pc.options.validations as AskSpec;
        const answer = pc.recognized.value;
        if (!pc.recognized.succeeded || !answer) return false;
        let verdict: true | LocalizedText;
        if (spec.choices?.length && !this.check && answer.choice === null) {
            verdict = { key: 'common:retry.pickOne', vars: { count: spec.choices.length } };
        } else {
            verdict = this.check ? await this.check(answer, pc.context, spec) : true;
        }
        if (verdict === true) return true;
        if (pc.attemptCount >= (spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
            answer.gaveUp = true;
            return true;
        }
        spec.retry = verdict;
        return false;
    }
}
