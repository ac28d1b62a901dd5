import { TurnContext } from 'botbuilder';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { Language, LANGUAGES, TranslateFn, Translator } from '../i18n/Translator';
import { Recognition } from '../nlu/IntentRecognizer';

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

    /** Lookups for the reply languages other than the current one. */
    otherLanguages(): TranslateFn[] {
        return this.allLanguages().slice(1);
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
