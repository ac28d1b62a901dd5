import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Area broadcasts and bill reminders: subscriptions, where to reach each user, and the persistent outbound queue. */
export class Broadcasts1764400000000 implements MigrationInterface {
    name = 'Broadcasts1764400000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const created = (name: string) => ({ name, type: timestampType, default: driver.mappedDataTypes.createDateDefault });
        const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
        const varchar = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });

        await queryRunner.addColumns('channel_identities', [
            new TableColumn({ name: 'subscribed', type: 'boolean', default: driver.normalizeDefault({ default: false } as never) }),
            new TableColumn({ name: 'conversationRef', type: 'text', isNullable: true }),
        ]);
        await queryRunner.createTable(
            new Table({
                name: 'broadcasts',
                columns: [
                    id,
                    varchar('kind', 20),
                    varchar('discom', 10),
                    varchar('unitKind', 12),
                    varchar('unitName', 80),
                    varchar('text', 1000),
                    { name: 'createdBy', type: 'integer', isNullable: true },
                    { name: 'recipients', type: 'integer', default: 0 },
                    created('createdAt'),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'outbound_queue',
                columns: [
                    id,
                    { name: 'broadcastId', type: 'integer' },
                    { name: 'identityId', type: 'integer' },
                    varchar('channel', 30),
                    { name: 'conversationRef', type: 'text' },
                    varchar('text', 2000),
                    varchar('status', 10),
                    { name: 'attempts', type: 'integer', default: 0 },
                    { name: 'nextAttemptAt', type: timestampType },
                    varchar('lastError', 300, true),
                    varchar('platformMessageId', 200, true),
                    created('createdAt'),
                    created('updatedAt'),
                ],
                indices: [
                    new TableIndex({ columnNames: ['broadcastId', 'identityId'], isUnique: true }),
                    new TableIndex({ columnNames: ['status', 'nextAttemptAt'] }),
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('outbound_queue');
        await queryRunner.dropTable('broadcasts');
        await queryRunner.dropColumn('channel_identities', 'conversationRef');
        await queryRunner.dropColumn('channel_identities', 'subscribed');
    }
}
