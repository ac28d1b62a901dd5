import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import type { Database } from '../data/Database';
import { Language, toLanguage } from '../i18n/Translator';

/** A one-shot message shown on the next page (after a redirect). */
export interface Flash {
    kind: 'ok' | 'error';
    text: string;
}

/** What the console remembers about one signed-in official. */
export interface ConsoleSession {
    officialId: number;
    /** Per-session CSRF token, embedded in every form as a hidden field. */
    csrfToken: string;
    /** The console's language for this session (the official's own language at sign-in, then the switch). */
    language: Language;
    createdAt: number;
    lastSeenAt: number;
    flash: Flash | null;
}

/** How long sessions last. */
export interface SessionLifetimes {
    /** Time without a request after which a session ends. */
    idleMs: number;
    /** Time after sign-in after which a session ends however busy it is, so a stolen cookie does not last for good. */
    maxMs: number;
}

/** Idle time after which a session ends: 8 hours. */
export const SESSION_IDLE_MS = 8 * 3600_000;
/** Time after sign-in after which a session ends: 12 hours, a long working day. */
export const SESSION_MAX_MS = 12 * 3600_000;

/** How stale the recorded last request may get before it is written again (one write a minute, not one a page). */
const TOUCH_AFTER_MS = 60_000;

/** A fresh random token: 32 bytes, base64url. */
export function randomToken(): string {
    return randomBytes(32).toString('base64url');
}

/** Compares two secrets in constant time (over their SHA-256 digests, so lengths do not leak either). */
export function sameSecret(a: string, b: string): boolean {
    const ha = createHash('sha256').update(a, 'utf8').digest();
    const hb = createHash('sha256').update(b, 'utf8').digest();
    return timingSafeEqual(ha, hb);
}

/** The SHA-256 of a secret, as stored: a copy of the table cannot be replayed as cookies. */
export function secretHash(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex');
}

interface SessionRow {
    officialId: number;
    csrfToken: string;
    language: string;
    flash: string | null;
    createdAt: string | number;
    lastSeenAt: string | number;
}

/**
 * Console sessions, kept in the database so that any instance serves any request (no sticky sessions) and signing out
 * anywhere ends the session everywhere. A random 32-byte id goes to the browser; the table keeps only its SHA-256. A
 * session ends after {@link SessionLifetimes.idleMs} without a request, {@link SessionLifetimes.maxMs} after sign-in,
 * at sign-out, or when the official's password is changed or the account deactivated ({@link endAllOf}).
 *
 * Hand-written rather than express-session with a PostgreSQL store: that store keeps the raw id, cannot end all of one
 * official's sessions without reading every session's JSON, and would need a second store for SQLite.
 */
export class ConsoleSessions {
    private lastSweep = 0;

    constructor(
        private readonly db: Database,
        private readonly now: () => Date,
        private readonly lifetimes: SessionLifetimes = { idleMs: SESSION_IDLE_MS, maxMs: SESSION_MAX_MS }
    ) {}

    /** Starts a session; returns the id for the cookie. */
    async create(officialId: number, language: Language): Promise<{ id: string; session: ConsoleSession }> {
        await this.sweep();
        const id = randomToken();
        const at = this.now().getTime();
        const session: ConsoleSession = { officialId, csrfToken: randomToken(), language, createdAt: at, lastSeenAt: at, flash: null };
        await this.db.sql(
            'INSERT INTO "console_sessions" ("idHash", "officialId", "csrfToken", "language", "flash", "createdAt", "lastSeenAt") VALUES (?, ?, ?, ?, NULL, CAST(? AS BIGINT), CAST(? AS BIGINT))',
            [secretHash(id), officialId, session.csrfToken, language, at, at]
        );
        return { id, session };
    }

    /** The live session with this id; null when unknown or ended. Each request restarts the idle clock. */
    async get(id: string | undefined): Promise<ConsoleSession | null> {
        if (!id || id.length > 200) return null;
        const key = secretHash(id);
        const { rows } = await this.db.sql<SessionRow>(
            'SELECT "officialId", "csrfToken", "language", "flash", "createdAt", "lastSeenAt" FROM "console_sessions" WHERE "idHash" = ?',
            [key]
        );
        if (rows.length === 0) return null;
        const row = rows[0];
        const at = this.now().getTime();
        const session: ConsoleSession = {
            officialId: Number(row.officialId),
            csrfToken: row.csrfToken,
            language: toLanguage(row.language) ?? 'hi',
            flash: row.flash ? (JSON.parse(row.flash) as Flash) : null,
            createdAt: Number(row.createdAt),
            lastSeenAt: Number(row.lastSeenAt),
        };
        if (at - session.lastSeenAt >= this.lifetimes.idleMs || at - session.createdAt >= this.lifetimes.maxMs) {
            await this.db.sql('DELETE FROM "console_sessions" WHERE "idHash" = ?', [key]);
            return null;
        }
        if (at - session.lastSeenAt >= TOUCH_AFTER_MS) {
            session.lastSeenAt = at;
            await this.db.sql('UPDATE "console_sessions" SET "lastSeenAt" = CAST(? AS BIGINT) WHERE "idHash" = ?', [at, key]);
        }
        return session;
    }

    /** Stores what a request changed: the language and the message for the next page. */
    async save(id: string, session: ConsoleSession): Promise<void> {
        await this.db.sql('UPDATE "console_sessions" SET "language" = ?, "flash" = ? WHERE "idHash" = ?', [
            session.language,
            session.flash ? JSON.stringify(session.flash) : null,
            secretHash(id),
        ]);
    }

    /** Ends a session (sign-out). */
    async destroy(id: string | undefined): Promise<void> {
        if (id && id.length <= 200) await this.db.sql('DELETE FROM "console_sessions" WHERE "idHash" = ?', [secretHash(id)]);
    }

    /** Ends every session of one official, on every instance (a changed password, a deactivated account). */
    async endAllOf(officialId: number): Promise<void> {
        await this.db.sql('DELETE FROM "console_sessions" WHERE "officialId" = ?', [officialId]);
    }

    /** Number of live sessions (tests and diagnostics). */
    async count(): Promise<number> {
        const { rows } = await this.db.sql<{ n: string | number }>('SELECT COUNT(*) AS "n" FROM "console_sessions"');
        return Number(rows[0].n);
    }

    /** Deletes ended sessions, at most once a minute. */
    private async sweep(): Promise<void> {
        const at = this.now().getTime();
        if (at - this.lastSweep < 60_000) return;
        this.lastSweep = at;
        await this.db.sql('DELETE FROM "console_sessions" WHERE "lastSeenAt" <= CAST(? AS BIGINT) OR "createdAt" <= CAST(? AS BIGINT)', [
            at - this.lifetimes.idleMs,
            at - this.lifetimes.maxMs,
        ]);
    }
}
