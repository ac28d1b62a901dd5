import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CsvImporter, ImportReport } from '../../../src/data/CsvImporter';
import { openDatabase } from '../../../src/data/createDataSource';
import {
    DEMO_ACCOUNTS,
    DEMO_ACCOUNT_NUMBERS,
    DEMO_BILLS,
    DEMO_BILL_MONTHS,
    DEMO_CONSUMERS,
    DEMO_METERS,
    demoBillAmountPaise,
    seedDemoData,
} from '../../../src/data/demoData';
import { Bill } from '../../../src/data/entities/Bill';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Meter } from '../../../src/data/entities/Meter';
import { Official } from '../../../src/data/entities/Official';
import { OrgUnit } from '../../../src/data/entities/OrgUnit';
import { ProgressBar, ProgressStream } from '../../../src/data/ProgressBar';

const CONSUMER_COLUMNS = [
    'account_number',
    'name',
    'registered_mobile',
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
    'prepaid_balance',
    'feeder_code',
    'dt_code',
] as const;
const BILL_COLUMNS = ['account_number', 'bill_month', 'units', 'amount', 'arrears', 'due_date', 'paid', 'payment_date'] as const;
type ConsumerCsv = Record<(typeof CONSUMER_COLUMNS)[number], string>;
type BillCsv = Record<(typeof BILL_COLUMNS)[number], string>;

const BASE_CONSUMER: ConsumerCsv = {
    account_number: '1234567890',
    name: 'Rajesh Kumar Srivastava',
    registered_mobile: '9415012345',
    address: 'B-2/145, Vibhuti Khand, Gomti Nagar, Lucknow 226010',
    discom: 'MVVNL',
    division: 'EUDD Gomti Nagar',
    subdivision: 'Vibhuti Khand',
    tariff_category: 'LMV-1',
    area_class: 'city',
    meter_number: 'UPM10234567',
    meter_type: 'postpaid',
    last_reading: '14532',
    last_reading_date: '2026-10-28',
    prepaid_balance: '',
    feeder_code: '',
    dt_code: '',
};
const BASE_BILL: BillCsv = {
    account_number: '1234567890',
    bill_month: '2026-10',
    units: '245',
    amount: '1523.50',
    arrears: '0',
    due_date: '2026-11-15',
    paid: 'no',
    payment_date: '',
};

function csvLine(values: readonly string[]): string {
    return values.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

function consumerLine(overrides: Partial<ConsumerCsv> = {}): string {
    const row = { ...BASE_CONSUMER, ...overrides };
    return csvLine(CONSUMER_COLUMNS.map((c) => row[c]));
}

function billLine(overrides: Partial<BillCsv> = {}): string {
    const row = { ...BASE_BILL, ...overrides };
    return csvLine(BILL_COLUMNS.map((c) => row[c]));
}

let tmpDir: string;
let fileCounter = 0;

/** Writes a CSV file with the given header and lines; line 1 is the header, so `lines[i]` is file line i + 2. */
function writeCsv(header: readonly string[], lines: string[]): string {
    const file = path.join(tmpDir, `import-${process.pid}-${++fileCounter}.csv`);
    fs.writeFileSync(file, [header.join(','), ...lines].join('\n') + '\n');
    return file;
}

function reasonFor(report: ImportReport, line: number): string {
    const found = report.rejected.filter((r) => r.line === line);
    assert.equal(found.length, 1, `expected one rejection on line ${line}, got ${JSON.stringify(report.rejected)}`);
    return found[0].reason;
}

before(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bijli-import-test-'));
});

after(() => {
    fs.rmSync(tmpDir, { recursive: true, force: true });
});

