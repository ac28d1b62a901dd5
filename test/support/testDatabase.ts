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
