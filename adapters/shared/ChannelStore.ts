import { createHash } from 'crypto';
import { In, IsNull, LessThanOrEqual } from 'typeorm';
import { isUniqueViolation } from '../../src/data/isUniqueViolation';
import { Database } from '../../src/data/Database';
import { ChannelIdentity } from '../../src/data/entities/ChannelIdentity';
import { InboundMessage } from '../../src/data/entities/InboundMessage';
import { DeliveryStatus, OutboundMessage } from '../../src/data/entities/OutboundMessage';

/** What an adapter records about a message it sent or decided not to send. */
export interface OutboundRecord {
    channel: string;
    conversationId: string;
    recipient: string;
    kind: string;
    platformMessageId: string | null;
    status: DeliveryStatus;
    errorCode?: string | null;
    errorDetail?: string | null;
}

// A later status never moves a message back (webhooks arrive unordered: "read" may come before "delivered").
const RANK: Record<DeliveryStatus, number> = { sent: 1, delivered: 2, read: 3, failed: 4, undeliverable: 4 };
const MAX_KEY = 100;

/** The database side of every channel adapter: inbound de-duplication, the reply window, delivery records. */
export class ChannelStore {
    constructor(private readonly db: Database) {}

    /**
     * Records an inbound platform message with its content; null when it was recorded before (a redelivery,
     * possibly concurrent, possibly handled by another instance: the unique key decides), else the row id to mark
     * processed once its turn has run.
     */
    async recordInbound(channel: string, messageId: string, payload: unknown = null): Promise<number | null> {
        const messageKey = messageId.length > MAX_KEY ? createHash('sha256').update(messageId).digest('hex') : messageId;
        try {
            // High priority: the webhook's answer waits for this, and must not wait behind queued dialog work.
            const result = await this.db.run((m) => m.getRepository(InboundMessage).insert({
                channel, messageKey, payload: payload === null ? null : JSON.stringify(payload), processedAt: null,
            }), 'high');
            return Number(result.identifiers[0]?.id);
        } catch (error) {
            if (isUniqueViolation(error)) return null;
            throw error;
        }
    }

    /** Marks an inbound message's turn as done and drops its stored content. */
    async markProcessed(id: number): Promise<void> {
        await this.db.run((m) => m.getRepository(InboundMessage).update({ id }, { processedAt: new Date(), payload: null }));
    }

    /**
     * Claims the messages of `channel` that were acknowledged but never processed (the process stopped first),
     * oldest first. Each is claimed by one conditional update, so with several instances only one replays it.
     */
    async claimUnprocessed(channel: string, limit = 1000): Promise<Array<{ id: number; payload: unknown }>> {
        return this.db.run(async (m) => {
            const repository = m.getRepository(InboundMessage);
            const rows = await repository.find({ where: { channel, processedAt: IsNull() }, order: { id: 'ASC' }, take: limit });
            const claimed: Array<{ id: number; payload: unknown }> = [];
            for (const row of rows) {
                const result = await repository.update({ id: row.id, processedAt: IsNull() }, { processedAt: new Date() });
                if ((result.affected ?? 0) > 0 && row.payload) claimed.push({ id: row.id, payload: JSON.parse(row.payload) });
            }
            return claimed;
        });
    }

    /** Notes that `userId` wrote on `channel` now, which opens the platform's 24-hour reply window. */
    async markInbound(channel: string, userId: string, at: Date = new Date()): Promise<void> {
        await this.db.run((m) => m.createQueryBuilder().insert().into(ChannelIdentity)
            .values({ channel, channelUserId: userId, lastInboundAt: at })
            .orUpdate(['lastInboundAt'], ['channel', 'channelUserId'])
            .execute(), 'high');
    }

    /** When `userId` last wrote on `channel`, or null if never. */
    async lastInboundAt(channel: string, userId: string): Promise<Date | null> {
        const identity = await this.db.run((m) => m.getRepository(ChannelIdentity).findOneBy({ channel, channelUserId: userId }));
        return identity?.lastInboundAt ?? null;
    }

    /** Whether `userId` wrote on `channel` within the platform's free-reply window (24 hours on Meta's platforms). */
    async withinWindow(channel: string, userId: string, hours = 24): Promise<boolean> {
        const last = await this.lastInboundAt(channel, userId);
        return last !== null && Date.now() - last.getTime() < hours * 3600_000;
    }

    /** Stores one outbound message (or a decision not to send it). */
    async recordOutbound(record: OutboundRecord): Promise<void> {
        await this.db.run((m) => m.getRepository(OutboundMessage).insert({
            ...record,
            errorCode: record.errorCode?.slice(0, 40) ?? null,
            errorDetail: record.errorDetail?.slice(0, 300) ?? null,
        }));
    }

    /**
     * Applies a platform status webhook to the message with that platform id; returns whether one was found. One
     * conditional UPDATE, so concurrent receipts ("read" racing "delivered") can only move a status forward.
     */
    async updateDelivery(channel: string, platformMessageId: string, status: DeliveryStatus, errorCode?: string, errorDetail?: string): Promise<boolean> {
        const lower = (Object.keys(RANK) as DeliveryStatus[]).filter((s) => RANK[s] < RANK[status]);
        return this.db.run(async (m) => {
            const repository = m.getRepository(OutboundMessage);
            const changes: Partial<OutboundMessage> = { status };
            if (errorCode) changes.errorCode = errorCode.slice(0, 40);
            if (errorDetail) changes.errorDetail = errorDetail.slice(0, 300);
            const result = await repository.update({ channel, platformMessageId, status: In(lower) }, changes);
            return (result.affected ?? 0) > 0 || repository.existsBy({ channel, platformMessageId });
        });
    }

    /** Marks everything sent to `recipient` up to `watermark` as delivered or read (Messenger's watermark receipts). */
    async markUpTo(channel: string, recipient: string, watermark: Date, status: 'delivered' | 'read'): Promise<number> {
        return this.db.run(async (m) => {
            const result = await m.getRepository(OutboundMessage).update(
                { channel, recipient, createdAt: LessThanOrEqual(watermark), status: In(status === 'read' ? ['sent', 'delivered'] : ['sent']) },
                { status }
            );
            return result.affected ?? 0;
        });
    }

    /** The delivery records of a conversation, oldest first (tests, the officials' console). */
    async outboundFor(channel: string, conversationId: string): Promise<OutboundMessage[]> {
        return this.db.run((m) => m.getRepository(OutboundMessage).find({ where: { channel, conversationId }, order: { id: 'ASC' } }));
    }
}
