import { ChannelLedger, DELIVERY_RANK as RANK, DeliveryStatus, OutboundRecord } from './ports';

/**
 * A {@link ChannelLedger} in memory, for a bot that runs one process and may forget in a crash (a test, a prototype).
 * It keeps the same promise within the process: statuses only move forward.
 */
export class InMemoryChannelLedger implements ChannelLedger {
    private readonly lastInbound = new Map<string, number>();
    /** Every outbound record, in order (a test reads them). */
    readonly outbound: Array<OutboundRecord & { at: number }> = [];

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
