import type { GrantStore, StoredGrant } from '../../adapters/shared/ports';
import type { Database } from '../data/Database';

interface GrantRow {
    version: number | string;
    sealed: string;
    expiresAt: number | string;
    claimedUntil: number | string;
    seedHash: string;
    dead: boolean | number;
}

/**
 * The channels' OAuth grants in the database (`oauth_grants`), so every instance uses and refreshes the same one. Each
 * write is one statement, a compare-and-set on the grant's version: of two instances that claim the same refresh,
 * exactly one succeeds, and the other reads what the first stored.
 */
export class ChannelGrants implements GrantStore {
    constructor(private readonly db: Database) {}

    async read(key: string): Promise<StoredGrant | null> {
        const { rows } = await this.db.sql<GrantRow>(
            'SELECT "version", "sealed", "expiresAt", "claimedUntil", "seedHash", "dead" FROM "oauth_grants" WHERE "key" = ?',
            [key]
        );
        const row = rows[0];
        if (!row) return null;
        return {
            version: Number(row.version),
            sealed: row.sealed,
            expiresAt: Number(row.expiresAt),
            claimedUntil: Number(row.claimedUntil),
            seedHash: row.seedHash,
            dead: row.dead === true || Number(row.dead) === 1,
        };
    }

    async seed(key: string, sealed: string, seedHash: string, now: number): Promise<void> {
        // A live grant, or a dead one from this same seed, stays: the configured refresh token was spent long ago.
        await this.db.sql(
            `INSERT INTO "oauth_grants" ("key", "version", "sealed", "expiresAt", "claimedUntil", "seedHash", "dead", "updatedAt")
             VALUES (?, 1, ?, 0, 0, ?, ?, CAST(? AS BIGINT))
             ON CONFLICT ("key") DO UPDATE SET "version" = "oauth_grants"."version" + 1, "sealed" = excluded."sealed",
               "expiresAt" = 0, "claimedUntil" = 0, "seedHash" = excluded."seedHash", "dead" = excluded."dead", "updatedAt" = excluded."updatedAt"
             WHERE "oauth_grants"."dead" = ? AND "oauth_grants"."seedHash" <> excluded."seedHash"`,
            [key, sealed, seedHash, false, now, true],
            { durable: true }
        );
    }

    async claim(key: string, version: number, until: number, now: number): Promise<boolean> {
        const { changes } = await this.db.sql(
            `UPDATE "oauth_grants" SET "claimedUntil" = CAST(? AS BIGINT), "updatedAt" = CAST(? AS BIGINT)
             WHERE "key" = ? AND "version" = ? AND "dead" = ? AND "claimedUntil" <= CAST(? AS BIGINT)`,
            [until, now, key, version, false, now]
        );
        return changes === 1;
    }

    async replace(key: string, version: number, sealed: string, expiresAt: number, now: number): Promise<boolean> {
        // Durable: X has spent the old refresh token, so losing this write in a power cut would lose the grant.
        const { changes } = await this.db.sql(
            `UPDATE "oauth_grants" SET "version" = "version" + 1, "sealed" = ?, "expiresAt" = CAST(? AS BIGINT), "claimedUntil" = 0,
               "dead" = ?, "updatedAt" = CAST(? AS BIGINT)
             WHERE "key" = ? AND "version" = ?`,
            [sealed, expiresAt, false, now, key, version],
            { durable: true }
        );
        return changes === 1;
    }

    async release(key: string, version: number, dead: boolean, now: number): Promise<void> {
        await this.db.sql('UPDATE "oauth_grants" SET "claimedUntil" = 0, "dead" = ?, "updatedAt" = CAST(? AS BIGINT) WHERE "key" = ? AND "version" = ?', [
            dead,
            now,
            key,
            version,
        ]);
    }
}
