import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { CsvImporter } from '../../../src/data/CsvImporter';
import { openDatabase } from '../../../src/data/createDataSource';
import { Consumer } from '../../../src/data/entities/Consumer';
import { Meter } from '../../../src/data/entities/Meter';
import { Official } from '../../../src/data/entities/Official';
import { OrgUnit } from '../../../src/data/entities/OrgUnit';
import { QuarantinedConsumer } from '../../../src/data/entities/QuarantinedConsumer';
import { freshPostgresSchema } from '../../support/postgres';

const CONSUMER_HEADER =
    'account_number,name,registered_mobile,address,discom,division,subdivision,tariff_category,area_class,meter_number,meter_type,last_reading,last_reading_date,prepaid_balance';

function consumer(account: string, subdivision: string, meter: string, discom = 'MVVNL'): string {
    return `${account},Test Consumer,9415012345,"1, Some Street, Lucknow",${discom},EUDD Gomti Nagar,${subdivision},LMV-1,city,${meter},postpaid,100,2026-10-28,`;
}

/**
 * Consumers whose subdivision is not in their discom's hierarchy are reported (line, masked account, the unknown
 * name) and quarantined whole, not imported; an `import org-units` that adds the subdivision, or a re-run of the
 * consumers import, releases them. Org units may carry a location; officials a triage role.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`import quarantine on ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, () => {
        let ds: DataSource;
        let dir: string;
        const write = (name: string, lines: string[]) => {
            const file = path.join(dir, name);
            fs.writeFileSync(file, lines.join('\n') + '\n');
            return file;
        };

        beforeEach(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bijli-quarantine-'));
            ds = await openDatabase(kind === 'sqlite' ? 'sqlite::memory:' : await freshPostgresSchema('quarantine_test'));
            const units = write('units.csv', [
                'discom,kind,name,parent_name,latitude,longitude',
                'MVVNL,zone,Lucknow Zone,,,',
                'MVVNL,circle,Lucknow Circle-I,Lucknow Zone,,',
                'MVVNL,division,EUDD Gomti Nagar,Lucknow Circle-I,,',
                'MVVNL,subdivision,Vibhuti Khand,EUDD Gomti Nagar,26.8616,80.9925',
            ]);
            assert.deepEqual((await new CsvImporter(ds).importOrgUnits(units)).rejected, []);
        });
        afterEach(async () => {
            if (ds?.isInitialized) await ds.destroy();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it('reports and quarantines a consumer of an unknown subdivision; import org-units adding it releases the consumer', async () => {
            const file = write('consumers.csv', [
                CONSUMER_HEADER,
                consumer('1111111111', 'Vibhuti Khand', 'MTR0001'),
                consumer('2222222222', 'Gomti Nagar Extension', 'MTR0002'),
                // A discom whose hierarchy is not loaded at all is not judged (see the README).
                consumer('3333333333', 'Sigra', 'MTR0003', 'PuVVNL'),
            ]);
            const report = await new CsvImporter(ds).importConsumers(file);
            assert.deepEqual(report.rejected, []);
            assert.equal(report.imported, 2);
            assert.deepEqual(report.quarantined, [{ line: 3, account: '*******222', discom: 'MVVNL', subdivision: 'Gomti Nagar Extension' }]);
            assert.deepEqual(
                (await ds.getRepository(Consumer).find({ order: { accountNumber: 'ASC' } })).map((c) => c.accountNumber),
                ['1111111111', '3333333333']
            );
            const held = await ds.getRepository(QuarantinedConsumer).findOneByOrFail({ accountNumber: '2222222222' });
            assert.deepEqual([held.line, held.subdivision, held.file], [3, 'Gomti Nagar Extension', file]);

            // Nothing to release yet.
            assert.equal((await new CsvImporter(ds).releaseQuarantined()).released, 0);

            const more = write('more-units.csv', ['discom,kind,name,parent_name', 'MVVNL,subdivision,Gomti Nagar Extension,EUDD Gomti Nagar']);
            const units = await new CsvImporter(ds).importOrgUnits(more);
            assert.equal(units.released, 1);
            const released = await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '2222222222' });
            assert.deepEqual([released.subdivision, released.registeredMobile], ['Gomti Nagar Extension', '9415012345'], 'nothing of the row was lost');
            assert.equal((await ds.getRepository(Meter).findOneByOrFail({ meterNumber: 'MTR0002' })).accountNumber, '2222222222');
            assert.equal(await ds.getRepository(QuarantinedConsumer).count(), 0);
        });

        it('a re-run with the subdivision corrected imports the row and empties its quarantine', async () => {
            const importer = new CsvImporter(ds);
            const first = await importer.importConsumers(write('a.csv', [CONSUMER_HEADER, consumer('2222222222', 'Vibuti Khand', 'MTR0002')]));
            assert.equal(first.quarantined.length, 1);
            assert.equal(first.imported, 0);
            // The same file again keeps one quarantined row, not two.
            await importer.importConsumers(write('a2.csv', [CONSUMER_HEADER, consumer('2222222222', 'Vibuti Khand', 'MTR0002')]));
            assert.equal(await ds.getRepository(QuarantinedConsumer).count(), 1);
            const fixed = await importer.importConsumers(write('b.csv', [CONSUMER_HEADER, consumer('2222222222', 'Vibhuti Khand', 'MTR0002')]));
            assert.deepEqual([fixed.imported, fixed.quarantined.length], [1, 0]);
            assert.equal(await ds.getRepository(QuarantinedConsumer).count(), 0);
            assert.equal((await ds.getRepository(Consumer).findOneByOrFail({ accountNumber: '2222222222' })).subdivision, 'Vibhuti Khand');
        });

        it('keeps org unit locations and the officials’ triage role, and refuses half a location', async () => {
            const unit = await ds.getRepository(OrgUnit).findOneByOrFail({ name: 'Vibhuti Khand' });
            assert.deepEqual([unit.latitude, unit.longitude], [26.8616, 80.9925]);
            const bad = await new CsvImporter(ds).importOrgUnits(
                write('bad.csv', [
                    'discom,kind,name,parent_name,latitude,longitude',
                    'MVVNL,subdivision,Viraj Khand,EUDD Gomti Nagar,26.87,',
                    'MVVNL,subdivision,X,EUDD Gomti Nagar,95,80',
                ])
            );
            assert.deepEqual(
                bad.rejected.map((r) => r.line),
                [2, 3]
            );
            assert.match(bad.rejected[0].reason, /latitude and longitude go together/);
            assert.match(bad.rejected[1].reason, /latitude must be decimal degrees/);
            const officials = await new CsvImporter(ds).importOfficials(
                write('officials.csv', [
                    'username,name,level,discom,unit_name,triage',
                    'triage.mvvnl,Desk Officer,SDO,MVVNL,EUDD Gomti Nagar,yes',
                    'je.vk,Field JE,JE,MVVNL,Vibhuti Khand,',
                    'bad.one,Bad,JE,MVVNL,Vibhuti Khand,maybe',
                ])
            );
            assert.deepEqual(
                officials.rejected.map((r) => r.line),
                [4]
            );
            assert.equal((await ds.getRepository(Official).findOneByOrFail({ username: 'triage.mvvnl' })).triage, true);
            assert.equal((await ds.getRepository(Official).findOneByOrFail({ username: 'je.vk' })).triage, false);
        });
    });
}
