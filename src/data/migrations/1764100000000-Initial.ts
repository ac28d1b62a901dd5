import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * The first schema. Written with TypeORM's table API rather than SQL so that one migration serves SQLite and
 * PostgreSQL; a test checks that the result matches the entities exactly.
 */
export class Initial1764100000000 implements MigrationInterface {
    name = 'Initial1764100000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestamp = (name: string): TableColumnOptions => ({
            name,
            type: driver.normalizeType({ type: driver.mappedDataTypes.createDate }),
            default: driver.mappedDataTypes.createDateDefault,
        });
        const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
        const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
            name,
            type: 'varchar',
            length: String(length),
            isNullable: nullable,
        });
        const integer = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'integer', isNullable: nullable });

        await queryRunner.createTable(
            new Table({
                name: 'consumers',
                columns: [
                    { ...varchar('accountNumber', 10), isPrimary: true },
                    varchar('name', 120),
                    varchar('registeredMobile', 10, true),
                    varchar('address', 300),
                    varchar('discom', 10),
                    varchar('division', 80),
                    varchar('subdivision', 80),
                    varchar('tariffCategory', 10),
                    varchar('areaClass', 5),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'meters',
                columns: [
                    { ...varchar('meterNumber', 20), isPrimary: true },
                    varchar('accountNumber', 10),
                    varchar('meterType', 15),
                    integer('lastReading'),
                    varchar('lastReadingDate', 10),
                    integer('prepaidBalancePaise', true),
                ],
                indices: [new TableIndex({ columnNames: ['accountNumber'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'bills',
                columns: [
                    id,
                    varchar('accountNumber', 10),
                    varchar('billMonth', 7),
                    integer('units'),
                    integer('amountPaise'),
                    integer('arrearsPaise'),
                    varchar('dueDate', 10),
                    { name: 'paid', type: 'boolean' },
                    varchar('paymentDate', 10, true),
                ],
                indices: [new TableIndex({ columnNames: ['accountNumber', 'billMonth'], isUnique: true })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'complaints',
                columns: [
                    id,
                    varchar('ticket', 20),
                    varchar('accountNumber', 10, true),
                    varchar('category', 30),
                    varchar('description', 1000),
                    varchar('address', 300, true),
                    { name: 'latitude', type: 'double precision', isNullable: true },
                    { name: 'longitude', type: 'double precision', isNullable: true },
                    varchar('contactMobile', 10, true),
                    varchar('channel', 30),
                    varchar('channelUserId', 200),
                    { ...varchar('sourceActivityKey', 64, true), isUnique: true },
                    varchar('status', 15),
                    timestamp('createdAt'),
                    timestamp('updatedAt'),
                ],
                indices: [
                    new TableIndex({ columnNames: ['ticket'], isUnique: true }),
                    new TableIndex({ columnNames: ['accountNumber'] }),
                    new TableIndex({ columnNames: ['channel', 'channelUserId'] }),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'complaint_events',
                columns: [id, integer('complaintId'), varchar('status', 15), varchar('actor', 60), varchar('note', 500, true), timestamp('createdAt')],
                indices: [new TableIndex({ columnNames: ['complaintId'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'channel_identities',
                columns: [
                    id,
                    varchar('channel', 30),
                    varchar('channelUserId', 200),
                    varchar('preferredLanguage', 5, true),
                    varchar('phoneNumber', 10, true),
                    { name: 'updatesOptOut', type: 'boolean', default: driver.normalizeDefault({ default: false } as never) },
                    timestamp('createdAt'),
                    timestamp('updatedAt'),
                ],
                indices: [new TableIndex({ columnNames: ['channel', 'channelUserId'], isUnique: true })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'account_links',
                columns: [
                    id,
                    integer('identityId'),
                    varchar('accountNumber', 10),
                    varchar('method', 12),
                    varchar('verifiedMobile', 10),
                    timestamp('verifiedAt'),
                ],
                indices: [new TableIndex({ columnNames: ['identityId', 'accountNumber'], isUnique: true })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'verification_codes',
                columns: [
                    id,
                    integer('identityId'),
                    varchar('accountNumber', 10),
                    varchar('codeHash', 64),
                    varchar('sentTo', 10),
                    integer('attempts'),
                    { name: 'expiresAt', type: 'bigint' },
                    { name: 'spent', type: 'boolean' },
                    timestamp('createdAt'),
                ],
                indices: [new TableIndex({ columnNames: ['identityId', 'accountNumber'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'callback_requests',
                columns: [
                    id,
                    { ...varchar('reference', 20), isUnique: true },
                    varchar('accountNumber', 10, true),
                    varchar('contactMobile', 10, true),
                    varchar('channel', 30),
                    varchar('channelUserId', 200),
                    varchar('status', 15),
                    timestamp('createdAt'),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'meter_readings',
                columns: [
                    id,
                    varchar('meterNumber', 20),
                    varchar('accountNumber', 10),
                    integer('reading'),
                    varchar('channel', 30),
                    varchar('channelUserId', 200),
                    timestamp('submittedAt'),
                ],
                indices: [new TableIndex({ columnNames: ['meterNumber'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'bot_state',
                columns: [
                    { ...varchar('key', 700), isPrimary: true },
                    { name: 'data', type: 'text' },
                    varchar('etag', 40),
                    { name: 'updatedAt', type: 'bigint' },
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'sequence_counters',
                columns: [{ ...varchar('name', 20), isPrimary: true }, integer('value')],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        for (const table of [
            'sequence_counters',
            'bot_state',
            'meter_readings',
            'callback_requests',
            'verification_codes',
            'account_links',
            'channel_identities',
            'complaint_events',
            'complaints',
            'bills',
            'meters',
            'consumers',
        ]) {
            await queryRunner.dropTable(table);
        }
    }
}
