import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How a meter is billed. */
export type MeterType = 'postpaid' | 'prepaid' | 'smart-prepaid';

/** The meter installed on a connection. */
@Entity('meters')
export class Meter {
    @PrimaryColumn({ type: 'varchar', length: 20 })
    meterNumber: string;

    @Index()
    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 15 })
    meterType: MeterType;

    /** Last accepted reading in kWh. */
    @Column({ type: 'integer' })
    lastReading: number;

    /** ISO date (YYYY-MM-DD) of the last accepted reading. */
    @Column({ type: 'varchar', length: 10 })
    lastReadingDate: string;

    /** Prepaid balance in paise; null for postpaid meters. */
    @Column({ type: 'integer', nullable: true })
    prepaidBalancePaise: number | null;
}
