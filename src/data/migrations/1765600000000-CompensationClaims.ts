import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Compensation claims: one per breached complaint, with its frozen amount, window, decision and credit. */
export class CompensationClaims1765600000000 implements MigrationInterface {
    name = 'CompensationClaims1765600000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.createTable(
            new Table({
                name: 'compensation_claims',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'complaintId', type: 'integer' },
                    { name: 'ticket', type: 'varchar', length: '20' },
                    { name: 'discom', type: 'varchar', length: '20', isNullable: true },
                    { name: 'amountInr', type: 'integer' },
                    { name: 'daysLate', type: 'integer' },
                    { name: 'standardsVersion', type: 'varchar', length: '40' },
                    { name: 'standard', type: 'varchar', length: '200' },
                    { name: 'claimableUntil', type: timestampType },
                    { name: 'status', type: 'varchar', length: '10' },
                    { name: 'billMonth', type: 'varchar', length: '7', isNullable: true },
                    { name: 'refusalReason', type: 'varchar', length: '500', isNullable: true },
                    { name: 'identityId', type: 'integer' },
                    { name: 'claimedAt', type: timestampType },
                    { name: 'decideBy', type: timestampType },
                    { name: 'decidedAt', type: timestampType, isNullable: true },
                    { name: 'decidedBy', type: 'integer', isNullable: true },
                    { name: 'creditedAt', type: timestampType, isNullable: true },
                    { name: 'creditedBy', type: 'integer', isNullable: true },
                ],
                indices: [
                    new TableIndex({ columnNames: ['complaintId'], isUnique: true }),
                    new TableIndex({ columnNames: ['discom'] }),
                    new TableIndex({ columnNames: ['decideBy'] }),
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('compensation_claims');
    }
}
