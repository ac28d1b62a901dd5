import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ComplaintCategories } from '../../../src/services/ComplaintCategories';
import { ServiceStandards, SERVICE_STANDARDS_FILE, Standard } from '../../../src/services/ServiceStandards';

const AREAS = ['city', 'urban', 'rural'] as const;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A small valid fixture table: tests never depend on the shipped values except where they check the shipped file. */
function fixture(categories: string[] = ['no_supply', 'transformer']): { version: string; effectiveFrom: string; standards: Array<Record<string, unknown>> } {
    const standards: Array<Record<string, unknown>> = [];
    for (const category of categories) {
        for (const areaClass of AREAS) {
            standards.push({ category, areaClass, resolutionHours: 4, compensationInrPerDay: 150, status: 'confirmed', source: 'fixture' });
        }
    }
    return { version: 'TEST/1', effectiveFrom: '2020-02-18', standards };
}

/** The error message the constructor throws for `table`, failing the test if it does not throw. */
function errorFor(table: unknown, categories: string[] = ['no_supply', 'transformer']): string {
    try {
        new ServiceStandards(table, categories);
    } catch (err) {
        return (err as Error).message;
    }
    assert.fail('expected the table to be rejected');
}

describe('ServiceStandards', () => {
    describe('shipped table', () => {
        const categoryIds = ComplaintCategories.load().all.map((c) => c.id);
        const standards = ServiceStandards.load();

        it('loads against src/complaint-categories.json and covers every category × area class', () => {
            assert.deepEqual([...categoryIds].sort(), ['billing', 'line', 'meter', 'no_supply', 'transformer', 'underground_cable', 'voltage']);
            assert.deepEqual(ServiceStandards.validate(JSON.parse(fs.readFileSync(SERVICE_STANDARDS_FILE, 'utf8')), categoryIds), []);
            assert.equal(standards.standards.length, 21);
            for (const category of categoryIds) {
                for (const areaClass of AREAS) {
                    const row = standards.standardFor(category, areaClass);
                    assert.notEqual(row.source.startsWith('default:'), true, `${category}/${areaClass} fell back to the default`);
                }
            }
            assert.equal(standards.version, 'UPERC-SoP-2019/1');
            assert.equal(standards.effectiveFrom, '2020-02-18');
        });

        it('gives every uncertain or unknown row a source, and placeholders say so', () => {
            for (const row of standards.standards) {
                if (row.status !== 'confirmed') assert.ok(row.source.trim().length > 0, `${row.category}/${row.areaClass} has no source`);
                if (/placeholder/i.test(row.source)) assert.equal(row.status, 'unknown', `${row.category}/${row.areaClass} is a placeholder but not unknown`);
            }
            assert.equal(standards.standardFor('line', 'city').source, 'placeholder: TGSPDCL citizen charter (not a UP value)');
        });

        it('never quotes compensation for an unknown row', () => {
            for (const row of standards.standards.filter((r) => r.status === 'unknown')) {
                const due = new Date('2025-01-01T00:00:00Z');
                const result = standards.compensation(row.category, row.areaClass, due, new Date(due.getTime() + 3 * 24 * HOUR));
                assert.equal(result.amountInr, null, `${row.category}/${row.areaClass}`);
            }
        });

        it('dueAt for city no_supply is registration + 2 h', () => {
            const registered = new Date('2025-06-01T10:15:00Z');
            assert.equal(standards.dueAt('no_supply', 'city', registered).toISOString(), '2025-06-01T12:15:00.000Z');
            assert.deepEqual(standards.describeLimit('no_supply', 'city'), { hours: 2, status: 'uncertain' });
        });

        it('transformer compensation is days late × ₹150', () => {
            const due = standards.dueAt('transformer', 'urban', new Date('2025-06-01T00:00:00Z'));
            const result = standards.compensation('transformer', 'urban', due, new Date(due.getTime() + 2 * 24 * HOUR + MINUTE));
            assert.deepEqual(result, { daysLate: 3, amountInr: 450, status: 'uncertain' });
        });
    });

    describe('validation', () => {
        it('accepts the fixture', () => {
            assert.deepEqual(ServiceStandards.validate(fixture(), ['no_supply', 'transformer']), []);
        });

        it('reports a missing version and a bad effective date', () => {
            const table: Record<string, unknown> = { ...fixture(), effectiveFrom: '18/02/2020' };
            delete table.version;
            const message = errorFor(table);
            assert.match(message, /"version" is missing/);
            assert.match(message, /"effectiveFrom" must be a date/);
        });

        it('reports every missing category × area combination', () => {
            const table = fixture();
            table.standards = table.standards.filter((r) => !(r.category === 'transformer' && r.areaClass !== 'city'));
            const message = errorFor(table);
            assert.match(message, /no row for category "transformer" in area class "urban"/);
            assert.match(message, /no row for category "transformer" in area class "rural"/);
            assert.match(message, /2 problems/);
        });

        it('reports rows for unknown categories and area classes', () => {
            const table = fixture();
            table.standards.push({ ...table.standards[0], category: 'street_light' });
            table.standards.push({ ...table.standards[0], areaClass: 'metro' });
            const message = errorFor(table);
            assert.match(message, /unknown category "street_light"/);
            assert.match(message, /unknown area class "metro"/);
        });

        it('reports hours that are not a positive number', () => {
            for (const hours of [0, -2, '4', null, Number.NaN]) {
                const table = fixture();
                table.standards[1].resolutionHours = hours;
                assert.match(errorFor(table), /row 2 \(no_supply\/urban\): "resolutionHours" must be a positive number/, String(hours));
            }
        });

        it('reports negative or non-numeric compensation', () => {
            const table = fixture();
            table.standards[0].compensationInrPerDay = -50;
            table.standards[2].compensationInrPerDay = '50';
            const message = errorFor(table);
            assert.match(message, /row 1 .*"compensationInrPerDay" must be null or a number/);
            assert.match(message, /row 3 .*"compensationInrPerDay" must be null or a number/);
        });

        it('reports a bad status and a missing source', () => {
            const table = fixture();
            table.standards[0].status = 'probably';
            delete table.standards[1].source;
            const message = errorFor(table);
            assert.match(message, /row 1 .*"status" must be one of confirmed, uncertain, unknown, got "probably"/);
            assert.match(message, /row 2 .*"source" is missing/);
        });

        it('reports duplicate rows', () => {
            const table = fixture();
            table.standards.push({ ...table.standards[4] });
            assert.match(errorFor(table), /row 7 \(transformer\/urban\): duplicate row for transformer\/urban/);
        });

        it('lists every problem in one error', () => {
            const table: Record<string, unknown> = { ...fixture() };
            delete table.version;
            const rows = table.standards as Array<Record<string, unknown>>;
            rows[0].status = 'bad';
            rows[1].resolutionHours = 0;
            assert.match(errorFor(table), /3 problems/);
        });

        it('rejects a table that is not an object, and says which file failed to load', () => {
            assert.match(errorFor([]), /must be a JSON object/);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standards-'));
            try {
                const file = path.join(dir, 'bad.json');
                fs.writeFileSync(file, JSON.stringify({ ...fixture(), version: '' }));
                assert.throws(
                    () => ServiceStandards.load(file, ['no_supply', 'transformer']),
                    (err: Error) => err.message.startsWith(file) && /"version" is missing/.test(err.message)
                );
                fs.writeFileSync(file, '{ not json');
                assert.throws(() => ServiceStandards.load(file, ['no_supply']), /cannot read service standards from .*bad\.json/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe('time limits and compensation (fixture)', () => {
        const table = fixture();
        table.standards.push(
            ...AREAS.map((areaClass) => ({
                category: 'line',
                areaClass,
                resolutionHours: 6,
                compensationInrPerDay: 100,
                status: 'unknown',
                source: 'placeholder',
            }))
        );
        const standards = new ServiceStandards(table, ['no_supply', 'transformer', 'line']);
        const registered = new Date('2025-03-10T08:00:00Z');
        const due = standards.dueAt('transformer', 'rural', registered);
        const at = (ms: number) => standards.compensation('transformer', 'rural', due, new Date(due.getTime() + ms));

        it('due time is registration + resolution hours', () => {
            assert.equal(due.getTime() - registered.getTime(), 4 * HOUR);
        });

        it('counts started days of delay', () => {
            assert.equal(at(-MINUTE).daysLate, 0, 'before due');
            assert.equal(at(0).daysLate, 0, 'exactly at due');
            assert.equal(at(MINUTE).daysLate, 1, '1 minute after due');
            assert.equal(at(24 * HOUR).daysLate, 1, 'exactly 24 h after due');
            assert.equal(at(24 * HOUR + MINUTE).daysLate, 2, '24 h + 1 minute after due');
        });

        it('amount is days late × per-day compensation, 0 before due', () => {
            assert.deepEqual(at(-HOUR), { daysLate: 0, amountInr: 0, status: 'confirmed' });
            assert.deepEqual(at(MINUTE), { daysLate: 1, amountInr: 150, status: 'confirmed' });
            assert.deepEqual(at(24 * HOUR + MINUTE), { daysLate: 2, amountInr: 300, status: 'confirmed' });
        });

        it('gives no amount for an unknown row even when a per-day value is present', () => {
            const lineDue = standards.dueAt('line', 'city', registered);
            assert.deepEqual(standards.compensation('line', 'city', lineDue, new Date(lineDue.getTime() + 30 * HOUR)), {
                daysLate: 2,
                amountInr: null,
                status: 'unknown',
            });
            assert.deepEqual(standards.describeLimit('line', 'city'), { hours: 6, status: 'unknown' });
        });

        it('gives no amount where compensation is null', () => {
            const t = fixture(['no_supply']);
            for (const row of t.standards) row.compensationInrPerDay = null;
            const s = new ServiceStandards(t, ['no_supply']);
            assert.equal(s.compensation('no_supply', 'city', due, new Date(due.getTime() + HOUR)).amountInr, null);
        });

        it('falls back to a default unknown row for a category without rows, and validate reports it', () => {
            const row: Standard = standards.standardFor('street_light', 'urban');
            assert.equal(row.status, 'unknown');
            assert.equal(row.compensationInrPerDay, null);
            assert.ok(row.resolutionHours > 0);
            assert.match(row.source, /default/);
            assert.equal(standards.dueAt('street_light', 'urban', registered).getTime(), registered.getTime() + row.resolutionHours * HOUR);
            assert.equal(standards.compensation('street_light', 'urban', due, new Date(due.getTime() + 5 * 24 * HOUR)).amountInr, null);
            const problems = ServiceStandards.validate(table, ['no_supply', 'transformer', 'line', 'street_light']);
            assert.deepEqual(
                problems,
                AREAS.map((a) => `no row for category "street_light" in area class "${a}"`)
            );
        });

        it('rejects invalid dates', () => {
            assert.throws(() => standards.dueAt('no_supply', 'city', new Date('nonsense')), /registeredAt must be a valid Date/);
            assert.throws(() => standards.compensation('no_supply', 'city', due, new Date(Number.NaN)), /now must be a valid Date/);
        });
    });
});
