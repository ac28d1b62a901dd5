import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/** Service standards, ownership and escalation of complaints; officials and the discom hierarchy. */
export class Accountability1764300000000 implements MigrationInterface {
    name = 'Accountability1764300000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestampType = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const id = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };
        const varchar = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
        const when = (name: string) => new TableColumn({ name, type: timestampType, isNullable: true });

        await queryRunner.createTable(
            new Table({
                name: 'officials',
                columns: [
                    id,
                    varchar('username', 60),
                    varchar('name', 120),
                    varchar('level', 3),
                    varchar('discom', 10),
                    varchar('unitName', 80),
                    varchar('mobile', 10, true),
                    varchar('passwordHash', 200, true),
                    varchar('language', 5),
                    { name: 'active', type: 'boolean' },
                    { name: 'createdAt', type: timestampType, default: driver.mappedDataTypes.createDateDefault },
                ],
                indices: [new TableIndex({ columnNames: ['username'], isUnique: true }), new TableIndex({ columnNames: ['discom', 'level', 'unitName'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'org_units',
                columns: [id, varchar('discom', 10), varchar('kind', 12), varchar('name', 80), varchar('parentName', 80, true)],
                indices: [new TableIndex({ columnNames: ['discom', 'kind', 'name'], isUnique: true })],
            })
        );
        await queryRunner.addColumns('complaints', [
            when('dueAt'),
            new TableColumn(varchar('standardsVersion', 40, true)),
            new TableColumn({ name: 'assignedOfficialId', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'escalationLevel', type: 'integer', default: 0 }),
            when('nextEscalationAt'),
            when('resolvedAt'),
            when('closedAt'),
            new TableColumn({ name: 'conversationRef', type: 'text', isNullable: true }),
            new TableColumn(varchar('language', 5, true)),
        ]);
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['assignedOfficialId'] }));
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['nextEscalationAt'] }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        for (const column of [
            'language',
            'conversationRef',
            'closedAt',
            'resolvedAt',
            'nextEscalationAt',
            'escalationLevel',
            'assignedOfficialId',
            'standardsVersion',
            'dueAt',
        ]) {
            await queryRunner.dropColumn('complaints', column);
        }
        await queryRunner.dropTable('org_units');
        await queryRunner.dropTable('officials');
    }
}
