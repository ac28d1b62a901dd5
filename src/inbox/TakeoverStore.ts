import { ConversationTakeovers } from '../../adapters/shared/ports';
import { Database } from '../data/Database';

/** How often pauses that have ended are deleted. */
const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The channels' {@link ConversationTakeovers} in the database, so that whichever instance runs a conversation's next
 * turn knows a person is answering there. A pause only ever grows, in one statement, so two echoes handled at once
 * cannot shorten it.
 */
export class TakeoverStore implements ConversationTakeovers {
    private lastSweep = 0;

    constructor(private readonly db: Database) {}

    async pause(channel: string, conversationId: string, until: Date): Promise<void> {
        await this.db.sql(
            `INSERT INTO "conversation_takeovers" ("channel", "conversationId", "pausedUntil") VALUES (?, ?, CAST(? AS BIGINT))
             ON CONFLICT ("channel", "conversationId") DO UPDATE SET "pausedUntil" =
               CASE WHEN "conversation_takeovers"."pausedUntil" > excluded."pausedUntil" THEN "conversation_takeovers"."pausedUntil" ELSE excluded."pausedUntil" END`,
            [channel, conversationId, until.getTime()],
            { priority: 'high' }
        );
    }

    async resume(channel: string, conversationId: string): Promise<void> {
        await this.db.sql('DELETE FROM "conversation_takeovers" WHERE "channel" = ? AND "conversationId" = ?', [channel, conversationId], { priority: 'high' });
    }

    async pausedUntil(channel: string, conversationId: string, now: Date): Promise<Date | null> {
        const at = now.getTime();
        if (at - this.lastSweep >= SWEEP_EVERY_MS) {
            this.lastSweep = at;
            await this.db.sql('DELETE FROM "conversation_takeovers" WHERE "pausedUntil" <= CAST(? AS BIGINT)', [at]);
        }
        const { rows } = await this.db.sql<{ pausedUntil: string | number }>(
            'SELECT "pausedUntil" FROM "conversation_takeovers" WHERE "channel" = ? AND "conversationId" = ? AND "pausedUntil" > CAST(? AS BIGINT)',
            [channel, conversationId, at],
            { priority: 'high' }
        );
        return rows.length === 0 ? null : new Date(Number(rows[0].pausedUntil));
    }
}
