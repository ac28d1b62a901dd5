import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { MIGRATIONS, openDatabase } from '../../../src/data/createDataSource';
import { Database } from '../../../src/data/Database';
import { OneTimeCodes } from '../../../src/services/OneTimeCodes';
import { freshPostgresSchema } from '../../support/postgres';

const databases: Array<[string, () => Promise<string>]> = [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('migration_test')],
];

for (const [name, url] of databases) {
    describe(`migrations on ${name}`, () => {
        it('create exactly the schema the entities describe, and run once', async () => {
            const dataSource = await openDatabase(await url());
            try {
                const pending = await dataSource.driver.createSchemaBuilder().log();
                assert.deepEqual(
                    pending.upQueries.map((q) => q.query),
                    [],
                    'entities and migrations disagree'
                );
                const ran = await dataSource.query('SELECT name FROM migrations');
                assert.equal(ran.length, MIGRATIONS.length);
                assert.equal(await dataSource.showMigrations(), false, 'no migration left to run');
            } finally {
                await dataSource.destroy();
            }
        });

        it('can be undone and redone', async () => {
            const dataSource = await openDatabase(await url());
            try {
                await dataSource.undoLastMigration();
                assert.equal(await dataSource.showMigrations(), true);
                await dataSource.runMigrations();
                const pending = await dataSource.driver.createSchemaBuilder().log();
                assert.equal(pending.upQueries.length, 0);
            } finally {
                await dataSource.destroy();
            }
        });

        it('carry codes in flight into one_time_codes, where they still work once and count towards the limits', async () => {
            const dataSource = await openDatabase(await url());
            try {
                const ran = async () => (await dataSource.query('SELECT name FROM migrations')).map((r: { name: string }) => r.name);
                while ((await ran()).includes('OneTimeCodes1766100000000')) await dataSource.undoLastMigration();
                const sha = (text: string) => createHash('sha256').update(text).digest('hex');
                const now = Date.now();
                const p = dataSource.options.type === 'postgres' ? (n: number) => `$${n}` : () => '?';
                const values = [1, 2, 3, 4, 5, 6].map(p).join(', ');
                await dataSource.query(
                    `INSERT INTO "verification_codes" ("identityId", "accountNumber", "codeHash", "sentTo", "attempts", "expiresAt", "spent") VALUES (${values}, ${p(7)})`,
                    [7, '1234567890', sha('7:1234567890:123456'), '9415012345', 0, now + 600_000, false]
                );
                await dataSource.query(
                    `INSERT INTO "closure_codes" ("complaintId", "identityId", "codeHash", "sentTo", "attempts", "expiresAt", "spent") VALUES (${values}, ${p(7)})`,
                    [42, 7, sha('closure:7:42:654321'), '9876543210', 0, now + 600_000, false]
                );
                // Older than a day by expiry: not carried over.
                await dataSource.query(
                    `INSERT INTO "verification_codes" ("identityId", "accountNumber", "codeHash", "sentTo", "attempts", "expiresAt", "spent") VALUES (${values}, ${p(7)})`,
                    [8, '1234567890', sha('8:1234567890:111111'), '9415012345', 0, now - 2 * 86_400_000, false]
                );
                await dataSource.runMigrations();
                const [{ count }] = await dataSource.query('SELECT COUNT(*) AS count FROM "one_time_codes"');
                assert.equal(Number(count), 2);
                const sent: string[] = [];
                const codes = new OneTimeCodes(
                    new Database(dataSource),
                    { send: async (to) => void sent.push(to) },
                    { ttlSeconds: 600, maxAttempts: 3, maxSendsPerHour: 1 }
                );
                const account = { purpose: 'account' as const, subject: '1234567890' };
                assert.deepEqual(await codes.check(7, account, '123 456'), { kind: 'verified', sentTo: '9415012345' });
                assert.deepEqual(await codes.check(7, account, '123456'), { kind: 'expired' }, 'a code works once');
                assert.deepEqual(
                    await codes.check(7, { purpose: 'account', subject: '42' }, '654321'),
                    { kind: 'expired' },
                    'a closure code proves nothing else'
                );
                assert.deepEqual(await codes.check(7, { purpose: 'closure', subject: '42' }, '654321', '9876543210'), {
                    kind: 'verified',
                    sentTo: '9876543210',
                });
                // The carried-over code counts: one send an hour is already spent for identity 7 and this account.
                assert.equal((await codes.send(7, account, '9415012345', (code) => code)).kind, 'rate_limited');
                assert.deepEqual(sent, []);
            } finally {
                await dataSource.destroy();
            }
        });
    });
}
