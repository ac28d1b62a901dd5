import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/** Consumers are looked up by their registered mobile when one is typed where an account number was asked. */
export class ConsumerMobileIndex1764700000000 implements MigrationInterface {
    name = 'ConsumerMobileIndex1764700000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createIndex('consumers', new TableIndex({ columnNames: ['registeredMobile'] }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const table = await queryRunner.getTable('consumers');
        const index = table?.indices.find((i) => i.columnNames.length === 1 && i.columnNames[0] === 'registeredMobile');
        if (index) await queryRunner.dropIndex('consumers', index);
    }
}
