import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Callback requests become tracked work: the area and official that own one, its due time and escalation level, the
 * conversation to tell the consumer in, and the outcome an official records (with the consumer's "were you called?").
 */
export class CallbackWork1765400000000 implements MigrationInterface {
    name = 'CallbackWork1765400000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.addColumns('callback_requests', [
            new TableColumn({ name: 'discom', type: 'varchar', length: '50', isNullable: true }),
            new TableColumn({ name: 'division', type: 'varchar', length: '100', isNullable: true }),
            new TableColumn({ name: 'subdivision', type: 'varchar', length: '100', isNullable: true }),
            new TableColumn({ name: 'place', type: 'varchar', length: '300', isNullable: true }),
            new TableColumn({ name: 'assignedOfficialId', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'escalationLevel', type: 'integer', default: 0 }),
            new TableColumn({ name: 'dueAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'nextEscalationAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'conversationRef', type: 'text', isNullable: true }),
            new TableColumn({ name: 'language', type: 'varchar', length: '5', isNullable: true }),
            new TableColumn({ name: 'outcomeNote', type: 'varchar', length: '500', isNullable: true }),
            new TableColumn({ name: 'convertedTicket', type: 'varchar', length: '20', isNullable: true }),
            new TableColumn({ name: 'outcomeAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'outcomeOfficialId', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'consumerAnswer', type: 'varchar', length: '3', isNullable: true }),
        ]);
        await queryRunner.createIndex('callback_requests', new TableIndex({ columnNames: ['status', 'nextEscalationAt'] }));
        await queryRunner.createIndex('callback_requests', new TableIndex({ columnNames: ['assignedOfficialId'] }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const table = await queryRunner.getTable('callback_requests');
        for (const index of table?.indices ?? []) {
            const columns = index.columnNames.join(',');
            if (columns === 'status,nextEscalationAt' || columns === 'assignedOfficialId') await queryRunner.dropIndex('callback_requests', index);
        }
        for (const column of [
            'consumerAnswer',
            'outcomeOfficialId',
            'outcomeAt',
            'convertedTicket',
            'outcomeNote',
            'language',
            'conversationRef',
            'nextEscalationAt',
            'dueAt',
            'escalationLevel',
            'assignedOfficialId',
            'place',
            'subdivision',
            'division',
            'discom',
        ]) {
            await queryRunner.dropColumn('callback_requests', column);
        }
    }
}
