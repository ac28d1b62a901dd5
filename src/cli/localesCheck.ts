import * as fs from 'fs';
import * as path from 'path';
import { LANGUAGES } from '../i18n/Translator';
import { LOCALES_DIR } from '../paths';

/** One thing a locale maintainer has to fix. */
export interface LocaleProblem {
    file: string;
    key?: string;
    message: string;
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/**
 * Compares every language with English: each namespace file must exist and be valid JSON, every key must exist in
 * every language (plural forms count as one key), values must be text (or lists of text where English has a list),
 * and the `{{variables}}` of a text must be the same in every language.
 */
export function checkLocales(localesDir: string = LOCALES_DIR): LocaleProblem[] {
    const problems: LocaleProblem[] = [];
    const load = (language: string, file: string): Record<string, unknown> | null => {
        const full = path.join(localesDir, language, file);
        const shown = path.join('locales', language, file);
        if (!fs.existsSync(full)) {
            problems.push({ file: shown, message: 'file is missing (copy it from locales/en and translate it)' });
            return null;
        }
        try {
            return flatten(JSON.parse(fs.readFileSync(full, 'utf8')) as Record<string, unknown>);
        } catch (error) {
            problems.push({ file: shown, message: `not valid JSON: ${(error as Error).message} (check for a missing comma or quote)` });
            return null;
        }
    };
    const files = fs.readdirSync(path.join(localesDir, 'en')).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
        const english = load('en', file);
        if (!english) continue;
        const englishKeys = baseKeys(english);
        for (const language of LANGUAGES.filter((l) => l !== 'en')) {
            const other = load(language, file);
            if (!other) continue;
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
                if (missing.length) problems.push({ file: shown, key, message: `missing {{${missing.join('}}, {{')}}}: keep these placeholders exactly as in English` });
                if (extra.length) problems.push({ file: shown, key, message: `unknown {{${extra.join('}}, {{')}}}: the bot does not fill these in (check the spelling)` });
            }
        }
        for (const language of LANGUAGES) {
            const values = language === 'en' ? english : load(language, file);
            for (const [key, value] of Object.entries(values ?? {})) {
                if (typeof value === 'string' && value.trim() === '') problems.push({ file: path.join('locales', language, file), key, message: 'empty text' });
            }
        }
    }
    return problems;
}

/** `bijli-mitra locales check`: prints every problem and exits 1 if there is any. */
export async function runLocalesCheck(_args: string[]): Promise<number> {
    const problems = checkLocales();
    if (problems.length === 0) {
        process.stdout.write('Locales are complete: every language has every text with the same {{placeholders}}.\n');
        return 0;
    }
    for (const p of problems) process.stdout.write(`${p.file}${p.key ? ` → ${p.key}` : ''}: ${p.message}\n`);
    process.stdout.write(`\n${problems.length} problem(s) found.\n`);
    return 1;
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
