import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A one-time code sent to a complaint's contact mobile to prove the consumer's "yes, fixed". Only a hash is stored. */
@Entity('closure_codes')
@Index(['complaintId', 'identityId'])
export class ClosureCode {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    complaintId: number;

    /** The channel user who asked for the code; only they can type it back. */
    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 64 })
    codeHash: string;

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
