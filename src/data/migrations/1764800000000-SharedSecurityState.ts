import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * What several instances must share to enforce one limit or one sign-in: console sessions, browsers an official has
 * signed in from, failed sign-in counters with their back-off, the per-sender message allowance, and which console
 * form made which announcement (a double click reaching two instances makes one). Times are
 * milliseconds since the epoch, compared as numbers on both databases.
 */
export class SharedSecurityState1764800000000 implements MigrationInterface {
    name = 'SharedSecurityState1764800000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const ms = { type: 'bigint', isNullable: false } as const;
        await queryRunner.createTable(
            new Table({
                name: 'console_sessions',
                columns: [
                    { name: 'idHash', type: 'varchar', length: '64', isPrimary: true },
                    { name: 'officialId', type: 'integer', isNullable: false },
                    { name: 'csrfToken', type: 'varchar', length: '64', isNullable: false },
                    { name: 'language', type: 'varchar', length: '8', isNullable: false },
                    { name: 'flash', type: 'text', isNullable: true },
                    { name: 'createdAt', ...ms },
                    { name: 'lastSeenAt', ...ms },
                ],
                indices: [new TableIndex({ columnNames: ['officialId'] }), new TableIndex({ columnNames: ['lastSeenAt'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'console_browsers',
                columns: [
                    { name: 'tokenHash', type: 'varchar', length: '64', isPrimary: true },
                    { name: 'officialId', type: 'integer', isNullable: false },
                    { name: 'expiresAt', ...ms },
                ],
                indices: [new TableIndex({ columnNames: ['officialId'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'sign_in_failures',
                columns: [
                    { name: 'key', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'failures', type: 'integer', isNullable: false },
                    { name: 'windowEndsAt', ...ms },
                    { name: 'blockedUntil', ...ms },
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'sender_allowances',
                columns: [
                    { name: 'key', type: 'varchar', length: '300', isPrimary: true },
                    // The generic cell rate algorithm's theoretical arrival time: the allowance is full once it has passed.
                    { name: 'nextFreeAt', ...ms },
                    { name: 'grantId', type: 'varchar', length: '32', isNullable: false },
                ],
                indices: [new TableIndex({ columnNames: ['nextFreeAt'] })],
            })
        );
        await queryRunner.addColumn('broadcasts', new TableColumn({ name: 'submission', type: 'varchar', length: '100', isNullable: true }));
        await queryRunner.createIndex('broadcasts', new TableIndex({ columnNames: ['submission'], isUnique: true }));
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const broadcasts = await queryRunner.getTable('broadcasts');
        const index = broadcasts?.indices.find((i) => i.columnNames.includes('submission'));
        if (index) await queryRunner.dropIndex('broadcasts', index);
        await queryRunner.dropColumn('broadcasts', 'submission');
        for (const table of ['sender_allowances', 'sign_in_failures', 'console_browsers', 'console_sessions']) await queryRunner.dropTable(table);
    }
}
