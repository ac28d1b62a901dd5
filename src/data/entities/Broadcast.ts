import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { OrgUnitKind } from './OrgUnit';

/** What a broadcast is: an official's announcement, a day's bill reminders, or the notice of a planned shutdown. */
export type BroadcastKind = 'announcement' | 'bill_reminder' | 'planned_shutdown';

/** An announcement to the opted-in consumers of an area (or one bill reminder run). */
@Entity('broadcasts')
export class Broadcast {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 20 })
    kind: BroadcastKind;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    /** The area: a subdivision, division, circle or zone of the discom. */
    @Column({ type: 'varchar', length: 12 })
    unitKind: OrgUnitKind;

    @Column({ type: 'varchar', length: 80 })
    unitName: string;

    /** The message, as the official wrote it. */
    @Column({ type: 'varchar', length: 1000 })
    text: string;

    /** The official who posted it; null for automatic reminders. */
    @Column({ type: 'integer', nullable: true })
    createdBy: number | null;

    /** The console form it came from (official and form token): the same form posted twice, to any instance, makes one. */
    @Index({ unique: true })
    @Column({ type: 'varchar', length: 100, nullable: true })
    submission: string | null;

    /** How many recipients were queued. */
    @Column({ type: 'integer', default: 0 })
    recipients: number;

    @CreateDateColumn()
    createdAt: Date;
}
