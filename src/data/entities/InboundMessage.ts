import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One inbound platform message, recorded (with its content) before the webhook is answered and its turn runs. The unique key makes a redelivered webhook (Meta and
 * X retry, and do deliver twice, sometimes concurrently) a no-op, in one process or many.
 */
@Entity('inbound_messages')
@Index(['channel', 'messageKey'], { unique: true })
@Index(['channel', 'conversationKey', 'processedAt'])
export class InboundMessage {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    /** The platform message id, or its SHA-256 when longer than 100 characters. */
    @Column({ type: 'varchar', length: 100 })
    messageKey: string;

    /** The conversation it belongs to: a conversation's messages run in id order under its lock. */
    @Column({ type: 'varchar', length: 200, nullable: true })
    conversationKey: string | null;

    /** The mapped delivery (activity and trusted phone) as JSON, kept until its turn has run. */
    @Column({ type: 'text', nullable: true })
    payload: string | null;

    /** Set when the turn finished; rows without it were acknowledged but not yet processed (replayed at start). */
    @Column({ type: Date, nullable: true })
    processedAt: Date | null;

    @CreateDateColumn()
    receivedAt: Date;
}