describe('CsvImporter on SQLite', () => {
    let ds: DataSource;

    beforeEach(async () => {
        ds = await openDatabase('sqlite::memory:');
    });

    afterEach(async () => {
        if (ds?.isInitialized) await ds.destroy();
    });

    it('imports valid consumers with their meters and stores canonical values', async () => {
        const file = writeCsv(CONSUMER_COLUMNS, [
            consumerLine(),
            consumerLine({
                account_number: '2468013579',
                name: '  Priya   Sharma ',
                registered_mobile: '',
                discom: 'pvvnl',
                tariff_category: 'lmv 2',
                area_class: 'URBAN',
                meter_number: 'gns26041187',
                meter_type: 'Smart Prepaid',
                prepaid_balance: '-12.5',
                address: 'H-43, Shastri Nagar, Meerut',
                feeder_code: ' vk-f12 ',
                dt_code: 'VK-F12/DT-07',
            }),
            consumerLine({
                account_number: '3692581470',
                discom: 'kesco',
                meter_number: 'UPP50327741',
                meter_type: 'prepaid',
                prepaid_balance: '620.75',
                area_class: 'rural',
            }),
        ]);
        const report = await new CsvImporter(ds).importConsumers(file);
        assert.deepEqual(report, { file, kind: 'consumers', total: 3, imported: 3, rejected: [], quarantined: [], released: 0 });
        assert.equal(await ds.getRepository(Consumer).count(), 3);
        assert.equal(await ds.getRepository(Meter).count(), 3);

        const priya = await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '2468013579' });
        assert.deepEqual(
            { ...priya },
            {
                accountNumber: '2468013579',
                name: 'Priya Sharma',
                registeredMobile: null,
                address: 'H-43, Shastri Nagar, Meerut',
                discom: 'PVVNL',
                division: 'EUDD Gomti Nagar',
                subdivision: 'Vibhuti Khand',
                tariffCategory: 'LMV-2',
                areaClass: 'urban',
                feederCode: 'VK-F12',
                dtCode: 'VK-F12/DT-07',
            }
        );
        const rajesh = await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '1234567890' });
        assert.deepEqual([rajesh.feederCode, rajesh.dtCode], [null, null], 'the network codes are optional');
        const meter = await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'GNS26041187' });
        assert.deepEqual(
            { ...meter },
            {
                meterNumber: 'GNS26041187',
                accountNumber: '2468013579',
                meterType: 'smart-prepaid',
                lastReading: 14532,
                lastReadingDate: '2026-10-28',
                prepaidBalancePaise: -1250,
            }
        );
        assert.equal((await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'UPP50327741' })).prepaidBalancePaise, 62075);
        assert.equal((await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '3692581470' })).discom, 'KESCo');
        assert.equal((await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'UPM10234567' })).prepaidBalancePaise, null);
    });

    it('rejects each kind of invalid consumer row with its line number and reason', async () => {
        const lines = [
            /* 2 */ consumerLine(),
            /* 3 */ consumerLine({ account_number: '12345', meter_number: 'M3' + '0000' }),
            /* 4 */ consumerLine({ account_number: '5000000004', registered_mobile: '5123456789', meter_number: 'M40000' }),
            /* 5 */ consumerLine({ account_number: '5000000005', discom: 'NPCL', meter_number: 'M50000' }),
            /* 6 */ consumerLine({ account_number: '5000000006', area_class: 'metro', meter_number: 'M60000' }),
            /* 7 */ consumerLine({ account_number: '5000000007', meter_type: 'net-metered', meter_number: 'M70000' }),
            /* 8 */ consumerLine({ account_number: '5000000008', last_reading: '-5', meter_number: 'M80000' }),
            /* 9 */ consumerLine({ account_number: '5000000009', last_reading_date: '2026-02-30', meter_number: 'M90000' }),
            /* 10 */ consumerLine({ account_number: '5000000010', meter_type: 'prepaid', prepaid_balance: '', meter_number: 'M10000' }),
            /* 11 */ consumerLine({ account_number: '5000000011', meter_type: 'postpaid', prepaid_balance: '100', meter_number: 'M11000' }),
            /* 12 */ consumerLine({ meter_number: 'M12000' }),
            /* 13 */ consumerLine({ account_number: '5000000013' }),
            /* 14 */ csvLine(CONSUMER_COLUMNS.slice(0, 10).map((c) => ({ ...BASE_CONSUMER, account_number: '5000000014' })[c])),
            /* 15 */ consumerLine({ account_number: '5000000015', name: '   ', meter_number: 'M15000' }),
            /* 16 */ consumerLine({ account_number: '12345678901', meter_number: 'M16000' }),
            /* 17 */ consumerLine({ account_number: '5000000017', last_reading_date: '28/10/2026', meter_number: 'M17000' }),
            /* 18 */ consumerLine({ account_number: '5000000018', meter_type: 'smart-prepaid', prepaid_balance: '10.555', meter_number: 'M18000' }),
            /* 19 */ consumerLine({ account_number: '5000000019', tariff_category: 'domestic', meter_number: 'M19000' }),
            /* 20 */ consumerLine({ account_number: '5000000020', meter_number: 'UPM 123/4' }),
            /* 21 */ consumerLine({ account_number: '5000000021', meter_number: 'M21000', registered_mobile: '98765', discom: 'XYZ' }),
            /* 22 */ consumerLine({ account_number: '5000000022', meter_number: 'M22000' }),
            /* 23 */ consumerLine({ account_number: '5000000023', meter_number: 'M23000', dt_code: 'DT 7; drop' }),
        ];
        const report = await new CsvImporter(ds).importConsumers(writeCsv(CONSUMER_COLUMNS, lines));
        assert.equal(report.total, 22);
        assert.equal(report.imported, 2);
        assert.deepEqual(
            report.rejected.map((r) => r.line),
            [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23]
        );
        assert.equal(reasonFor(report, 23), 'dt_code must be up to 30 letters, digits, "-", "/", "_" or "." (got "DT 7; drop")');

        assert.equal(reasonFor(report, 3), 'account_number must be exactly 10 digits (got "12345")');
        assert.equal(reasonFor(report, 4), 'registered_mobile must be 10 digits starting with 6, 7, 8 or 9 (got "*******789")');
        assert.equal(reasonFor(report, 5), 'discom must be one of PVVNL, MVVNL, DVVNL, PuVVNL, KESCo (got "NPCL")');
        assert.equal(reasonFor(report, 6), 'area_class must be one of city, urban, rural (got "metro")');
        assert.equal(reasonFor(report, 7), 'meter_type must be one of postpaid, prepaid, smart-prepaid (got "net-metered")');
        assert.equal(reasonFor(report, 8), 'last_reading must be a whole number ≥ 0 (got "-5")');
        assert.equal(reasonFor(report, 9), 'last_reading_date 2026-02-30 is not a real calendar date');
        assert.equal(reasonFor(report, 10), 'prepaid_balance is required for a prepaid meter');
        assert.equal(reasonFor(report, 11), 'prepaid_balance must be empty for a postpaid meter (got "100")');
        assert.equal(reasonFor(report, 12), 'duplicate account_number *******890 already on line 2');
        assert.equal(reasonFor(report, 13), 'duplicate meter_number UPM10234567 already on line 2');
        assert.equal(reasonFor(report, 14), 'expected 16 fields as in the header, got 10');
        assert.equal(reasonFor(report, 15), 'name is required');
        assert.equal(reasonFor(report, 16), 'account_number must be exactly 10 digits (got "********901")');
        assert.equal(reasonFor(report, 17), 'last_reading_date must be a date in YYYY-MM-DD form (got "28/10/2026")');
        assert.match(reasonFor(report, 18), /^prepaid_balance must be an amount in rupees with at most 2 decimals/);
        assert.match(reasonFor(report, 19), /^tariff_category must be a rate schedule code such as LMV-1/);
        assert.match(reasonFor(report, 20), /^meter_number must be 3 to 20 letters, digits or dashes/);
        // Every problem of a row is reported at once, so the file can be fixed in one pass.
        assert.equal(
            reasonFor(report, 21),
            'registered_mobile must be 10 digits starting with 6, 7, 8 or 9 (got "98765"); ' +
                'discom must be one of PVVNL, MVVNL, DVVNL, PuVVNL, KESCo (got "XYZ")'
        );

        for (const { reason } of report.rejected) assert.doesNotMatch(reason, /\d{10}/, `unmasked number in "${reason}"`);
        assert.deepEqual(
            (await ds.getRepository(Consumer).find({ order: { accountNumber: 'ASC' } })).map((c) => c.accountNumber),
            ['1234567890', '5000000022']
        );
    });

    it('normalises Devanagari digits, spaces and dashes in account numbers, mobiles and numeric fields', async () => {
        const file = writeCsv(CONSUMER_COLUMNS, [
            consumerLine({
                account_number: '९८७६५ ४३२-१०',
                registered_mobile: '+91 ९४१५०-१२३४५',
                last_reading: '१२३४',
                last_reading_date: '२०२६-१०-२८',
                meter_type: 'prepaid',
                prepaid_balance: '-४५.५०',
            }),
        ]);
        const report = await new CsvImporter(ds).importConsumers(file);
        assert.deepEqual(report.rejected, []);
        const consumer = await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '9876543210' });
        assert.equal(consumer.registeredMobile, '9415012345');
        const meter = await ds.getRepository(Meter).findOneByOrFail({ accountNumber: '9876543210' });
        assert.equal(meter.lastReading, 1234);
        assert.equal(meter.lastReadingDate, '2026-10-28');
        assert.equal(meter.prepaidBalancePaise, -4550);
    });

    it('re-imports idempotently: the same rows, with values updated', async () => {
        const importer = new CsvImporter(ds);
        const first = writeCsv(CONSUMER_COLUMNS, [
            consumerLine(),
            consumerLine({ account_number: '2468013579', meter_number: 'GNS26041187', meter_type: 'smart-prepaid', prepaid_balance: '100' }),
        ]);
        await importer.importConsumers(first);
        await importer.importConsumers(first);
        assert.equal(await ds.getRepository(Consumer).count(), 2);
        assert.equal(await ds.getRepository(Meter).count(), 2);

        const second = writeCsv(CONSUMER_COLUMNS, [
            consumerLine({ name: 'Rajesh K. Srivastava', registered_mobile: '', last_reading: '14800', last_reading_date: '2026-11-27' }),
            consumerLine({ account_number: '2468013579', meter_number: 'GNS26041187', meter_type: 'smart-prepaid', prepaid_balance: '-20.25' }),
        ]);
        const report = await importer.importConsumers(second);
        assert.equal(report.imported, 2);
        assert.equal(await ds.getRepository(Consumer).count(), 2);
        assert.equal(await ds.getRepository(Meter).count(), 2);
        const rajesh = await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '1234567890' });
        assert.equal(rajesh.name, 'Rajesh K. Srivastava');
        assert.equal(rajesh.registeredMobile, null);
        const meter = await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'UPM10234567' });
        assert.equal(meter.lastReading, 14800);
        assert.equal(meter.lastReadingDate, '2026-11-27');
        assert.equal((await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'GNS26041187' })).prepaidBalancePaise, -2025);

        const bills = writeCsv(BILL_COLUMNS, [billLine(), billLine({ bill_month: '2026-09', paid: 'yes', payment_date: '2026-10-10' })]);
        await importer.importBills(bills);
        await importer.importBills(bills);
        assert.equal(await ds.getRepository(Bill).count(), 2);
        await importer.importBills(writeCsv(BILL_COLUMNS, [billLine({ paid: 'yes', payment_date: '2026-11-03', amount: '1600' })]));
        assert.equal(await ds.getRepository(Bill).count(), 2);
        const october = await ds.getRepository(Bill).findOneByOrFail({ accountNumber: '1234567890', billMonth: '2026-10' });
        assert.deepEqual([october.paid, october.paymentDate, october.amountPaise], [true, '2026-11-03', 160000]);
    });

    it('imports bills, rejecting unknown accounts and invalid rows with line numbers and reasons', async () => {
        const importer = new CsvImporter(ds);
        await importer.importConsumers(writeCsv(CONSUMER_COLUMNS, [consumerLine()]));
        const report = await importer.importBills(
            writeCsv(BILL_COLUMNS, [
                /* 2 */ billLine(),
                /* 3 */ billLine({ bill_month: '2026-09', amount: '0.07', arrears: '1523.5', paid: 'TRUE', payment_date: '2026-10-01' }),
                /* 4 */ billLine({ account_number: '9999999999', bill_month: '2026-09' }),
                /* 5 */ billLine({ bill_month: '2026-08', paid: 'yes', payment_date: '' }),
                /* 6 */ billLine({ bill_month: '2026-07', paid: '0', payment_date: '2026-08-01' }),
                /* 7 */ billLine({ bill_month: '2026-13' }),
                /* 8 */ billLine({ bill_month: '2026-06', amount: '12.345' }),
                /* 9 */ billLine({ bill_month: '2026-05', arrears: '-10' }),
                /* 10 */ billLine({ bill_month: '2026-04', paid: 'maybe' }),
                /* 11 */ billLine(),
                /* 12 */ billLine({ bill_month: '2026-03', units: '12.5' }),
                /* 13 */ billLine({ bill_month: '2026-02', due_date: '2026-04-31' }),
                /* 14 */ billLine({ account_number: '१२३४५६७८९०', bill_month: '२०२६-०१', units: '१८०', amount: '९९९.९०', arrears: '' }),
            ])
        );
        assert.equal(report.kind, 'bills');
        assert.equal(report.total, 13);
        assert.equal(report.imported, 3);
        assert.deepEqual(
            report.rejected.map((r) => r.line),
            [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        );
        assert.equal(reasonFor(report, 4), 'no consumer with account_number *******999; import consumers first');
        assert.equal(reasonFor(report, 5), 'payment_date is required when paid is yes');
        assert.equal(reasonFor(report, 6), 'payment_date must be empty when paid is no (got "2026-08-01")');
        assert.equal(reasonFor(report, 7), 'bill_month 2026-13 has no month 13');
        assert.match(reasonFor(report, 8), /^amount must be a non-negative amount in rupees with at most 2 decimals, e\.g\. 1234\.50 \(got "12\.345"\)$/);
        assert.match(reasonFor(report, 9), /^arrears must be a non-negative amount/);
        assert.equal(reasonFor(report, 10), 'paid must be yes, no, true, false, 1 or 0 (got "maybe")');
        assert.equal(reasonFor(report, 11), 'duplicate bill for account_number *******890 and bill_month 2026-10 already on line 2');
        assert.equal(reasonFor(report, 12), 'units must be a whole number ≥ 0 (got "12.5")');
        assert.equal(reasonFor(report, 13), 'due_date 2026-04-31 is not a real calendar date');

        const bills = await ds.getRepository(Bill).find({ order: { billMonth: 'ASC' } });
        assert.deepEqual(
            bills.map(({ id: _id, ...rest }) => rest),
            [
                {
                    accountNumber: '1234567890',
                    billMonth: '2026-01',
                    units: 180,
                    amountPaise: 99990,
                    arrearsPaise: 0,
                    dueDate: '2026-11-15',
                    paid: false,
                    paymentDate: null,
                },
                {
                    accountNumber: '1234567890',
                    billMonth: '2026-09',
                    units: 245,
                    amountPaise: 7,
                    arrearsPaise: 152350,
                    dueDate: '2026-11-15',
                    paid: true,
                    paymentDate: '2026-10-01',
                },
                {
                    accountNumber: '1234567890',
                    billMonth: '2026-10',
                    units: 245,
                    amountPaise: 152350,
                    arrearsPaise: 0,
                    dueDate: '2026-11-15',
                    paid: false,
                    paymentDate: null,
                },
            ]
        );
    });

    it('numbers lines from the file even with quoted line breaks and blank lines', async () => {
        const file = path.join(tmpDir, 'multiline.csv');
        fs.writeFileSync(
            file,
            [
                CONSUMER_COLUMNS.join(','),
                consumerLine({ address: 'House 12,\nNear Hanuman Mandir,\nAliganj, Lucknow' }),
                '',
                consumerLine({ account_number: 'ABC', meter_number: 'M50000' }),
            ].join('\r\n') + '\r\n'
        );
        const report = await new CsvImporter(ds).importConsumers(file);
        assert.equal(report.imported, 1);
        assert.deepEqual(report.rejected, [{ line: 6, reason: 'account_number must be exactly 10 digits (got "ABC")' }]);
        assert.equal(
            (await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '1234567890' })).address,
            'House 12, Near Hanuman Mandir, Aliganj, Lucknow'
        );
    });

    it('reports malformed CSV records and carries on', async () => {
        const file = path.join(tmpDir, 'malformed.csv');
        fs.writeFileSync(
            file,
            [
                CONSUMER_COLUMNS.join(','),
                consumerLine(),
                consumerLine({ account_number: '2468013579', meter_number: 'M1000' }).replace('Rajesh Kumar Srivastava', '"Rajesh" Kumar'),
            ].join('\n') + '\n'
        );
        const report = await new CsvImporter(ds).importConsumers(file);
        assert.equal(report.total, 2);
        assert.equal(report.imported, 1);
        assert.equal(report.rejected.length, 1);
        assert.equal(report.rejected[0].line, 3);
        assert.match(report.rejected[0].reason, /^malformed CSV: /);
    });

    it('refuses a file whose header lacks required columns, and an empty file', async () => {
        const noHeader = path.join(tmpDir, 'no-header.csv');
        fs.writeFileSync(noHeader, consumerLine({ feeder_code: 'F1', dt_code: 'DT1' }) + '\n');
        await assert.rejects(new CsvImporter(ds).importConsumers(noHeader), /header row naming the columns; missing: account_number, name, address/);
        const empty = path.join(tmpDir, 'empty.csv');
        fs.writeFileSync(empty, '');
        await assert.rejects(new CsvImporter(ds).importBills(empty), /is empty; a header row/);
        await assert.rejects(new CsvImporter(ds).importBills(path.join(tmpDir, 'missing.csv')), /ENOENT/);
    });

    it('accepts header names in any case and order, without the optional columns', async () => {
        const header = [
            'Meter Number',
            'ACCOUNT_NUMBER',
            'name',
            'address',
            'discom',
            'division',
            'subdivision',
            'tariff-category',
            'area_class',
            'meter_type',
            'last_reading',
            'last_reading_date',
        ];
        const file = writeCsv(header, [
            csvLine([
                'UPM1',
                '1234567890',
                'Sunita Verma',
                'Aliganj, Lucknow',
                'MVVNL',
                'EUDD Aliganj',
                'Kapoorthala',
                'LMV-1',
                'city',
                'postpaid',
                '0',
                '2026-10-28',
            ]),
        ]);
        const report = await new CsvImporter(ds).importConsumers(file);
        assert.deepEqual(report.rejected, []);
        assert.equal((await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'UPM1' })).accountNumber, '1234567890');
    });

    it('writes in batches and reports progress ending at the record count', async () => {
        const lines = Array.from({ length: 25 }, (_, i) =>
            consumerLine({ account_number: String(7000000000 + i * 37), meter_number: `UPM${String(i).padStart(8, '0')}` })
        );
        lines[10] = consumerLine({ account_number: 'bad', meter_number: 'UPM99999999' });
        const calls: [number, number][] = [];
        const report = await new CsvImporter(ds, { batchSize: 4, onProgress: (done, total) => calls.push([done, total]) }).importConsumers(
            writeCsv(CONSUMER_COLUMNS, lines)
        );
        assert.equal(report.imported, 24);
        assert.deepEqual(
            report.rejected.map((r) => r.line),
            [12]
        );
        assert.equal(await ds.getRepository(Consumer).count(), 24);
        assert.ok(calls.length >= 6, `expected a call per batch, got ${calls.length}`);
        assert.deepEqual(calls[calls.length - 1], [25, 25]);
        for (let i = 1; i < calls.length; i++) assert.ok(calls[i][0] >= calls[i - 1][0]);
        assert.throws(() => new CsvImporter(ds, { batchSize: 0 }), RangeError);
    });
});

