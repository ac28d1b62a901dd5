import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Every complaint owned: a complaint remembers the district the consumer named, the discom and subdivision it was
 * placed in, and, while no engineer owns it, its discom's triage desk's due time; org units may carry a location;
 * officials may hold the triage role; consumers whose subdivision is not in the hierarchy wait in a quarantine table.
 */
export class EveryComplaintOwned1765800000000 implements MigrationInterface {
    name = 'EveryComplaintOwned1765800000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.addColumns('complaints', [
            new TableColumn({ name: 'district', type: 'varchar', length: '40', isNullable: true }),
            new TableColumn({ name: 'discom', type: 'varchar', length: '10', isNullable: true }),
            new TableColumn({ name: 'subdivision', type: 'varchar', length: '80', isNullable: true }),
            new TableColumn({ name: 'triageDueAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'triageEscalatedAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'placedAt', type: timestampType, isNullable: true }),
        ]);
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['discom', 'assignedOfficialId'] }));
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['triageDueAt'] }));
        await queryRunner.addColumns('org_units', [
            new TableColumn({ name: 'latitude', type: 'double precision', isNullable: true }),
            new TableColumn({ name: 'longitude', type: 'double precision', isNullable: true }),
        ]);
        await queryRunner.addColumn(
            'officials',
            new TableColumn({ name: 'triage', type: 'boolean', default: driver.normalizeDefault({ default: false } as never) })
        );
        await queryRunner.createTable(
            new Table({
                name: 'quarantined_consumers',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'accountNumber', type: 'varchar', length: '10' },
                    { name: 'discom', type: 'varchar', length: '10' },
                    { name: 'subdivision', type: 'varchar', length: '80' },
                    { name: 'file', type: 'varchar', length: '300' },
                    { name: 'line', type: 'integer' },
                    { name: 'record', type: 'text' },
                    { name: 'createdAt', type: timestampType, default: driver.mappedDataTypes.createDateDefault },
                ],
                indices: [new TableIndex({ columnNames: ['accountNumber'], isUnique: true }), new TableIndex({ columnNames: ['discom', 'subdivision'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('quarantined_consumers');
        await queryRunner.dropColumn('officials', 'triage');
        await queryRunner.dropColumns('org_units', ['latitude', 'longitude']);
        const complaints = await queryRunner.getTable('complaints');
        for (const index of complaints?.indices ?? []) {
            const columns = index.columnNames.join(',');
            if (columns === 'discom,assignedOfficialId' || columns === 'triageDueAt') await queryRunner.dropIndex('complaints', index);
        }
        await queryRunner.dropColumns('complaints', ['placedAt', 'triageEscalatedAt', 'triageDueAt', 'subdivision', 'discom', 'district']);
    }
}
