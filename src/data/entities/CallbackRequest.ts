import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Where a callback request stands: `open` (nobody has called yet), `called` (an official says they called; the
 * consumer is asked whether they were), `unreachable`, `resolved` (on the call), `converted` (into a complaint), or
 * `reopened` (the consumer says nobody called: the owner must call again).
 */
export type CallbackStatus = 'open' | 'called' | 'unreachable' | 'resolved' | 'converted' | 'reopened';

/** A consumer's request to speak with an officer: a work item with an owner, a due time and an outcome. */
@Entity('callback_requests')
@Index(['status', 'nextEscalationAt'])
@Index(['assignedOfficialId'])
export class CallbackRequest {
    @PrimaryGeneratedColumn()
    id: number;

    /** Readable reference given to the consumer, e.g. R2611-0007. */
    @Column({ type: 'varchar', length: 20, unique: true })
    reference: string;

    @Column({ type: 'varchar', length: 10, nullable: true })
    accountNumber: string | null;

    @Column({ type: 'varchar', length: 10, nullable: true })
    contactMobile: string | null;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    @Column({ type: 'varchar', length: 15 })
    status: CallbackStatus;

    /** The area that owns it: the account's, or the subdivision the consumer named; null when neither placed it. */
    @Column({ type: 'varchar', length: 50, nullable: true })
    discom: string | null;

    @Column({ type: 'varchar', length: 100, nullable: true })
    division: string | null;

    @Column({ type: 'varchar', length: 100, nullable: true })
    subdivision: string | null;

    /** The locality the consumer named when they gave no account. */
    @Column({ type: 'varchar', length: 300, nullable: true })
    place: string | null;

    @Column({ type: 'integer', nullable: true })
    assignedOfficialId: number | null;

    /** Index in OFFICIAL_LEVELS of the level that owns it now (0 = JE). */
    @Column({ type: 'integer', default: 0 })
    escalationLevel: number;

    /** When the call is due (CALLBACK_DUE_HOURS after the request, or after the consumer's "nobody called"). */
    @Column({ type: Date, nullable: true })
    dueAt: Date | null;

    @Column({ type: Date, nullable: true })
    nextEscalationAt: Date | null;

    /** The consumer's conversation (JSON), for "were you called?". */
    @Column({ type: 'text', nullable: true })
    conversationRef: string | null;

    @Column({ type: 'varchar', length: 5, nullable: true })
    language: string | null;

    @Column({ type: 'varchar', length: 500, nullable: true })
    outcomeNote: string | null;

    /** The complaint's ticket, when the official turned the call into one. */
    @Column({ type: 'varchar', length: 20, nullable: true })
    convertedTicket: string | null;

    @Column({ type: Date, nullable: true })
    outcomeAt: Date | null;

    @Column({ type: 'integer', nullable: true })
    outcomeOfficialId: number | null;

    /** The consumer's answer to "were you called?" after a `called` outcome. */
    @Column({ type: 'varchar', length: 3, nullable: true })
    consumerAnswer: 'yes' | 'no' | null;

    @CreateDateColumn()
    createdAt: Date;
}
