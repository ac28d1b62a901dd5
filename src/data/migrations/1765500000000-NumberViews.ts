import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/** Field view: every time an official is shown a consumer's full account and mobile numbers is recorded. */
export class NumberViews1765500000000 implements MigrationInterface {
    name = 'NumberViews1765500000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.createTable(
            new Table({
                name: 'number_views',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'complaintId', type: 'integer' },
                    { name: 'officialId', type: 'integer' },
                    { name: 'viewedAt', type: timestampType },
                    { name: 'createdAt', type: timestampType, default: driver.mappedDataTypes.createDateDefault },
                ],
                indices: [new TableIndex({ columnNames: ['complaintId', 'id'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('number_views');
    }
}
