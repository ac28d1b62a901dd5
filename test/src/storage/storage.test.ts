import { strict as assert } from 'assert';
import { ActivityTypes, ConversationState, TestAdapter, TurnContext } from 'botbuilder';
import { DataSource } from 'typeorm';
import { SerializeTurnsMiddleware } from '../../../src/inbox/SerializeTurnsMiddleware';
import { openDatabase } from '../../../src/data/createDataSource';
import { Database } from '../../../src/data/Database';
import { TypeOrmStorage } from '../../../src/storage/TypeOrmStorage';
import { freshPostgresSchema } from '../../support/postgres';

const databases: Array<[string, () => Promise<string>]> = [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('storage_test')],
];

for (const [name, url] of databases) {
    describe(`TypeOrmStorage on ${name}`, () => {
        let dataSource: DataSource;
        let storage: TypeOrmStorage;

        before(async () => {
            dataSource = await openDatabase(await url());
            storage = new TypeOrmStorage(new Database(dataSource));
        });
        after(async () => {
            await dataSource?.destroy();
        });
        beforeEach(async () => {
            await dataSource.query('DELETE FROM bot_state');
        });

        it('returns nothing for keys that do not exist', async () => {
            assert.deepEqual(await storage.read(['missing/1', 'missing/2']), {});
            assert.deepEqual(await storage.read([]), {});
        });

        it('round-trips nested data and gives every write a new eTag', async () => {
            await storage.write({ a: { count: 1, nested: { list: [1, 'दो', null] } } });
            const first = (await storage.read(['a'])).a;
            assert.deepEqual({ ...first, eTag: undefined }, { count: 1, nested: { list: [1, 'दो', null] }, eTag: undefined });
            assert.ok(first.eTag && first.eTag !== '*');
            await storage.write({ a: { ...first, count: 2 } });
            const second = (await storage.read(['a'])).a;
            assert.equal(second.count, 2);
            assert.notEqual(second.eTag, first.eTag);
        });

        it('writes unconditionally when the eTag is missing, empty or *', async () => {
            await storage.write({ k: { v: 1 } });
            await storage.write({ k: { v: 2, eTag: '*' } });
            await storage.write({ k: { v: 3, eTag: '' } });
            await storage.write({ k: { v: 4 } });
            assert.equal((await storage.read(['k'])).k.v, 4);
        });

        it('writes with the current eTag and rejects a stale one with the SDK conflict message', async () => {
            await storage.write({ k: { v: 1 } });
            const current = (await storage.read(['k'])).k;
            await storage.write({ k: { ...current, v: 2 } });
            await assert.rejects(storage.write({ k: { ...current, v: 3 } }), /Storage: error writing "k" due to eTag conflict\./);
            assert.equal((await storage.read(['k'])).k.v, 2);
        });

        it('creates a key that does not exist yet even when an eTag is given, as MemoryStorage does', async () => {
            await storage.write({ fresh: { v: 1, eTag: 'some-etag' } });
            assert.equal((await storage.read(['fresh'])).fresh.v, 1);
        });

        it('writes several keys atomically: a conflict on one writes none of them', async () => {
            await storage.write({ x: { v: 1 }, y: { v: 1 } });
            const before = await storage.read(['x', 'y']);
            await storage.write({ y: { ...before.y, v: 2 } });
            await assert.rejects(storage.write({ x: { ...before.x, v: 9 }, y: { ...before.y, v: 9 } }), /eTag conflict/);
            const after = await storage.read(['x', 'y']);
            assert.equal(after.x.v, 1, 'x must not be written when y conflicts');
            assert.equal(after.y.v, 2);
        });

        it('deletes keys and ignores missing ones', async () => {
            await storage.write({ d1: { v: 1 }, d2: { v: 2 } });
            await storage.delete(['d1', 'not-there']);
            assert.deepEqual(Object.keys(await storage.read(['d1', 'd2'])), ['d2']);
        });

        it('accepts keys with slashes, quotes, Devanagari and SQL', async () => {
            const key = `whatsapp/conversations/91'98"76/बिजली'; DROP TABLE bot_state; --/`;
            await storage.write({ [key]: { v: 1 } });
            assert.equal((await storage.read([key]))[key].v, 1);
        });

        it('lets exactly one of two concurrent conditional writers win', async () => {
            await storage.write({ race: { v: 0 } });
            const seen = (await storage.read(['race'])).race;
            const results = await Promise.allSettled([storage.write({ race: { ...seen, v: 'first' } }), storage.write({ race: { ...seen, v: 'second' } })]);
            assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
            assert.equal(results.filter((r) => r.status === 'rejected').length, 1);
        });

        describe('overlapping turns of one conversation', () => {
            // Each turn reads a counter, waits (as a slow billing lookup would), increments and saves.
            async function runTwoOverlappingTurns(serialize: boolean): Promise<number> {
                const state = new ConversationState(storage);
                const counter = state.createProperty<number>('count');
                const adapter = new TestAdapter(async (context: TurnContext) => {
                    const count = await counter.get(context, 0);
                    await new Promise((resolve) => setTimeout(resolve, 30));
                    await counter.set(context, count + 1);
                    await state.saveChanges(context);
                });
                if (serialize) adapter.use(new SerializeTurnsMiddleware());
                await Promise.all([
                    adapter.receiveActivity({ type: ActivityTypes.Message, text: 'one' }),
                    adapter.receiveActivity({ type: ActivityTypes.Message, text: 'two' }),
                ]);
                const context = new TurnContext(adapter, TurnContext.applyConversationReference({ type: ActivityTypes.Message }, adapter.conversation, true));
                return counter.get(context, 0) as Promise<number>;
            }

            it('lose an update without serialisation (why the lock exists)', async () => {
                assert.equal(await runTwoOverlappingTurns(false), 1);
            });

            it('keep both updates when turns are serialised per conversation', async () => {
                assert.equal(await runTwoOverlappingTurns(true), 2);
            });
        });
    });
}
