import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A consumer's request to speak with an officer. */
@Entity('callback_requests')
export class CallbackRequest {
    @PrimaryGeneratedColumn()
    id: number;

    /** Readable reference given to the consumer, e.g. R2611-0007. */
    @Column({ type: 'varchar', length: 20, unique: true })
    reference: string;

    @Column({ type: 'varchar', length: 10, nullable: true })
    accountNumber: string | null;

    @Column({ type: 'varchar', length: 10, nullable: true })
    contactMobile: string | null;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    @Column({ type: 'varchar', length: 15 })
    status: 'open' | 'done';

    @CreateDateColumn()
    createdAt: Date;
}
