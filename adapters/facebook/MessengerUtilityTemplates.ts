import { PlatformApiError } from '../shared/PlatformApiError';
import { MessengerClient, PageMessageTemplate, UtilityMessage } from './MessengerClient';

/** One language's utility template, as configured. */
export interface UtilityTemplateSetting {
    /** The template's name in the Page's template library. */
    name: string;
    /** Its language code as Meta stores it (`hi`, `en`, `en_US`). */
    language: string;
}

/** Settings of {@link MessengerUtilityTemplates}. */
export interface MessengerUtilityTemplatesOptions {
    /** A template per reply language of the bot (`hi`, `en`); a language without one gets no utility messages. */
    templates: Readonly<Record<string, UtilityTemplateSetting | undefined>>;
    /** The named placeholder that carries the update's text, e.g. `update` for `{{update}}`. */
    parameter: string;
    /** How long a template looked up on the Page is trusted before it is looked up again (default 10 minutes). */
    cacheMs?: number;
    /** The clock of the cache (tests). */
    now?: () => number;
}

/** How an update goes outside the window: this utility message, or nothing, for this reason. */
export type UtilityPlan = { ok: true; message: UtilityMessage } | { ok: false; reason: string };

/** The longest filled template body Meta delivers, counted in UTF-16 units as Graph's JSON strings are. */
export const UTILITY_BODY_LIMIT = 1024;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

interface Looked {
    at: number;
    /** The template as the Page has it, or why it cannot be used. */
    result: { template: PageMessageTemplate } | { problem: string };
}

/**
 * The Page's utility templates for updates outside the 24-hour window: one per reply language, each with one named
 * placeholder that carries the update. Before a template is used it is looked up on the Page (and the answer kept a
 * while): it must exist in that language, be APPROVED and have exactly that placeholder, or the update is not sent
 * and the reason is recorded. The text is cut at a grapheme so that the filled body stays within 1,024 units.
 */
export class MessengerUtilityTemplates {
    private readonly cache = new Map<string, Looked>();
    private readonly cacheMs: number;
    private readonly now: () => number;

    constructor(
        private readonly client: MessengerClient,
        private readonly options: MessengerUtilityTemplatesOptions
    ) {
        this.cacheMs = options.cacheMs ?? 10 * 60_000;
        this.now = options.now ?? Date.now;
    }

    /** The reply languages that have a template configured. */
    get languages(): string[] {
        return Object.keys(this.options.templates).filter((language) => this.options.templates[language]);
    }

    /** The utility message that carries `text` to a user of `language`, or why there is none. */
    async prepare(language: string, text: string): Promise<UtilityPlan> {
        const setting = this.options.templates[language];
        if (!setting) return { ok: false, reason: `no Messenger utility template configured for language "${language}"` };
        const looked = await this.lookUp(language, setting);
        if ('problem' in looked) return { ok: false, reason: looked.problem };
        // The body's own words count too; without the Page's answer Graph is left to judge the length.
        const fixed = looked.template ? looked.template.body.replaceAll(PLACEHOLDER, '').length : 0;
        const value = fit(text.replace(/\s+/g, ' ').trim() || '-', Math.max(1, UTILITY_BODY_LIMIT - fixed));
        return { ok: true, message: { name: setting.name, language: setting.language, parameters: { [this.options.parameter]: value } } };
    }

    /** Looks every configured template up on the Page; one line per problem, none when all can be used. */
    async verify(): Promise<string[]> {
        const problems: string[] = [];
        for (const language of this.languages) {
            const looked = await this.lookUp(language, this.options.templates[language]!);
            if ('problem' in looked) problems.push(looked.problem);
        }
        return problems;
    }

    /**
     * The template as the Page has it (`template` null when the Page could not be asked: Graph checks the send
     * itself then), or the problem that keeps it from being used.
     */
    private async lookUp(language: string, setting: UtilityTemplateSetting): Promise<{ template: PageMessageTemplate | null } | { problem: string }> {
        const cached = this.cache.get(language);
        if (cached && this.now() - cached.at < this.cacheMs) return cached.result;
        let found: PageMessageTemplate[];
        try {
            found = await this.client.templates(setting.name);
        } catch (error) {
            if (!(error instanceof PlatformApiError)) throw error;
            // Not kept: the next update asks again.
            return { template: null };
        }
        const result = this.judge(setting, found);
        this.cache.set(language, { at: this.now(), result });
        return result;
    }

    private judge(setting: UtilityTemplateSetting, found: PageMessageTemplate[]): Looked['result'] {
        const label = `Messenger utility template "${setting.name}" (${setting.language})`;
        const template = found.find((t) => t.name === setting.name && t.language === setting.language);
        if (!template) {
            const languages = found.filter((t) => t.name === setting.name).map((t) => t.language);
            return {
                problem: `${label} is not in the Page's template library${languages.length > 0 ? ` (it exists in ${languages.join(', ')})` : ''}`,
            };
        }
        if (template.status !== 'APPROVED') return { problem: `${label} is ${template.status || 'not approved'}, not APPROVED` };
        const names = [...template.body.matchAll(PLACEHOLDER)].map((m) => m[1]);
        if (names.some((name) => /^\d+$/.test(name))) {
            return { problem: `${label} has numbered placeholders; create it with parameter_format NAMED and {{${this.options.parameter}}}` };
        }
        const wanted = this.options.parameter;
        if (names.length !== 1 || names[0] !== wanted) {
            const has = names.length === 0 ? 'no placeholder' : names.map((n) => `{{${n}}}`).join(', ');
            return { problem: `${label} has ${has}; the bot fills exactly one named placeholder, {{${wanted}}}` };
        }
        return { template };
    }
}

/** `text` within `max` UTF-16 units, cut after a whole grapheme and marked with an ellipsis. */
function fit(text: string, max: number): string {
    if (text.length <= max) return text;
    let kept = '';
    for (const { segment } of GRAPHEMES.segment(text)) {
        if (kept.length + segment.length + 1 > max) break;
        kept += segment;
    }
    return `${kept.trimEnd()}…`;
}
