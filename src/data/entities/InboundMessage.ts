import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One inbound platform message, recorded before its turn runs. The unique key makes a redelivered webhook (Meta and
 * X retry, and do deliver twice, sometimes concurrently) a no-op, in one process or many.
 */
@Entity('inbound_messages')
@Index(['channel', 'messageKey'], { unique: true })
export class InboundMessage {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    /** The platform message id, or its SHA-256 when longer than 100 characters. */
    @Column({ type: 'varchar', length: 100 })
    messageKey: string;

    @CreateDateColumn()
    receivedAt: Date;
}
