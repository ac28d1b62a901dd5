import { AliasKind, IdentityAlias, IdentityAliases } from '../../adapters/shared/ports';
import { Database } from '../data/Database';

interface AliasRow {
    alias: string;
    kind: string;
    personId: string;
    retiredAt: string | number | null;
    updatedAt: string | number;
}

/**
 * The channels' {@link IdentityAliases} in the database (`channel_user_aliases`), so every instance names a user by
 * the same person. Each change is one conditional statement on the alias's row: two instances claiming a new id at
 * once leave one person, and a statement older than the row (by the platform's timestamps) changes nothing.
 */
export class IdentityAliasStore implements IdentityAliases {
    constructor(private readonly db: Database) {}

    async find(channel: string, aliases: readonly string[]): Promise<IdentityAlias[]> {
        if (aliases.length === 0) return [];
        const { rows } = await this.db.sql<AliasRow>(
            `SELECT "alias", "kind", "personId", "retiredAt", "updatedAt" FROM "channel_user_aliases" WHERE "channel" = ? AND "alias" IN (${aliases.map(() => '?').join(', ')})`,
            [channel, ...aliases],
            { priority: 'high' }
        );
        return rows.map(aliasOf);
    }

    async ofPerson(channel: string, personId: string): Promise<IdentityAlias[]> {
        const { rows } = await this.db.sql<AliasRow>(
            'SELECT "alias", "kind", "personId", "retiredAt", "updatedAt" FROM "channel_user_aliases" WHERE "channel" = ? AND "personId" = ? AND "retiredAt" IS NULL',
            [channel, personId],
            { priority: 'high' }
        );
        return rows.map(aliasOf);
    }

    async personExists(channel: string, personId: string): Promise<boolean> {
        const { rows } = await this.db.sql(
            'SELECT 1 AS "found" FROM "channel_user_aliases" WHERE "channel" = ? AND "personId" = ? LIMIT 1',
            [channel, personId],
            {
                priority: 'high',
            }
        );
        return rows.length > 0;
    }

    async claim(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<string> {
        // Taken when new (a guess, dated 0, that any change WhatsApp reports outranks), or when it was retired before
        // `at` (a number recycled to someone else, dated `at`); kept otherwise.
        await this.db.sql(
            `INSERT INTO "channel_user_aliases" ("channel", "alias", "kind", "personId", "retiredAt", "updatedAt") VALUES (?, ?, ?, ?, NULL, 0)
             ON CONFLICT ("channel", "alias") DO UPDATE SET "kind" = excluded."kind", "personId" = excluded."personId", "retiredAt" = NULL, "updatedAt" = CAST(? AS BIGINT)
             WHERE "channel_user_aliases"."retiredAt" IS NOT NULL AND "channel_user_aliases"."retiredAt" <= CAST(? AS BIGINT)`,
            [channel, alias, kind, personId, at, at],
            // Not durable by itself: the delivery recorded next, durably, flushes it too.
            { priority: 'high' }
        );
        const [row] = await this.find(channel, [alias]);
        return row?.personId ?? personId;
    }

    async assign(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<void> {
        await this.db.sql(
            `INSERT INTO "channel_user_aliases" ("channel", "alias", "kind", "personId", "retiredAt", "updatedAt") VALUES (?, ?, ?, ?, NULL, CAST(? AS BIGINT))
             ON CONFLICT ("channel", "alias") DO UPDATE SET "kind" = excluded."kind", "personId" = excluded."personId", "retiredAt" = NULL, "updatedAt" = excluded."updatedAt"
             WHERE "channel_user_aliases"."updatedAt" <= excluded."updatedAt"`,
            [channel, alias, kind, personId, at],
            { priority: 'high', durable: true }
        );
    }

    async retire(channel: string, alias: string, personId: string, at: number): Promise<void> {
        await this.db.sql(
            'UPDATE "channel_user_aliases" SET "retiredAt" = CAST(? AS BIGINT), "updatedAt" = CAST(? AS BIGINT) WHERE "channel" = ? AND "alias" = ? AND "personId" = ? AND "updatedAt" <= CAST(? AS BIGINT)',
            [at, at, channel, alias, personId, at],
            { priority: 'high', durable: true }
        );
    }
}

function aliasOf(row: AliasRow): IdentityAlias {
    return {
        alias: row.alias,
        kind: row.kind as AliasKind,
        personId: row.personId,
        retiredAt: row.retiredAt === null ? null : Number(row.retiredAt),
        updatedAt: Number(row.updatedAt),
    };
}
