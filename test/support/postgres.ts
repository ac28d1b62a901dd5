import { Client } from 'pg';

/** The CI PostgreSQL server (database `test`, user `postgres`, trust auth); override with TEST_DATABASE_URL. */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A `DATABASE_URL` for a schema of its own, dropped first so every run starts empty. Fails (never skips) when the
 * server is unreachable: CI must notice a missing PostgreSQL.
 */
export async function freshPostgresSchema(schema: string): Promise<string> {
    await dropPostgresSchema(schema);
    return `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** Drops `schema` and everything in it, if it exists. */
export async function dropPostgresSchema(schema: string): Promise<void> {
    const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
    try {
        await client.connect();
    } catch (error) {
        throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL}: ${(error as Error).message}. The PostgreSQL tests need it.`, { cause: error });
    }
    try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
        await client.end();
    }
}
