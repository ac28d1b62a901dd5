import * as fs from 'fs';
import { parse } from 'csv-parse';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { Bill } from './entities/Bill';
import { AreaClass, Consumer } from './entities/Consumer';
import { Meter, MeterType } from './entities/Meter';
import { MobileChangeRequest } from './entities/MobileChangeRequest';
import { Official, OFFICIAL_LEVELS, OfficialLevel } from './entities/Official';
import { OrgUnit, OrgUnitKind } from './entities/OrgUnit';
import { QuarantinedConsumer } from './entities/QuarantinedConsumer';
import { hashPassword } from './passwords';
import { parseIndiaDateTime } from '../i18n/indiaTime';

/** Outcome of importing one CSV file. Line numbers are 1-based file lines; the header is line 1. */
export interface ImportReport {
    file: string;
    kind: 'consumers' | 'bills' | 'officials' | 'org-units' | 'shutdowns';
    /** Data records read, header excluded. */
    total: number;
    /** Records written (inserted or updated). */
    imported: number;
    /** Records not written, in file order, with the reason; account and mobile numbers in reasons are masked. */
    rejected: { line: number; reason: string }[];
    /**
     * Consumers not imported because their subdivision is not in their discom's hierarchy (org_units): kept in
     * `quarantined_consumers`, with the line, the account masked and the unknown name. Consumers only.
     */
    quarantined: { line: number; account: string; discom: string; subdivision: string }[];
    /** Quarantined consumers imported by this run because their subdivision is now known. */
    released: number;
    /** Records already there from an earlier run, not added again (planned shutdowns: same area, start and end). */
    skipped?: number;
}

/** A planned shutdown as read from its CSV line, before the checks that need the database and the clock. */
export interface ShutdownRow {
    discom: string;
    subdivision: string;
    /** Null: the whole subdivision. */
    feederCode: string | null;
    startsAt: Date;
    endsAt: Date;
    reason: string;
}

/** Options of {@link CsvImporter}. */
export interface CsvImporterOptions {
    /** Called after every batch with records processed so far and the (estimated, then exact) record count. */
    onProgress?: (done: number, total: number) => void;
    /** Records per insert statement and transaction; default 500, capped to stay under SQLite's parameter limit. */
    batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 500;
// SQLite's SQLITE_MAX_VARIABLE_NUMBER since 3.32; PostgreSQL allows 65535.
const MAX_BOUND_PARAMETERS = 32766;
// PostgreSQL `integer` columns; a bigger value would fail the whole batch there.
const MAX_INT = 2147483647;

const CONSUMER_REQUIRED = [
    'account_number',
    'name',
    'address',
    'discom',
    'division',
    'subdivision',
    'tariff_category',
    'area_class',
    'meter_number',
    'meter_type',
    'last_reading',
    'last_reading_date',
];
const CONSUMER_OPTIONAL = ['registered_mobile', 'prepaid_balance', 'feeder_code', 'dt_code'];
const BILL_REQUIRED = ['account_number', 'bill_month', 'units', 'amount', 'due_date', 'paid'];
const BILL_OPTIONAL = ['arrears', 'payment_date'];
const OFFICIAL_REQUIRED = ['username', 'name', 'level', 'discom', 'unit_name'];
const OFFICIAL_OPTIONAL = ['mobile', 'language', 'password', 'active', 'triage'];
const ORG_UNIT_REQUIRED = ['discom', 'kind', 'name'];
const ORG_UNIT_OPTIONAL = ['parent_name', 'latitude', 'longitude'];
const SHUTDOWN_REQUIRED = ['discom', 'subdivision', 'starts_at', 'ends_at', 'reason'];
const SHUTDOWN_OPTIONAL = ['feeder_code'];

const CONSUMER_UPDATE = ['name', 'registeredMobile', 'address', 'discom', 'division', 'subdivision', 'tariffCategory', 'areaClass', 'feederCode', 'dtCode'];
const METER_UPDATE = ['accountNumber', 'meterType', 'lastReading', 'lastReadingDate', 'prepaidBalancePaise'];
const BILL_UPDATE = ['units', 'amountPaise', 'arrearsPaise', 'dueDate', 'paid', 'paymentDate'];
// Without passwordHash: a row with an empty password keeps the hash already stored.
const OFFICIAL_UPDATE = ['name', 'level', 'discom', 'unitName', 'mobile', 'language', 'active', 'triage'];

// Maps, not object literals, so that a cell such as "constructor" cannot match an inherited property.
const DISCOMS = new Map([
    ['pvvnl', 'PVVNL'],
    ['mvvnl', 'MVVNL'],
    ['dvvnl', 'DVVNL'],
    ['puvvnl', 'PuVVNL'],
    ['kesco', 'KESCo'],
]);
const AREA_CLASSES: readonly AreaClass[] = ['city', 'urban', 'rural'];
const METER_TYPES: readonly MeterType[] = ['postpaid', 'prepaid', 'smart-prepaid'];
const PAID_WORDS = new Map([
    ['yes', true],
    ['true', true],
    ['1', true],
    ['no', false],
    ['false', false],
    ['0', false],
]);
const LANGUAGES = ['hi', 'en'] as const;
const ORG_UNIT_KINDS: readonly OrgUnitKind[] = ['subdivision', 'division', 'circle', 'zone'];
// Short enough to type on a phone, long enough that the console is not guessed in a few tries.
const MIN_PASSWORD_LENGTH = 8;
// scrypt reads the whole password; a megabyte-long cell must not cost a megabyte-sized hash per row.
const MAX_PASSWORD_LENGTH = 200;

type Rejection = { line: number; reason: string };
type Pending<T> = { line: number; value: T };
type Field = (column: string) => string;
/** Validates one record: the value to write, or the reasons it cannot be written. */
type Validator<T> = (field: Field, line: number) => { value: T } | { errors: string[] };
/** Writes one batch inside a transaction and returns the records it refused. */
type Writer<T> = (manager: EntityManager, batch: Pending<T>[]) => Promise<Rejection[]>;
/** Slow work on a batch (hashing) done before its transaction, so the database is not held meanwhile. */
type Preparer<T> = (batch: Pending<T>[]) => Promise<void>;
/** Extras of one kind of import. */
interface FileOptions<T> {
    prepare?: Preparer<T>;
    /** The file holds secrets: reasons for malformed records must not quote what the parser saw. */
    secret?: boolean;
}

interface ConsumerRow {
    consumer: Consumer;
    meter: Meter;
}
/** An official to upsert; `password` is replaced by `passwordHash` before writing and never leaves this file. */
interface OfficialRow {
    official: Omit<Official, 'id' | 'createdAt' | 'passwordHash'>;
    password: string | null;
    passwordHash?: string;
}

/**
 * A mobile approved in the console (a consumer's request in the bot) holds over an import until an import carries
 * it: the billing export may have been taken before the change and would hand the account back to the old number.
 * Once a row carries the approved number the change is settled, and later imports set the mobile as before.
 */
async function keepApprovedMobiles(manager: EntityManager, batch: Pending<ConsumerRow>[]): Promise<void> {
    const accounts = batch.map((p) => p.value.consumer.accountNumber);
    const approved = await manager
        .getRepository(MobileChangeRequest)
        .find({ where: { accountNumber: In(accounts), status: 'approved', settledAt: IsNull() }, order: { id: 'ASC' } });
    if (approved.length === 0) return;
    // The latest approval of an account is the number it has now.
    const latest = new Map(approved.map((r) => [r.accountNumber, r]));
    const settled: string[] = [];
    for (const { value } of batch) {
        const request = latest.get(value.consumer.accountNumber);
        if (!request) continue;
        if (value.consumer.registeredMobile === request.newMobile) settled.push(request.accountNumber);
        else value.consumer.registeredMobile = request.newMobile;
    }
    if (settled.length > 0) {
        await manager
            .getRepository(MobileChangeRequest)
            .update({ accountNumber: In(settled), status: 'approved', settledAt: IsNull() }, { settledAt: new Date() });
    }
}

/**
 * Imports consumer, bill, official and org-unit CSV exports into the database. The file is streamed and written in
 * batched upserts, so memory stays flat apart from the per-file duplicate index, and importing the same file again updates rows in place.
 * A row with any invalid field is rejected as a whole with every reason listed; the rest of the file still imports.
 */
export class CsvImporter {
    private readonly onProgress?: (done: number, total: number) => void;
    private readonly batchSize: number;

