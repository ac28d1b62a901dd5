import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { CsvImporter, ImportReport } from '../../../src/data/CsvImporter';
import { openDatabase } from '../../../src/data/createDataSource';
import { Database } from '../../../src/data/Database';
import { DEMO_CONSUMERS, DEMO_OFFICIALS, DEMO_ORG_UNITS, seedDemoData } from '../../../src/data/demoData';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Official, OFFICIAL_LEVELS } from '../../../src/data/entities/Official';
import { OrgUnit } from '../../../src/data/entities/OrgUnit';
import { OfficialDirectory } from '../../../src/services/OfficialDirectory';
import { hashPassword, verifyPassword } from '../../../src/data/passwords';
import { freshPostgresSchema } from '../../support/postgres';

const LUCKNOW = DEMO_CONSUMERS[0];
const MEERUT = DEMO_CONSUMERS[1];
const VARANASI = DEMO_CONSUMERS[2];
const KAPOORTHALA = DEMO_CONSUMERS.find((c) => c.subdivision === 'Kapoorthala')!;

let tmpDir: string;
let fileCounter = 0;

before(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bijli-officials-test-'));
});

after(() => {
    fs.rmSync(tmpDir, { recursive: true, force: true });
});

/** A CSV file of `lines` under `header`; line 1 is the header, so `lines[i]` is file line i + 2. */
function writeCsv(header: string, lines: string[]): string {
    const file = path.join(tmpDir, `officials-${process.pid}-${++fileCounter}.csv`);
    fs.writeFileSync(file, [header, ...lines].join('\n') + '\n');
    return file;
}

function reasonFor(report: ImportReport, line: number): string {
    const found = report.rejected.filter((r) => r.line === line);
    assert.equal(found.length, 1, `expected one rejection on line ${line}, got ${JSON.stringify(report.rejected)}`);
    return found[0].reason;
}

describe('passwords', () => {
    it('hashes with scrypt in the documented format and verifies', async () => {
        const stored = await hashPassword('demo-je-1');
        const match = /^scrypt\$16384\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
        assert.ok(match, stored);
        assert.equal(Buffer.from(match[1], 'base64').length, 16);
        assert.equal(Buffer.from(match[2], 'base64').length, 64);
        assert.equal(await verifyPassword('demo-je-1', stored), true);
    });

    it('refuses a wrong or empty password, and an empty password to hash', async () => {
        const stored = await hashPassword('सही पासवर्ड 123');
        assert.equal(await verifyPassword('सही पासवर्ड 124', stored), false);
        assert.equal(await verifyPassword('सही पासवर्ड 123 ', stored), false);
        assert.equal(await verifyPassword('', stored), false);
        assert.equal(await verifyPassword('सही पासवर्ड 123', stored), true);
        // The same text decomposed (as some keyboards send it) still matches.
        assert.equal(await verifyPassword('सही पासवर्ड 123'.normalize('NFD'), stored), true);
        await assert.rejects(hashPassword(''), /must not be empty/);
    });

    it('salts every hash differently', async () => {
        const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
        assert.notEqual(a, b);
        assert.notEqual(a.split('$')[4], b.split('$')[4]);
        assert.equal(await verifyPassword('same password', a), true);
        assert.equal(await verifyPassword('same password', b), true);
    });

    it('verifies a malformed or tampered stored value as false without throwing', async () => {
        const good = await hashPassword('secret-pass');
        const [, n, r, p, salt, hash] = good.split('$');
        const flipped = Buffer.from(hash, 'base64');
        flipped[0] ^= 1;
        const malformed: Array<string | null> = [
            null,
            '',
            'secret-pass',
            'scrypt',
            `bcrypt$${n}$${r}$${p}$${salt}$${hash}`,
            `scrypt$${n}$${r}$${p}$${salt}`,
            `scrypt$${n}$${r}$${p}$${salt}$${hash}$extra`,
            `scrypt$1000$${r}$${p}$${salt}$${hash}`,
            `scrypt$0$${r}$${p}$${salt}$${hash}`,
            `scrypt$-16384$${r}$${p}$${salt}$${hash}`,
            `scrypt$${2 ** 30}$${r}$${p}$${salt}$${hash}`,
            `scrypt$${n}$${r}$999$${salt}$${hash}`,
            `scrypt$${n}$${r}$${p}$$${hash}`,
            `scrypt$${n}$${r}$${p}$${salt}$`,
            `scrypt$${n}$${r}$${p}$not*base64$${hash}`,
            `scrypt$${n}$${r}$${p}$${salt}$${hash.slice(0, 8)}`,
            `scrypt$${n}$${r}$${p}$${salt}$${flipped.toString('base64')}`,
            `scrypt$${n}$${r}$${p}$${Buffer.from('other salt').toString('base64')}$${hash}`,
        ];
        for (const stored of malformed) assert.equal(await verifyPassword('secret-pass', stored), false, String(stored));
    });
});

