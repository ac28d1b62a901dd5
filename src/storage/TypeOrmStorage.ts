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
        const rows = await this.db.run((m) => m.getRepository(BotStateRecord).findBy({ key: In(keys) }));
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
            await this.db.run((manager) => this.writeOne(manager, keys[0], changes[keys[0]]));
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

    private async writeOne(manager: EntityManager, key: string, item: Record<string, unknown>): Promise<void> {
        const { eTag, ...rest } = item ?? {};
        const data = JSON.stringify(rest);
        const next = randomUUID();
        const now = Date.now();
        const unconditional = eTag === undefined || eTag === null || eTag === '' || eTag === '*';
        if (unconditional) {
            await manager.createQueryBuilder().insert().into(BotStateRecord)
                .values({ key, data, etag: next, updatedAt: now })
                .orUpdate(['data', 'etag', 'updatedAt'], ['key'])
                .execute();
            return;
        }
        const updated = await manager.createQueryBuilder().update(BotStateRecord)
            .set({ data, etag: next, updatedAt: now })
            .where('key = :key AND etag = :etag', { key, etag: String(eTag) })
            .execute();
        if (updated.affected) return;
        const existing = await manager.getRepository(BotStateRecord).existsBy({ key });
        if (existing) throw conflict(key);
        try {
            await manager.createQueryBuilder().insert().into(BotStateRecord)
                .values({ key, data, etag: next, updatedAt: now })
                .execute();
        } catch {
            // Another writer created the key between our UPDATE and INSERT.
            throw conflict(key);
        }
    }
}

function conflict(key: string): Error {
    return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}
