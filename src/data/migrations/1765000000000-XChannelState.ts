import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * What the X channel shares between instances, and DMs that wait for X's allowance:
 * - `oauth_grants`: the bot account's OAuth 2.0 grant, whose refresh token X spends at every refresh (stored sealed;
 *   writes are compare-and-set on `version`, and a refresh is claimed until `claimedUntil`);
 * - `send_budgets`: the account's DM allowance per window (15 minutes, 24 hours), taken by one statement per window;
 * - `outbound_queue` also holds replies that wait for the allowance (no broadcast or identity; `conversationKey` keeps
 *   one conversation's in order), and its text grows to X's 10,000 characters.
 * Times in the new tables are milliseconds since the epoch, compared as numbers on both databases.
 */
export class XChannelState1765000000000 implements MigrationInterface {
    name = 'XChannelState1765000000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const ms = { type: 'bigint', isNullable: false } as const;
        await queryRunner.createTable(
            new Table({
                name: 'oauth_grants',
                columns: [
                    { name: 'key', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'version', type: 'integer', isNullable: false },
                    { name: 'sealed', type: 'text', isNullable: false },
                    { name: 'expiresAt', ...ms },
                    { name: 'claimedUntil', ...ms },
                    { name: 'seedHash', type: 'varchar', length: '64', isNullable: false },
                    { name: 'dead', type: 'boolean', isNullable: false, default: driver.normalizeDefault({ default: false } as never) },
                    { name: 'updatedAt', ...ms },
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'send_budgets',
                columns: [
                    { name: 'key', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'windowEndsAt', ...ms },
                    { name: 'used', ...ms },
                    { name: 'grantId', type: 'varchar', length: '32', isNullable: false },
                ],
            })
        );
        if (driver.options.type === 'postgres') {
            // TypeORM would drop and re-add a column whose type changes, losing the queued texts: altered in place.
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "broadcastId" DROP NOT NULL');
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "identityId" DROP NOT NULL');
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "text" TYPE text');
        } else {
            // SQLite rebuilds the table, copying its rows.
            const table = (await queryRunner.getTable('outbound_queue'))!;
            const nullable = (name: string) => {
                const column = table.findColumnByName(name)!;
                const changed = column.clone();
                changed.isNullable = true;
                return { oldColumn: column, newColumn: changed };
            };
            await queryRunner.changeColumns('outbound_queue', [
                nullable('broadcastId'),
                nullable('identityId'),
                { oldColumn: table.findColumnByName('text')!, newColumn: new TableColumn({ name: 'text', type: 'text' }) },
            ]);
        }
        await queryRunner.addColumn('outbound_queue', new TableColumn({ name: 'conversationKey', type: 'varchar', length: '300', isNullable: true }));
        await queryRunner.createIndex('outbound_queue', new TableIndex({ columnNames: ['channel', 'conversationKey'] }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const table = (await queryRunner.getTable('outbound_queue'))!;
        const index = table.indices.find((i) => i.columnNames.includes('conversationKey'));
        if (index) await queryRunner.dropIndex('outbound_queue', index);
        await queryRunner.dropColumn('outbound_queue', 'conversationKey');
        // Waiting replies have no broadcast: they cannot stay in the older schema.
        await queryRunner.query('DELETE FROM "outbound_queue" WHERE "broadcastId" IS NULL OR "identityId" IS NULL');
        if (queryRunner.connection.driver.options.type === 'postgres') {
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "broadcastId" SET NOT NULL');
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "identityId" SET NOT NULL');
            await queryRunner.query('ALTER TABLE "outbound_queue" ALTER COLUMN "text" TYPE varchar(2000)');
        } else {
            const current = (await queryRunner.getTable('outbound_queue'))!;
            const required = (name: string) => {
                const column = current.findColumnByName(name)!;
                const changed = column.clone();
                changed.isNullable = false;
                return { oldColumn: column, newColumn: changed };
            };
            await queryRunner.changeColumns('outbound_queue', [
                required('broadcastId'),
                required('identityId'),
                { oldColumn: current.findColumnByName('text')!, newColumn: new TableColumn({ name: 'text', type: 'varchar', length: '2000' }) },
            ]);
        }
        await queryRunner.dropTable('send_budgets');
        await queryRunner.dropTable('oauth_grants');
    }
}
