import * as fs from 'fs';
import * as path from 'path';
import { LANGUAGES } from '../i18n/Translator';
import { LOCALES_DIR, PACKAGE_ROOT } from '../paths';
import { INTENTS, isIntent } from '../nlu/IntentRecognizer';

/** One thing a locale maintainer should look at; `warning`s do not fail the check. */
export interface LocaleProblem {
    file: string;
    key?: string;
    message: string;
    severity?: 'error' | 'warning';
}

/** Where the checker looks for the keys the code uses. */
export interface LocaleCheckOptions {
    /** Folders of source code to scan; default src, dialogs, adapters of the package. */
    sourceDirs?: string[];
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
// Button and list-row titles on WhatsApp (channels issue): longer ones are shown as a list, or as numbered text.
const BUTTON_TITLE_LIMIT = 20;
const LIST_ROW_LIMIT = 24;

/**
 * Checks `locales/` the way a translator needs it checked, with file, key and a plain reason for each problem:
 * invalid JSON (with line and column); a file, text or list missing in one language; texts no language has any more;
 * `{{placeholders}}` that differ between languages; plural forms a language needs; texts the code uses that no file
 * has (errors) and texts no code uses (warnings); button titles too long for WhatsApp's buttons or lists (warnings).
 */
export function checkLocales(localesDir: string = LOCALES_DIR, options: LocaleCheckOptions = {}): LocaleProblem[] {
    const problems: LocaleProblem[] = [];
    const catalogues = new Map<string, Map<string, Record<string, unknown>>>();
    const load = (language: string, file: string): Record<string, unknown> | null => {
        const full = path.join(localesDir, language, file);
        const shown = path.join('locales', language, file);
        if (!fs.existsSync(full)) {
            problems.push({ file: shown, message: 'file is missing (copy it from locales/en and translate it)' });
            return null;
        }
        const text = fs.readFileSync(full, 'utf8');
        try {
            return flatten(JSON.parse(text) as Record<string, unknown>);
        } catch (error) {
            problems.push({
                file: shown,
                message: `not valid JSON${where(text, error as Error)}: ${(error as Error).message} (check for a missing comma or quote)`,
            });
            return null;
        }
    };
    const files = fs
        .readdirSync(path.join(localesDir, 'en'))
        .filter((f) => f.endsWith('.json'))
        .sort();
    for (const file of files) {
        const english = load('en', file);
        if (!english) continue;
        catalogues.set(file, new Map([['en', english]]));
        const englishKeys = baseKeys(english);
        for (const language of LANGUAGES.filter((l) => l !== 'en')) {
            const other = load(language, file);
            if (!other) continue;
            catalogues.get(file)!.set(language, other);
            const shown = path.join('locales', language, file);
            const otherKeys = baseKeys(other);
            for (const key of englishKeys.keys()) {
                if (!otherKeys.has(key)) problems.push({ file: shown, key, message: 'missing: this text exists in English but not here' });
            }
            for (const key of otherKeys.keys()) {
                if (!englishKeys.has(key)) problems.push({ file: shown, key, message: 'not in English: a typo in the key, or a text English no longer has' });
            }
            for (const [key, englishValues] of englishKeys) {
                const otherValues = otherKeys.get(key);
                if (!otherValues) continue;
                const expected = variables(englishValues);
                const found = variables(otherValues);
                const missing = [...expected].filter((v) => !found.has(v));
                const extra = [...found].filter((v) => !expected.has(v));
                if (missing.length)
                    problems.push({ file: shown, key, message: `missing {{${missing.join('}}, {{')}}}: keep these placeholders exactly as in English` });
                if (extra.length)
                    problems.push({ file: shown, key, message: `unknown {{${extra.join('}}, {{')}}}: the bot does not fill these in (check the spelling)` });
            }
        }
        for (const [language, values] of catalogues.get(file)!) {
            const shown = path.join('locales', language, file);
            for (const [key, value] of Object.entries(values)) {
                if (typeof value === 'string' && value.trim() === '') problems.push({ file: shown, key, message: 'empty text' });
            }
            problems.push(...pluralProblems(language, shown, values));
            // An everyday answer's `offer` is what a "yes, I want that" starts: it must name something the bot does.
            for (const [key, value] of Object.entries(values)) {
                if (file === 'faq.json' && key.endsWith('.offer') && (typeof value !== 'string' || !isIntent(value)))
                    problems.push({ file: shown, key, message: `unknown offer "${String(value)}": use one of ${INTENTS.join(', ')}` });
            }
        }
    }
    problems.push(...usageProblems(catalogues, options.sourceDirs ?? ['src', 'dialogs', 'adapters'].map((d) => path.join(PACKAGE_ROOT, d))));
    return problems;
}

/** `bijli-mitra locales check`: prints every problem and exits 1 if there is any error (warnings alone pass). */
export async function runLocalesCheck(_args: string[]): Promise<number> {
    const problems = checkLocales();
    const errors = problems.filter((p) => p.severity !== 'warning');
    for (const p of problems) {
        process.stdout.write(`${p.severity === 'warning' ? 'warning' : 'error'}: ${p.file}${p.key ? ` → ${p.key}` : ''}: ${p.message}\n`);
    }
    if (errors.length === 0) {
        process.stdout.write(
            `Locales are complete: every language has every text with the same {{placeholders}}${problems.length ? ` (${problems.length} warning(s) above)` : ''}.\n`
        );
        return 0;
    }
    process.stdout.write(`\n${errors.length} problem(s) to fix${problems.length > errors.length ? `, ${problems.length - errors.length} warning(s)` : ''}.\n`);
    return 1;
}

/** Plural forms each language needs (CLDR categories), for every key written with plural suffixes. */
function pluralProblems(language: string, shown: string, values: Record<string, unknown>): LocaleProblem[] {
    const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories as string[];
    const forms = new Map<string, Set<string>>();
    for (const key of Object.keys(values)) {
        const match = PLURAL_SUFFIX.exec(key);
        if (!match) continue;
        const base = key.slice(0, -match[0].length);
        forms.set(base, (forms.get(base) ?? new Set()).add(match[1]));
    }
    const problems: LocaleProblem[] = [];
    for (const [base, have] of forms) {
        const missing = needed.filter((category) => !have.has(category));
        if (missing.length) {
            problems.push({
                file: shown,
                key: base,
                message: `plural form(s) ${missing.map((m) => `${base}_${m}`).join(', ')} missing: this language needs ${needed.join(', ')}`,
            });
        }
    }
    return problems;
}

/**
 * Keys the code names (`'ns:key'`) that no file has, keys no code names, and button titles too long for WhatsApp.
 * Keys built at run time (`` `complaint:categories.${id}` ``) count as using everything under their prefix.
 */
function usageProblems(catalogues: Map<string, Map<string, Record<string, unknown>>>, sourceDirs: string[]): LocaleProblem[] {
    const namespaces = [...catalogues.keys()].map((f) => f.slice(0, -5));
    const literal = new Set<string>();
    const prefixes = new Set<string>();
    const buttonKeys = new Set<string>();
    const keyPattern = new RegExp(`['"\`]((?:${namespaces.join('|')}):[A-Za-z0-9_.]*)(\\$\\{)?`, 'g');
    for (const file of sourceFiles(sourceDirs)) {
        const code = fs.readFileSync(file, 'utf8');
        for (const match of code.matchAll(keyPattern)) {
            if (match[2]) prefixes.add(match[1]);
            else if (!match[1].endsWith(':')) literal.add(match[1]);
        }
        for (const match of code.matchAll(/label: \{ key: [`'"]([a-z]+:[A-Za-z0-9_.]+)/g)) buttonKeys.add(match[1]);
    }
    const problems: LocaleProblem[] = [];
    const english = (ns: string) => catalogues.get(`${ns}.json`)?.get('en') ?? {};
    const exists = (full: string) => {
        const [ns, key] = full.split(':');
        const values = english(ns);
        return key in values || Object.keys(values).some((k) => k.replace(PLURAL_SUFFIX, '') === key || k.startsWith(`${key}.`));
    };
    for (const full of literal) {
        if (!exists(full))
            problems.push({
                file: path.join('locales', 'en', `${full.split(':')[0]}.json`),
                key: full.split(':')[1],
                message: 'the code uses this text but no file has it: add it to every language',
            });
    }
    for (const [file, languages] of catalogues) {
        const ns = file.slice(0, -5);
        for (const key of Object.keys(languages.get('en') ?? {})) {
            const full = `${ns}:${key.replace(PLURAL_SUFFIX, '')}`;
            const used = literal.has(full) || [...literal].some((l) => full.startsWith(`${l}.`)) || [...prefixes].some((p) => full.startsWith(p));
            if (!used)
                problems.push({
                    file: path.join('locales', 'en', file),
                    key,
                    message: 'no code uses this text (remove it, or check the key)',
                    severity: 'warning',
                });
        }
    }
    const reported = new Set<string>();
    for (const full of buttonKeys) {
        const [ns, key] = full.split(':');
        for (const [language, values] of catalogues.get(`${ns}.json`) ?? []) {
            for (const [k, value] of Object.entries(values)) {
                if (typeof value !== 'string' || !(k === key || (k.startsWith(key) && [...prefixes].includes(full)))) continue;
                const length = [...value.replace(/\{\{[^}]*\}\}/g, '')].length;
                const shown = path.join('locales', language, `${ns}.json`);
                if (reported.has(`${shown}|${k}`)) continue;
                reported.add(`${shown}|${k}`);
                if (length > LIST_ROW_LIMIT)
                    problems.push({
                        file: shown,
                        key: k,
                        message: `button title of ${length} characters: over ${LIST_ROW_LIMIT}, WhatsApp shows this choice as numbered text instead of a button or list`,
                        severity: 'warning',
                    });
                else if (length > BUTTON_TITLE_LIMIT)
                    problems.push({
                        file: shown,
                        key: k,
                        message: `button title of ${length} characters: over ${BUTTON_TITLE_LIMIT}, WhatsApp shows this choice in a list instead of as a button`,
                        severity: 'warning',
                    });
            }
        }
    }
    return problems;
}

function sourceFiles(dirs: string[]): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
        if (!fs.existsSync(dir)) return;
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith('.ts')) out.push(full);
        }
    };
    dirs.forEach(walk);
    return out;
}

/** " at line L, column C" for a JSON.parse error that gives a position. */
function where(text: string, error: Error): string {
    const position = /position (\d+)/.exec(error.message);
    if (!position) return '';
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return ` at line ${line}, column ${column}`;
}

function flatten(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
        const full = prefix ? `${prefix}.${key}` : key;
        if (child && typeof child === 'object' && !Array.isArray(child)) Object.assign(out, flatten(child as Record<string, unknown>, full));
        else out[full] = child;
    }
    return out;
}

/** Keys with plural suffixes folded (`x_one`, `x_other` → `x`), each with all its values. */
function baseKeys(flat: Record<string, unknown>): Map<string, unknown[]> {
    const keys = new Map<string, unknown[]>();
    for (const [key, value] of Object.entries(flat)) {
        const base = key.replace(PLURAL_SUFFIX, '');
        keys.set(base, [...(keys.get(base) ?? []), value]);
    }
    return keys;
}

function variables(values: unknown[]): Set<string> {
    const found = new Set<string>();
    for (const value of values) {
        for (const match of String(typeof value === 'string' ? value : '').matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)) found.add(match[1]);
    }
    // `count` drives plural choice and may be left out of a translation's wording.
    found.delete('count');
    return found;
}
