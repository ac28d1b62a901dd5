import { conversationKeyOf } from '../../adapters/shared/conversationKey';
import type { DeferredMessage, DeferredSends } from '../../adapters/shared/ports';
import { dateFromDatabase, type Database } from '../data/Database';
import { QueuedMessage } from '../data/entities/QueuedMessage';

/**
 * Replies that must wait for a platform's allowance (X's DM limits), put on the persistent outbound queue that also
 * carries broadcasts: the {@link OutboundQueueWorker} sends them when due, before any broadcast, in the order queued
 * per conversation (due time, then id), and puts one back when the platform still has no room. Such a row has no
 * broadcast and no identity: it is a reply the user asked for, sent whatever their broadcast choices.
 */
export class DeferredReplies implements DeferredSends {
    constructor(private readonly db: Database) {}

    async defer(message: DeferredMessage): Promise<void> {
        await this.db.run((m) =>
            m.getRepository(QueuedMessage).insert({
                broadcastId: null,
                identityId: null,
                channel: message.channel,
                conversationRef: JSON.stringify(message.reference),
                conversationKey: conversationKeyOf(message.conversationId),
                text: message.text,
                status: 'queued',
                attempts: 0,
                nextAttemptAt: message.notBefore,
                lastError: `waiting: ${message.reason}`.slice(0, 300),
                platformMessageId: null,
            })
        );
        // Nothing else holds this reply now: it must outlive a power cut, as the webhook message it answers did.
        await this.db.flush();
    }

    async lastWaiting(channel: string, conversationId: string): Promise<Date | null> {
        // Asked once per turn that replies: straight to the driver.
        const {
            rows: [row],
        } = await this.db.sql<{ last: string | Date | null }>(
            `SELECT MAX("nextAttemptAt") AS "last" FROM "outbound_queue" WHERE "channel" = ? AND "conversationKey" = ? AND "status" IN ('queued', 'sending')`,
            [channel, conversationKeyOf(conversationId)]
        );
        if (!row?.last) return null;
        return dateFromDatabase(row.last);
    }
}
