import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Channel adapters: inbound de-duplication, outbound delivery records, the reply window and complaint photos. */
export class Channels1764200000000 implements MigrationInterface {
    name = 'Channels1764200000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const timestamp = (name: string) => ({ name, type: timestampType, default: driver.mappedDataTypes.createDateDefault });
        const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
        const varchar = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });

        await queryRunner.createTable(
            new Table({
                name: 'inbound_messages',
                columns: [
                    id,
                    varchar('channel', 30),
                    varchar('messageKey', 100),
                    { name: 'payload', type: 'text', isNullable: true },
                    { name: 'processedAt', type: timestampType, isNullable: true },
                    timestamp('receivedAt'),
                ],
                indices: [new TableIndex({ columnNames: ['channel', 'messageKey'], isUnique: true })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'outbound_messages',
                columns: [
                    id,
                    varchar('channel', 30),
                    varchar('conversationId', 300),
                    varchar('recipient', 200),
                    varchar('kind', 20),
                    varchar('platformMessageId', 200, true),
                    varchar('status', 15),
                    varchar('errorCode', 40, true),
                    varchar('errorDetail', 300, true),
                    timestamp('createdAt'),
                    timestamp('updatedAt'),
                ],
                indices: [new TableIndex({ columnNames: ['channel', 'platformMessageId'] })],
            })
        );
        await queryRunner.addColumn('channel_identities', new TableColumn({ name: 'lastInboundAt', type: timestampType, isNullable: true }));
        await queryRunner.addColumn('complaints', new TableColumn({ name: 'attachments', type: 'text', isNullable: true }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropColumn('complaints', 'attachments');
        await queryRunner.dropColumn('channel_identities', 'lastInboundAt');
        await queryRunner.dropTable('outbound_messages');
        await queryRunner.dropTable('inbound_messages');
    }
}
