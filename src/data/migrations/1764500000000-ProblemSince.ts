import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/** When the consumer says the problem began ("kal raat se", "since 6 am"), read from their words. */
export class ProblemSince1764500000000 implements MigrationInterface {
    name = 'ProblemSince1764500000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.addColumn('complaints', new TableColumn({ name: 'problemSince', type: timestampType, isNullable: true }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropColumn('complaints', 'problemSince');
    }
}