    /** @param dataSource an initialised data source with the schema migrated, e.g. from `openDatabase`. */
    constructor(
        private readonly dataSource: DataSource,
        options: CsvImporterOptions = {}
    ) {
        const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer (got ${batchSize})`);
        this.batchSize = batchSize;
        this.onProgress = options.onProgress;
    }

    /**
     * Imports a consumers CSV (one row per connection and its meter). Consumers are upserted by account number and
     * meters by meter number; a second row for the same account or meter in one file is rejected.
     */
    async importConsumers(filePath: string): Promise<ImportReport> {
        const accountLines = new Map<number, number>();
        const meterLines = new Map<string, number>();
        const validate: Validator<ConsumerRow> = (field, line) => {
            const errors: string[] = [];
            const accountNumber = account(field('account_number'), 'account_number', errors);
            if (accountNumber) firstOccurrence(accountLines, Number(accountNumber), line, errors, `duplicate account_number ${mask(accountNumber)}`);
            const registeredMobile = mobile(field('registered_mobile'), errors);
            const name = text(field('name'), 'name', 120, errors);
            const address = text(field('address'), 'address', 300, errors);
            const discom = discomOf(field('discom'), errors);
            const division = text(field('division'), 'division', 80, errors);
            const subdivision = text(field('subdivision'), 'subdivision', 80, errors);
            const tariffCategory = tariffOf(field('tariff_category'), errors);
            const areaClass = oneOf(field('area_class').toLowerCase(), AREA_CLASSES, 'area_class', errors);
            const feederCode = networkCode(field('feeder_code'), 'feeder_code', errors);
            const dtCode = networkCode(field('dt_code'), 'dt_code', errors);
            const meterNumber = meterNumberOf(field('meter_number'), errors);
            if (meterNumber) firstOccurrence(meterLines, meterNumber, line, errors, `duplicate meter_number ${meterNumber}`);
            const meterType = oneOf(
                field('meter_type')
                    .toLowerCase()
                    .replace(/[\s_]+/g, '-'),
                METER_TYPES,
                'meter_type',
                errors
            );
            const lastReading = integer(field('last_reading'), 'last_reading', errors);
            const lastReadingDate = date(field('last_reading_date'), 'last_reading_date', errors);
            const balance = field('prepaid_balance');
            let prepaidBalancePaise: number | null = null;
            if (meterType === 'postpaid' && balance !== '') errors.push(`prepaid_balance must be empty for a postpaid meter (got "${shown(balance)}")`);
            if (meterType !== undefined && meterType !== 'postpaid') {
                if (balance === '') errors.push(`prepaid_balance is required for a ${meterType} meter`);
                else prepaidBalancePaise = rupees(balance, 'prepaid_balance', true, errors);
            }
            if (errors.length > 0) return { errors };
            return {
                value: {
                    consumer: {
                        accountNumber,
                        name,
                        registeredMobile,
                        address,
                        discom,
                        division,
                        subdivision,
                        tariffCategory,
                        areaClass: areaClass as AreaClass,
                        feederCode,
                        dtCode,
                    },
                    meter: { meterNumber, accountNumber, meterType: meterType as MeterType, lastReading, lastReadingDate, prepaidBalancePaise },
                },
            };
        };
        const quarantined: ImportReport['quarantined'] = [];
        const write: Writer<ConsumerRow> = async (manager, batch) => {
            const placeable = await placeableSubdivisions(
                manager,
                batch.map((p) => p.value.consumer)
            );
            const importable = batch.filter((p) => placeable(p.value.consumer));
            // A subdivision the hierarchy does not know would give a complaint nobody owns: the row waits, whole.
            for (const { line, value } of batch.filter((p) => !placeable(p.value.consumer))) {
                const { accountNumber, discom, subdivision } = value.consumer;
                await manager
                    .createQueryBuilder()
                    .insert()
                    .into(QuarantinedConsumer)
                    .values({ accountNumber, discom, subdivision, file: filePath.slice(-300), line, record: JSON.stringify(value) })
                    .orUpdate(['discom', 'subdivision', 'file', 'line', 'record'], ['accountNumber'])
                    .updateEntity(false)
                    .execute();
                quarantined.push({ line, account: mask(accountNumber), discom, subdivision });
            }
            if (importable.length > 0) {
                await keepApprovedMobiles(manager, importable);
                await writeConsumers(
                    manager,
                    importable.map((p) => p.value)
                );
                await manager.delete(QuarantinedConsumer, { accountNumber: In(importable.map((p) => p.value.consumer.accountNumber)) });
            }
            return [];
        };
        const report = await this.importFile(filePath, 'consumers', CONSUMER_REQUIRED, CONSUMER_OPTIONAL, CONSUMER_UPDATE.length + 1, validate, write);
        report.quarantined = quarantined.sort((a, b) => a.line - b.line);
        report.imported -= quarantined.length;
        // A re-run also releases earlier rows whose subdivision the hierarchy has learnt since.
        report.released = (await this.releaseQuarantined()).released;
        return report;
    }

    /**
     * Imports the quarantined consumers whose subdivision is now in their discom's hierarchy, and removes them from
     * the quarantine. Run after every `import org-units` and `import consumers`; returns what it released and what
     * still waits.
     */
    async releaseQuarantined(): Promise<{ released: number; waiting: QuarantinedConsumer[] }> {
        return this.dataSource.transaction(async (manager) => {
            const waiting = await manager.getRepository(QuarantinedConsumer).find({ order: { id: 'ASC' } });
            if (waiting.length === 0) return { released: 0, waiting: [] };
            const rows = waiting.map((q) => ({ q, row: JSON.parse(q.record) as ConsumerRow }));
            const placeable = await placeableSubdivisions(
                manager,
                rows.map((r) => r.row.consumer)
            );
            const release = rows.filter((r) => placeable(r.row.consumer));
            for (let i = 0; i < release.length; i += 500) {
                const chunk = release.slice(i, i + 500);
                await writeConsumers(
                    manager,
                    chunk.map((r) => r.row)
                );
                await manager.delete(QuarantinedConsumer, { id: In(chunk.map((r) => r.q.id)) });
            }
            const released = new Set(release.map((r) => r.q.id));
            return { released: release.length, waiting: waiting.filter((q) => !released.has(q.id)) };
        });
    }

    /**
     * Imports a bills CSV. Bills are upserted by account number and bill month; bills of accounts that are not in the
     * database, and a second row for the same account and month in one file, are rejected.
     */
    async importBills(filePath: string): Promise<ImportReport> {
        const billLines = new Map<number, number>();
        const validate: Validator<Omit<Bill, 'id'>> = (field, line) => {
            const errors: string[] = [];
            const accountNumber = account(field('account_number'), 'account_number', errors);
            const billMonth = month(field('bill_month'), errors);
            if (accountNumber && billMonth) {
                // A number rather than a string key keeps the index small on multi-million-row files.
                const key = Number(accountNumber) * 10000 + (Number(billMonth.slice(0, 4)) - 2000) * 12 + Number(billMonth.slice(5)) - 1;
                firstOccurrence(billLines, key, line, errors, `duplicate bill for account_number ${mask(accountNumber)} and bill_month ${billMonth}`);
            }
            const units = integer(field('units'), 'units', errors);
            const amountPaise = rupees(field('amount'), 'amount', false, errors);
            const arrearsField = field('arrears');
            const arrearsPaise = arrearsField === '' ? 0 : rupees(arrearsField, 'arrears', false, errors);
            const dueDate = date(field('due_date'), 'due_date', errors);
            const paidField = field('paid');
            const paid = PAID_WORDS.get(digits(paidField).toLowerCase());
            if (paid === undefined)
                errors.push(paidField === '' ? 'paid is required' : `paid must be yes, no, true, false, 1 or 0 (got "${shown(paidField)}")`);
            const paymentField = field('payment_date');
            let paymentDate: string | null = null;
            if (paid === true) {
                if (paymentField === '') errors.push('payment_date is required when paid is yes');
                else paymentDate = date(paymentField, 'payment_date', errors);
            } else if (paid === false && paymentField !== '') {
                errors.push(`payment_date must be empty when paid is no (got "${shown(paymentField)}")`);
            }
            if (errors.length > 0) return { errors };
            return { value: { accountNumber, billMonth, units, amountPaise, arrearsPaise, dueDate, paid: paid as boolean, paymentDate } };
        };
        const write: Writer<Omit<Bill, 'id'>> = async (manager, batch) => {
            const accounts = [...new Set(batch.map((p) => p.value.accountNumber))];
            const known = new Set(
                (
                    await manager
                        .createQueryBuilder(Consumer, 'c')
                        .select('c.accountNumber', 'accountNumber')
                        .where('c.accountNumber IN (:...accounts)', { accounts })
                        .getRawMany<{ accountNumber: string }>()
                ).map((r) => r.accountNumber)
            );
            const rejected: Rejection[] = [];
            const bills: Omit<Bill, 'id'>[] = [];
            for (const { line, value } of batch) {
                if (known.has(value.accountNumber)) bills.push(value);
                else rejected.push({ line, reason: `no consumer with account_number ${mask(value.accountNumber)}; import consumers first` });
            }
            if (bills.length > 0) {
                await manager
                    .createQueryBuilder()
                    .insert()
                    .into(Bill)
                    .values(bills)
                    .orUpdate(BILL_UPDATE, ['accountNumber', 'billMonth'])
                    .updateEntity(false)
                    .execute();
            }
            return rejected;
        };
        // The key columns, plus one in case the driver binds the generated id.
        return this.importFile(filePath, 'bills', BILL_REQUIRED, BILL_OPTIONAL, BILL_UPDATE.length + 3, validate, write);
    }

    /**
     * Imports an officials CSV (console accounts and complaint owners), upserted by username (stored in lower case). A
     * password is hashed with scrypt and never reported back; an empty password keeps the hash already stored (a new
     * official without one cannot sign in until given one). `active` defaults to yes and `language` to hi.
     */
    async importOfficials(filePath: string): Promise<ImportReport> {
        const usernameLines = new Map<string, number>();
        const validate: Validator<OfficialRow> = (field, line) => {
            const errors: string[] = [];
            const username = usernameOf(field('username'), errors);
            if (username) firstOccurrence(usernameLines, username, line, errors, `duplicate username ${username}`);
            const name = text(field('name'), 'name', 120, errors);
            const level = oneOf(field('level').toUpperCase(), OFFICIAL_LEVELS, 'level', errors);
            const discom = discomOf(field('discom'), errors);
            const unitName = text(field('unit_name'), 'unit_name', 80, errors);
            const officialMobile = mobile(field('mobile'), errors, 'mobile');
            const languageField = field('language').toLowerCase();
            const language = languageField === '' ? 'hi' : oneOf(languageField, LANGUAGES, 'language', errors);
            const activeField = field('active');
            const active = activeField === '' ? true : PAID_WORDS.get(digits(activeField).toLowerCase());
            if (active === undefined) errors.push(`active must be yes or no (got "${shown(activeField)}")`);
            const passwordField = field('password');
            const password = passwordField === '' ? null : passwordOf(passwordField, errors);
            const triageField = field('triage');
            const triage = triageField === '' ? false : PAID_WORDS.get(digits(triageField).toLowerCase());
            if (triage === undefined) errors.push(`triage must be yes or no (got "${shown(triageField)}")`);
            if (errors.length > 0) return { errors };
            return {
                value: {
                    official: {
                        username,
                        name,
                        level: level as OfficialLevel,
                        discom,
                        unitName,
                        mobile: officialMobile,
                        language: language as string,
                        active: active as boolean,
                        triage: triage as boolean,
                    },
                    password,
                },
            };
        };
        const prepare: Preparer<OfficialRow> = async (batch) => {
            await Promise.all(
                batch.map(async ({ value }) => {
                    if (value.password !== null) value.passwordHash = await hashPassword(value.password);
                    // Not kept for the rest of the import: a database error in the batch could otherwise surface it.
                    value.password = null;
                })
            );
        };
        const write: Writer<OfficialRow> = async (manager, batch) => {
            const withPassword = batch
                .filter((p) => p.value.passwordHash !== undefined)
                .map((p) => ({ ...p.value.official, passwordHash: p.value.passwordHash as string }));
            const withoutPassword = batch.filter((p) => p.value.passwordHash === undefined).map((p) => ({ ...p.value.official }));
            if (withPassword.length > 0) {
                await manager
                    .createQueryBuilder()
                    .insert()
                    .into(Official)
                    .values(withPassword)
                    .orUpdate([...OFFICIAL_UPDATE, 'passwordHash'], ['username'])
                    .updateEntity(false)
                    .execute();
            }
            if (withoutPassword.length > 0) {
                await manager
                    .createQueryBuilder()
                    .insert()
                    .into(Official)
                    .values(withoutPassword)
                    .orUpdate(OFFICIAL_UPDATE, ['username'])
                    .updateEntity(false)
                    .execute();
            }
            return [];
        };
        // Every column, plus the generated id and createdAt in case the driver binds them.
        return this.importFile(filePath, 'officials', OFFICIAL_REQUIRED, OFFICIAL_OPTIONAL, OFFICIAL_UPDATE.length + 4, validate, write, {
            prepare,
            secret: true,
        });
    }

    /**
     * Imports the line hierarchy: one row per unit (subdivision, division, circle or zone) with the name of the unit
     * above it, required for all but a zone. Upserted by discom, kind and name; a parent need not be imported first.
     */
    async importOrgUnits(filePath: string): Promise<ImportReport> {
        const unitLines = new Map<string, number>();
        const validate: Validator<Omit<OrgUnit, 'id'>> = (field, line) => {
            const errors: string[] = [];
            const discom = discomOf(field('discom'), errors);
            const kind = oneOf(field('kind').toLowerCase(), ORG_UNIT_KINDS, 'kind', errors);
            const name = text(field('name'), 'name', 80, errors);
            if (discom && kind && name)
                firstOccurrence(unitLines, `${discom}\u0000${kind}\u0000${name}`, line, errors, `duplicate ${kind} ${shown(name)} of ${discom}`);
            const parentField = field('parent_name');
            let parentName: string | null = null;
            if (kind === 'zone') {
                if (parentField !== '') errors.push(`parent_name must be empty for a zone (got "${shown(parentField)}")`);
            } else if (kind !== undefined) {
                if (parentField === '') errors.push(`parent_name is required for a ${kind} (the ${PARENT_KIND[kind]} it belongs to)`);
                else parentName = text(parentField, 'parent_name', 80, errors);
            }
            const latitude = coordinate(field('latitude'), 'latitude', 90, errors);
            const longitude = coordinate(field('longitude'), 'longitude', 180, errors);
            if ((latitude === null) !== (longitude === null)) errors.push('latitude and longitude go together: give both or neither');
            if (errors.length > 0) return { errors };
            return { value: { discom, kind: kind as OrgUnitKind, name, parentName, latitude, longitude } };
        };
        const write: Writer<Omit<OrgUnit, 'id'>> = async (manager, batch) => {
            await manager
                .createQueryBuilder()
                .insert()
                .into(OrgUnit)
                .values(batch.map((p) => ({ ...p.value })))
                .orUpdate(['parentName', 'latitude', 'longitude'], ['discom', 'kind', 'name'])
                .updateEntity(false)
                .execute();
            return [];
        };
        const report = await this.importFile(filePath, 'org-units', ORG_UNIT_REQUIRED, ORG_UNIT_OPTIONAL, 7, validate, write);
        // Consumers waiting for a subdivision this file added are imported now.
        report.released = (await this.releaseQuarantined()).released;
        return report;
    }

    /**
     * Reads a planned-shutdowns CSV (discom, subdivision, feeder_code (optional), starts_at, ends_at, reason; times ISO
     * 8601 or `2026-12-08 10:00` India time) and hands each batch of well-formed rows to `write`, which checks them
     * against the database and the clock (PlannedShutdowns.importCsv) and returns the lines it refused.
     */
    async importShutdowns(
        filePath: string,
        write: (manager: EntityManager, batch: Array<{ line: number; value: ShutdownRow }>) => Promise<Rejection[]>
    ): Promise<ImportReport> {
        const shutdownLines = new Map<string, number>();
        const validate: Validator<ShutdownRow> = (field, line) => {
            const errors: string[] = [];
            const discom = discomOf(field('discom'), errors);
            const subdivision = text(field('subdivision'), 'subdivision', 80, errors);
            const feederCode = networkCode(field('feeder_code'), 'feeder_code', errors);
            const startsAt = dateTime(field('starts_at'), 'starts_at', errors);
            const endsAt = dateTime(field('ends_at'), 'ends_at', errors);
            const reason = text(field('reason'), 'reason', 200, errors);
            if (errors.length === 0)
                firstOccurrence(
                    shutdownLines,
                    [discom, subdivision, feederCode ?? '', startsAt!.getTime(), endsAt!.getTime()].join('\u0000'),
                    line,
                    errors,
                    'the same shutdown (area, start and end)'
                );
            if (errors.length > 0) return { errors };
            return { value: { discom, subdivision, feederCode, startsAt: startsAt!, endsAt: endsAt!, reason } };
        };
        return this.importFile(filePath, 'shutdowns', SHUTDOWN_REQUIRED, SHUTDOWN_OPTIONAL, 10, validate, write);
    }

    /** `columnsPerRow`: bound parameters per record in the widest insert, to keep batches under the limit. */
    private async importFile<T>(
        filePath: string,
        kind: ImportReport['kind'],
        required: string[],
        optional: string[],
        columnsPerRow: number,
        validate: Validator<T>,
        write: Writer<T>,
        options: FileOptions<T> = {}
    ): Promise<ImportReport> {
        const { prepare, secret = false } = options;
        const report: ImportReport = { file: filePath, kind, total: 0, imported: 0, rejected: [], quarantined: [], released: 0 };
        await fs.promises.access(filePath, fs.constants.R_OK);
        const estimate = this.onProgress ? Math.max(0, (await countLines(filePath)) - 1) : 0;
        const batchSize = Math.min(this.batchSize, Math.floor(MAX_BOUND_PARAMETERS / columnsPerRow));

        const source = fs.createReadStream(filePath);
        let lastSkipped = -1;
        const parser = parse({
            bom: true,
            info: true,
            skip_empty_lines: true,
            relax_column_count: true,
            skip_records_with_error: true,
            on_skip: (error) => {
                const line = typeof error?.lines === 'number' ? error.lines : 0;
                // The parser reports each quoting error it meets while resynchronising; one bad record is one rejection.
                if (line === lastSkipped) return undefined;
                lastSkipped = line;
                report.total++;
                const message = error?.message ?? 'unreadable record';
                report.rejected.push({ line, reason: `malformed CSV: ${secret ? withoutValues(message) : mask(message)}` });
                return undefined;
            },
        });
        source.on('error', (error) => parser.destroy(error));
        source.pipe(parser);

        let header: Map<string, number> | undefined;
        let batch: Pending<T>[] = [];
        const flush = async (): Promise<void> => {
            if (batch.length === 0) return;
            const pending = batch;
            batch = [];
            if (prepare) await prepare(pending);
            const refused = await this.dataSource.transaction((manager) => write(manager, pending));
            report.imported += pending.length - refused.length;
            report.rejected.push(...refused);
            this.onProgress?.(report.total, Math.max(estimate, report.total));
        };

        try {
            for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
                if (!header) {
                    header = headerIndex(record, required, optional, kind);
                    continue;
                }
                report.total++;
                // info.lines is where the record ends; quoted line breaks inside it push that past where it starts.
                let line = info.lines;
                for (const value of record) if (value.includes('\n')) line -= value.split('\n').length - 1;
                if (record.length !== header.size) {
                    report.rejected.push({ line, reason: `expected ${header.size} fields as in the header, got ${record.length}` });
                    continue;
                }
                const columns = header;
                const result = validate((column) => {
                    const index = columns.get(column);
                    return index === undefined ? '' : record[index].trim();
                }, line);
                if ('errors' in result) report.rejected.push({ line, reason: result.errors.join('; ') });
                else batch.push({ line, value: result.value });
                if (batch.length >= batchSize) await flush();
            }
        } finally {
            // A bad header or a database error leaves the loop early; do not keep the file open until GC.
            source.destroy();
        }
        if (!header) throw new Error(`${filePath} is empty; a header row naming the columns is required`);
        await flush();
        report.rejected.sort((a, b) => a.line - b.line);
        this.onProgress?.(report.total, report.total);
        return report;
    }
}

/**
 * A test of whether a consumer's subdivision is in its discom's hierarchy. A discom with no org units at all has
 * no hierarchy to check against yet: its consumers import as before (their complaints, if no JE owns them, go to
 * the discom's triage desk), so loading consumers before the hierarchy stays possible.
 */
async function placeableSubdivisions(manager: EntityManager, consumers: Consumer[]): Promise<(consumer: Consumer) => boolean> {
    const discoms = [...new Set(consumers.map((c) => c.discom))];
    const names = [...new Set(consumers.map((c) => c.subdivision))];
    if (discoms.length === 0) return () => true;
    const withHierarchy = new Set(
        (
            await manager
                .createQueryBuilder(OrgUnit, 'u')
                .select('DISTINCT u.discom', 'discom')
                .where('u.discom IN (:...discoms)', { discoms })
                .getRawMany<{ discom: string }>()
        ).map((r) => r.discom)
    );
    const known = new Set<string>();
    for (let i = 0; i < names.length; i += 500) {
        const units = await manager.getRepository(OrgUnit).find({
            where: { kind: 'subdivision', discom: In([...withHierarchy]), name: In(names.slice(i, i + 500)) },
            select: { discom: true, name: true },
        });
        for (const unit of units) known.add(`${unit.discom}\u0000${unit.name}`);
    }
    return (consumer) => !withHierarchy.has(consumer.discom) || known.has(`${consumer.discom}\u0000${consumer.subdivision}`);
}

/** Upserts consumers with their meters (by account number and meter number). */
async function writeConsumers(manager: EntityManager, rows: ConsumerRow[]): Promise<void> {
    await manager
        .createQueryBuilder()
        .insert()
        .into(Consumer)
        .values(rows.map((r) => r.consumer))
        .orUpdate(CONSUMER_UPDATE, ['accountNumber'])
        .updateEntity(false)
        .execute();
    await manager
        .createQueryBuilder()
        .insert()
        .into(Meter)
        .values(rows.map((r) => r.meter))
        .orUpdate(METER_UPDATE, ['meterNumber'])
        .updateEntity(false)
        .execute();
}

/** Header names → field index, after checking that every required column is there exactly once. */
function headerIndex(record: string[], required: string[], optional: string[], kind: string): Map<string, number> {
    const index = new Map<string, number>();
    record.forEach((name, i) => {
        const column = name
            .trim()
            .toLowerCase()
            .replace(/[\s-]+/g, '_');
        if (index.has(column)) throw new Error(`${kind} CSV header names column "${column}" twice`);
        index.set(column, i);
    });
    const missing = required.filter((column) => !index.has(column));
    if (missing.length > 0) {
        throw new Error(
            `${kind} CSV must start with a header row naming the columns; missing: ${missing.join(', ')}` +
                ` (known columns: ${[...required, ...optional].join(', ')})`
        );
    }
    return index;
}

/** Counts line feeds without decoding, for a progress estimate before parsing. */
async function countLines(filePath: string): Promise<number> {
    let lines = 0;
    let last = 0x0a;
    for await (const chunk of fs.createReadStream(filePath) as AsyncIterable<Buffer>) {
        for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
        if (chunk.length > 0) last = chunk[chunk.length - 1];
    }
    return last === 0x0a ? lines : lines + 1;
}

/** Records `key` as seen on `line`, or adds a duplicate error naming the earlier line. */
function firstOccurrence<K>(seen: Map<K, number>, key: K, line: number, errors: string[], what: string): void {
    const first = seen.get(key);
    if (first === undefined) seen.set(key, line);
    else errors.push(`${what} already on line ${first}`);
}

/** Devanagari digits (U+0966–U+096F) → ASCII digits. */
function digits(value: string): string {
    return value.replace(/[\u0966-\u096F]/g, (d) => String(d.charCodeAt(0) - 0x0966));
}

/** Masks all but the last three digits of any run of 10 or more digits, which could be an account or mobile number. */
function mask(value: string): string {
    return value.replace(/[0-9\u0966-\u096F](?:[\s-]?[0-9\u0966-\u096F]){9,}/g, (run) => {
        const plain = digits(run).replace(/[\s-]/g, '');
        return '*'.repeat(plain.length - 3) + plain.slice(-3);
    });
}

/** A csv-parse message without the cell contents it quotes (`value is "…"`, `got "…"`), which could be a password. */
function withoutValues(message: string): string {
    return message.replace(/,? value is .*$/s, '').replace(/got "(?:[^"\\]|\\.)*"/g, 'got a character');
}

/** An offending value quoted in a reason: masked, and cut short so one bad cell cannot flood the report. */
function shown(value: string): string {
    const masked = mask(value);
    return masked.length > 40 ? `${masked.slice(0, 40)}…` : masked;
}

function account(value: string, column: string, errors: string[]): string {
    if (value === '') {
        errors.push(`${column} is required`);
        return '';
    }
    const normalised = digits(value).replace(/[\s-]/g, '');
    if (/^\d{10}$/.test(normalised)) return normalised;
    errors.push(`${column} must be exactly 10 digits (got "${shown(value)}")`);
    return '';
}

/** A mobile, or null when the cell is empty; a leading +91 is accepted and dropped. */
function mobile(value: string, errors: string[], column = 'registered_mobile'): string | null {
    if (value === '') return null;
    const normalised = digits(value)
        .replace(/[\s-]/g, '')
        .replace(/^\+91(?=\d{10}$)/, '');
    if (/^[6-9]\d{9}$/.test(normalised)) return normalised;
    errors.push(`${column} must be 10 digits starting with 6, 7, 8 or 9 (got "${shown(value)}")`);
    return null;
}

/** Sign-in names are compared in lower case, so two spellings cannot become two accounts. */
function usernameOf(value: string, errors: string[]): string {
    const normalised = value.toLowerCase();
    if (/^[a-z0-9][a-z0-9._-]{2,59}$/.test(normalised)) return normalised;
    errors.push(
        value === ''
            ? 'username is required'
            : `username must be 3 to 60 letters, digits, dots, dashes or underscores, starting with a letter or digit (got "${shown(value)}")`
    );
    return '';
}

/** A password, checked for length only; unlike other cells, a reason never quotes it. */
function passwordOf(password: string, errors: string[]): string | null {
    if (password.length < MIN_PASSWORD_LENGTH) errors.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    else if (password.length > MAX_PASSWORD_LENGTH) errors.push(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
    else return password;
    return null;
}

function text(value: string, column: string, maxLength: number, errors: string[]): string {
    const collapsed = value.replace(/\s+/g, ' ');
    if (collapsed === '') errors.push(`${column} is required`);
    else if (collapsed.length > maxLength) errors.push(`${column} must be at most ${maxLength} characters (got ${collapsed.length})`);
    return collapsed;
}

/** An optional feeder or transformer code: letters, digits, '-', '/', '_' or '.', up to 30; empty when not known. */
function networkCode(value: string, column: string, errors: string[]): string | null {
    const code = value.trim().toUpperCase();
    if (code === '') return null;
    if (!/^[A-Z0-9][A-Z0-9/_.-]{0,29}$/.test(code)) errors.push(`${column} must be up to 30 letters, digits, "-", "/", "_" or "." (got "${shown(value)}")`);
    return code;
}

function discomOf(value: string, errors: string[]): string {
    const canonical = DISCOMS.get(value.toLowerCase());
    if (canonical) return canonical;
    errors.push(value === '' ? 'discom is required' : `discom must be one of PVVNL, MVVNL, DVVNL, PuVVNL, KESCo (got "${shown(value)}")`);
    return '';
}

/** UPERC rate schedule code, canonicalised: `lmv 1` → `LMV-1`, `lmv4a` → `LMV-4A`. */
function tariffOf(value: string, errors: string[]): string {
    const match = /^(LMV|HV)\s*-?\s*(\d{1,2})\s*([A-Z]?)$/i.exec(value);
    if (match) return `${match[1].toUpperCase()}-${match[2]}${match[3].toUpperCase()}`;
    errors.push(value === '' ? 'tariff_category is required' : `tariff_category must be a rate schedule code such as LMV-1 or HV-2 (got "${shown(value)}")`);
    return '';
}

const PARENT_KIND: Record<OrgUnitKind, string> = { subdivision: 'division', division: 'circle', circle: 'zone', zone: '' };

function oneOf<T extends string>(value: string, allowed: readonly T[], column: string, errors: string[]): T | undefined {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    errors.push(value === '' ? `${column} is required` : `${column} must be one of ${allowed.join(', ')} (got "${shown(value)}")`);
    return undefined;
}

/** Meter numbers are printed in capitals on bills; stored that way so lookups need no case folding. */
/** An optional decimal degree within ±`limit`, or null when empty. */
function coordinate(value: string, column: string, limit: number, errors: string[]): number | null {
    if (value === '') return null;
    const degrees = /^[+-]?\d{1,3}(\.\d{1,8})?$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(degrees) || Math.abs(degrees) > limit) {
        errors.push(`${column} must be decimal degrees between -${limit} and ${limit} (got "${shown(value)}")`);
        return null;
    }
    return degrees;
}

function meterNumberOf(value: string, errors: string[]): string {
    const normalised = digits(value).toUpperCase();
    if (/^[A-Z0-9][A-Z0-9-]{2,19}$/.test(normalised)) return normalised;
    errors.push(value === '' ? 'meter_number is required' : `meter_number must be 3 to 20 letters, digits or dashes (got "${shown(value)}")`);
    return '';
}

function integer(value: string, column: string, errors: string[]): number {
    const normalised = digits(value);
    if (/^\d{1,10}$/.test(normalised) && Number(normalised) <= MAX_INT) return Number(normalised);
    errors.push(
        value === ''
            ? `${column} is required`
            : /^\d+$/.test(normalised)
              ? `${column} must be at most ${MAX_INT} (got "${shown(value)}")`
              : `${column} must be a whole number ≥ 0 (got "${shown(value)}")`
    );
    return 0;
}

/** Rupees with at most two decimals → integer paise, without going through binary floating point. */
function rupees(value: string, column: string, allowNegative: boolean, errors: string[]): number {
    const match = /^(-?)(\d{1,8})(?:\.(\d{1,2}))?$/.exec(digits(value));
    if (!match || (match[1] === '-' && !allowNegative)) {
        errors.push(
            value === ''
                ? `${column} is required`
                : `${column} must be ${allowNegative ? 'an' : 'a non-negative'} amount in rupees with at most 2 decimals, e.g. 1234.50 (got "${shown(value)}")`
        );
        return 0;
    }
    const paise = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
    if (paise > MAX_INT) {
        errors.push(`${column} must be at most ₹${Math.floor(MAX_INT / 100)} (got "${shown(value)}")`);
        return 0;
    }
    return match[1] === '-' ? -paise : paise;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
    if (month < 1 || month > 12 || day < 1) return false;
    return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// UPPCL took over from UPSEB in 2000; earlier years in these files are typing errors.
const MIN_YEAR = 2000;
const MAX_YEAR = 2099;

function date(value: string, column: string, errors: string[]): string {
    const normalised = digits(value);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(normalised);
    if (!match) {
        errors.push(value === '' ? `${column} is required` : `${column} must be a date in YYYY-MM-DD form (got "${shown(value)}")`);
        return '';
    }
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (!isCalendarDate(year, month, day)) errors.push(`${column} ${normalised} is not a real calendar date`);
    else if (year < MIN_YEAR || year > MAX_YEAR) errors.push(`${column} ${normalised} must be between ${MIN_YEAR} and ${MAX_YEAR}`);
    return normalised;
}

/** A date and time (see parseIndiaDateTime), or null with the reason. */
function dateTime(value: string, column: string, errors: string[]): Date | null {
    const parsed = parseIndiaDateTime(digits(value));
    if (parsed) return parsed;
    errors.push(
        value === '' ? `${column} is required` : `${column} must be a date and time such as 2026-12-08 10:00 (India time) or ISO 8601 (got "${shown(value)}")`
    );
    return null;
}

function month(value: string, errors: string[]): string {
    const normalised = digits(value);
    const match = /^(\d{4})-(\d{2})$/.exec(normalised);
    if (!match) {
        errors.push(value === '' ? 'bill_month is required' : `bill_month must be a month in YYYY-MM form (got "${shown(value)}")`);
        return '';
    }
    const [year, monthNumber] = [Number(match[1]), Number(match[2])];
    if (monthNumber < 1 || monthNumber > 12) {
        errors.push(`bill_month ${normalised} has no month ${monthNumber}`);
        return '';
    }
    if (year < MIN_YEAR || year > MAX_YEAR) {
        errors.push(`bill_month ${normalised} must be between ${MIN_YEAR} and ${MAX_YEAR}`);
        return '';
    }
    return normalised;
}