describe('seedDemoData', () => {
    const sources: DataSource[] = [];

    after(async () => {
        for (const source of sources) if (source.isInitialized) await source.destroy();
    });

    async function fresh(): Promise<DataSource> {
        const source = await openDatabase('sqlite::memory:');
        sources.push(source);
        return source;
    }

    async function dump(source: DataSource): Promise<unknown> {
        return {
            consumers: await source.getRepository(Consumer).find({ order: { accountNumber: 'ASC' } }),
            meters: await source.getRepository(Meter).find({ order: { meterNumber: 'ASC' } }),
            bills: (await source.getRepository(Bill).find({ order: { accountNumber: 'ASC', billMonth: 'ASC' } })).map(({ id: _id, ...rest }) => rest),
            orgUnits: (await source.getRepository(OrgUnit).find({ order: { discom: 'ASC', kind: 'ASC', name: 'ASC' } })).map(({ id: _id, ...rest }) => rest),
            // Password hashes are salted, so two databases differ there; the seed test of officials.test.ts covers them.
            officials: (await source.getRepository(Official).find({ order: { username: 'ASC' } })).map(
                ({ id: _id, createdAt: _createdAt, passwordHash: _passwordHash, ...rest }) => rest
            ),
        };
    }

    it('is idempotent and deterministic', async () => {
        const a = await fresh();
        const first = await seedDemoData(a);
        const afterFirst = await dump(a);
        const second = await seedDemoData(a);
        assert.deepEqual(second, first);
        assert.deepEqual(await dump(a), afterFirst);
        assert.equal(await a.getRepository(Consumer).count(), first.consumers);
        assert.equal(await a.getRepository(Meter).count(), first.meters);
        assert.equal(await a.getRepository(Bill).count(), first.bills);
        assert.equal(await a.getRepository(OrgUnit).count(), first.orgUnits);
        assert.equal(await a.getRepository(Official).count(), first.officials);
        assert.ok(first.orgUnits > first.consumers / 2 && first.officials >= 16, JSON.stringify(first));

        const b = await fresh();
        await seedDemoData(b);
        assert.deepEqual(await dump(b), afterFirst);
    });

    it('covers every discom, area class and meter type with enough history', async () => {
        const source = await fresh();
        const counts = await seedDemoData(source);
        assert.ok(counts.consumers >= 24, `${counts.consumers} consumers`);
        assert.equal(counts.meters, counts.consumers);
        const consumers = await source.getRepository(Consumer).find();
        const meters = await source.getRepository(Meter).find();
        const bills = await source.getRepository(Bill).find();
        assert.deepEqual(new Set(consumers.map((c) => c.discom)), new Set(['PVVNL', 'MVVNL', 'DVVNL', 'PuVVNL', 'KESCo']));
        assert.deepEqual(new Set(consumers.map((c) => c.areaClass)), new Set(['city', 'urban', 'rural']));
        assert.deepEqual(new Set(meters.map((m) => m.meterType)), new Set(['postpaid', 'prepaid', 'smart-prepaid']));
        assert.deepEqual(new Set(consumers.map((c) => c.tariffCategory)), new Set(['LMV-1', 'LMV-2', 'LMV-5']));
        for (const consumer of consumers) {
            const own = bills.filter((b) => b.accountNumber === consumer.accountNumber);
            assert.ok(own.length >= 6, `${consumer.accountNumber} has ${own.length} bills`);
        }
    });

    it('holds consistent, well-formed data', () => {
        assert.equal(new Set(DEMO_ACCOUNT_NUMBERS).size, DEMO_ACCOUNT_NUMBERS.length);
        for (const n of DEMO_ACCOUNT_NUMBERS) assert.match(n, /^\d{10}$/);
        assert.equal(new Set(DEMO_METERS.map((m) => m.meterNumber)).size, DEMO_METERS.length);
        for (const m of DEMO_METERS) assert.match(m.meterNumber, /^[A-Z]{3}\d{8}$/);
        const mobiles = DEMO_CONSUMERS.map((c) => c.registeredMobile);
        assert.equal(mobiles.filter((m) => m === null).length, 2);
        for (const m of mobiles) if (m !== null) assert.match(m, /^[6-9]\d{9}$/);
        assert.equal(new Set(mobiles.filter((m) => m !== null)).size, mobiles.length - 2);

        const prepaid = DEMO_METERS.filter((m) => m.meterType !== 'postpaid');
        assert.ok(prepaid.every((m) => Number.isInteger(m.prepaidBalancePaise)));
        assert.ok(prepaid.some((m) => (m.prepaidBalancePaise ?? 0) < 0));
        assert.ok(DEMO_METERS.filter((m) => m.meterType === 'postpaid').every((m) => m.prepaidBalancePaise === null));

        let latestUnpaid = 0;
        for (const consumer of DEMO_CONSUMERS) {
            const bills = DEMO_BILLS.filter((b) => b.accountNumber === consumer.accountNumber);
            assert.deepEqual(
                bills.map((b) => b.billMonth),
                DEMO_BILL_MONTHS
            );
            for (const bill of bills) {
                assert.equal(bill.amountPaise, demoBillAmountPaise(bill.units, consumer.tariffCategory, consumer.areaClass));
                assert.equal(bill.paid, bill.paymentDate !== null);
                if (bill.paymentDate) assert.ok(bill.paymentDate <= bill.dueDate);
                if (consumer.tariffCategory === 'LMV-1') assert.ok(bill.units >= 80 && bill.units <= 450, `${bill.units} units`);
            }
            if (!bills[bills.length - 1].paid) latestUnpaid++;
            const meter = DEMO_METERS.find((m) => m.accountNumber === consumer.accountNumber);
            assert.ok(meter && meter.lastReading > bills.reduce((sum, b) => sum + b.units, 0));
        }
        assert.ok(latestUnpaid >= DEMO_CONSUMERS.length * 0.35 && latestUnpaid <= DEMO_CONSUMERS.length * 0.65, `${latestUnpaid} unpaid`);
        assert.ok(DEMO_BILLS.filter((b) => b.arrearsPaise > 0).length >= 3);
        assert.equal(DEMO_BILLS[7].dueDate, '2026-11-15');
    });

    it('lists the three README accounts as specified', () => {
        assert.equal(DEMO_ACCOUNTS.length, 3);
        const [lucknow, meerut, varanasi] = DEMO_ACCOUNTS;
        const consumer = (n: string) => DEMO_CONSUMERS.find((c) => c.accountNumber === n)!;
        assert.deepEqual([lucknow.discom, lucknow.meterType, consumer(lucknow.accountNumber).areaClass], ['MVVNL', 'postpaid', 'city']);
        assert.match(consumer(lucknow.accountNumber).address, /Lucknow/);
        const lucknowBills = DEMO_BILLS.filter((b) => b.accountNumber === lucknow.accountNumber);
        assert.equal(lucknowBills[lucknowBills.length - 1].paid, false);
        assert.deepEqual([meerut.discom, meerut.meterType, consumer(meerut.accountNumber).areaClass], ['PVVNL', 'smart-prepaid', 'urban']);
        assert.match(consumer(meerut.accountNumber).address, /Meerut/);
        assert.deepEqual([varanasi.discom, varanasi.meterType, consumer(varanasi.accountNumber).areaClass], ['PuVVNL', 'postpaid', 'rural']);
        assert.match(consumer(varanasi.accountNumber).address, /Varanasi/);
        for (const account of DEMO_ACCOUNTS) assert.ok(account.registeredMobile);
    });

    it("passes the CSV importer's validation", async () => {
        const lines = DEMO_CONSUMERS.map((c) => {
            const meter = DEMO_METERS.find((m) => m.accountNumber === c.accountNumber)!;
            return csvLine([
                c.accountNumber,
                c.name,
                c.registeredMobile ?? '',
                c.address,
                c.discom,
                c.division,
                c.subdivision,
                c.tariffCategory,
                c.areaClass,
                meter.meterNumber,
                meter.meterType,
                String(meter.lastReading),
                meter.lastReadingDate,
                meter.prepaidBalancePaise === null ? '' : (meter.prepaidBalancePaise / 100).toFixed(2),
                c.feederCode ?? '',
                c.dtCode ?? '',
            ]);
        });
        const source = await fresh();
        const report = await new CsvImporter(source).importConsumers(writeCsv(CONSUMER_COLUMNS, lines));
        assert.deepEqual(report.rejected, []);
        await seedDemoData(source);
        assert.equal(await source.getRepository(Consumer).count(), DEMO_CONSUMERS.length);
    });
});

