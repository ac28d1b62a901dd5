import { ActivityTypes, TurnContext } from 'botbuilder';
import { DialogContext, Prompt, PromptOptions, PromptRecognizerResult, PromptValidatorContext } from 'botbuilder-dialogs';
import { ChannelOutput } from '../src/bot/ChannelOutput';
import { TurnData } from '../src/bot/TurnData';
import { foldForMatching, toAsciiDigits } from '../src/nlu/normalizeText';
import { AnswerPhrases, readAnswerPhrases, readYesNo } from './yesNo';

/**
 * A locale key with its variables, rendered in the user's language at the moment it is sent. A variable may itself
 * be localized: `{ $t: 'complaint:categories.line' }` or `{ $date: '2026-10-28' }` render in the language of the
 * moment too, so a question re-asked after a language switch is entirely in the new language.
 */
export interface LocalizedText {
    key: string;
    vars?: Record<string, unknown>;
}

/** A button of an {@link AskPrompt}. */
export interface AskChoice {
    /** What the answer's `choice` is set to when this button is picked. */
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
    /** At a yes/no question: the consumer's words after the yes or no ("haan par address galat hai" → "address galat hai"). */
    rest?: string;
}

/** Checks an answer: `true` accepts it, a {@link LocalizedText} rejects it with that explanation. */
export type AskValidator = (answer: AskAnswer, context: TurnContext, spec: AskSpec) => Promise<true | LocalizedText>;

const DEFAULT_MAX_ATTEMPTS = 3;

/** How an {@link AskPrompt} treats what is typed at it. */
export interface AskPromptSettings {
    /**
     * The answer is free text or a number (an address, a mobile, a reading, a code): only an exact command word or
     * phrase ("cancel", "help", "hindi me baat karo"…) interrupts, so "call me on 98…" or "Officers Colony" is an
     * answer, not a request.
     */
    freeText?: boolean;
    /**
     * A yes/no question whose yes cannot be undone ("is it fixed?" closes the complaint): a yes that the rest of
     * the message contradicts is asked again.
     */
    strictYes?: boolean;
    /**
     * A yes/no question also answered in its own words (locale keys of the phrases for yes, no and "later"). With
     * `strictYes`, such a no or later outweighs a yes word ("theek kiya tha par fir se jal gaya").
     */
    answerPhrases?: AnswerPhrases;
    /**
     * The answer is a number (an account, a ticket, a code, a reading): a message without digits that clearly asks
     * for something else ("mera bill batao" at the account question) is taken up instead of refused as a bad number.
     */
    numeric?: boolean;
}

/**
 * The one prompt of the dialogs. Unlike the stock prompts it renders its question from `locales/` each time it is
 * shown, so a reprompt after a language switch comes in the new language; it matches buttons by number (ASCII or
 * Devanagari digits), by title in either language, by synonyms and by intent; and it degrades buttons to a
 * numbered list on channels that have none. The stock NumberPrompt/ChoicePrompt cannot read Hindi (Recognizers-Text
 * has no Hindi culture in JavaScript).
 */
export class AskPrompt extends Prompt<AskAnswer> {
    constructor(
        dialogId: string,
        private readonly output: ChannelOutput,
        private readonly check?: AskValidator,
        /** See {@link AskPromptSettings}. */
        readonly settings: AskPromptSettings = {}
    ) {
        super(dialogId, async (pc) => this.validate(pc));
    }

    /** The AskPrompt waiting for an answer in `dc` (at any depth) and its spec, or null. */
    static pending(dc: DialogContext): { prompt: AskPrompt; spec: AskSpec } | null {
        let deepest: DialogContext = dc;
        while (deepest.child) deepest = deepest.child;
        const active = deepest.activeDialog;
        const prompt = active ? deepest.findDialog(active.id) : undefined;
        if (!(prompt instanceof AskPrompt)) return null;
        const spec = (active!.state as { options?: PromptOptions }).options?.validations as AskSpec | undefined;
        return spec ? { prompt, spec } : null;
    }

    /** Options that ask `key` with optional buttons. */
    static options(key: string, vars?: Record<string, unknown>, choices?: AskChoice[], extra: Pick<AskSpec, 'maxAttempts' | 'data'> = {}): PromptOptions {
        const spec: AskSpec = { key, vars, choices, ...extra };
        return { validations: spec };
    }

    protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
        const spec = options.validations as AskSpec;
        const turn = TurnData.of(context);
        const question = turn.render(spec.key, spec.vars);
        const text = isRetry && spec.retry ? turn.render(spec.retry.key, { ...spec.retry.vars, question }) : question;
        const buttons = (spec.choices ?? []).map((c) => ({ value: c.value, title: turn.render(c.label.key, c.label.vars) }));
        await this.output.send(context, text, buttons);
    }

    protected async onRecognize(context: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<AskAnswer>> {
        if (context.activity.type !== ActivityTypes.Message) return { succeeded: false };
        const text = (context.activity.text ?? '').trim();
        const spec = options.validations as AskSpec;
        const choices = spec.choices ?? [];
        if (isYesNo(choices)) {
            const reading = readYesNo(TurnData.of(context), text, { strictYes: this.settings.strictYes });
            const number = matchButton(TurnData.of(context), text, choices);
            const phrased = this.settings.answerPhrases ? readAnswerPhrases(TurnData.of(context), text, this.settings.answerPhrases) : null;
            if (phrased === 'later' || (phrased === 'no' && this.settings.strictYes && number === null))
                return { succeeded: true, value: { text, choice: phrased } };
            if (reading) return { succeeded: true, value: { text, choice: reading.answer, rest: reading.rest } };
            return { succeeded: true, value: { text, choice: number ?? phrased } };
        }
        return { succeeded: true, value: { text, choice: this.matchChoice(context, text, choices) } };
    }

    /**
     * Whether `text` answers a button of the prompt that is waiting in `dc`, so that an interruption such as "call
     * me" does not hijack a tap on the button "Call me on ******3210".
     */
    static answersPendingButton(dc: DialogContext, text: string): boolean {
        const pending = AskPrompt.pending(dc);
        if (!pending?.spec.choices?.length) return false;
        const turn = TurnData.of(dc.context);
        if (isYesNo(pending.spec.choices) && readYesNo(turn, text, { strictYes: pending.prompt.settings.strictYes })) return true;
        const phrases = pending.prompt.settings.answerPhrases;
        if (phrases && isYesNo(pending.spec.choices) && readAnswerPhrases(turn, text, phrases)) return true;
        return pending.prompt.matchButton(turn, text, pending.spec.choices) !== null;
    }

    /** The button `text` selects among `choices`, or null: by number, title or synonym. */
    matchButton(turn: TurnData, text: string, choices: AskChoice[]): string | null {
        return matchButton(turn, text, choices);
    }

    private matchChoice(context: TurnContext, text: string, choices: AskChoice[]): string | null {
        if (choices.length === 0 || text === '') return null;
        const turn = TurnData.of(context);
        const button = this.matchButton(turn, text, choices);
        if (button !== null) return button;
        if (turn.recognition.text === context.activity.text) {
            for (const choice of choices) {
                if (choice.intents?.includes(turn.recognition.intent) && turn.recognition.score >= 0.5) return choice.value;
            }
        }
        return null;
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

/** The button `text` selects: by number (ASCII or Devanagari digits), by title in any language, or by synonym. */
function matchButton(turn: TurnData, text: string, choices: AskChoice[]): string | null {
    const number = toAsciiDigits(text).replace(/[.)\s]/g, '');
    if (/^[0-9]{1,2}$/.test(number)) return choices[Number(number) - 1]?.value ?? null;
    const fold = (value: string) =>
        foldForMatching(value)
            .replace(/[^\p{L}\p{M}\p{N} ]/gu, '')
            .trim();
    const folded = fold(text);
    if (folded === '') return null;
    for (const choice of choices) {
        if (turn.inAllLanguages(choice.label.key, choice.label.vars).some((title) => fold(title) === folded)) return choice.value;
    }
    for (const choice of choices) {
        if (choice.synonymsKey && turn.wordList(choice.synonymsKey).some((word) => foldForMatching(word) === folded)) return choice.value;
    }
    return matchLeadingSynonym(turn, text, choices, fold);
}

/**
 * Consumers answer in sentences ("नहीं, अभी भी लाइट नहीं है", "haan sahi hai, darj karo"). The first clause picks a
 * choice when it is made only of that choice's synonyms, and the rest holds no other choice's synonym. A clause that
 * merely starts with one ("no power since morning", "ji nahi") is not an answer: it is asked again.
 */
function matchLeadingSynonym(turn: TurnData, text: string, choices: AskChoice[], fold: (value: string) => string): string | null {
    // Digits mean the consumer typed data (a ticket, an account), which the dialog reads itself.
    if (/[0-9]/.test(toAsciiDigits(text))) return null;
    const [first, ...rest] = text.split(/[,.!?।;:\n]/u);
    const words = (value: string) => fold(value).split(/\s+/u).filter(Boolean);
    const clause = words(first ?? '');
    const after = words(rest.join(' '));
    if (clause.length === 0 || rest.length === 0) return null;
    const phrasesOf = choices
        .filter((choice) => choice.synonymsKey)
        .map((choice) => ({
            value: choice.value,
            phrases: turn
                .wordList(choice.synonymsKey!)
                .map(words)
                .filter((w) => w.length > 0),
        }));
    const picked = phrasesOf.filter(({ phrases }) => coveredBy(clause, phrases));
    if (picked.length !== 1) return null;
    const mentions = (phrases: string[][]) => phrases.some((phrase) => after.some((_, i) => phrase.every((word, k) => after[i + k] === word)));
    if (phrasesOf.some(({ value, phrases }) => value !== picked[0].value && mentions(phrases))) return null;
    return picked[0].value;
}

/** Whether `clause` splits into a sequence of `phrases` ("haan" + "sahi hai"). */
function coveredBy(clause: string[], phrases: string[][]): boolean {
    const reachable = [true, ...clause.map(() => false)];
    for (let i = 0; i < clause.length; i++) {
        if (!reachable[i]) continue;
        for (const phrase of phrases) {
            if (phrase.every((word, k) => clause[i + k] === word)) reachable[i + phrase.length] = true;
        }
    }
    return reachable[clause.length];
}

/** Yes / No buttons that also accept haan, ji, theek hai, नहीं, nahi… in any reply language (read with {@link readYesNo}). */
export function yesNoChoices(): AskChoice[] {
    return [
        { value: 'yes', label: { key: 'common:yes' }, synonymsKey: 'common:words.yes' },
        { value: 'no', label: { key: 'common:no' }, synonymsKey: 'common:words.no' },
    ];
}

/** Whether the choices are a yes/no question (read with {@link readYesNo}). */
function isYesNo(choices: AskChoice[]): boolean {
    return choices.some((c) => c.value === 'yes') && choices.some((c) => c.value === 'no');
}
