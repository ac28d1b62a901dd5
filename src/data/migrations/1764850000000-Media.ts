import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Photos users send, downloaded at receipt (platform links and media ids expire): one row per platform reference, with
 * where the file is kept once fetched, or why it could not be. Times are milliseconds since the epoch.
 */
export class Media1764850000000 implements MigrationInterface {
    name = 'Media1764850000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const ms = { type: 'bigint', isNullable: false } as const;
        await queryRunner.createTable(
            new Table({
                name: 'media',
                columns: [
                    { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
                    // SHA-256 of channel and reference: references (CDN links) are too long for a portable unique index.
                    { name: 'sourceKey', type: 'varchar', length: '64', isNullable: false, isUnique: true },
                    { name: 'channel', type: 'varchar', length: '40', isNullable: false },
                    { name: 'sourceUrl', type: 'varchar', length: '2000', isNullable: false },
                    { name: 'status', type: 'varchar', length: '12', isNullable: false },
                    { name: 'contentType', type: 'varchar', length: '100', isNullable: true },
                    { name: 'size', type: 'integer', isNullable: true },
                    { name: 'storageKey', type: 'varchar', length: '100', isNullable: true },
                    { name: 'attempts', type: 'integer', isNullable: false, default: 0 },
                    { name: 'nextAttemptAt', ...ms },
                    { name: 'error', type: 'varchar', length: '200', isNullable: true },
                    { name: 'createdAt', ...ms },
                ],
                indices: [new TableIndex({ columnNames: ['status', 'nextAttemptAt'] })],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('media');
    }
}
