/**
 * HTML building for the officials' console. Every value interpolated into an {@link html} template is escaped unless
 * it is itself the result of an `html` template (a {@link SafeHtml}): names, notes and descriptions typed by consumers
 * or officials can never become markup.
 */

/** Markup that is already safe: built by {@link html} or {@link raw}. */
export class SafeHtml {
    constructor(readonly value: string) {}
    toString(): string {
        return this.value;
    }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
    return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

/** Values an {@link html} template accepts: text (escaped), safe markup, lists of either, or nothing. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
    if (value === null || value === undefined || value === false) return '';
    if (value instanceof SafeHtml) return value.value;
    if (Array.isArray(value)) return value.map(render).join('');
    return escapeHtml(value);
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
    let out = strings[0];
    for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
    return new SafeHtml(out);
}

/** Marks a constant string (never user input) as markup. */
export function raw(markup: string): SafeHtml {
    return new SafeHtml(markup);
}
