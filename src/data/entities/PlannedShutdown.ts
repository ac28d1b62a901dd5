import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A supply shutdown the utility plans (maintenance, tree trimming, line shifting) for a subdivision or one of its
 * feeders, with a readable reference such as P2612-0004. Consumers of the area are told the day before, and a
 * no-supply report inside the window is answered with the schedule instead of becoming a complaint.
 */
@Entity('planned_shutdowns')
@Index(['discom', 'subdivision', 'startsAt'])
@Index(['noticeQueuedAt', 'startsAt'])
export class PlannedShutdown {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 20, unique: true })
    reference: string;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    @Column({ type: 'varchar', length: 80 })
    subdivision: string;

    /** The feeder switched off; null when the whole subdivision is. */
    @Column({ type: 'varchar', length: 30, nullable: true })
    feederCode: string | null;

    @Column({ type: Date })
    startsAt: Date;

    @Column({ type: Date })
    endsAt: Date;

    /** Why, as the official wrote it (up to 200 characters): told to consumers. */
    @Column({ type: 'varchar', length: 200 })
    reason: string;

    /** The official who entered it; null when it came from a CSV import. */
    @Column({ type: 'integer', nullable: true })
    createdBy: number | null;

    /** When the day-before notice was queued; null until then. */
    @Column({ type: Date, nullable: true })
    noticeQueuedAt: Date | null;

    @Column({ type: Date, nullable: true })
    cancelledAt: Date | null;

    @Column({ type: 'integer', nullable: true })
    cancelledBy: number | null;

    @CreateDateColumn()
    createdAt: Date;
}
