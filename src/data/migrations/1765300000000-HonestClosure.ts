import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Honest closure: a resolved complaint remembers when the consumer was reminded and, once unconfirmed, when the
 * field re-check is due; one-time codes prove a "yes, fixed" for complaints without an account.
 */
export class HonestClosure1765300000000 implements MigrationInterface {
    name = 'HonestClosure1765300000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.addColumn('complaints', new TableColumn({ name: 'confirmReminderSentAt', type: timestampType, isNullable: true }));
        await queryRunner.addColumn('complaints', new TableColumn({ name: 'recheckDueAt', type: timestampType, isNullable: true }));
        await queryRunner.createTable(
            new Table({
                name: 'closure_codes',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'complaintId', type: 'integer' },
                    { name: 'identityId', type: 'integer' },
                    { name: 'codeHash', type: 'varchar', length: '64' },
                    { name: 'sentTo', type: 'varchar', length: '10' },
                    { name: 'attempts', type: 'integer' },
                    { name: 'expiresAt', type: 'bigint' },
                    { name: 'spent', type: 'boolean' },
                    { name: 'createdAt', type: timestampType, default: driver.mappedDataTypes.createDateDefault },
                ],
                indices: [new TableIndex({ columnNames: ['complaintId', 'identityId'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('closure_codes');
        await queryRunner.dropColumn('complaints', 'recheckDueAt');
        await queryRunner.dropColumn('complaints', 'confirmReminderSentAt');
    }
}
