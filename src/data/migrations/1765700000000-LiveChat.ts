import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Live chat from the console: one row per consumer chat (who holds it, whether the consumer asked for a person) and
 * its transcript (what the consumer wrote, what the bot and the official sent, with the delivery of each reply).
 */
export class LiveChat1765700000000 implements MigrationInterface {
    name = 'LiveChat1765700000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const now = driver.mappedDataTypes.createDateDefault;
        await queryRunner.createTable(
            new Table({
                name: 'live_chats',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'channel', type: 'varchar', length: '30' },
                    { name: 'channelUserId', type: 'varchar', length: '200' },
                    { name: 'conversationRef', type: 'text', isNullable: true },
                    { name: 'discom', type: 'varchar', length: '50', isNullable: true },
                    { name: 'subdivision', type: 'varchar', length: '100', isNullable: true },
                    { name: 'lastInboundAt', type: timestampType, isNullable: true },
                    { name: 'waitingSince', type: timestampType, isNullable: true },
                    { name: 'heldBy', type: 'integer', isNullable: true },
                    { name: 'heldSince', type: timestampType, isNullable: true },
                    { name: 'lastOfficialAt', type: timestampType, isNullable: true },
                    { name: 'createdAt', type: timestampType, default: now },
                ],
                indices: [
                    new TableIndex({ columnNames: ['channel', 'channelUserId'], isUnique: true }),
                    new TableIndex({ columnNames: ['discom', 'subdivision'] }),
                    new TableIndex({ columnNames: ['heldBy'] }),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'live_chat_messages',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'chatId', type: 'integer' },
                    { name: 'author', type: 'varchar', length: '10' },
                    { name: 'officialId', type: 'integer', isNullable: true },
                    { name: 'heldBy', type: 'integer', isNullable: true },
                    { name: 'text', type: 'varchar', length: '2000' },
                    { name: 'status', type: 'varchar', length: '15', isNullable: true },
                    { name: 'errorCode', type: 'varchar', length: '60', isNullable: true },
                    { name: 'createdAt', type: timestampType },
                ],
                indices: [new TableIndex({ columnNames: ['chatId', 'id'] }), new TableIndex({ columnNames: ['heldBy', 'createdAt'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('live_chat_messages');
        await queryRunner.dropTable('live_chats');
    }
}
