import * as fs from 'fs';
import * as path from 'path';
import type { AreaClass } from '../data/entities/Consumer';
import { PACKAGE_ROOT } from '../paths';
import { ComplaintCategories } from './ComplaintCategories';

/** How far a value can be trusted: confirmed by more than one source, uncertain, or a placeholder (unknown). */
export type StandardStatus = 'confirmed' | 'uncertain' | 'unknown';

/** One row of the table: the time limit and compensation for a complaint category in an area class. */
export interface Standard {
    category: string;
    areaClass: AreaClass;
    /** Hours from registration within which the complaint should be resolved. */
    resolutionHours: number;
    /** Rupees per started day of delay, or null where no amount is known. Quote it only through `compensation()`. */
    compensationInrPerDay: number | null;
    /** The weaker of the time limit's status and (when not null) the compensation's status. */
    status: StandardStatus;
    /** Where the values come from. */
    source: string;
    comment?: string;
}

/** The shape of `src/service-standards.json`. */
export interface ServiceStandardsTable {
    /** Regulation version the rows belong to, e.g. `UPERC-SoP-2019/1`; stored with each complaint's due time. */
    version: string;
    /** ISO date (YYYY-MM-DD) from which the rows apply. */
    effectiveFrom: string;
    regulation?: string;
    note?: string;
    standards: Standard[];
}

/** Compensation accrued on a complaint at a given moment. */
export interface Compensation {
    /** Started days of delay after the due time: 0 up to and at due, 1 for any part of the first 24 h after, and so on. */
    daysLate: number;
    /** daysLate × per-day amount, or null when the amount is not known or the row's status is `unknown`. */
    amountInr: number | null;
    status: StandardStatus;
}

/** The default table file, read from the source tree so it can be changed without a rebuild. */
export const SERVICE_STANDARDS_FILE = path.join(PACKAGE_ROOT, 'src', 'service-standards.json');

const AREA_CLASSES: readonly AreaClass[] = ['city', 'urban', 'rural'];
const STATUSES: readonly StandardStatus[] = ['confirmed', 'uncertain', 'unknown'];
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Fallback time limit for a category that has no rows. Only reached when a category was added to configuration
 * without standards (which `validate` reports); 24 h keeps such complaints on a visible clock without claiming any
 * regulation, and status `unknown` keeps compensation out of every message.
 */
const FALLBACK_HOURS = 24;

/**
 * Complaint time limits and compensation per category × area class (UPERC Standards of Performance), loaded from a
 * versioned JSON table so that values can be corrected without a code change. Pure date math: the
 * caller passes every time, so tests need no clock.
 */
export class ServiceStandards {
    /** Regulation version of the loaded table, e.g. `UPERC-SoP-2019/1`. */
    readonly version: string;
    /** ISO date from which the loaded table applies. */
    readonly effectiveFrom: string;
    /** All rows as loaded. */
    readonly standards: readonly Standard[];
    private readonly byKey = new Map<string, Standard>();

    /**
     * Checks `table` (parsed JSON) against `categories` (the configured complaint category ids) and throws one Error
     * listing every problem found; see `validate`.
     */
    constructor(table: unknown, categories: readonly string[]) {
        const problems = ServiceStandards.validate(table, categories);
        if (problems.length > 0) {
            throw new Error(`service standards table is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`);
        }
        const valid = table as ServiceStandardsTable;
        this.version = valid.version;
        this.effectiveFrom = valid.effectiveFrom;
        this.standards = valid.standards.map((row) => Object.freeze({ ...row }));
        for (const row of this.standards) this.byKey.set(key(row.category, row.areaClass), row);
    }

