/**
 * Runs the Hindi Recognizers-Text spec cases (test/fixtures/recognizers-text) against our recognizers.
 * Used by test/src/nlu/recognizersSpecs.test.ts and by the report script (writeRecognizersReport.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../../paths';
import { recognizeCurrency, recognizeNumbers, recognizeOrdinals } from './recognizeNumbers';
import { recognizePercent } from './recognizePercent';
import { recognizePhoneNumbers } from './recognizePhoneNumbers';
import { recognizeBoolean } from './recognizeBoolean';

export interface SpecResult {
    Text: string;
    TypeName: string;
    Start?: number;
    End?: number;
    Resolution?: Record<string, unknown>;
}
export interface SpecCase {
    Input: string;
    Results: SpecResult[];
    NotSupported?: string;
    NotSupportedByDesign?: string;
}
export interface CaseOutcome {
    input: string;
    expected: SpecResult[];
    got: SpecResult[];
    pass: boolean;
    notSupportedDotnet: boolean;
}
export interface FileOutcome {
    file: string;
    total: number;
    passed: number;
    rate: number;
    failures: CaseOutcome[];
}

export const SPEC_FILES = [
    'Number/Hindi/NumberModel.json',
    'Number/Hindi/OrdinalModel.json',
    'Number/Hindi/PercentModel.json',
    'NumberWithUnit/Hindi/CurrencyModel.json',
    'Sequence/Hindi/PhoneNumberModel.json',
    'Choice/Hindi/BooleanModel.json',
] as const;

/** The Recognizers-Text Hindi spec files: `test/fixtures/recognizers-text` (MIT, see its README), or BIJLI_RECOGNIZERS_FIXTURES. */
export function findSpecRoot(): string {
    const env = process.env.BIJLI_RECOGNIZERS_FIXTURES;
    if (env && fs.existsSync(env)) return env;
    const root = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'recognizers-text');
    if (!fs.existsSync(root)) throw new Error(`recognizers-text fixtures not found at ${root}`);
    return root;
}

export function loadCases(file: string, root = findSpecRoot()): SpecCase[] {
    const raw = fs.readFileSync(path.join(root, file), 'utf8').replace(/^\uFEFF/, '');
    return JSON.parse(raw) as SpecCase[];
}

function recognize(file: string, input: string): SpecResult[] {
    if (file.includes('BooleanModel')) {
        // The spec gives no offsets for booleans, and its scores are .NET's own: text, type and value are compared.
        return recognizeBoolean(input).map((r) => ({ Text: r.text, TypeName: 'boolean', Resolution: { value: r.value } }));
    }
    if (file.includes('OrdinalModel')) {
        return recognizeOrdinals(input).map((r) => ({ Text: r.text, TypeName: r.typeName, Start: r.start, End: r.end, Resolution: { ...r.resolution } }));
    }
    if (file.includes('PhoneNumberModel')) {
        return recognizePhoneNumbers(input).map((r) => ({ Text: r.text, TypeName: r.typeName, Start: r.start, End: r.end }));
    }
    if (file.includes('PercentModel')) {
        return recognizePercent(input).map((r) => ({ Text: r.text, TypeName: r.typeName, Start: r.start, End: r.end, Resolution: { value: `${r.value}%` } }));
    }
    if (file.includes('CurrencyModel')) {
        return recognizeCurrency(input).map((r) => {
            const res: Record<string, unknown> = { value: r.value === null ? null : String(r.value), unit: r.unit };
            if (r.isoCurrency) res.isoCurrency = r.isoCurrency;
            return { Text: r.text, TypeName: r.typeName, Start: r.start, End: r.end, Resolution: res };
        });
    }
    return recognizeNumbers(input).map((r) => ({ Text: r.text, TypeName: r.typeName, Start: r.start, End: r.end, Resolution: { value: String(r.value) } }));
}

function sameNumber(a: unknown, b: unknown): boolean {
    if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return String(a) === String(b);
    if (x === y) return true;
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

function resultMatches(file: string, e: SpecResult, g: SpecResult): boolean {
    if (e.Text !== g.Text || e.Start !== g.Start || e.End !== g.End || e.TypeName !== g.TypeName) return false;
    const er = e.Resolution ?? {};
    const gr = g.Resolution ?? {};
    if (file.includes('Percent')) return String(er.value) === String(gr.value);
    if (file.includes('PhoneNumber')) return true;
    if (file.includes('Boolean')) return er.value === gr.value;
    if (!sameNumber(er.value, gr.value) && !(file.includes('Ordinal') && String(er.value) === String(gr.value))) return false;
    if (file.includes('Ordinal')) return String(er.offset) === String(gr.offset) && er.relativeTo === gr.relativeTo;
    if (file.includes('Currency')) return er.unit === gr.unit && (er.isoCurrency ?? null) === (gr.isoCurrency ?? null);
    return true;
}

export function runFile(file: string, root = findSpecRoot()): FileOutcome {
    const cases = loadCases(file, root);
    const failures: CaseOutcome[] = [];
    let passed = 0;
    for (const c of cases) {
        const got = recognize(file, c.Input);
        const pass = got.length === c.Results.length && c.Results.every((e, k) => resultMatches(file, e, got[k]));
        if (pass) passed++;
        else failures.push({ input: c.Input, expected: c.Results, got, pass, notSupportedDotnet: /dotnet/i.test(c.NotSupported ?? '') });
    }
    return { file, total: cases.length, passed, rate: cases.length ? passed / cases.length : 1, failures };
}

function show(rs: SpecResult[]): string {
    if (!rs.length) return '(nothing)';
    return rs.map((r) => `\`${r.Text}\` ${r.Start}–${r.End} ${r.TypeName} ${JSON.stringify(r.Resolution ?? {})}`).join('<br>');
}

export function renderReport(outcomes: FileOutcome[]): string {
    const lines: string[] = [];
    lines.push('# Hindi Recognizers-Text spec report', '');
    lines.push('Generated by `node dist/src/nlu/hindi/writeRecognizersReport.js` (after `npx tsc -p tsconfig.json`).');
    lines.push('Cases come from `test/fixtures/recognizers-text`; `NotSupportedByDesign` is ignored, every case runs.');
    lines.push('A case passes when every expected result matches in order on Text, Start, End (inclusive), TypeName and the');
    lines.push('resolution value (numbers compared numerically; ordinals also offset/relativeTo; currency also unit/isoCurrency).', '');
    lines.push('| File | Cases | Passed | Pass rate |', '|---|---:|---:|---:|');
    for (const o of outcomes) lines.push(`| \`${o.file}\` | ${o.total} | ${o.passed} | ${(o.rate * 100).toFixed(1)}% |`);
    lines.push('');
    for (const o of outcomes) {
        lines.push(`## Failing cases: \`${o.file}\` (${o.failures.length})`, '');
        if (!o.failures.length) {
            lines.push('None.', '');
            continue;
        }
        lines.push('| Input | Expected | Got |', '|---|---|---|');
        for (const f of o.failures) {
            const input = f.input.replace(/\|/g, '\\|').replace(/\n/g, ' ');
            lines.push(
                `| ${input}${f.notSupportedDotnet ? ' *(NotSupported: dotnet)*' : ''} | ${show(f.expected).replace(/\|/g, '\\|')} | ${show(f.got).replace(/\|/g, '\\|')} |`
            );
        }
        lines.push('');
    }
    return lines.join('\n');
}
