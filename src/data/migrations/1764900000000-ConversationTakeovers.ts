import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * Conversations a person has taken over from the bot (an official answering from the Page inbox): the bot stays
 * silent there until `pausedUntil`, milliseconds since the epoch, compared as numbers on both databases. Shared by
 * every instance, since any of them may run the conversation's next turn.
 */
export class ConversationTakeovers1764900000000 implements MigrationInterface {
    name = 'ConversationTakeovers1764900000000';

    async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.createTable(
            new Table({
                name: 'conversation_takeovers',
                columns: [
                    { name: 'channel', type: 'varchar', length: '32', isPrimary: true },
                    { name: 'conversationId', type: 'varchar', length: '200', isPrimary: true },
                    { name: 'pausedUntil', type: 'bigint', isNullable: false },
                ],
            })
        );
    }

    async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.dropTable('conversation_takeovers');
    }
}
