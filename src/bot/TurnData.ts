import { TurnContext } from 'botbuilder';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { formatDate, formatDateTime } from '../i18n/format';
import { Language, LANGUAGES, TranslateFn, Translator } from '../i18n/Translator';
import { Recognition } from '../nlu/IntentRecognizer';
import { foldForMatching } from '../nlu/normalizeText';

const TURN_DATA = Symbol('bijliMitra.turn');

/** What every dialog needs to know about the current turn, prepared once by the bot. */
export class TurnData {
    /** Text lookup in the user's current language. */
    t: TranslateFn;

    constructor(
        /** The channel user, created on first contact. */
        readonly identity: ChannelIdentity,
        /** The reply language; `null` until chosen or detected. */
        public language: Language | null,
        /** What the recognizer made of this turn's text. */
        readonly recognition: Recognition,
        /** The sender's 10-digit phone number when the channel reports one. */
        readonly senderPhone: string | null,
        private readonly translator: Translator
    ) {
        this.t = translator.forLanguage(language ?? 'en');
    }

    /** Switches the reply language for the rest of this turn. */
    useLanguage(language: Language): void {
        this.language = language;
        this.t = this.translator.forLanguage(language);
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
        return this.allLanguages().flatMap((t) => {
            const value = t(key, { returnObjects: true }) as unknown;
            return Array.isArray(value) ? value.map(String) : [];
        });
    }

    /**
     * Whether a phrase of the word list at `key` occurs in `text` as whole words, in any reply language ("pata
     * nahi" in "account number pata nahi bhai"). Matching is on folded text, so spelling of case and nukta do not matter.
     */
    mentions(key: string, text: string): boolean {
        const folded = ` ${foldForMatching(text).replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')} `;
        return this.wordList(key).some((phrase) => {
            const words = foldForMatching(phrase).replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();
            return words !== '' && folded.includes(` ${words} `);
        });
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
