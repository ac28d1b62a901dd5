import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One answer to the account-knowledge questions (last bill amount and meter number) by one requester. Counted in the
 * database, per account and per requester, so restarts and several instances share the limit.
 */
@Entity('mobile_proof_attempts')
@Index(['accountNumber', 'at'])
export class MobileProofAttempt {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'boolean' })
    succeeded: boolean;

    @Column({ type: Date })
    at: Date;
}
