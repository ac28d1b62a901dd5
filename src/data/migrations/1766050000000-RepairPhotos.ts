import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * After-repair photos officials attach when resolving a complaint: the stored file (kept like inbound media), who
 * attached it, and the SHA-256 of the unguessable token of its public, expiring address (the token itself is never
 * stored). Times are milliseconds since the epoch.
 */
export class RepairPhotos1766050000000 implements MigrationInterface {
    name = 'RepairPhotos1766050000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const ms = { type: 'bigint', isNullable: false } as const;
        await queryRunner.createTable(
            new Table({
                name: 'repair_photos',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    { name: 'complaintId', type: 'integer', isNullable: false },
                    { name: 'officialId', type: 'integer', isNullable: false },
                    { name: 'storageKey', type: 'varchar', length: '100', isNullable: false },
                    { name: 'contentType', type: 'varchar', length: '100', isNullable: false },
                    { name: 'size', type: 'integer', isNullable: false },
                    { name: 'tokenHash', type: 'varchar', length: '64', isNullable: false, isUnique: true },
                    { name: 'expiresAt', ...ms },
                    { name: 'createdAt', ...ms },
                ],
                indices: [new TableIndex({ columnNames: ['complaintId'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('repair_photos');
    }
}
