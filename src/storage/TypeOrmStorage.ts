import { randomUUID } from 'crypto';
import { Storage, StoreItems } from 'botbuilder';
import { EntityManager, In } from 'typeorm';
import { Database } from '../data/Database';
import { BotStateRecord } from '../data/entities/BotStateRecord';

/**
 * botbuilder `Storage` on any TypeORM data source (SQLite, PostgreSQL).
 *
 * eTags follow the SDK's contract as `MemoryStorage` implements it: an item whose eTag is missing, empty or `*` is
 * written unconditionally; any other eTag is written only if it equals the stored one (or the key does not exist
 * yet), otherwise the whole write is rejected with the SDK's conflict message. Unlike `MemoryStorage`, a multi-key
 * write is atomic: on a conflict nothing of it is written.
 */
export class TypeOrmStorage implements Storage {
    constructor(private readonly db: Database) {}

    /** Reads the items that exist among `keys`; each carries its current `eTag`. */
    async read(keys: string[]): Promise<StoreItems> {
        if (!keys) throw new ReferenceError('Keys are required when reading.');
        const items: StoreItems = {};
        if (keys.length === 0) return items;
        const { rows } = await this.db.sql<{ key: string; data: string; etag: string }>(
            `SELECT "key", "data", "etag" FROM "bot_state" WHERE "key" IN (${keys.map(() => '?').join(', ')})`,
            keys
        );
        for (const row of rows) items[row.key] = { ...JSON.parse(row.data), eTag: row.etag };
        return items;
    }

    /** Writes `changes`, assigning each item a new eTag. */
    async write(changes: StoreItems): Promise<void> {
        if (!changes) throw new ReferenceError('Changes are required when writing.');
        const keys = Object.keys(changes);
        if (keys.length === 0) return;
        // One key (the usual turn: conversation state only) is one statement or a conditional pair, atomic enough
        // without BEGIN and COMMIT; several keys are written all or nothing.
        if (keys.length === 1) {
            // One unit, so on SQLite nothing (a delete) comes between the conditional UPDATE and the INSERT.
            await this.db.run(() => this.writeOne(undefined, keys[0], changes[keys[0]]));
            return;
        }
        await this.db.transaction(async (manager) => {
            for (const key of keys) await this.writeOne(manager, key, changes[key]);
        });
    }

    /** Deletes `keys`; missing keys are ignored. */
    async delete(keys: string[]): Promise<void> {
        if (!keys) throw new ReferenceError('Keys are required when deleting.');
        if (keys.length === 0) return;
        await this.db.run((m) => m.getRepository(BotStateRecord).delete({ key: In(keys) }));
    }

    /** Writes one item, in the transaction of `within` when given. */
    private async writeOne(within: EntityManager | undefined, key: string, item: Record<string, unknown>): Promise<void> {
        const { eTag, ...rest } = item ?? {};
        const data = JSON.stringify(rest);
        const next = randomUUID();
        const now = Date.now();
        const unconditional = eTag === undefined || eTag === null || eTag === '' || eTag === '*';
        if (unconditional) {
            await this.db.sql(
                'INSERT INTO "bot_state" ("key", "data", "etag", "updatedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "data" = EXCLUDED."data", "etag" = EXCLUDED."etag", "updatedAt" = EXCLUDED."updatedAt"',
                [key, data, next, now],
                { within }
            );
            return;
        }
        const updated = await this.db.sql(
            'UPDATE "bot_state" SET "data" = ?, "etag" = ?, "updatedAt" = ? WHERE "key" = ? AND "etag" = ?',
            [data, next, now, key, String(eTag)],
            { within }
        );
        if (updated.changes > 0) return;
        // Not there with that eTag: either it is there with another one (a conflict), or it is new. The insert settles
        // a race with another writer creating the key between the two statements.
        const inserted = await this.db.sql(
            'INSERT INTO "bot_state" ("key", "data", "etag", "updatedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING',
            [key, data, next, now],
            { within }
        );
        if (inserted.changes === 0) throw conflict(key);
    }
}

function conflict(key: string): Error {
    return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}
