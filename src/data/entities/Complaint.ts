import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Complaint lifecycle states; the accountability issue adds transitions between them. */
/**
 * `unconfirmed`: an official said it is fixed but the consumer has not confirmed in time; field staff re-check it.
 * Only the consumer's confirmation makes a complaint `closed`.
 */
export type ComplaintStatus = 'registered' | 'assigned' | 'in_progress' | 'resolved' | 'unconfirmed' | 'closed' | 'reopened';

/**
 * The re-contact of a confirmed closure: `not_selected` (the random draw passed it over), `selected` (due at
 * `recontactDueAt`), `asked` ("still working?" sent), then `working` or `not_working` (which reopened it).
 */
export type RecontactState = 'not_selected' | 'selected' | 'asked' | 'working' | 'not_working';

/** A consumer's complaint with its readable ticket number. */
@Entity('complaints')
@Index(['channel', 'channelUserId'])
@Index(['discom', 'assignedOfficialId'])
@Index(['outageArea', 'createdAt'])
export class Complaint {
    @PrimaryGeneratedColumn()
    id: number;

    /** e.g. C2611-0042: a letter and a dash, so it never looks like an account number. */
    @Index({ unique: true })
    @Column({ type: 'varchar', length: 20 })
    ticket: string;

    /** Null when registered on the "no account number" path. */
    @Index()
    @Column({ type: 'varchar', length: 10, nullable: true })
    accountNumber: string | null;

    /** A category id from the complaint category configuration. */
    @Column({ type: 'varchar', length: 30 })
    category: string;

    @Column({ type: 'varchar', length: 1000 })
    description: string;

    @Column({ type: 'varchar', length: 300, nullable: true })
    address: string | null;

    @Column({ type: 'double precision', nullable: true })
    latitude: number | null;

    @Column({ type: 'double precision', nullable: true })
    longitude: number | null;

    /** Photos the consumer sent while registering, as platform media references (JSON array). */
    @Column({ type: 'text', nullable: true })
    attachments: string | null;

    /** Mobile to call back on the no-account path. */
    @Column({ type: 'varchar', length: 10, nullable: true })
    contactMobile: string | null;

    /** channelId of the channel the complaint came in on. */
    @Column({ type: 'varchar', length: 30 })
    channel: string;

    /** The channel user who registered it; used for "my complaints" and, later, proactive updates. */
    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    /** SHA-256 hex of the confirming message's ids, so that a redelivered message never creates a second complaint. */
    @Column({ type: 'varchar', length: 64, nullable: true, unique: true })
    sourceActivityKey: string | null;

    @Column({ type: 'varchar', length: 15 })
    status: ComplaintStatus;

    /** When the consumer said the problem began, read from their words; null when they did not say. */
    @Column({ type: Date, nullable: true })
    problemSince: Date | null;

    /** When the service standard says it must be resolved by. */
    @Column({ type: Date, nullable: true })
    dueAt: Date | null;

    /** Version of the service-standards table the due time came from. */
    @Column({ type: 'varchar', length: 40, nullable: true })
    standardsVersion: string | null;

    /** The official who owns it now. */
    @Index()
    @Column({ type: 'integer', nullable: true })
    assignedOfficialId: number | null;

    /** 0 with the JE, 1 with the SDO… one more per breach. */
    @Column({ type: 'integer', default: 0 })
    escalationLevel: number;

    /** When the next escalation is due if still unresolved; null when closed or at the top. */
    @Index()
    @Column({ type: Date, nullable: true })
    nextEscalationAt: Date | null;

    @Column({ type: Date, nullable: true })
    resolvedAt: Date | null;

    /** Only on the consumer's confirmation. */
    @Column({ type: Date, nullable: true })
    closedAt: Date | null;

    /** When the consumer was reminded to confirm a resolution; null until then (and again after a reopening). */
    @Column({ type: Date, nullable: true })
    confirmReminderSentAt: Date | null;

