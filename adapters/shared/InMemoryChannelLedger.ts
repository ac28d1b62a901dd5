import { conversationKeyOf } from './conversationKey';
import { ChannelLedger, DELIVERY_RANK as RANK, DeliveryStatus, OutboundRecord } from './ports';

interface Inbound {
    id: number;
    channel: string;
    conversationKey: string | null;
    payload: unknown;
    receivedAt: number;
    processed: boolean;
}

/**
 * A {@link ChannelLedger} in memory, for a bot that runs one process and may lose deliveries in a crash (a test, a
 * prototype). It keeps the same promises within the process: a redelivered id is recorded once, a conversation's
 * deliveries come back in arrival order, statuses only move forward.
 */
export class InMemoryChannelLedger implements ChannelLedger {
    private readonly inbound = new Map<string, Inbound>();
    private readonly inboundById = new Map<number, Inbound>();
    private readonly lastInbound = new Map<string, number>();
    /** Every outbound record, in order (a test reads them). */
    readonly outbound: Array<OutboundRecord & { at: number }> = [];
    private nextId = 1;

    async recordInbound(channel: string, messageId: string, payload: unknown = null, conversationId: string | null = null): Promise<number | null> {
        const key = `${channel}\u0000${messageId}`;
        if (this.inbound.has(key)) return null;
        const row: Inbound = {
            id: this.nextId++,
            channel,
            conversationKey: conversationKeyOf(conversationId),
            payload,
            receivedAt: Date.now(),
            processed: false,
        };
        this.inbound.set(key, row);
        this.inboundById.set(row.id, row);
        return row.id;
    }

    async markProcessed(id: number): Promise<void> {
        const row = this.inboundById.get(id);
        if (!row) return;
        row.processed = true;
        row.payload = null;
    }

    async unprocessedInbound(channel: string, conversationId: string, limit: number): Promise<Array<{ id: number; payload: unknown }>> {
        const key = conversationKeyOf(conversationId);
        return [...this.inbound.values()]
            .filter((r) => r.channel === channel && r.conversationKey === key && !r.processed)
            .sort((a, b) => a.id - b.id)
            .slice(0, limit)
            .map((r) => ({ id: r.id, payload: r.payload }));
    }

    async unprocessedConversations(channel: string, olderThanMs = 0): Promise<Array<{ conversationId: string; messages: number }>> {
        const counts = new Map<string, { first: number; messages: number }>();
        for (const row of this.inbound.values()) {
            if (row.channel !== channel || row.processed || row.conversationKey === null || Date.now() - row.receivedAt < olderThanMs) continue;
            const entry = counts.get(row.conversationKey) ?? { first: row.id, messages: 0 };
            entry.messages += 1;
            entry.first = Math.min(entry.first, row.id);
            counts.set(row.conversationKey, entry);
        }
        return [...counts.entries()].sort((a, b) => a[1].first - b[1].first).map(([conversationId, e]) => ({ conversationId, messages: e.messages }));
    }

    async markInbound(channel: string, userId: string, at: Date = new Date()): Promise<void> {
        this.lastInbound.set(`${channel}\u0000${userId}`, at.getTime());
    }

    async withinWindow(channel: string, userId: string, hours = 24): Promise<boolean> {
        const last = this.lastInbound.get(`${channel}\u0000${userId}`);
        return last !== undefined && Date.now() - last < hours * 3600_000;
    }

    async recordOutbound(record: OutboundRecord): Promise<void> {
        this.outbound.push({ ...record, at: Date.now() });
    }

    async updateDelivery(channel: string, platformMessageId: string, status: DeliveryStatus, errorCode?: string, errorDetail?: string): Promise<boolean> {
        const found = this.outbound.filter((r) => r.channel === channel && r.platformMessageId === platformMessageId);
        for (const record of found) {
            if (RANK[record.status] >= RANK[status]) continue;
            record.status = status;
            if (errorCode) record.errorCode = errorCode;
            if (errorDetail) record.errorDetail = errorDetail;
        }
        return found.length > 0;
    }

    async markUpTo(channel: string, recipient: string, watermark: Date, status: 'delivered' | 'read'): Promise<number> {
        let changed = 0;
        for (const record of this.outbound) {
            if (record.channel !== channel || record.recipient !== recipient || record.at > watermark.getTime() || RANK[record.status] >= RANK[status])
                continue;
            record.status = status;
            changed += 1;
        }
        return changed;
    }
}
