import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Inbound messages name their conversation, so any instance can run a conversation's waiting messages in arrival
 * order under its lock. Messages waiting at upgrade time get theirs from their stored content.
 */
export class InboundConversations1764600000000 implements MigrationInterface {
    name = 'InboundConversations1764600000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.addColumn('inbound_messages', new TableColumn({ name: 'conversationKey', type: 'varchar', length: '200', isNullable: true }));
        await queryRunner.createIndex('inbound_messages', new TableIndex({ columnNames: ['channel', 'conversationKey', 'processedAt'] }));
        const waiting: Array<{ id: number; payload: string | null }> = await queryRunner.query(
            'SELECT "id", "payload" FROM "inbound_messages" WHERE "processedAt" IS NULL AND "payload" IS NOT NULL'
        );
        const placeholder = (n: number) => (queryRunner.connection.driver.options.type === 'postgres' ? `$${n}` : '?');
        for (const row of waiting) {
            let conversationId: unknown;
            try {
                conversationId = (JSON.parse(row.payload as string) as { activity?: { conversation?: { id?: unknown } } }).activity?.conversation?.id;
            } catch {
                continue;
            }
            if (typeof conversationId !== 'string' || conversationId.length > 200) continue;
            await queryRunner.query(`UPDATE "inbound_messages" SET "conversationKey" = ${placeholder(1)} WHERE "id" = ${placeholder(2)}`, [
                conversationId,
                row.id,
            ]);
        }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        const table = await queryRunner.getTable('inbound_messages');
        const index = table?.indices.find((i) => i.columnNames.includes('conversationKey'));
        if (index) await queryRunner.dropIndex('inbound_messages', index);
        await queryRunner.dropColumn('inbound_messages', 'conversationKey');
    }
}
