import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Where an outage incident stands: `suspected` (reports grouped, nobody has looked), `confirmed` (an official says the
 * fault is real), `restoring` (work under way), `restored` (an official says power is back: restored–unconfirmed
 * until enough of its reporters confirm), `verified` (they did), or `dismissed` (not one fault: each report goes on
 * as its own complaint).
 */
export type IncidentStatus = 'suspected' | 'confirmed' | 'restoring' | 'restored' | 'verified' | 'dismissed';

/** What grouped the reports: one distribution transformer, one feeder, or (without codes) one locality. */
export type IncidentScope = 'transformer' | 'feeder' | 'locality';

/** Statuses in which an incident is still the utility's to fix: new reports join it and it can breach. */
export const ACTIVE_INCIDENT_STATUSES: readonly IncidentStatus[] = ['suspected', 'confirmed', 'restoring'];

/** One supply fault behind many consumers' no-supply reports, with a readable reference such as I2612-0003. */
@Entity('incidents')
@Index(['discom', 'subdivision', 'status'])
@Index(['status', 'nextEscalationAt'])
export class Incident {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 20, unique: true })
    reference: string;

    @Column({ type: 'varchar', length: 12 })
    status: IncidentStatus;

    @Column({ type: 'varchar', length: 12 })
    scope: IncidentScope;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    @Column({ type: 'varchar', length: 80 })
    subdivision: string;

    /** The division above the subdivision, for finding the officials up the ladder. */
    @Column({ type: 'varchar', length: 80, default: '' })
    division: string;

    @Column({ type: 'varchar', length: 30, nullable: true })
    feederCode: string | null;

    /** The distribution transformer's code, for a transformer incident. */
    @Column({ type: 'varchar', length: 30, nullable: true })
    dtCode: string | null;

    /** For a locality incident: the significant words of the first reports' addresses (space-separated). */
    @Column({ type: 'varchar', length: 300, nullable: true })
    locality: string | null;

    /** For a locality incident placed by shared locations: their centre. */
    @Column({ type: 'double precision', nullable: true })
    latitude: number | null;

    @Column({ type: 'double precision', nullable: true })
    longitude: number | null;

    /** When the supply failed: the earliest start among its reports. */
    @Column({ type: Date })
    startedAt: Date;

    /** Reports attached (complaints), kept here so answers and lists need no count. */
    @Column({ type: 'integer', default: 0 })
    reportCount: number;

    @Column({ type: 'varchar', length: 200, nullable: true })
    cause: string | null;

    /** The estimated restoration time an official set (or the standard's default); null until set. */
    @Column({ type: Date, nullable: true })
    etr: Date | null;

    /** Whether `etr` is an official's estimate (true) or the standard's default (false). */
    @Column({ type: 'boolean', default: false })
    etrFromOfficial: boolean;

    @Index()
    @Column({ type: 'integer', nullable: true })
    assignedOfficialId: number | null;

    @Column({ type: 'integer', default: 0 })
    escalationLevel: number;

    /** The earliest due time among its reports: one breach escalates the incident once, not every report. */
    @Column({ type: Date, nullable: true })
    dueAt: Date | null;

    @Column({ type: Date, nullable: true })
    nextEscalationAt: Date | null;

    @Column({ type: Date, nullable: true })
    confirmedAt: Date | null;

    @Column({ type: Date, nullable: true })
    restoredAt: Date | null;

    @Column({ type: 'integer', nullable: true })
    restoredBy: number | null;

    @Column({ type: Date, nullable: true })
    verifiedAt: Date | null;

    @Column({ type: Date, nullable: true })
    dismissedAt: Date | null;

    @CreateDateColumn()
    createdAt: Date;

    @UpdateDateColumn()
    updatedAt: Date;
}
