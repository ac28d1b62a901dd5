/** An approved template used outside the 24-hour window; its body has exactly one text parameter, `{{1}}`: the message. */
export interface WhatsAppTemplate {
    /** The template's name in WhatsApp Manager (lower case, digits and underscores). */
    name: string;
    /** Its approved language code, e.g. `hi`, `en` or `en_US`. */
    language: string;
    /** Its approved body text with the `{{1}}` placeholder, so the filled length can be kept within Meta's 1,024. */
    body: string;
}

/** Templates by the bot's language (`hi`, `en`). */
export type WhatsAppTemplates = Readonly<Record<string, WhatsAppTemplate>>;

/** Meta's limit on a template body once its parameters are filled in, counted in UTF-16 units. */
export const TEMPLATE_BODY_LIMIT = 1024;

const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const VIRAMA = /[\u094D\u09CD\u0A4D\u0ACD\u0B4D\u0BCD\u0C4D\u0CCD\u0D4D]$/u;
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Checks templates for the languages the bot speaks: each language has one, its name and language code have
 * WhatsApp's form, and its body has exactly one parameter, `{{1}}`, with room left for a message.
 * @throws Error naming every problem, so a misconfigured start stops with a clear message.
 */
export function checkWhatsAppTemplates(templates: Record<string, Partial<WhatsAppTemplate>>, languages: readonly string[], source: string): WhatsAppTemplates {
    const problems: string[] = [];
    for (const language of languages) if (!templates[language]) problems.push(`no template for "${language}"`);
    for (const [language, template] of Object.entries(templates)) {
        if (!languages.includes(language)) problems.push(`"${language}" is not a language the bot speaks (${languages.join(', ')})`);
        if (typeof template?.name !== 'string' || !NAME.test(template.name))
            problems.push(`${language}: name must be lower-case letters, digits and _ (got ${JSON.stringify(template?.name)})`);
        if (typeof template?.language !== 'string' || !LANGUAGE.test(template.language)) {
            problems.push(`${language}: language must be a WhatsApp language code such as hi, en or en_US (got ${JSON.stringify(template?.language)})`);
        }
        if (typeof template?.body !== 'string') {
            problems.push(`${language}: body must be the approved body text with {{1}}`);
        } else {
            const placeholders = template.body.match(/\{\{[^}]*\}\}/g) ?? [];
            if (placeholders.length !== 1 || placeholders[0] !== '{{1}}')
                problems.push(`${language}: body must have exactly one parameter, {{1}} (found ${placeholders.join(' ') || 'none'})`);
            else if (templateRoom(template as WhatsAppTemplate) < 100) problems.push(`${language}: body leaves fewer than 100 characters for the message`);
        }
    }
    if (problems.length > 0) throw new Error(`${source} is not valid: ${problems.join('; ')}`);
    return templates as WhatsAppTemplates;
}

/** The template for an activity's locale (`hi-IN` → `hi`), or the first configured one for another locale. */
export function templateFor(templates: WhatsAppTemplates, locale: string | null | undefined): WhatsAppTemplate | undefined {
    const language = (locale ?? '').toLowerCase().split(/[-_]/)[0];
    return templates[language] ?? Object.values(templates)[0];
}

/** UTF-16 units left for the parameter once the body's own text is counted. */
export function templateRoom(template: WhatsAppTemplate): number {
    return TEMPLATE_BODY_LIMIT - template.body.replace('{{1}}', '').length;
}

/**
 * The message as the template's parameter: on one line (WhatsApp refuses newlines, tabs and runs of more than four
 * spaces in a parameter) and, when too long, cut at a grapheme boundary with "…" so the filled body stays within 1,024
 * UTF-16 units. An emoji sequence or a Devanagari conjunct is never split, even where the runtime's ICU predates the
 * conjunct rule: a cut never falls after a virama.
 */
export function fitTemplateParameter(text: string, template: WhatsAppTemplate): string {
    const line = text.replace(/\s+/g, ' ').trim() || '-';
    const room = templateRoom(template);
    if (line.length <= room) return line;
    const kept: string[] = [];
    let length = 0;
    for (const { segment } of GRAPHEMES.segment(line)) {
        if (length + segment.length > room - 1) break;
        kept.push(segment);
        length += segment.length;
    }
    while (kept.length > 0 && (VIRAMA.test(kept[kept.length - 1]) || /^\s+$/.test(kept[kept.length - 1]))) kept.pop();
    return `${kept.join('')}…`;
}
