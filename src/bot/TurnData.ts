import { TurnContext } from 'botbuilder';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { formatDate, formatDateTime } from '../i18n/format';
import { Language, LANGUAGES, TranslateFn, Translator } from '../i18n/Translator';
import { Recognition } from '../nlu/IntentRecognizer';
import { foldForMatching, tokenize } from '../nlu/normalizeText';

const TURN_DATA = Symbol('bijliMitra.turn');

/** What every dialog needs to know about the current turn, prepared once by the bot. */
/** An outage answer the conversation can ask more about: the kind of question and the account it was for. */
export interface OutageTopic {
    question: 'eta' | 'shutdown';
    account: string | null;
    /** When it was answered (epoch ms). */
    at: number;
}

export class TurnData {
    /** Text lookup in the user's current language. */
    t: TranslateFn;
    /** The everyday question answered on this turn, remembered for the next one ("kaise hoga?" asks more of it). */
    answeredFaq: string | null = null;
    /**
     * What this turn told of an outage (a fault's or a planned shutdown's time, for an account): "what time exactly?",
     * "when will it come then?" in the next turns ask more of it. Kept by the bot for a while.
     */
    answeredOutage: OutageTopic | null = null;
    /** The outage topic of an earlier turn of this conversation (see {@link answeredOutage}), if still fresh. */
    previousOutage: OutageTopic | null = null;

    constructor(
        /** The channel user, created on first contact. */
        readonly identity: ChannelIdentity,
        /** The reply language; `null` until chosen or detected. */
        public language: Language | null,
        /** What the recognizer made of this turn's text. */
        readonly recognition: Recognition,
        /** The sender's 10-digit phone number when the channel reports one. */
        readonly senderPhone: string | null,
        private readonly translator: Translator,
        /** The everyday question answered on the previous turn of this conversation, if any. */
        readonly previousFaq: string | null = null,
        /**
         * The user asked for the reply language ("English please", a tap on a language button) rather than the bot
         * inferring it: then it is kept whatever script they type in. Kept for the conversation by the bot.
         */
        public languageChosen = false
    ) {
        this.t = translator.forLanguage(language ?? 'en');
    }

    /** Switches the reply language for the rest of this turn. */
    useLanguage(language: Language): void {
        this.language = language;
        this.t = this.translator.forLanguage(language);
    }

    /**
     * Answers this turn in Hindi and then in English while the language stays unknown: a first message that is only a
     * command ("START", "STOP") shows neither, and the next message's words will.
     */
    useBothLanguages(): void {
        const [hi, en] = [this.translator.forLanguage('hi'), this.translator.forLanguage('en')];
        this.t = (key, vars) => `${hi(key, vars)}\n\n${en(key, vars)}`;
    }

    /** Renders `key` in the current language, resolving localized variables (`{ $t }`, `{ $date }`, `{ $dateTime }`). */
    render(key: string, vars?: Record<string, unknown>): string {
        return this.t(key, this.resolve(vars, this.t, this.language ?? 'en'));
    }

    /** `key` rendered in every reply language, the current one first: a typed answer may be in any of them. */
    inAllLanguages(key: string, vars?: Record<string, unknown>): string[] {
        const current = this.language ?? 'en';
        return [current, ...LANGUAGES.filter((l) => l !== current)].map((language) => {
            const t = this.translator.forLanguage(language);
            return t(key, this.resolve(vars, t, language));
        });
    }

    private resolve(vars: Record<string, unknown> | undefined, t: TranslateFn, language: Language): Record<string, unknown> | undefined {
        if (!vars) return vars;
        const resolved: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(vars)) {
            const v = value as { $t?: string; vars?: Record<string, unknown>; $date?: string; $dateTime?: string } | null;
            if (v && typeof v === 'object' && typeof v.$t === 'string') resolved[name] = t(v.$t, v.vars);
            else if (v && typeof v === 'object' && typeof v.$date === 'string') resolved[name] = formatDate(v.$date, language);
            else if (v && typeof v === 'object' && typeof v.$dateTime === 'string') resolved[name] = formatDateTime(new Date(v.$dateTime), language);
            else resolved[name] = value;
        }
        return resolved;
    }

    /** Lookups for every reply language, the current one first: typed answers may be in any of them. */
    allLanguages(): TranslateFn[] {
        const current = this.language ?? 'en';
        return [current, ...LANGUAGES.filter((l) => l !== current)].map((l) => this.translator.forLanguage(l));
    }

    /**
     * The word list at `key` (an array in `locales/`) in every reply language, merged: a Hindi speaker may type
     * "menu" and an English speaker "मेनू".
     */
    wordList(key: string): string[] {
        const current = this.language ?? 'en';
        return this.translator.derive(`words\u0000${current}\u0000${key}`, () =>
            this.allLanguages().flatMap((t) => {
                const value = t(key, { returnObjects: true }) as unknown;
                return Array.isArray(value) ? value.map(String) : [];
            })
        );
    }

    /**
     * The phrases of the word list at `key`, each folded for matching and split into its words, longest first: for
     * reading a message word by word ("haan" + "sahi hai").
     */
    phrases(key: string): string[][] {
        return this.translator.derive(`phrases\u0000${key}`, () =>
            this.wordList(key)
                .map((phrase) => tokenize(foldForMatching(phrase)))
                .filter((words) => words.length > 0)
                .sort((a, b) => b.length - a.length)
        );
    }

    /** The one-word entries of the word list at `key`, folded, as a set (fillers, go-ahead verbs). */
    wordSet(key: string): Set<string> {
        return this.translator.derive(`set\u0000${key}`, () => new Set(this.wordList(key).map((word) => foldForMatching(word))));
    }

    /**
     * Whether a phrase of the word list at `key` occurs in `text` as whole words, in any reply language ("pata
     * nahi" in "account number pata nahi bhai"). Matching is on folded text, so spelling of case and nukta do not matter.
     */
    mentions(key: string, text: string): boolean {
        const folded = ` ${tokenize(foldForMatching(text)).join(' ')} `;
        const spaced = this.translator.derive(`spaced\u0000${key}`, () => this.phrases(key).map((words) => ` ${words.join(' ')} `));
        return spaced.some((phrase) => folded.includes(phrase));
    }

    /** Attaches this data to `context`. */
    attach(context: TurnContext): void {
        context.turnState.set(TURN_DATA, this);
    }

    /** The data the bot attached to `context`, or undefined when the turn failed before it was prepared. */
    static find(context: TurnContext): TurnData | undefined {
        return context.turnState.get(TURN_DATA) as TurnData | undefined;
    }

    /** The data the bot attached to `context`; throws if the bot did not prepare the turn. */
    static of(context: TurnContext): TurnData {
        const data = context.turnState.get(TURN_DATA) as TurnData | undefined;
        if (!data) throw new Error('TurnData missing: dialogs must run through BijliMitraBot, which prepares each turn');
        return data;
    }
}