describe('CsvImporter on PostgreSQL', () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test?schema=import_test';
    let ds: DataSource | undefined;

    before(async () => {
        // Not skipped when the server is down: a PostgreSQL regression must not pass silently.
        const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', connectionTimeoutMillis: 5000 });
        await client.connect();
        try {
            await client.query('DROP SCHEMA IF EXISTS import_test CASCADE');
        } finally {
            await client.end();
        }
        ds = await openDatabase(url);
    });

    after(async () => {
        if (ds?.isInitialized) await ds.destroy();
    });

    it('imports consumers and bills idempotently', async () => {
        const source = ds!;
        const importer = new CsvImporter(source, { batchSize: 2 });
        const consumers = writeCsv(CONSUMER_COLUMNS, [
            consumerLine(),
            consumerLine({
                account_number: '2468013579',
                registered_mobile: '',
                meter_number: 'GNS26041187',
                meter_type: 'smart-prepaid',
                prepaid_balance: '-412.60',
            }),
            consumerLine({ account_number: '3692581470', meter_number: 'UPM20418833', area_class: 'rural' }),
            consumerLine({ account_number: '3692581470', meter_number: 'UPM00000000' }),
        ]);
        const bills = writeCsv(BILL_COLUMNS, [
            billLine(),
            billLine({ bill_month: '2026-09', paid: 'yes', payment_date: '2026-10-12', arrears: '10.50' }),
            billLine({ account_number: '2468013579' }),
            billLine({ account_number: '1111111111' }),
        ]);
        for (let run = 0; run < 2; run++) {
            const c = await importer.importConsumers(consumers);
            assert.deepEqual([c.total, c.imported, c.rejected.map((r) => r.line)], [4, 3, [5]]);
            const b = await importer.importBills(bills);
            assert.deepEqual([b.total, b.imported, b.rejected.map((r) => r.line)], [4, 3, [5]]);
        }
        assert.equal(await source.getRepository(Consumer).count(), 3);
        assert.equal(await source.getRepository(Meter).count(), 3);
        assert.equal(await source.getRepository(Bill).count(), 3);
        const meter = await source.getRepository(Meter).findOneByOrFail({ meterNumber: 'GNS26041187' });
        assert.equal(meter.prepaidBalancePaise, -41260);
        const september = await source.getRepository(Bill).findOneByOrFail({ accountNumber: '1234567890', billMonth: '2026-09' });
        assert.deepEqual([september.paid, september.paymentDate, september.arrearsPaise], [true, '2026-10-12', 1050]);
        const [{ tables }] = await source.query(
            `SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_schema = 'import_test' AND table_name = 'bills'`
        );
        assert.equal(tables, 1, 'tables live in the schema named in DATABASE_URL');
    });

    it('seeds the demo data', async () => {
        const counts = await seedDemoData(ds!);
        assert.deepEqual(await seedDemoData(ds!), counts);
        // The imported accounts are the first demo accounts, so seeding updates those rows instead of adding more.
        assert.equal(await ds!.getRepository(Consumer).count(), counts.consumers);
        assert.equal(await ds!.getRepository(Meter).count(), counts.meters);
        assert.equal(await ds!.getRepository(Bill).count(), counts.bills);
        assert.equal(await ds!.getRepository(OrgUnit).count(), counts.orgUnits);
        assert.equal(await ds!.getRepository(Official).count(), counts.officials);
    });
});

