import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `claimed` waits for a decision; `approved` waits for the credit; `credited` and `refused` are final. */
export type ClaimStatus = 'claimed' | 'approved' | 'credited' | 'refused';

/**
 * A consumer's claim for the compensation a breached complaint accrued under the service standards: the amount and
 * the table version it came from are frozen when the claim is made, so a later table change never alters it.
 */
@Entity('compensation_claims')
export class CompensationClaim {
    @PrimaryGeneratedColumn()
    id: number;

    /** One claim per complaint. */
    @Index({ unique: true })
    @Column({ type: 'integer' })
    complaintId: number;

    @Column({ type: 'varchar', length: 20 })
    ticket: string;

    /** The consumer's discom at claim time (null for a complaint without an account), for the per-discom report. */
    @Index()
    @Column({ type: 'varchar', length: 20, nullable: true })
    discom: string | null;

    /** Rupees; null when the standards give no confirmed amount, until the deciding officer sets it. */
    @Column({ type: 'integer', nullable: true })
    amountInr: number | null;

    @Column({ type: 'integer' })
    daysLate: number;

    /** Version of the service-standards table the amount came from. */
    @Column({ type: 'varchar', length: 40 })
    standardsVersion: string;

    /** The standard breached, e.g. "transformer, city: 6 h, ₹150 per day". */
    @Column({ type: 'varchar', length: 200 })
    standard: string;

    /** End of the 60-day window the claim was made in. */
    @Column({ type: Date })
    claimableUntil: Date;

    @Column({ type: 'varchar', length: 10 })
    status: ClaimStatus;

    /** The bill the amount was credited in, `YYYY-MM`. */
    @Column({ type: 'varchar', length: 7, nullable: true })
    billMonth: string | null;

    @Column({ type: 'varchar', length: 500, nullable: true })
    refusalReason: string | null;

    /** Who claimed: the channel identity. */
    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: Date })
    claimedAt: Date;

    /** After this a claim still `claimed` counts as not decided in time. */
    @Index()
    @Column({ type: Date })
    decideBy: Date;

    @Column({ type: Date, nullable: true })
    decidedAt: Date | null;

    /** The official who approved or refused. */
    @Column({ type: 'integer', nullable: true })
    decidedBy: number | null;

    @Column({ type: Date, nullable: true })
    creditedAt: Date | null;

    @Column({ type: 'integer', nullable: true })
    creditedBy: number | null;
}
