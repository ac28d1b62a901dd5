import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What happened to a mobile change request. */
export type MobileEventKind = 'requested' | 'approved' | 'refused' | 'viewed';

/**
 * The audit trail of mobile changes: who did what to which request, when, with the old and new mobiles masked (the
 * request row keeps the full numbers for the deciding official), the proof the requester gave, and on approval how
 * many verified links were voided.
 */
@Entity('mobile_change_events')
@Index(['requestId', 'id'])
export class MobileChangeEvent {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    requestId: number;

    @Index()
    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 10 })
    kind: MobileEventKind;

    /** The official who acted or looked; null for the consumer's request. */
    @Column({ type: 'integer', nullable: true })
    officialId: number | null;

    @Column({ type: Date })
    at: Date;

    @Column({ type: 'varchar', length: 12, nullable: true })
    oldMasked: string | null;

    @Column({ type: 'varchar', length: 12 })
    newMasked: string;

    /** `old_mobile` or `knowledge`, then `otp` or `channel` for the new mobile. */
    @Column({ type: 'varchar', length: 30 })
    proof: string;

    @Column({ type: 'integer', nullable: true })
    linksVoided: number | null;

    @Column({ type: 'varchar', length: 500, nullable: true })
    note: string | null;
}