describe('ProgressBar', () => {
    function sink(isTTY: boolean): ProgressStream & { out: string[] } {
        const out: string[] = [];
        return { isTTY, columns: 100, out, write: (chunk: string) => out.push(chunk) > 0 };
    }

    it('prints at most one line per 10 % when not on a terminal', () => {
        const stream = sink(false);
        const bar = new ProgressBar(stream, { label: 'consumers' });
        for (let i = 0; i <= 1000; i++) bar.update(i, 1000);
        bar.finish();
        assert.ok(stream.out.length <= 11, `${stream.out.length} lines`);
        assert.equal(stream.out[stream.out.length - 1], 'consumers: 100% (1,000/1,000)\n');
        assert.ok(stream.out.every((line) => !line.includes('\r')));
    });

    it('redraws one line on a terminal and ends it on finish', () => {
        const stream = sink(true);
        const bar = new ProgressBar(stream, { label: 'bills' });
        bar.update(0, 200000);
        bar.update(200000, 200000);
        bar.finish();
        bar.finish();
        assert.ok(stream.out.every((chunk) => chunk.startsWith('\r')));
        assert.match(stream.out[stream.out.length - 1], /^\rbills \[#+\] 100% \(2,00,000\/2,00,000\)\x1b\[K\n$/);
        assert.equal(stream.out.filter((c) => c.endsWith('\n')).length, 1);
    });
});
