import { createHash } from 'crypto';
import { In } from 'typeorm';
import { isUniqueViolation } from '../data/isUniqueViolation';
import { Database } from '../data/Database';
import { OPEN_STATUSES } from './complaintStatuses';
import { Complaint } from '../data/entities/Complaint';
import { ComplaintEvent } from '../data/entities/ComplaintEvent';
import { ReferenceNumbers } from './ReferenceNumbers';

/** What the complaint dialog collected. */
export interface NewComplaint {
    accountNumber: string | null;
    category: string;
    description: string;
    address: string | null;
    /** The district id the consumer named, without an account (src/up-districts.json). */
    district?: string | null;
    latitude?: number | null;
    longitude?: number | null;
    contactMobile: string | null;
    /** JSON array of photo references, or null. */
    attachments?: string | null;
    channel: string;
    channelUserId: string;
    /** The botbuilder ConversationReference (JSON) to send status updates to. */
    conversationRef?: string | null;
    /** The consumer's reply language. */
    language?: string | null;
    /** When the consumer said the problem began. */
    problemSince?: Date | null;
    /**
     * Identifies the confirming message (channel, conversation and activity id): a redelivered message returns the
     * first complaint. Stored as a SHA-256 hash, so ids of any length fit.
     */
    sourceActivityKey: string | null;
}

/** A complaint with its status history, oldest first. */
export interface ComplaintWithHistory {
    complaint: Complaint;
    history: ComplaintEvent[];
}

/** Registers complaints under readable ticket numbers and answers status questions. */
export class ComplaintService {
    private readonly references: ReferenceNumbers;

    constructor(
        private readonly db: Database,
        references?: ReferenceNumbers
    ) {
        this.references = references ?? new ReferenceNumbers(db);
    }

    /**
     * Saves `input` with a new ticket and a first history entry, in one transaction. Idempotent on
     * `sourceActivityKey`: the same inbound message never creates a second complaint.
     */
    async register(complaint: NewComplaint): Promise<Complaint> {
        const input = {
            ...complaint,
            sourceActivityKey: complaint.sourceActivityKey && createHash('sha256').update(complaint.sourceActivityKey).digest('hex'),
        };
        const existing = await this.findBySource(input.sourceActivityKey);
        if (existing) return existing;
        const ticket = await this.references.next('C');
        try {
            return await this.db.transaction(async (manager) => {
                const complaint = await manager.getRepository(Complaint).save(
                    manager.getRepository(Complaint).create({
                        ...input,
                        district: input.district ?? null,
                        latitude: input.latitude ?? null,
                        longitude: input.longitude ?? null,
                        ticket,
                        status: 'registered',
                    })
                );
                await manager.getRepository(ComplaintEvent).insert({ complaintId: complaint.id, status: 'registered', actor: 'consumer', note: null });
                return complaint;
            });
        } catch (error) {
            // A concurrent delivery of the same message won the unique key on sourceActivityKey.
            if (isUniqueViolation(error)) {
                const winner = await this.findBySource(input.sourceActivityKey);
                if (winner) return winner;
            }
            throw error;
        }
    }

    /** The complaint with this ticket (any case, spaces ignored) and its history, or null. */
    async findByTicket(ticket: string): Promise<ComplaintWithHistory | null> {
        const complaint = await this.db.run((m) => m.getRepository(Complaint).findOneBy({ ticket: ticket.toUpperCase().replace(/\s/g, '') }));
        if (!complaint) return null;
        return { complaint, history: await this.history(complaint.id) };
    }

    /** The newest complaints of the given accounts, most recent first. */
    async listForAccounts(accountNumbers: string[], limit = 5): Promise<Complaint[]> {
        if (accountNumbers.length === 0) return [];
        return this.db.run((m) =>
            m.getRepository(Complaint).find({
                where: { accountNumber: In(accountNumbers) },
                order: { id: 'DESC' },
                take: limit,
            })
        );
    }

    /**
     * The newest still-open complaint of `category` on `accountNumber`, or else from this channel user: a second
     * report of the same fault joins it instead of opening another.
     */
    async findOpenDuplicate(category: string, accountNumber: string | null, channel: string, channelUserId: string): Promise<Complaint | null> {
        // Every registration asks this: one statement, straight to the driver.
        const open = OPEN_STATUSES.map(() => '?').join(', ');
        const [found] = await this.db.entities(
            Complaint,
            `SELECT * FROM "complaints" WHERE "category" = ? AND "status" IN (${open})
             AND (("channel" = ? AND "channelUserId" = ?)${accountNumber ? ' OR "accountNumber" = ?' : ''}) ORDER BY "id" DESC LIMIT 1`,
            [category, ...OPEN_STATUSES, channel, channelUserId, ...(accountNumber ? [accountNumber] : [])]
        );
        return found ?? null;
    }

    /** The newest complaints registered by one channel user, most recent first. */
    async listForChannelUser(channel: string, channelUserId: string, limit = 5): Promise<Complaint[]> {
        return this.db.run((m) => m.getRepository(Complaint).find({ where: { channel, channelUserId }, order: { id: 'DESC' }, take: limit }));
    }

    /** The status history of one complaint, oldest first. */
    async history(complaintId: number): Promise<ComplaintEvent[]> {
        return this.db.run((m) => m.getRepository(ComplaintEvent).find({ where: { complaintId }, order: { id: 'ASC' } }));
    }

    private async findBySource(sourceActivityKey: string | null): Promise<Complaint | null> {
        if (!sourceActivityKey) return null;
        const [found] = await this.db.entities(Complaint, 'SELECT * FROM "complaints" WHERE "sourceActivityKey" = ?', [sourceActivityKey]);
        return found ?? null;
    }
}
