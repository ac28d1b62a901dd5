import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * What the X channel shares between instances: the bot account's OAuth 2.0 grant, whose refresh token X spends at
 * every refresh (stored sealed; writes are compare-and-set on `version`, and a refresh is claimed until
 * `claimedUntil`). Times are milliseconds since the epoch, compared as numbers on both databases.
 */
export class XChannelState1765000000000 implements MigrationInterface {
    name = 'XChannelState1765000000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        const driver = queryRunner.connection.driver;
        const ms = { type: 'bigint', isNullable: false } as const;
        await queryRunner.createTable(
            new Table({
                name: 'oauth_grants',
                columns: [
                    { name: 'key', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'version', type: 'integer', isNullable: false },
                    { name: 'sealed', type: 'text', isNullable: false },
                    { name: 'expiresAt', ...ms },
                    { name: 'claimedUntil', ...ms },
                    { name: 'seedHash', type: 'varchar', length: '64', isNullable: false },
                    { name: 'dead', type: 'boolean', isNullable: false, default: driver.normalizeDefault({ default: false } as never) },
                    { name: 'updatedAt', ...ms },
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('oauth_grants');
    }
}
