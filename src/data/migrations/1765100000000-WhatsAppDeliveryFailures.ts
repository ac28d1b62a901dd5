import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * What WhatsApp's late failures need: the template each free-form message would become, kept until WhatsApp reports
 * it outside the 24-hour window (claimed once, across instances), and the users WhatsApp reported unreachable.
 * Times are milliseconds since the epoch, compared as numbers on both databases.
 */
export class WhatsAppDeliveryFailures1765100000000 implements MigrationInterface {
    name = 'WhatsAppDeliveryFailures1765100000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(
            new Table({
                name: 'template_fallbacks',
                columns: [
                    { name: 'channel', type: 'varchar', length: '30', isPrimary: true },
                    { name: 'platformMessageId', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'groupKey', type: 'varchar', length: '64', isNullable: false },
                    { name: 'conversationId', type: 'varchar', length: '200', isNullable: false },
                    { name: 'userId', type: 'varchar', length: '200', isNullable: false },
                    { name: 'address', type: 'varchar', length: '220', isNullable: false },
                    { name: 'locale', type: 'varchar', length: '16', isNullable: true },
                    { name: 'text', type: 'text', isNullable: false },
                    { name: 'createdAt', type: 'bigint', isNullable: false },
                    { name: 'claimedAt', type: 'bigint', isNullable: true },
                ],
                indices: [new TableIndex({ columnNames: ['channel', 'groupKey'] }), new TableIndex({ columnNames: ['createdAt'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'unreachable_users',
                columns: [
                    { name: 'channel', type: 'varchar', length: '30', isPrimary: true },
                    { name: 'channelUserId', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'since', type: 'bigint', isNullable: false },
                    { name: 'code', type: 'varchar', length: '40', isNullable: false },
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('unreachable_users');
        await queryRunner.dropTable('template_fallbacks');
    }
}
