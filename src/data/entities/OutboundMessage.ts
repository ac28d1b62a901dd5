import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { DeliveryStatus } from '../../../adapters/shared/ports';

/** Delivery states of an outbound message (the adapters' vocabulary); `undeliverable`: not attempted (window closed). */
export type { DeliveryStatus };

/** Every message the bot sent (or could not send) on a platform, with its delivery record. */
@Entity('outbound_messages')
@Index(['channel', 'platformMessageId'])
export class OutboundMessage {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 300 })
    conversationId: string;

    /** Platform user id the message went to (BSUID, phone, PSID, X user id). */
    @Column({ type: 'varchar', length: 200 })
    recipient: string;

    /** text, buttons, list, quick_replies, template… */
    @Column({ type: 'varchar', length: 20 })
    kind: string;

    @Column({ type: 'varchar', length: 200, nullable: true })
    platformMessageId: string | null;

    @Column({ type: 'varchar', length: 15 })
    status: DeliveryStatus;

    /** Platform error code (e.g. 131047) or our reason (e.g. `window_closed`). */
    @Column({ type: 'varchar', length: 40, nullable: true })
    errorCode: string | null;

    @Column({ type: 'varchar', length: 300, nullable: true })
    errorDetail: string | null;

    @CreateDateColumn()
    createdAt: Date;

    @UpdateDateColumn()
    updatedAt: Date;
}
