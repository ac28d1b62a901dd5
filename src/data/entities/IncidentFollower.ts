import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A chat that asked to be told when an incident's power is back without reporting it (no ticket): it gets the
 * restoration time's changes and the restoration, as the reporters do.
 */
@Entity('incident_followers')
@Index(['incidentId', 'channel', 'channelUserId'], { unique: true })
export class IncidentFollower {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    incidentId: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    /** The botbuilder ConversationReference (JSON) to send to. */
    @Column({ type: 'text' })
    conversationRef: string;

    @Column({ type: 'varchar', length: 5, nullable: true })
    language: string | null;

    @CreateDateColumn()
    createdAt: Date;
}
