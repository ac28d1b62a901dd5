import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** How a channel user proved they hold an account. */
export type VerificationMethod = 'phone_match' | 'otp';

/** A verified link between a channel identity and a consumer account; remembered across conversations. */
@Entity('account_links')
@Index(['identityId', 'accountNumber'], { unique: true })
export class AccountLink {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 12 })
    method: VerificationMethod;

    /** The registered mobile the proof was made against; a changed registered mobile voids the link. */
    @Column({ type: 'varchar', length: 10 })
    verifiedMobile: string;

    @CreateDateColumn()
    verifiedAt: Date;
}
