import * as fs from 'fs';
import * as path from 'path';
import i18next, { i18n as I18n } from 'i18next';
import { LOCALES_DIR } from '../paths';

/** The reply languages; `hi-Latn` writers get Devanagari Hindi replies. */
export const LANGUAGES = ['en', 'hi'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** Text lookup for one language: `t('common:account.unknown', { account })`. */
export type TranslateFn = (key: string, vars?: Record<string, unknown>) => string;

/** Maps any locale tag (`hi-IN`, `hi-Latn`, `en-US`) to a reply language, or null when it is neither. */
export function toLanguage(locale: string | undefined | null): Language | null {
    const tag = (locale ?? '').toLowerCase();
    if (tag.startsWith('hi')) return 'hi';
    if (tag.startsWith('en')) return 'en';
    return null;
}

/**
 * All user-facing text, loaded once from `locales/<language>/<namespace>.json`. A missing Hindi text falls back to
 * English rather than to a bare key, so a half-translated namespace still gives the consumer something readable.
 */
export class Translator {
    private readonly i18n: I18n;
    private readonly lookups = new Map<Language, TranslateFn>();
    /** Texts without variables already looked up, per language; emptied when a locale file is reloaded. */
    private readonly plainTexts: Array<Map<string, string>> = [];
    /** Values computed from the texts (word lists, folded phrases), by name; emptied when a locale file is reloaded. */
    private readonly derived = new Map<string, unknown>();
    /** Namespaces found on disk (file names of `locales/en`). */
    readonly namespaces: string[];

    constructor(private readonly localesDir: string = LOCALES_DIR) {
        this.namespaces = fs
            .readdirSync(path.join(localesDir, 'en'))
            .filter((f) => f.endsWith('.json'))
            .map((f) => f.slice(0, -5))
            .sort();
        const resources: Record<string, Record<string, unknown>> = {};
        for (const language of LANGUAGES) {
            resources[language] = {};
            for (const ns of this.namespaces) {
                const file = path.join(localesDir, language, `${ns}.json`);
                if (fs.existsSync(file)) resources[language][ns] = JSON.parse(fs.readFileSync(file, 'utf8'));
            }
        }
        this.i18n = i18next.createInstance();
        this.i18n.init({
            resources: resources as never,
            lng: 'en',
            fallbackLng: 'en',
            supportedLngs: [...LANGUAGES],
            ns: this.namespaces,
            defaultNS: 'common',
            initAsync: false,
            returnNull: false,
            interpolation: { escapeValue: false },
        });
    }

    /**
     * Re-reads one edited locale file, so translators see their change in the running bot (development). A file
     * that is not valid JSON is skipped with the error returned; the texts in use stay as they were.
     */
    reload(language: string, namespace: string): Error | null {
        if (!(LANGUAGES as readonly string[]).includes(language) || !this.namespaces.includes(namespace)) return null;
        try {
            const texts = JSON.parse(fs.readFileSync(path.join(this.localesDir, language, `${namespace}.json`), 'utf8'));
            this.i18n.addResourceBundle(language, namespace, texts, false, true);
            for (const texts of this.plainTexts) texts.clear();
            this.derived.clear();
            return null;
        } catch (error) {
            return error as Error;
        }
    }

    /** Watches `locales/` and reloads a file when it changes (development only: file watching is not free). */
    watch(onReload: (file: string, error: Error | null) => void): () => void {
        const watchers = LANGUAGES.map((language) =>
            fs.watch(path.join(this.localesDir, language), (_event, name) => {
                if (!name || !String(name).endsWith('.json')) return;
                const namespace = String(name).slice(0, -5);
                onReload(path.join('locales', language, String(name)), this.reload(language, namespace));
            })
        );
        return () => watchers.forEach((w) => w.close());
    }

    /**
     * A value computed from the texts once, under `name`, and kept until a locale file is reloaded: the dialogs read
     * word lists on every turn, and looking them up and folding them each time was a quarter of a turn's CPU.
     */
    derive<T>(name: string, compute: () => T): T {
        if (!this.derived.has(name)) this.derived.set(name, compute());
        return this.derived.get(name) as T;
    }

    /**
     * A lookup bound to `language`; never changes the process-wide language. Texts without variables are looked up
     * once: i18next's lookup showed as 10 % of a turn's CPU in the benchmark's profile, and most texts are fixed.
     */
    forLanguage(language: Language): TranslateFn {
        let lookup = this.lookups.get(language);
        if (!lookup) {
            const fixed = this.i18n.getFixedT(language);
            const plain = new Map<string, string>();
            this.plainTexts.push(plain);
            lookup = (key, vars) => {
                if (vars !== undefined) return fixed(key, vars as never) as unknown as string;
                let text = plain.get(key);
                if (text === undefined) {
                    text = fixed(key) as unknown as string;
                    plain.set(key, text);
                }
                return text;
            };
            this.lookups.set(language, lookup);
        }
        return lookup;
    }
}
