import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Mobile change requests, their audit trail, and the account-knowledge attempts counted per account and requester. */
export class MobileChanges1765900000000 implements MigrationInterface {
    name = 'MobileChanges1765900000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.createTable(
            new Table({
                name: 'mobile_change_requests',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'reference', type: 'varchar', length: '20' },
                    { name: 'accountNumber', type: 'varchar', length: '10' },
                    { name: 'discom', type: 'varchar', length: '20' },
                    { name: 'subdivision', type: 'varchar', length: '80' },
                    { name: 'oldMobile', type: 'varchar', length: '10', isNullable: true },
                    { name: 'newMobile', type: 'varchar', length: '10' },
                    { name: 'holderProof', type: 'varchar', length: '12' },
                    { name: 'newMobileProof', type: 'varchar', length: '10' },
                    { name: 'status', type: 'varchar', length: '10' },
                    { name: 'refusalReason', type: 'varchar', length: '500', isNullable: true },
                    { name: 'identityId', type: 'integer' },
                    { name: 'channel', type: 'varchar', length: '40' },
                    { name: 'channelUserId', type: 'varchar', length: '200' },
                    { name: 'conversationRef', type: 'text', isNullable: true },
                    { name: 'language', type: 'varchar', length: '5', isNullable: true },
                    { name: 'createdAt', type: timestampType },
                    { name: 'dueAt', type: timestampType },
                    { name: 'decidedAt', type: timestampType, isNullable: true },
                    { name: 'decidedBy', type: 'integer', isNullable: true },
                    { name: 'settledAt', type: timestampType, isNullable: true },
                ],
                indices: [
                    new TableIndex({ columnNames: ['reference'], isUnique: true }),
                    new TableIndex({ columnNames: ['accountNumber'] }),
                    new TableIndex({ columnNames: ['status'] }),
                    new TableIndex({ columnNames: ['discom', 'subdivision'] }),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'mobile_change_events',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'requestId', type: 'integer' },
                    { name: 'accountNumber', type: 'varchar', length: '10' },
                    { name: 'kind', type: 'varchar', length: '10' },
                    { name: 'officialId', type: 'integer', isNullable: true },
                    { name: 'at', type: timestampType },
                    { name: 'oldMasked', type: 'varchar', length: '12', isNullable: true },
                    { name: 'newMasked', type: 'varchar', length: '12' },
                    { name: 'proof', type: 'varchar', length: '30' },
                    { name: 'linksVoided', type: 'integer', isNullable: true },
                    { name: 'note', type: 'varchar', length: '500', isNullable: true },
                ],
                indices: [new TableIndex({ columnNames: ['requestId', 'id'] }), new TableIndex({ columnNames: ['accountNumber'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'mobile_proof_attempts',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'accountNumber', type: 'varchar', length: '10' },
                    { name: 'identityId', type: 'integer' },
                    { name: 'succeeded', type: 'boolean' },
                    { name: 'at', type: timestampType },
                ],
                indices: [new TableIndex({ columnNames: ['accountNumber', 'at'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('mobile_proof_attempts');
        await queryRunner.dropTable('mobile_change_events');
        await queryRunner.dropTable('mobile_change_requests');
    }
}
