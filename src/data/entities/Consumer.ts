import { Column, Index, Entity, PrimaryColumn } from 'typeorm';

/** Supply area class used by the regulator's service standards. */
export type AreaClass = 'city' | 'urban' | 'rural';

/** An electricity connection, identified by its 10-digit account number. */
@Entity('consumers')
export class Consumer {
    /** 10 ASCII digits. */
    @PrimaryColumn({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 120 })
    name: string;

    /** 10-digit Indian mobile, or null where none is on record. */
    @Index()
    @Column({ type: 'varchar', length: 10, nullable: true })
    registeredMobile: string | null;

    @Column({ type: 'varchar', length: 300 })
    address: string;

    /** PVVNL, MVVNL, DVVNL, PuVVNL or KESCo. */
    @Column({ type: 'varchar', length: 10 })
    discom: string;

    @Column({ type: 'varchar', length: 80 })
    division: string;

    @Column({ type: 'varchar', length: 80 })
    subdivision: string;

    /** UPERC rate schedule code, e.g. LMV-1. */
    @Column({ type: 'varchar', length: 10 })
    tariffCategory: string;

    @Column({ type: 'varchar', length: 5 })
    areaClass: AreaClass;

    /** The 11 kV feeder that supplies the connection, when the import carries it (RDSS consumer indexing). */
    @Column({ type: 'varchar', length: 30, nullable: true })
    feederCode: string | null;

    /** The distribution transformer that supplies the connection, when the import carries it. */
    @Column({ type: 'varchar', length: 30, nullable: true })
    dtCode: string | null;
}
