import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/**
 * One table for every one-time code (`one_time_codes`, keyed by purpose and subject) instead of one per use. The last
 * day's codes are copied over, so limits still count them and codes in flight at the upgrade still work.
 */
export class OneTimeCodes1766100000000 implements MigrationInterface {
    name = 'OneTimeCodes1766100000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(
            new Table({
                name: 'one_time_codes',
                columns: [
                    ID,
                    { name: 'purpose', type: 'varchar', length: '16' },
                    { name: 'subject', type: 'varchar', length: '40' },
                    ...codeColumns(queryRunner),
                ],
                indices: [
                    new TableIndex({ columnNames: ['purpose', 'subject', 'identityId'] }),
                    new TableIndex({ columnNames: ['purpose', 'subject', 'createdAt'] }),
                ],
            })
        );
        // By expiry (epoch milliseconds), which compares the same way on both databases; a code lives minutes.
        const since = Date.now() - 24 * 3600_000;
        const placeholder = queryRunner.connection.driver.options.type === 'postgres' ? '$1' : '?';
        const columns = '"identityId", "codeHash", "sentTo", "attempts", "expiresAt", "spent", "createdAt"';
        await queryRunner.query(
            `INSERT INTO "one_time_codes" ("purpose", "subject", ${columns})
             SELECT 'account', "accountNumber", ${columns} FROM "verification_codes" WHERE "expiresAt" > ${placeholder}`,
            [since]
        );
        await queryRunner.query(
            `INSERT INTO "one_time_codes" ("purpose", "subject", ${columns})
             SELECT 'closure', CAST("complaintId" AS VARCHAR(40)), ${columns} FROM "closure_codes" WHERE "expiresAt" > ${placeholder}`,
            [since]
        );
        await queryRunner.dropTable('verification_codes');
        await queryRunner.dropTable('closure_codes');
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const common = codeColumns(queryRunner);
        await queryRunner.createTable(
            new Table({
                name: 'verification_codes',
                columns: [ID, { name: 'accountNumber', type: 'varchar', length: '10' }, ...common],
                indices: [new TableIndex({ columnNames: ['identityId', 'accountNumber'] })],
            })
        );
        await queryRunner.createTable(
            new Table({
                name: 'closure_codes',
                columns: [ID, { name: 'complaintId', type: 'integer' }, ...common],
                indices: [new TableIndex({ columnNames: ['complaintId', 'identityId'] })],
            })
        );
        await queryRunner.dropTable('one_time_codes');
    }
}

const ID: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };

/** The columns every code table has had, whatever the code was about. */
function codeColumns(queryRunner: QueryRunner): TableColumnOptions[] {
    const driver = queryRunner.connection.driver;
    return [
        { name: 'identityId', type: 'integer' },
        { name: 'codeHash', type: 'varchar', length: '64' },
        { name: 'sentTo', type: 'varchar', length: '10' },
        { name: 'attempts', type: 'integer' },
        { name: 'expiresAt', type: 'bigint' },
        { name: 'spent', type: 'boolean' },
        { name: 'createdAt', type: driver.normalizeType({ type: driver.mappedDataTypes.createDate }), default: driver.mappedDataTypes.createDateDefault },
    ];
}