const LUCKNOW_LADDER = { JE: 'je.vibhutikhand', SDO: 'sdo.gomtinagar', XEN: 'xen.gomtinagar', SE: 'se.lucknow1', CE: 'ce.lucknow' };
const MEERUT_LADDER = { JE: 'je.shastrinagar', SDO: 'sdo.meerut2', XEN: 'xen.meerut2', SE: 'se.meerut1', CE: 'ce.meerut' };
const VARANASI_LADDER = { JE: 'je.rajatalab', SDO: 'sdo.varanasirural', XEN: 'xen.varanasirural', SE: 'se.varanasirural', CE: 'ce.varanasi' };

function directorySuite(label: string, databaseUrl: () => Promise<string>): void {
    describe(`OfficialDirectory on ${label}`, () => {
        let ds: DataSource;
        let directory: OfficialDirectory;

        before(async () => {
            ds = await openDatabase(await databaseUrl());
            const counts = await seedDemoData(ds);
            assert.equal(counts.orgUnits, DEMO_ORG_UNITS.length);
            assert.equal(counts.officials, DEMO_OFFICIALS.length);
            directory = new OfficialDirectory(new Database(ds));
        });

        after(async () => {
            if (ds?.isInitialized) await ds.destroy();
        });

        it("climbs the Lucknow demo consumer's ladder JE → SDO → XEN → SE → CE", async () => {
            assert.deepEqual(await directory.unitChain(LUCKNOW.discom, LUCKNOW.subdivision, LUCKNOW.division), {
                subdivision: 'Vibhuti Khand',
                division: 'EUDD Gomti Nagar, Lucknow',
                circle: 'Lucknow Circle-I',
                zone: 'Lucknow Zone',
            });
            const owners = [];
            for (const level of OFFICIAL_LEVELS) {
                const owner = await directory.ownerFor(LUCKNOW, level);
                assert.ok(owner, `no ${level}`);
                assert.deepEqual([owner.username, owner.level, owner.discom, owner.active], [LUCKNOW_LADDER[level], level, 'MVVNL', true]);
                owners.push(owner);
            }
            assert.deepEqual(
                owners.map((o) => o.unitName),
                ['Vibhuti Khand', 'EUDD Gomti Nagar, Lucknow', 'EUDD Gomti Nagar, Lucknow', 'Lucknow Circle-I', 'Lucknow Zone']
            );
            assert.equal(new Set(owners.map((o) => o.id)).size, OFFICIAL_LEVELS.length);
        });

        it('has a full ladder above every README demo account, and a chain to a zone for every demo consumer', async () => {
            for (const [consumer, ladder] of [
                [LUCKNOW, LUCKNOW_LADDER],
                [MEERUT, MEERUT_LADDER],
                [VARANASI, VARANASI_LADDER],
            ] as const) {
                for (const level of OFFICIAL_LEVELS) {
                    assert.equal((await directory.ownerFor(consumer, level))?.username, ladder[level], `${consumer.accountNumber} ${level}`);
                }
            }
            for (const consumer of DEMO_CONSUMERS) {
                const chain = await directory.unitChain(consumer.discom, consumer.subdivision, consumer.division);
                assert.equal(chain.division, consumer.division);
                assert.ok(chain.circle && chain.zone, `${consumer.subdivision}: ${JSON.stringify(chain)}`);
            }
        });

        it('returns null where no active official heads the unit, and skips inactive ones', async () => {
            // Kapoorthala has its JE but no SDO or XEN among the demo officials, and shares Lucknow Circle-I and Zone.
            assert.equal((await directory.ownerFor(KAPOORTHALA, 'JE'))?.username, 'je.kapoorthala');
            assert.equal(await directory.ownerFor(KAPOORTHALA, 'XEN'), null);
            assert.equal((await directory.ownerFor(KAPOORTHALA, 'SE'))?.username, 'se.lucknow1');
            assert.equal((await directory.ownerFor(KAPOORTHALA, 'CE'))?.username, 'ce.lucknow');
            assert.equal(await directory.ownerFor({ ...LUCKNOW, discom: 'PVVNL' }, 'JE'), null);

            await ds.getRepository(Official).update({ username: 'je.vibhutikhand' }, { active: false });
            try {
                assert.equal(await directory.ownerFor(LUCKNOW, 'JE'), null);
                assert.equal((await directory.ownerFor(LUCKNOW, 'SDO'))?.username, 'sdo.gomtinagar');
            } finally {
                await seedDemoData(ds);
            }
            assert.equal((await directory.ownerFor(LUCKNOW, 'JE'))?.username, 'je.vibhutikhand', 're-seeding reactivates demo officials');
        });

        it("falls back to the consumer's division when org_units lacks the subdivision", async () => {
            const area = { discom: 'MVVNL', division: 'EUDD Gomti Nagar, Lucknow', subdivision: 'Vinay Khand' };
            assert.deepEqual(await directory.unitChain(area.discom, area.subdivision, area.division), {
                subdivision: 'Vinay Khand',
                division: 'EUDD Gomti Nagar, Lucknow',
                circle: 'Lucknow Circle-I',
                zone: 'Lucknow Zone',
            });
            assert.equal(await directory.ownerFor(area, 'JE'), null);
            assert.equal((await directory.ownerFor(area, 'SDO'))?.username, 'sdo.gomtinagar');
            assert.equal((await directory.ownerFor(area, 'CE'))?.username, 'ce.lucknow');
            const nowhere = await directory.unitChain('MVVNL', 'Nowhere', 'No Such Division');
            assert.deepEqual(nowhere, { subdivision: 'Nowhere', division: 'No Such Division', circle: null, zone: null });
            assert.equal(await directory.ownerFor({ discom: 'MVVNL', subdivision: 'Nowhere', division: 'No Such Division' }, 'SE'), null);
            // org_units wins over a consumer record that names another division.
            const chain = await directory.unitChain('MVVNL', 'Vibhuti Khand', 'EUDD Aliganj, Lucknow');
            assert.equal(chain.division, 'EUDD Gomti Nagar, Lucknow');
        });

        it('scopes a JE to exactly their subdivision and higher levels to their whole unit', async () => {
            const scope = async (username: string) => {
                const official = await directory.findByUsername(username);
                assert.ok(official, username);
                const s = directory.scopeOf(official);
                return { kind: s.kind, unitName: s.unitName, discom: s.discom, subdivisions: await s.subdivisions() };
            };
            assert.deepEqual(await scope('je.vibhutikhand'), {
                kind: 'subdivision',
                unitName: 'Vibhuti Khand',
                discom: 'MVVNL',
                subdivisions: ['Vibhuti Khand'],
            });
            assert.deepEqual((await scope('je.virajkhand')).subdivisions, ['Viraj Khand']);
            assert.deepEqual((await scope('sdo.gomtinagar')).subdivisions, ['Vibhuti Khand', 'Viraj Khand']);
            assert.deepEqual((await scope('xen.gomtinagar')).subdivisions, ['Vibhuti Khand', 'Viraj Khand']);
            const se = await scope('se.lucknow1');
            assert.equal(se.kind, 'circle');
            assert.deepEqual(se.subdivisions, ['Kapoorthala', 'Vibhuti Khand', 'Viraj Khand']);
            assert.deepEqual((await scope('ce.lucknow')).subdivisions, ['Kapoorthala', 'Nagram', 'Vibhuti Khand', 'Viraj Khand']);
            assert.deepEqual((await scope('se.varanasirural')).subdivisions, ['Rajatalab']);
            const ceMeerut = await scope('ce.meerut');
            assert.deepEqual(ceMeerut.subdivisions, ['Daurala', 'Shastri Nagar']);
        });

        it("includes in a division's scope a consumer subdivision that org_units lacks, as ownerFor routes it", async () => {
            const stray: Consumer = { ...LUCKNOW, accountNumber: '9990000001', registeredMobile: null, subdivision: 'Vinay Khand' };
            await ds.getRepository(Consumer).insert(stray);
            try {
                const sdo = (await directory.findByUsername('sdo.gomtinagar'))!;
                assert.deepEqual(await directory.scopeOf(sdo).subdivisions(), ['Vibhuti Khand', 'Vinay Khand', 'Viraj Khand']);
                const ce = (await directory.findByUsername('ce.lucknow'))!;
                assert.ok((await directory.scopeOf(ce).subdivisions()).includes('Vinay Khand'));
                const je = (await directory.findByUsername('je.vibhutikhand'))!;
                assert.deepEqual(await directory.scopeOf(je).subdivisions(), ['Vibhuti Khand']);
            } finally {
                await ds.getRepository(Consumer).delete({ accountNumber: stray.accountNumber });
            }
        });

        it('finds officials by username and id, and authenticates demo accounts', async () => {
            const je = await directory.findByUsername('  JE.VibhutiKhand ');
            assert.equal(je?.username, 'je.vibhutikhand');
            assert.equal((await directory.findById(je!.id))?.username, 'je.vibhutikhand');
            assert.equal(await directory.findById(987654), null);
            assert.equal(await directory.findByUsername('nobody'), null);
            assert.equal(await directory.findByUsername(''), null);

            for (const demo of DEMO_OFFICIALS) {
                const official = await directory.findByUsername(demo.username);
                assert.ok(official, demo.username);
                assert.deepEqual([official.level, official.unitName, official.discom, official.name], [demo.level, demo.unitName, demo.discom, demo.name]);
                assert.ok(await verifyPassword(demo.password, official.passwordHash), demo.username);
                assert.match(official.mobile ?? '', /^[6-9]\d{9}$/);
                assert.ok(['hi', 'en'].includes(official.language));
            }
            assert.equal((await directory.authenticate('je.vibhutikhand', 'demo-je-1'))?.username, 'je.vibhutikhand');
            assert.equal(await directory.authenticate('je.vibhutikhand', 'demo-je-2'), null);
            assert.equal(await directory.authenticate('nobody', 'demo-je-1'), null);
            await ds.getRepository(Official).update({ username: 'je.virajkhand' }, { active: false });
            try {
                assert.equal(await directory.authenticate('je.virajkhand', 'demo-je-4'), null);
            } finally {
                await ds.getRepository(Official).update({ username: 'je.virajkhand' }, { active: true });
            }
        });

        it('re-seeds idempotently without re-hashing, and restores a changed demo password', async () => {
            const hashes = async () => new Map((await ds.getRepository(Official).find()).map((o) => [o.username, o.passwordHash]));
            const before = await hashes();
            const unitCount = await ds.getRepository(OrgUnit).count();
            await seedDemoData(ds);
            assert.deepEqual(await hashes(), before);
            assert.equal(await ds.getRepository(OrgUnit).count(), unitCount);
            assert.equal(await ds.getRepository(Official).count(), DEMO_OFFICIALS.length);

            // A hash that still verifies is kept even if this process did not make it.
            const rehashed = await hashPassword('demo-se-1');
            await ds.getRepository(Official).update({ username: 'se.lucknow1' }, { passwordHash: rehashed });
            await ds.getRepository(Official).update({ username: 'ce.lucknow' }, { passwordHash: await hashPassword('changed-password') });
            await seedDemoData(ds);
            const after = await hashes();
            assert.equal(after.get('se.lucknow1'), rehashed);
            assert.ok(await verifyPassword('demo-ce-1', after.get('ce.lucknow')!));
            assert.equal(await verifyPassword('changed-password', after.get('ce.lucknow')!), false);
        });
    });
}

