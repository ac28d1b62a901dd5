import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Closure quality: the consumer's rating on confirmation, who claimed the fix, the random re-contact of confirmed
 * closures ("still working?"), and the overdue field re-check escalating (its next step in `nextEscalationAt`).
 */
export class ClosureQuality1766000000000 implements MigrationInterface {
    name = 'ClosureQuality1766000000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        await queryRunner.addColumns('complaints', [
            new TableColumn({ name: 'resolvedBy', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'rating', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'ratingReason', type: 'varchar', length: '500', isNullable: true }),
            new TableColumn({ name: 'ratedAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'recontactState', type: 'varchar', length: '12', isNullable: true }),
            new TableColumn({ name: 'recontactDueAt', type: timestampType, isNullable: true }),
            new TableColumn({ name: 'recontactOfficialId', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'recontactAnsweredAt', type: timestampType, isNullable: true }),
        ]);
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['recontactDueAt'] }));
        // Re-checks already waiting escalate from their due time like the ones marked unconfirmed from now on.
        await queryRunner.query(`UPDATE complaints SET "nextEscalationAt" = "recheckDueAt" WHERE status = 'unconfirmed' AND "recheckDueAt" IS NOT NULL`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const table = await queryRunner.getTable('complaints');
        const index = table?.indices.find((i) => i.columnNames.length === 1 && i.columnNames[0] === 'recontactDueAt');
        if (index) await queryRunner.dropIndex('complaints', index);
        for (const column of [
            'recontactAnsweredAt',
            'recontactOfficialId',
            'recontactDueAt',
            'recontactState',
            'ratedAt',
            'ratingReason',
            'rating',
            'resolvedBy',
        ]) {
            await queryRunner.dropColumn('complaints', column);
        }
    }
}
