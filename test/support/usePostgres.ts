// Loaded by `.mocharc.postgres.json` before any suite, so the second pass of `npm test` runs on PostgreSQL.
process.env.TEST_DATABASE = 'postgres';
