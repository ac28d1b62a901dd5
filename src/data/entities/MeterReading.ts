import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A reading the consumer submitted themselves. */
@Entity('meter_readings')
export class MeterReading {
    @PrimaryGeneratedColumn()
    id: number;

    @Index()
    @Column({ type: 'varchar', length: 20 })
    meterNumber: string;

    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'integer' })
    reading: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    @CreateDateColumn()
    submittedAt: Date;
}
