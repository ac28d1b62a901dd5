import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One monthly bill of an account. Money is kept in paise so that sums are exact. */
@Entity('bills')
@Index(['accountNumber', 'billMonth'], { unique: true })
export class Bill {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    /** YYYY-MM. */
    @Column({ type: 'varchar', length: 7 })
    billMonth: string;

    @Column({ type: 'integer' })
    units: number;

    @Column({ type: 'integer' })
    amountPaise: number;

    @Column({ type: 'integer' })
    arrearsPaise: number;

    /** ISO date. */
    @Column({ type: 'varchar', length: 10 })
    dueDate: string;

    @Column({ type: 'boolean' })
    paid: boolean;

    /** ISO date of payment, when paid. */
    @Column({ type: 'varchar', length: 10, nullable: true })
    paymentDate: string | null;
}
