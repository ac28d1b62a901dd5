import type { Database } from '../data/Database';
import { randomToken, secretHash } from './ConsoleSessions';

/** How long a browser stays known after a sign-in: 90 days. */
export const KNOWN_BROWSER_MS = 90 * 24 * 3600_000;

/**
 * Browsers an official has signed in from, each holding a random token in a long-lived cookie (the table keeps its
 * SHA-256). Failures spread over many addresses slow sign-in for a username, but not from a browser its official has
 * used before: so a named official is never locked out by strangers' guesses (the known-device pattern).
 */
export class KnownBrowsers {
    constructor(
        private readonly db: Database,
        private readonly now: () => Date,
        private readonly lifetimeMs = KNOWN_BROWSER_MS
    ) {}

    /** Remembers a browser that signed in as `officialId`; returns the token for its cookie. */
    async remember(officialId: number): Promise<string> {
        const token = randomToken();
        const at = this.now().getTime();
        await this.db.sql('DELETE FROM "console_browsers" WHERE "expiresAt" <= CAST(? AS BIGINT)', [at]);
        await this.db.sql('INSERT INTO "console_browsers" ("tokenHash", "officialId", "expiresAt") VALUES (?, ?, CAST(? AS BIGINT))', [
            secretHash(token),
            officialId,
            at + this.lifetimeMs,
        ]);
        return token;
    }

    /** The official a browser's token was given to, while it lasts; null otherwise. */
    async officialOf(token: string | undefined): Promise<number | null> {
        if (!token || token.length > 200) return null;
        const { rows } = await this.db.sql<{ officialId: number }>(
            'SELECT "officialId" FROM "console_browsers" WHERE "tokenHash" = ? AND "expiresAt" > CAST(? AS BIGINT)',
            [secretHash(token), this.now().getTime()]
        );
        return rows.length > 0 ? Number(rows[0].officialId) : null;
    }

    /** Forgets every browser of one official (a changed password: a copied cookie must not outlive it). */
    async forgetAllOf(officialId: number): Promise<void> {
        await this.db.sql('DELETE FROM "console_browsers" WHERE "officialId" = ?', [officialId]);
    }
}
