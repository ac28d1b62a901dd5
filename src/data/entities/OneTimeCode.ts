import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A one-time code sent by SMS to prove something in a chat: that the user holds an account (`account`, subject the
 * account number), that a no-account complaint is fixed (`closure`, subject the complaint id), or that a new mobile
 * is theirs (`mobile`, subject the mobile). Only a hash of the code is stored.
 */
@Entity('one_time_codes')
@Index(['purpose', 'subject', 'identityId'])
@Index(['purpose', 'subject', 'createdAt'])
export class OneTimeCode {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 16 })
    purpose: string;

    @Column({ type: 'varchar', length: 40 })
    subject: string;

    /** The channel user who asked for the code; only they can type it back. */
    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 64 })
    codeHash: string;

    /** The mobile the code went to; what it proves is bound to that number. */
    @Column({ type: 'varchar', length: 10 })
    sentTo: string;

    @Column({ type: 'integer' })
    attempts: number;

    /** Epoch milliseconds. */
    @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
    expiresAt: number;

    /** Set once the code was used, replaced or voided by too many attempts. */
    @Column({ type: 'boolean' })
    spent: boolean;

    @CreateDateColumn()
    createdAt: Date;
}
