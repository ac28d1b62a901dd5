import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { IncidentStatus } from './Incident';

/** One entry of an incident's history: a change of state, cause or restoration time, with who and why. */
@Entity('incident_events')
export class IncidentEvent {
    @PrimaryGeneratedColumn()
    id: number;

    @Index()
    @Column({ type: 'integer' })
    incidentId: number;

    @Column({ type: 'varchar', length: 12 })
    status: IncidentStatus;

    /** `consumer`, `system` or an official's id. */
    @Column({ type: 'varchar', length: 60 })
    actor: string;

    @Column({ type: 'varchar', length: 500, nullable: true })
    note: string | null;

    @CreateDateColumn()
    createdAt: Date;
}