    /**
     * Reads and validates the table file. `categories` defaults to the ids in `src/complaint-categories.json`, so a
     * category added there without standards rows stops the bot at start with a clear message.
     */
    static load(file: string = SERVICE_STANDARDS_FILE, categories?: readonly string[]): ServiceStandards {
        let table: unknown;
        try {
            table = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (err) {
            throw new Error(`cannot read service standards from ${file}: ${(err as Error).message}`, { cause: err });
        }
        const ids = categories ?? ComplaintCategories.load().all.map((c) => c.id);
        try {
            return new ServiceStandards(table, ids);
        } catch (err) {
            throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
        }
    }

    /**
     * Every problem with `table` for the given category ids, as readable sentences (empty when valid): missing
     * version or effective date, a missing category × area class combination, rows for unknown categories or area
     * classes, duplicate rows, hours that are not a positive number, negative or non-numeric compensation, a bad
     * status, a missing source.
     */
    static validate(table: unknown, categories: readonly string[]): string[] {
        const problems: string[] = [];
        if (!isObject(table)) return ['the table must be a JSON object with "version", "effectiveFrom" and "standards"'];
        if (typeof table.version !== 'string' || table.version.trim() === '') problems.push('"version" is missing or empty');
        if (typeof table.effectiveFrom !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(table.effectiveFrom) || Number.isNaN(Date.parse(table.effectiveFrom))) {
            problems.push(`"effectiveFrom" must be a date like 2020-02-18, got ${JSON.stringify(table.effectiveFrom)}`);
        }
        if (!Array.isArray(table.standards)) {
            problems.push('"standards" must be an array of rows');
            return problems;
        }
        const known = new Set(categories);
        const seen = new Set<string>();
        table.standards.forEach((row: unknown, index: number) => {
            const at = `row ${index + 1}`;
            if (!isObject(row)) {
                problems.push(`${at} is not an object`);
                return;
            }
            const label = `${at} (${String(row.category)}/${String(row.areaClass)})`;
            if (typeof row.category !== 'string' || !known.has(row.category)) {
                problems.push(`${label}: unknown category ${JSON.stringify(row.category)}; configured categories are ${categories.join(', ')}`);
            }
            if (!AREA_CLASSES.includes(row.areaClass as AreaClass)) {
                problems.push(`${label}: unknown area class ${JSON.stringify(row.areaClass)}; use ${AREA_CLASSES.join(', ')}`);
            }
            if (typeof row.resolutionHours !== 'number' || !Number.isFinite(row.resolutionHours) || row.resolutionHours <= 0) {
                problems.push(`${label}: "resolutionHours" must be a positive number, got ${JSON.stringify(row.resolutionHours)}`);
            }
            const amount = row.compensationInrPerDay;
            if (amount !== null && (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0)) {
                problems.push(`${label}: "compensationInrPerDay" must be null or a number of rupees of 0 or more, got ${JSON.stringify(amount)}`);
            }
            if (!STATUSES.includes(row.status as StandardStatus)) {
                problems.push(`${label}: "status" must be one of ${STATUSES.join(', ')}, got ${JSON.stringify(row.status)}`);
            }
            if (typeof row.source !== 'string' || row.source.trim() === '') {
                problems.push(`${label}: "source" is missing; say where the values come from`);
            }
            if (row.comment !== undefined && typeof row.comment !== 'string') problems.push(`${label}: "comment" must be text`);
            const rowKey = key(String(row.category), String(row.areaClass));
            if (seen.has(rowKey)) problems.push(`${label}: duplicate row for ${row.category}/${row.areaClass}`);
            seen.add(rowKey);
        });
        for (const category of categories) {
            for (const areaClass of AREA_CLASSES) {
                if (!seen.has(key(category, areaClass))) problems.push(`no row for category "${category}" in area class "${areaClass}"`);
            }
        }
        return problems;
    }

    /**
     * The row for a category and area class. A category without rows (added to configuration after this table was
     * loaded, or not in the list it was checked against) gets a default row instead of an error, so a complaint can
     * still be registered: 24 h, no compensation, status `unknown`. `validate` reports such a category.
     */
    standardFor(category: string, areaClass: AreaClass): Standard {
        const row = this.byKey.get(key(category, areaClass));
        if (row) return row;
        if (!AREA_CLASSES.includes(areaClass)) throw new Error(`unknown area class "${areaClass}"; use ${AREA_CLASSES.join(', ')}`);
        return {
            category,
            areaClass,
            resolutionHours: FALLBACK_HOURS,
            compensationInrPerDay: null,
            status: 'unknown',
            source: `default: no row in service standards ${this.version}`,
            comment: 'Category has no standards rows; add them to the table.',
        };
    }

    /** When a complaint registered at `registeredAt` should be resolved. */
    dueAt(category: string, areaClass: AreaClass, registeredAt: Date): Date {
        requireDate(registeredAt, 'registeredAt');
        return new Date(registeredAt.getTime() + this.standardFor(category, areaClass).resolutionHours * HOUR_MS);
    }

    /**
     * Compensation accrued at `now` on a complaint due at `dueAt`. Each started day of delay counts ("per day or part
     * thereof"): 0 days up to and at the due time, 1 day from any moment after it up to and including due + 24 h, 2
     * days after that, and so on. The amount is null when the row has no per-day amount or its status is `unknown`
     * (unknown cells get no compensation text). The annual cap and claim window are not applied here.
     */
    compensation(category: string, areaClass: AreaClass, dueAt: Date, now: Date): Compensation {
        requireDate(dueAt, 'dueAt');
        requireDate(now, 'now');
        const row = this.standardFor(category, areaClass);
        const lateMs = now.getTime() - dueAt.getTime();
        const daysLate = lateMs <= 0 ? 0 : Math.ceil(lateMs / DAY_MS);
        const amountInr = row.compensationInrPerDay === null || row.status === 'unknown' ? null : daysLate * row.compensationInrPerDay;
        return { daysLate, amountInr, status: row.status };
    }

    /** The time limit to tell the consumer, with its status so the message can say when it is not yet verified. */
    describeLimit(category: string, areaClass: AreaClass): { hours: number; status: StandardStatus } {
        const row = this.standardFor(category, areaClass);
        return { hours: row.resolutionHours, status: row.status };
    }
}

function key(category: string, areaClass: string): string {
    return `${category}\u0000${areaClass}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireDate(value: Date, name: string): void {
    // An Invalid Date would silently turn every due time and day count into NaN.
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new Error(`${name} must be a valid Date, got ${String(value)}`);
}
