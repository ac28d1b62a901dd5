import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Planned shutdowns of a subdivision or one of its feeders, told to its consumers the day before. */
export class PlannedShutdowns1766400000000 implements MigrationInterface {
    name = 'PlannedShutdowns1766400000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestamp = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const time = (name: string, nullable = true) => ({ name, type: timestamp, isNullable: nullable });
        await queryRunner.createTable(
            new Table({
                name: 'planned_shutdowns',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'reference', type: 'varchar', length: '20', isUnique: true },
                    { name: 'discom', type: 'varchar', length: '10' },
                    { name: 'subdivision', type: 'varchar', length: '80' },
                    { name: 'feederCode', type: 'varchar', length: '30', isNullable: true },
                    time('startsAt', false),
                    time('endsAt', false),
                    { name: 'reason', type: 'varchar', length: '200' },
                    { name: 'createdBy', type: 'integer', isNullable: true },
                    time('noticeQueuedAt'),
                    time('cancelledAt'),
                    { name: 'cancelledBy', type: 'integer', isNullable: true },
                    { ...time('createdAt', false), default: driver.mappedDataTypes.createDateDefault },
                ],
                indices: [
                    new TableIndex({ columnNames: ['discom', 'subdivision', 'startsAt'] }),
                    new TableIndex({ columnNames: ['noticeQueuedAt', 'startsAt'] }),
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('planned_shutdowns');
    }
}
