import { strict as assert } from 'assert';
import { MIGRATIONS, openDatabase } from '../../../src/data/createDataSource';
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
    });
}
