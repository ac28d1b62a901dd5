import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * A claim on a late complaint whose standard gives no confirmed amount is taken all the same, with its amount left for
 * the deciding officer to set under the Standards of Performance.
 */
export class ClaimAmountOpen1766200000000 implements MigrationInterface {
    name = 'ClaimAmountOpen1766200000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.changeColumn('compensation_claims', 'amountInr', new TableColumn({ name: 'amountInr', type: 'integer', isNullable: true }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query('UPDATE "compensation_claims" SET "amountInr" = 0 WHERE "amountInr" IS NULL');
        await queryRunner.changeColumn('compensation_claims', 'amountInr', new TableColumn({ name: 'amountInr', type: 'integer' }));
    }
}
