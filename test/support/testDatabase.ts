import BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { createDataSource, openDatabase } from '../../src/data/createDataSource';
import { seedDemoData } from '../../src/data/demoData';
import { dropPostgresSchema, freshPostgresSchema } from './postgres';

/**
 * Which database the suites that do not name one run on: `sqlite` (default, in memory) or `postgres` (a schema of its
 * own per bot on the CI server). `npm test` runs those suites once on each; see `.mocharc.postgres.json`.
 */
export const TEST_DATABASE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

let schemas = 0;

/** A fresh database for one test bot on {@link TEST_DATABASE}, and how to drop it again. */
export async function freshTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
    if (TEST_DATABASE === 'sqlite') return { url: 'sqlite::memory:', drop: async () => undefined };
    const schema = `bot_${process.pid}_${++schemas}`;
    const url = await freshPostgresSchema(schema);
    return { url, drop: () => dropPostgresSchema(schema) };
}

let template: Promise<Buffer> | undefined;

/**
 * A new in-memory SQLite database, migrated and holding the demo data, copied from an image made once per process:
 * migrating and seeding took two thirds of a test bot's start (about 35 of 55 ms here). PostgreSQL test bots each
 * get a fresh schema instead (PostgreSQL has no cheap copy of a schema).
 */
export async function seededSqliteCopy(): Promise<DataSource> {
    template ??= (async () => {
        const original = await openDatabase('sqlite::memory:');
        await seedDemoData(original);
        const image = (original.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection.serialize();
        await original.destroy();
        return image;
    })();
    const image = await template;
    // TypeORM builds its connection with `new driver(file, options)`: this one opens a copy of the image instead.
    const dataSource = new DataSource({
        ...createDataSource('sqlite::memory:').options,
        migrationsRun: false,
        driver: function fromImage() {
            return new BetterSqlite3(image);
        },
    } as never);
    await dataSource.initialize();
    return dataSource;
}
