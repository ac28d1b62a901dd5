import { createHash } from 'crypto';
import { In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { conversationKeyOf } from '../../adapters/shared/conversationKey';
import { ChannelLedger, DELIVERY_RANK as RANK, DeliveryStatus, OutboundRecord } from '../../adapters/shared/ports';
import { FALLBACK_KEEP_MS } from '../../adapters/whatsapp/InMemoryWhatsAppLedger';
import { TemplateFallback, WhatsAppLedger } from '../../adapters/whatsapp/WhatsAppLedger';
import { DeliveryLog } from './ConversationInbox';
import { Database, dateFromDatabase } from '../data/Database';
import { InboundMessage } from '../data/entities/InboundMessage';
import { OutboundMessage } from '../data/entities/OutboundMessage';

const MAX_KEY = 100;

/** The database side of every channel: the inbox's record of deliveries, the reply window, delivery records. */
export class ChannelStore implements ChannelLedger, DeliveryLog, WhatsAppLedger {
    constructor(private readonly db: Database) {}

    /**
     * Records an inbound platform message with its content and conversation; null when it was recorded before (a
     * redelivery, possibly concurrent, possibly handled by another instance: the unique key decides), else the row id.
     */
    async recordInbound(channel: string, messageId: string, payload: unknown = null, conversationId: string | null = null): Promise<number | null> {
        const messageKey = messageId.length > MAX_KEY ? createHash('sha256').update(messageId).digest('hex') : messageId;
        // One statement, no exception for a duplicate: this is the only database work before the webhook's 200. High
        // priority: the answer waits for it, and must not wait behind queued dialog work. Durable: after the 200 the
        // platform forgets the message, so it must survive a power cut.
        const { rows } = await this.db.sql<{ id: number | string }>(
            'INSERT INTO "inbound_messages" ("channel", "messageKey", "conversationKey", "payload") VALUES (?, ?, ?, ?) ON CONFLICT ("channel", "messageKey") DO NOTHING RETURNING "id"',
            [channel, messageKey, conversationKeyOf(conversationId), payload === null ? null : JSON.stringify(payload)],
            { priority: 'high', durable: true }
        );
        return rows.length > 0 ? Number(rows[0].id) : null;
    }

    /** Marks an inbound message's turn as done and drops its stored content. */
    async markProcessed(id: number): Promise<void> {
        await this.db.sql('UPDATE "inbound_messages" SET "processedAt" = ?, "payload" = NULL WHERE "id" = ?', [new Date(), id]);
    }

    /** The oldest unprocessed messages of one conversation, in arrival order (ids are assigned in insert order). */
    async unprocessedInbound(channel: string, conversationId: string, limit: number): Promise<Array<{ id: number; payload: unknown }>> {
        const { rows } = await this.db.sql<{ id: number | string; payload: string | null }>(
            'SELECT "id", "payload" FROM "inbound_messages" WHERE "channel" = ? AND "conversationKey" = ? AND "processedAt" IS NULL ORDER BY "id" LIMIT ?',
            [channel, conversationKeyOf(conversationId), limit]
        );
        return rows.map((row) => ({ id: Number(row.id), payload: row.payload === null ? null : JSON.parse(row.payload) }));
    }

    /**
     * Conversations of `channel` with messages waiting longer than `olderThanMs` (0: all), and how many each has. The
     * age is computed by the database against its own clock and zone, the ones `receivedAt` was stored in.
     */
    async unprocessedConversations(channel: string, olderThanMs = 0): Promise<Array<{ conversationId: string; messages: number }>> {
        const seconds = Math.floor(olderThanMs / 1000);
        const older =
            seconds <= 0
                ? ''
                : this.db.isPostgres
                  ? ` AND i."receivedAt" < LOCALTIMESTAMP - make_interval(secs => ${seconds})`
                  : ` AND i."receivedAt" < datetime('now', '-${seconds} seconds')`;
        const rows = await this.db.run((m) =>
            m
                .getRepository(InboundMessage)
                .createQueryBuilder('i')
                .select('i.conversationKey', 'conversationKey')
                .addSelect('COUNT(*)', 'messages')
                .where(`i.channel = :channel AND i.processedAt IS NULL AND i.conversationKey IS NOT NULL${older}`, { channel })
                .groupBy('i.conversationKey')
                .orderBy('MIN(i.id)', 'ASC')
                .getRawMany<{ conversationKey: string; messages: string | number }>()
        );
        return rows.map((row) => ({ conversationId: row.conversationKey, messages: Number(row.messages) }));
    }

    /**
     * Forgets messages processed more than `olderThanDays` ago, so the table holds recent traffic only. They are kept
     * that long because platforms redeliver for days, and a forgotten id would run again.
     */
    async pruneProcessed(olderThanDays: number): Promise<number> {
        const before = new Date(Date.now() - olderThanDays * 86_400_000);
        const result = await this.db.run((m) => m.getRepository(InboundMessage).delete({ processedAt: LessThan(before) }));
        await this.db.sql('DELETE FROM "template_fallbacks" WHERE "createdAt" < ?', [Date.now() - FALLBACK_KEEP_MS]);
        return result.affected ?? 0;
    }

    /** Messages acknowledged on any channel but not yet processed (metrics). */
    async unprocessedCount(): Promise<number> {
        return this.db.run((m) => m.getRepository(InboundMessage).countBy({ processedAt: IsNull() }));
    }

    /** Notes that `userId` wrote on `channel` now, which opens the platform's 24-hour reply window. */
    async markInbound(channel: string, userId: string, at: Date = new Date()): Promise<void> {
        // The other columns take their defaults, as TypeORM would write them.
        await this.db.sql(
            'INSERT INTO "channel_identities" ("channel", "channelUserId", "lastInboundAt") VALUES (?, ?, ?) ON CONFLICT ("channel", "channelUserId") DO UPDATE SET "lastInboundAt" = EXCLUDED."lastInboundAt", "updatedAt" = CURRENT_TIMESTAMP',
            [channel, userId, at]
        );
    }

    /** When `userId` last wrote on `channel`, or null if never. */
    async lastInboundAt(channel: string, userId: string): Promise<Date | null> {
        const { rows } = await this.db.sql<{ lastInboundAt: unknown }>(
            'SELECT "lastInboundAt" FROM "channel_identities" WHERE "channel" = ? AND "channelUserId" = ?',
            [channel, userId]
        );
        return dateFromDatabase(rows[0]?.lastInboundAt);
    }

    /** Whether `userId` wrote on `channel` within the platform's free-reply window (24 hours on Meta's platforms). */
    async withinWindow(channel: string, userId: string, hours = 24): Promise<boolean> {
        const last = await this.lastInboundAt(channel, userId);
        return last !== null && Date.now() - last.getTime() < hours * 3600_000;
    }

    /** The id of the latest delivery record (0 when none): a send's own records come after it. */
    async lastOutboundId(): Promise<number> {
        const { rows } = await this.db.sql<{ id: number | string | null }>('SELECT MAX("id") AS "id" FROM "outbound_messages"');
        return Number(rows[0]?.id ?? 0);
    }

    /** The latest failed or undeliverable record of `conversationId` after record `afterId`, if any (why a send did not go out). */
    async failureSince(channel: string, conversationId: string, afterId: number): Promise<{ code: string | null; detail: string | null } | null> {
        const { rows } = await this.db.sql<{ errorCode: string | null; errorDetail: string | null }>(
            `SELECT "errorCode", "errorDetail" FROM "outbound_messages" WHERE "channel" = ? AND "conversationId" = ? AND "id" > ? AND "status" IN ('failed', 'undeliverable') ORDER BY "id" DESC LIMIT 1`,
            [channel, conversationId, afterId]
        );
        return rows.length === 0 ? null : { code: rows[0].errorCode, detail: rows[0].errorDetail };
    }

    /** Stores one outbound message (or a decision not to send it). */
    async recordOutbound(record: OutboundRecord): Promise<void> {
        await this.db.sql(
            'INSERT INTO "outbound_messages" ("channel", "conversationId", "recipient", "kind", "platformMessageId", "status", "errorCode", "errorDetail") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [
                record.channel,
                record.conversationId,
                record.recipient,
                record.kind,
                record.platformMessageId,
                record.status,
                record.errorCode?.slice(0, 40) ?? null,
                record.errorDetail?.slice(0, 300) ?? null,
            ]
        );
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
            const result = await m
                .getRepository(OutboundMessage)
                .update(
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

    /** Keeps what a sent WhatsApp message would become as a template, should WhatsApp report it outside the window. */
    async rememberFallback(channel: string, platformMessageId: string, fallback: TemplateFallback): Promise<void> {
        await this.db.sql(
            'INSERT INTO "template_fallbacks" ("channel", "platformMessageId", "groupKey", "conversationId", "userId", "address", "locale", "text", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("channel", "platformMessageId") DO NOTHING',
            [channel, platformMessageId, fallback.group, fallback.conversationId, fallback.userId, fallback.address, fallback.locale, fallback.text, Date.now()]
        );
    }

    /**
     * The fallback of the activity `platformMessageId` was part of, for the first caller only: one conditional UPDATE
     * claims every part of the activity, so concurrent failures of two parts (or two instances) send one template.
     */
    async claimFallback(channel: string, platformMessageId: string): Promise<TemplateFallback | null> {
        const { rows } = await this.db.sql<FallbackRow>(
            'SELECT "groupKey", "conversationId", "userId", "address", "locale", "text" FROM "template_fallbacks" WHERE "channel" = ? AND "platformMessageId" = ? AND "createdAt" >= ?',
            [channel, platformMessageId, Date.now() - FALLBACK_KEEP_MS]
        );
        if (rows.length === 0) return null;
        const { changes } = await this.db.sql(
            'UPDATE "template_fallbacks" SET "claimedAt" = ? WHERE "channel" = ? AND "groupKey" = ? AND "claimedAt" IS NULL',
            [Date.now(), channel, rows[0].groupKey]
        );
        if (changes === 0) return null;
        const row = rows[0];
        return { group: row.groupKey, conversationId: row.conversationId, userId: row.userId, address: row.address, locale: row.locale, text: row.text };
    }

    /** Claims an activity's fallbacks for a template sent now; false when a status webhook claimed them first. */
    async claimGroup(channel: string, group: string): Promise<boolean> {
        const { changes } = await this.db.sql(
            'UPDATE "template_fallbacks" SET "claimedAt" = ? WHERE "channel" = ? AND "groupKey" = ? AND "claimedAt" IS NULL',
            [Date.now(), channel, group]
        );
        if (changes > 0) return true;
        const { rows } = await this.db.sql('SELECT 1 AS "found" FROM "template_fallbacks" WHERE "channel" = ? AND "groupKey" = ? LIMIT 1', [channel, group]);
        return rows.length === 0;
    }

    /** Notes that the platform reported a user unreachable (WhatsApp 131026), by id or by the message that failed. */
    async markUnreachable(channel: string, user: { userId: string } | { platformMessageId: string }, code: string): Promise<void> {
        let userId = 'userId' in user ? user.userId : null;
        if (userId === null) {
            const { rows } = await this.db.sql<{ recipient: string }>(
                'SELECT "recipient" FROM "outbound_messages" WHERE "channel" = ? AND "platformMessageId" = ? LIMIT 1',
                [channel, (user as { platformMessageId: string }).platformMessageId]
            );
            userId = rows[0]?.recipient ?? null;
        }
        if (userId === null) return;
        await this.db.sql(
            'INSERT INTO "unreachable_users" ("channel", "channelUserId", "since", "code") VALUES (?, ?, ?, ?) ON CONFLICT ("channel", "channelUserId") DO UPDATE SET "since" = EXCLUDED."since", "code" = EXCLUDED."code"',
            [channel, userId, Date.now(), code.slice(0, 40)]
        );
    }

    /** Forgets that `userId` was unreachable (a WhatsApp user reachable at a new number or business-scoped id). */
    async markReachable(channel: string, userId: string): Promise<void> {
        await this.db.sql('DELETE FROM "unreachable_users" WHERE "channel" = ? AND "channelUserId" = ?', [channel, userId], { durable: true });
    }

    /** Whether the platform reported `userId` unreachable and they have not written since. */
    async isUnreachable(channel: string, userId: string): Promise<boolean> {
        const { rows } = await this.db.sql<{ since: string | number }>('SELECT "since" FROM "unreachable_users" WHERE "channel" = ? AND "channelUserId" = ?', [
            channel,
            userId,
        ]);
        if (rows.length === 0) return false;
        const wrote = await this.lastInboundAt(channel, userId);
        return wrote === null || wrote.getTime() < Number(rows[0].since);
    }
}

interface FallbackRow {
    groupKey: string;
    conversationId: string;
    userId: string;
    address: string;
    locale: string | null;
    text: string;
}
