import { QueryFailedError } from 'typeorm';

/**
 * Whether a failed query broke a unique constraint (PostgreSQL 23505, SQLite SQLITE_CONSTRAINT_UNIQUE or
 * _PRIMARYKEY). Only that means "already there"; any other error (a value too long, a lost connection) must surface.
 */
export function isUniqueViolation(error: unknown): boolean {
    if (!(error instanceof QueryFailedError)) return false;
    const code = (error.driverError as { code?: string } | undefined)?.code;
    return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