directorySuite('SQLite', async () => 'sqlite::memory:');
// Not skipped when the server is down: freshPostgresSchema fails, so a PostgreSQL regression cannot pass silently.
directorySuite('PostgreSQL', () => freshPostgresSchema('officials_test'));

const ORG_HEADER = 'discom,kind,name,parent_name';
const OFFICIAL_HEADER = 'username,name,level,discom,unit_name,mobile,language,password,active';

function importSuite(label: string, databaseUrl: () => Promise<string>): void {
    describe(`CsvImporter officials and org units on ${label}`, () => {
        let ds: DataSource;

        beforeEach(async () => {
            ds = await openDatabase(await databaseUrl());
        });

        afterEach(async () => {
            if (ds?.isInitialized) await ds.destroy();
        });

        it('imports org units, rejecting invalid rows with line numbers and reasons, idempotently', async () => {
            const file = writeCsv(ORG_HEADER, [
                /* 2 */ 'MVVNL,zone,Lucknow Zone,',
                /* 3 */ 'mvvnl,Circle,Lucknow Circle-I,Lucknow Zone',
                /* 4 */ 'MVVNL,division,"EUDD Gomti Nagar, Lucknow",Lucknow Circle-I',
                /* 5 */ 'MVVNL,subdivision,Vibhuti Khand,"EUDD Gomti Nagar, Lucknow"',
                /* 6 */ 'MVVNL,subdivision,Viraj Khand,',
                /* 7 */ 'MVVNL,zone,Ayodhya Zone,Lucknow Zone',
                /* 8 */ 'MVVNL,substation,Gomti Nagar 33/11 kV,Vibhuti Khand',
                /* 9 */ 'NPCL,division,EUDD Noida,Noida Circle',
                /* 10 */ 'MVVNL,subdivision,Vibhuti Khand,EUDD Aliganj',
                /* 11 */ 'PVVNL,subdivision,Vibhuti Khand,EUDD-II Meerut',
                /* 12 */ 'MVVNL,division,,',
                /* 13 */ 'MVVNL,circle,Lucknow Circle-II',
            ]);
            const importer = new CsvImporter(ds);
            for (let run = 0; run < 2; run++) {
                const report = await importer.importOrgUnits(file);
                assert.equal(report.kind, 'org-units');
                assert.deepEqual([report.total, report.imported], [12, 5]);
                assert.deepEqual(
                    report.rejected.map((r) => r.line),
                    [6, 7, 8, 9, 10, 12, 13]
                );
                assert.equal(reasonFor(report, 6), 'parent_name is required for a subdivision (the division it belongs to)');
                assert.equal(reasonFor(report, 7), 'parent_name must be empty for a zone (got "Lucknow Zone")');
                assert.equal(reasonFor(report, 8), 'kind must be one of subdivision, division, circle, zone (got "substation")');
                assert.equal(reasonFor(report, 9), 'discom must be one of PVVNL, MVVNL, DVVNL, PuVVNL, KESCo (got "NPCL")');
                assert.equal(reasonFor(report, 10), 'duplicate subdivision Vibhuti Khand of MVVNL already on line 5');
                assert.equal(reasonFor(report, 12), 'name is required; parent_name is required for a division (the circle it belongs to)');
                assert.equal(reasonFor(report, 13), 'expected 4 fields as in the header, got 3');
            }
            const units = await ds.getRepository(OrgUnit).find({ order: { id: 'ASC' } });
            assert.deepEqual(
                units.map(({ id: _id, latitude: _latitude, longitude: _longitude, ...u }) => u),
                [
                    { discom: 'MVVNL', kind: 'zone', name: 'Lucknow Zone', parentName: null },
                    { discom: 'MVVNL', kind: 'circle', name: 'Lucknow Circle-I', parentName: 'Lucknow Zone' },
                    { discom: 'MVVNL', kind: 'division', name: 'EUDD Gomti Nagar, Lucknow', parentName: 'Lucknow Circle-I' },
                    { discom: 'MVVNL', kind: 'subdivision', name: 'Vibhuti Khand', parentName: 'EUDD Gomti Nagar, Lucknow' },
                    { discom: 'PVVNL', kind: 'subdivision', name: 'Vibhuti Khand', parentName: 'EUDD-II Meerut' },
                ]
            );

            // A re-import with a changed parent moves the unit instead of adding one.
            const moved = await importer.importOrgUnits(writeCsv(ORG_HEADER, ['MVVNL,subdivision,Vibhuti Khand,"EUDD Aliganj, Lucknow"']));
            assert.deepEqual(moved.rejected, []);
            assert.equal(await ds.getRepository(OrgUnit).count(), 5);
            assert.equal(
                (await ds.getRepository(OrgUnit).findOneByOrFail({ discom: 'MVVNL', kind: 'subdivision', name: 'Vibhuti Khand' })).parentName,
                'EUDD Aliganj, Lucknow'
            );
        });

        it('imports officials with hashed passwords and defaults, rejecting invalid rows without quoting passwords', async () => {
            const file = writeCsv(OFFICIAL_HEADER, [
                /* 2 */ 'JE.VibhutiKhand,Amit Kumar Verma,je,mvvnl,Vibhuti Khand,+91 94151 00201,,secret-je-1,',
                /* 3 */ 'sdo.gomtinagar,Pradeep Singh Chauhan,SDO,MVVNL,"EUDD Gomti Nagar, Lucknow",,en,,no',
                /* 4 */ 'ae.gomtinagar,Someone,AE,MVVNL,"EUDD Gomti Nagar, Lucknow",,,long-enough-1,',
                /* 5 */ 'je.short,Someone,JE,MVVNL,Viraj Khand,,,short,',
                /* 6 */ 'je.vibhutikhand,Duplicate,JE,MVVNL,Vibhuti Khand,,,,',
                /* 7 */ 'x,Someone,JE,MVVNL,Viraj Khand,5123456789,fr,,maybe',
                /* 8 */ 'je.virajkhand,,JE,MVVNL,,,,,',
                /* 9 */ 'ce.lucknow,Vinod Kumar Awasthi,CE,MVVNL,Lucknow Zone,7398100405,HI,ce-password-1,yes',
                /* 10 */ 'je.quote,Someone,JE,MVVNL,Viraj Khand,,,my"hidden"pass,',
            ]);
            const report = await new CsvImporter(ds).importOfficials(file);
            assert.equal(report.kind, 'officials');
            assert.deepEqual([report.total, report.imported], [9, 3]);
            assert.deepEqual(
                report.rejected.map((r) => r.line),
                [4, 5, 6, 7, 8, 10]
            );
            assert.equal(reasonFor(report, 4), 'level must be one of JE, SDO, XEN, SE, CE (got "AE")');
            assert.equal(reasonFor(report, 5), 'password must be at least 8 characters');
            assert.equal(reasonFor(report, 6), 'duplicate username je.vibhutikhand already on line 2');
            assert.equal(
                reasonFor(report, 7),
                'username must be 3 to 60 letters, digits, dots, dashes or underscores, starting with a letter or digit (got "x"); ' +
                    'mobile must be 10 digits starting with 6, 7, 8 or 9 (got "*******789"); language must be one of hi, en (got "fr"); active must be yes or no (got "maybe")'
            );
            assert.equal(reasonFor(report, 8), 'name is required; unit_name is required');
            assert.equal(reasonFor(report, 10), 'malformed CSV: Invalid Opening Quote: a quote is found on field 7 at line 10');
            for (const { reason } of report.rejected) assert.doesNotMatch(reason, /short|long-enough|secret|password-1|my|hidden/);

            const je = await ds.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
            assert.deepEqual(
                [je.name, je.level, je.discom, je.unitName, je.mobile, je.language, je.active],
                ['Amit Kumar Verma', 'JE', 'MVVNL', 'Vibhuti Khand', '9415100201', 'hi', true]
            );
            assert.match(je.passwordHash ?? '', /^scrypt\$/);
            assert.ok(await verifyPassword('secret-je-1', je.passwordHash));
            const sdo = await ds.getRepository(Official).findOneByOrFail({ username: 'sdo.gomtinagar' });
            assert.deepEqual([sdo.passwordHash, sdo.language, sdo.active, sdo.mobile], [null, 'en', false, null]);
            assert.equal((await ds.getRepository(Official).findOneByOrFail({ username: 'ce.lucknow' })).language, 'hi');

            const directory = new OfficialDirectory(new Database(ds));
            assert.equal((await directory.authenticate('je.vibhutikhand', 'secret-je-1'))?.username, 'je.vibhutikhand');
            assert.equal(await directory.authenticate('sdo.gomtinagar', ''), null);
        });

        it('re-imports officials idempotently; an empty password keeps the stored hash, a new one replaces it', async () => {
            const importer = new CsvImporter(ds, { batchSize: 2 });
            const first = writeCsv(OFFICIAL_HEADER, [
                'je.vibhutikhand,Amit Kumar Verma,JE,MVVNL,Vibhuti Khand,9415100201,hi,secret-je-1,yes',
                'se.lucknow1,Meenakshi Srivastava,SE,MVVNL,Lucknow Circle-I,9415100204,en,secret-se-1,yes',
                'xen.gomtinagar,Rakesh Chandra Pandey,XEN,MVVNL,"EUDD Gomti Nagar, Lucknow",,en,,yes',
            ]);
            assert.deepEqual((await importer.importOfficials(first)).rejected, []);
            const hashOf = async (username: string) => (await ds.getRepository(Official).findOneByOrFail({ username })).passwordHash;
            const jeHash = await hashOf('je.vibhutikhand');

            const second = writeCsv(OFFICIAL_HEADER, [
                'je.vibhutikhand,Amit K. Verma,JE,MVVNL,Viraj Khand,9415100299,en,,no',
                'se.lucknow1,Meenakshi Srivastava,SE,MVVNL,Lucknow Circle-I,9415100204,en,new-se-password,yes',
                'xen.gomtinagar,Rakesh Chandra Pandey,XEN,MVVNL,"EUDD Gomti Nagar, Lucknow",,en,,yes',
            ]);
            for (let run = 0; run < 2; run++) {
                const report = await importer.importOfficials(second);
                assert.deepEqual([report.total, report.imported, report.rejected], [3, 3, []]);
            }
            assert.equal(await ds.getRepository(Official).count(), 3);
            const je = await ds.getRepository(Official).findOneByOrFail({ username: 'je.vibhutikhand' });
            assert.deepEqual(
                [je.name, je.unitName, je.mobile, je.language, je.active, je.passwordHash],
                ['Amit K. Verma', 'Viraj Khand', '9415100299', 'en', false, jeHash]
            );
            const seHash = await hashOf('se.lucknow1');
            assert.ok(await verifyPassword('new-se-password', seHash));
            assert.equal(await verifyPassword('secret-se-1', seHash), false);
            assert.equal(await hashOf('xen.gomtinagar'), null);
        });

        it('imports the demo hierarchy as CSV exactly as the seed stores it', async () => {
            const quote = (v: string | null) => (v === null ? '' : /[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
            const file = writeCsv(
                ORG_HEADER,
                DEMO_ORG_UNITS.map((u) => [u.discom, u.kind, u.name, u.parentName].map(quote).join(','))
            );
            const report = await new CsvImporter(ds).importOrgUnits(file);
            assert.deepEqual([report.imported, report.rejected], [DEMO_ORG_UNITS.length, []]);
            await seedDemoData(ds);
            assert.equal(await ds.getRepository(OrgUnit).count(), DEMO_ORG_UNITS.length);
        });
    });
}

importSuite('SQLite', async () => 'sqlite::memory:');
importSuite('PostgreSQL', () => freshPostgresSchema('officials_test'));