    /** When field staff must have re-checked an unconfirmed resolution; null once re-checked or outside that state. */
    @Column({ type: Date, nullable: true })
    recheckDueAt: Date | null;

    /** The official whose "resolved" the consumer was last asked about (kept after closure, for the dashboard). */
    @Column({ type: 'integer', nullable: true })
    resolvedBy: number | null;

    /** The consumer's 1–5 rating given on confirming the fix; null when not asked or skipped. */
    @Column({ type: 'integer', nullable: true })
    rating: number | null;

    /** The consumer's optional reason for the rating, as typed. */
    @Column({ type: 'varchar', length: 500, nullable: true })
    ratingReason: string | null;

    @Column({ type: Date, nullable: true })
    ratedAt: Date | null;

    /** The random re-contact of a confirmed closure: decided once per complaint (null until its first confirmed closure). */
    @Column({ type: 'varchar', length: 12, nullable: true })
    recontactState: RecontactState | null;

    /** When a selected closure is to be re-contacted ("still working?"). */
    @Index()
    @Column({ type: Date, nullable: true })
    recontactDueAt: Date | null;

    /** The official whose closure the re-contact checks (the resolver at the consumer's confirmation). */
    @Column({ type: 'integer', nullable: true })
    recontactOfficialId: number | null;

    @Column({ type: Date, nullable: true })
    recontactAnsweredAt: Date | null;

    /** Where to send the consumer updates: the botbuilder ConversationReference as JSON. */
    @Column({ type: 'text', nullable: true })
    conversationRef: string | null;

    /** Id of the district the consumer named (src/up-districts.json), on the no-account path; null otherwise. */
    @Column({ type: 'varchar', length: 40, nullable: true })
    district: string | null;

    /**
     * The discom the complaint belongs to when no account says it: from the district, a shared location or the
     * subdivision named. With no owner, its triage desk places it.
     */
    @Column({ type: 'varchar', length: 10, nullable: true })
    discom: string | null;

    /** The subdivision a complaint without an account was placed in (by the bot or the triage desk); null otherwise. */
    @Column({ type: 'varchar', length: 80, nullable: true })
    subdivision: string | null;

    /** While on the discom's triage desk (no engineer owns it): when it must be placed by; null once placed. */
    @Index()
    @Column({ type: Date, nullable: true })
    triageDueAt: Date | null;

    /** When the discom's senior officials were told it was not placed in time; null until then. */
    @Column({ type: Date, nullable: true })
    triageEscalatedAt: Date | null;

    /** When the triage desk gave it to an engineer; its SLA clock runs from then. */
    @Column({ type: Date, nullable: true })
    placedAt: Date | null;

    /**
     * For a no-supply-like report: its area as "discom|subdivision" (from the account, or where it was placed), so
     * that reports of one area can be grouped into an incident; null for other complaints.
     */
    @Column({ type: 'varchar', length: 100, nullable: true })
    outageArea: string | null;

    /** The feeder and distribution transformer of the account (from the consumer import), when known. */
    @Column({ type: 'varchar', length: 30, nullable: true })
    feederCode: string | null;

    @Column({ type: 'varchar', length: 30, nullable: true })
    dtCode: string | null;

    /** The outage incident this report is attached to: it then escalates with the incident, not on its own. */
    @Index()
    @Column({ type: 'integer', nullable: true })
    incidentId: number | null;

    /** Whether the consumer wants the incident's restoration-time changes (restoration itself is always sent). */
    @Column({ type: 'boolean', default: true })
    incidentUpdates: boolean;

    /**
     * The incident this report was attached to when the consumer said their power was still off after its restoration:
     * it goes on as their own outage (a nested outage), counted from the incident's start.
     */
    @Column({ type: 'integer', nullable: true })
    nestedIncidentId: number | null;

    /** The consumer's reply language when they registered it. */
    @Column({ type: 'varchar', length: 5, nullable: true })
    language: string | null;

    @CreateDateColumn()
    createdAt: Date;

    @UpdateDateColumn()
    updatedAt: Date;
}
