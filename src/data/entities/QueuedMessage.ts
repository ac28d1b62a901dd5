import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** States of a queued message. `unknown`: the process stopped mid-send, so it is not sent again (never twice). */
export type QueueStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';

/**
 * One message of the persistent outbound queue (broadcasts, reminders). The unique key on broadcast and recipient
 * means one consumer can never be queued the same announcement twice.
 */
@Entity('outbound_queue')
@Index(['broadcastId', 'identityId'], { unique: true })
@Index(['status', 'nextAttemptAt'])
export class QueuedMessage {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    broadcastId: number;

    /** The channel identity it goes to. */
    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    /** The botbuilder ConversationReference (JSON) to send to. */
    @Column({ type: 'text' })
    conversationRef: string;

    /** The text in the recipient's language. */
    @Column({ type: 'varchar', length: 2000 })
    text: string;

    @Column({ type: 'varchar', length: 10 })
    status: QueueStatus;

    @Column({ type: 'integer', default: 0 })
    attempts: number;

    @Column({ type: Date })
    nextAttemptAt: Date;

    @Column({ type: 'varchar', length: 300, nullable: true })
    lastError: string | null;

    /** The platform's id of the sent message, to read its delivery status from outbound_messages. */
    @Column({ type: 'varchar', length: 200, nullable: true })
    platformMessageId: string | null;

    @CreateDateColumn()
    createdAt: Date;

    @UpdateDateColumn()
    updatedAt: Date;
}
