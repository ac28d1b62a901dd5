import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** States of a queued message. `unknown`: the process stopped mid-send, so it is not sent again (never twice). */
export type QueueStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';

/**
 * One message of the persistent outbound queue: broadcasts and reminders, and replies that wait for a platform's
 * allowance (X), which have no broadcast or identity. The unique key on broadcast and recipient means one consumer can
 * never be queued the same announcement twice.
 */
@Entity('outbound_queue')
@Index(['broadcastId', 'identityId'], { unique: true })
@Index(['status', 'nextAttemptAt'])
@Index(['channel', 'conversationKey'])
export class QueuedMessage {
    @PrimaryGeneratedColumn()
    id: number;

    /** The broadcast it belongs to; null for a reply that waits for the platform's allowance. */
    @Column({ type: 'integer', nullable: true })
    broadcastId: number | null;

    /** The channel identity it goes to; null for a waiting reply (sent whatever the user's broadcast choices). */
    @Column({ type: 'integer', nullable: true })
    identityId: number | null;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    /** The botbuilder ConversationReference (JSON) to send to. */
    @Column({ type: 'text' })
    conversationRef: string;

    /** The text in the recipient's language (a waiting X reply: up to 10,000 characters). */
    @Column({ type: 'text' })
    text: string;

    /** The conversation of a waiting reply (its replies go out in order); null for broadcasts. */
    @Column({ type: 'varchar', length: 300, nullable: true })
    conversationKey: string | null;

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
