import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import type { Language } from '../i18n/Translator';

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

/** Idle time after which a session ends: 8 hours. */
export const SESSION_IDLE_MS = 8 * 3600_000;

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

/**
 * Console sessions, held in this process's memory: a random 32-byte id goes to the browser; the store keeps only its
 * SHA-256, so a dump of the map cannot be replayed as cookies. A session ends after {@link SESSION_IDLE_MS} without a
 * request, or at sign-out. Sessions do not survive a restart and are not shared between instances (several
 * instances behind one address need sticky sessions, or a database-backed store with this interface).
 */
export class ConsoleSessions {
    private readonly sessions = new Map<string, ConsoleSession>();
    private lastSweep = 0;

    constructor(
        private readonly now: () => Date,
        private readonly idleMs = SESSION_IDLE_MS
    ) {}

    /** Starts a session; returns the id for the cookie. */
    create(officialId: number, language: Language): { id: string; session: ConsoleSession } {
        this.sweep();
        const id = randomToken();
        const at = this.now().getTime();
        const session: ConsoleSession = { officialId, csrfToken: randomToken(), language, createdAt: at, lastSeenAt: at, flash: null };
        this.sessions.set(keyOf(id), session);
        return { id, session };
    }

    /** The live session with this id, its idle clock restarted; null when unknown or expired. */
    get(id: string | undefined): ConsoleSession | null {
        this.sweep();
        if (!id || id.length > 200) return null;
        const key = keyOf(id);
        const session = this.sessions.get(key);
        if (!session) return null;
        const at = this.now().getTime();
        if (at - session.lastSeenAt >= this.idleMs) {
            this.sessions.delete(key);
            return null;
        }
        session.lastSeenAt = at;
        return session;
    }

    /** Ends a session (sign-out). */
    destroy(id: string | undefined): void {
        if (id) this.sessions.delete(keyOf(id));
    }

    /** Ends every session of one official (e.g. when the account is found inactive). */
    destroyAllOf(officialId: number): void {
        for (const [key, session] of this.sessions) if (session.officialId === officialId) this.sessions.delete(key);
    }

    /** Number of live sessions (for tests and diagnostics). */
    get size(): number {
        return this.sessions.size;
    }

    /** Drops expired sessions, at most once a minute. */
    private sweep(): void {
        const at = this.now().getTime();
        if (at - this.lastSweep < 60_000) return;
        this.lastSweep = at;
        for (const [key, session] of this.sessions) if (at - session.lastSeenAt >= this.idleMs) this.sessions.delete(key);
    }
}

function keyOf(id: string): string {
    return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** Failed sign-ins allowed per username within {@link THROTTLE_WINDOW_MS}. */
export const THROTTLE_MAX_FAILURES = 5;
/** The window of the sign-in throttle: 15 minutes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Usernames tracked at most; beyond this the oldest entries are dropped (memory stays bounded). */
const THROTTLE_MAX_KEYS = 10_000;

/**
 * Counts failed sign-ins per username (case-insensitive, known or not) in a sliding window. While a username has
 * {@link THROTTLE_MAX_FAILURES} failures in the window, sign-in for it is refused without checking the password.
 */
export class SignInThrottle {
    private readonly failures = new Map<string, number[]>();

    constructor(
        private readonly now: () => Date,
        private readonly maxFailures = THROTTLE_MAX_FAILURES,
        private readonly windowMs = THROTTLE_WINDOW_MS
    ) {}

    /** Milliseconds until this username may try again, or 0 when it may now. */
    retryAfterMs(username: string): number {
        const recent = this.recent(username);
        if (recent.length < this.maxFailures) return 0;
        return Math.max(1, recent[recent.length - this.maxFailures] + this.windowMs - this.now().getTime());
    }

    /** Records a failed attempt. */
    fail(username: string): void {
        const key = normalise(username);
        const recent = this.recent(username);
        recent.push(this.now().getTime());
        this.failures.delete(key);
        this.failures.set(key, recent.slice(-this.maxFailures));
        if (this.failures.size > THROTTLE_MAX_KEYS) {
            const oldest = this.failures.keys().next().value;
            if (oldest !== undefined) this.failures.delete(oldest);
        }
    }

    /** Forgets the failures of a username (after a successful sign-in). */
    succeed(username: string): void {
        this.failures.delete(normalise(username));
    }

    /** Takes back the latest attempt of `key`, counted before its password was checked, which then succeeded. */
    forgiveLatest(key: string): void {
        const recent = this.failures.get(normalise(key));
        if (recent && recent.length > 0) recent.pop();
    }

    private recent(username: string): number[] {
        const key = normalise(username);
        const since = this.now().getTime() - this.windowMs;
        const recent = (this.failures.get(key) ?? []).filter((t) => t > since);
        if (recent.length === 0) this.failures.delete(key);
        return recent;
    }
}

function normalise(username: string): string {
    return username.trim().toLowerCase().slice(0, 100);
}
