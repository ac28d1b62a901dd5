import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ComplaintStatus } from './Complaint';

/** One entry of a complaint's status history: who changed it, when and why. */
@Entity('complaint_events')
export class ComplaintEvent {
    @PrimaryGeneratedColumn()
    id: number;

    @Index()
    @Column({ type: 'integer' })
    complaintId: number;

    @Column({ type: 'varchar', length: 15 })
    status: ComplaintStatus;

    /** `consumer`, `system` or an official's id. */
    @Column({ type: 'varchar', length: 60 })
    actor: string;

    @Column({ type: 'varchar', length: 500, nullable: true })
    note: string | null;

    @CreateDateColumn()
    createdAt: Date;
}
