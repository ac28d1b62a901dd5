import { In } from 'typeorm';
import { conversationKeyOf } from '../../adapters/shared/conversationKey';
import type { DeferredMessage, DeferredSends } from '../../adapters/shared/ports';
import type { Database } from '../data/Database';
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
        const row = await this.db.run((m) =>
            m
                .getRepository(QueuedMessage)
                .createQueryBuilder('q')
                .select('MAX(q.nextAttemptAt)', 'last')
                .where({ channel, conversationKey: conversationKeyOf(conversationId), status: In(['queued', 'sending']) })
                .getRawOne<{ last: string | Date | null }>()
        );
        if (!row?.last) return null;
        // SQLite returns the stored UTC text, PostgreSQL a Date.
        return row.last instanceof Date ? row.last : new Date(`${String(row.last).replace(' ', 'T')}Z`);
    }
}
