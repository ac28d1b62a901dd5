import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const ID = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' as const };

/**
 * Outage incidents (with the reports still being made, which a burst groups too): many no-supply reports of one transformer, feeder or locality become one fault with its own
 * reference, restoration time and history; consumers carry their feeder and transformer codes when the import has them.
 */
export class OutageIncidents1766300000000 implements MigrationInterface {
    name = 'OutageIncidents1766300000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const timestamp = driver.normalizeType({ type: driver.mappedDataTypes.createDate });
        const now = driver.mappedDataTypes.createDateDefault;
        const byDefault = (value: unknown) => driver.normalizeDefault({ default: value } as never);
        const time = (name: string, nullable = true) => ({ name, type: timestamp, isNullable: nullable });
        await queryRunner.createTable(
            new Table({
                name: 'incidents',
                columns: [
                    ID,
                    { name: 'reference', type: 'varchar', length: '20', isUnique: true },
                    { name: 'status', type: 'varchar', length: '12' },
                    { name: 'scope', type: 'varchar', length: '12' },
                    { name: 'discom', type: 'varchar', length: '10' },
                    { name: 'subdivision', type: 'varchar', length: '80' },
                    { name: 'division', type: 'varchar', length: '80', default: byDefault('') },
                    { name: 'feederCode', type: 'varchar', length: '30', isNullable: true },
                    { name: 'dtCode', type: 'varchar', length: '30', isNullable: true },
                    { name: 'locality', type: 'varchar', length: '300', isNullable: true },
                    { name: 'latitude', type: 'double precision', isNullable: true },
                    { name: 'longitude', type: 'double precision', isNullable: true },
                    time('startedAt', false),
                    { name: 'reportCount', type: 'integer', default: 0 },
                    { name: 'cause', type: 'varchar', length: '200', isNullable: true },
                    time('etr'),
                    { name: 'etrFromOfficial', type: 'boolean', default: byDefault(false) },
                    { name: 'assignedOfficialId', type: 'integer', isNullable: true },
                    { name: 'escalationLevel', type: 'integer', default: 0 },
                    time('dueAt'),
                    time('nextEscalationAt'),
                    time('confirmedAt'),
                    time('restoredAt'),
                    { name: 'restoredBy', type: 'integer', isNullable: true },
                    time('verifiedAt'),
                    time('dismissedAt'),
                    { ...time('createdAt', false), default: now },
                    { ...time('updatedAt', false), default: now },
                ],
                indices: [
                    new TableIndex({ columnNames: ['discom', 'subdivision', 'status'] }),
                    new TableIndex({ columnNames: ['status', 'nextEscalationAt'] }),
                    new TableIndex({ columnNames: ['assignedOfficialId'] }),
                ],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'incident_events',
                columns: [
                    ID,
                    { name: 'incidentId', type: 'integer' },
                    { name: 'status', type: 'varchar', length: '12' },
                    { name: 'actor', type: 'varchar', length: '60' },
                    { name: 'note', type: 'varchar', length: '500', isNullable: true },
                    { ...time('createdAt', false), default: now },
                ],
                indices: [new TableIndex({ columnNames: ['incidentId'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'incident_followers',
                columns: [
                    ID,
                    { name: 'incidentId', type: 'integer' },
                    { name: 'channel', type: 'varchar', length: '30' },
                    { name: 'channelUserId', type: 'varchar', length: '200' },
                    { name: 'conversationRef', type: 'text' },
                    { name: 'language', type: 'varchar', length: '5', isNullable: true },
                    { ...time('createdAt', false), default: now },
                ],
                indices: [new TableIndex({ columnNames: ['incidentId', 'channel', 'channelUserId'], isUnique: true })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'outage_sightings',
                columns: [
                    ID,
                    { name: 'outageArea', type: 'varchar', length: '100' },
                    { name: 'channel', type: 'varchar', length: '30' },
                    { name: 'channelUserId', type: 'varchar', length: '200' },
                    { name: 'accountNumber', type: 'varchar', length: '10', isNullable: true },
                    { name: 'feederCode', type: 'varchar', length: '30', isNullable: true },
                    { name: 'dtCode', type: 'varchar', length: '30', isNullable: true },
                    { name: 'locality', type: 'varchar', length: '300' },
                    { name: 'latitude', type: 'double precision', isNullable: true },
                    { name: 'longitude', type: 'double precision', isNullable: true },
                    time('seenAt', false),
                ],
                indices: [
                    new TableIndex({ columnNames: ['outageArea', 'seenAt'] }),
                    new TableIndex({ columnNames: ['channel', 'channelUserId', 'outageArea'], isUnique: true }),
                ],
            })
        );
        await queryRunner.addColumns('complaints', [
            new TableColumn({ name: 'outageArea', type: 'varchar', length: '100', isNullable: true }),
            new TableColumn({ name: 'feederCode', type: 'varchar', length: '30', isNullable: true }),
            new TableColumn({ name: 'dtCode', type: 'varchar', length: '30', isNullable: true }),
            new TableColumn({ name: 'incidentId', type: 'integer', isNullable: true }),
            new TableColumn({ name: 'incidentUpdates', type: 'boolean', default: byDefault(true) }),
            new TableColumn({ name: 'nestedIncidentId', type: 'integer', isNullable: true }),
        ]);
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['incidentId'] }));
        await queryRunner.createIndex('complaints', new TableIndex({ columnNames: ['outageArea', 'createdAt'] }));
        await queryRunner.addColumns('consumers', [
            new TableColumn({ name: 'feederCode', type: 'varchar', length: '30', isNullable: true }),
            new TableColumn({ name: 'dtCode', type: 'varchar', length: '30', isNullable: true }),
        ]);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropColumns('consumers', ['feederCode', 'dtCode']);
        const complaints = await queryRunner.getTable('complaints');
        for (const index of complaints!.indices.filter((i) => i.columnNames.includes('incidentId') || i.columnNames.includes('outageArea'))) {
            await queryRunner.dropIndex('complaints', index);
        }
        await queryRunner.dropColumns('complaints', ['outageArea', 'feederCode', 'dtCode', 'incidentId', 'incidentUpdates', 'nestedIncidentId']);
        await queryRunner.dropTable('outage_sightings');
        await queryRunner.dropTable('incident_followers');
        await queryRunner.dropTable('incident_events');
        await queryRunner.dropTable('incidents');
    }
}
