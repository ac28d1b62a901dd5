import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time code sent to an account's registered mobile. Only a hash of the code is stored. */
@Entity('verification_codes')
@Index(['identityId', 'accountNumber'])
export class VerificationCode {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 64 })
    codeHash: string;

    /** The registered mobile the code was sent to; the link made with it is bound to that number. */
    @Column({ type: 'varchar', length: 10 })
    sentTo: string;

    @Column({ type: 'integer' })
    attempts: number;

    /** Epoch milliseconds. */
    @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
    expiresAt: number;

    /** Set once the code was used or voided by too many attempts. */
    @Column({ type: 'boolean' })
    spent: boolean;

    @CreateDateColumn()
    createdAt: Date;
}
