import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `pending` waits for the subdivision's decision; `approved` and `refused` are final. */
export type MobileRequestStatus = 'pending' | 'approved' | 'refused';

/** How the requester proved they hold the account: a code to the old registered mobile, or knowledge of the account. */
export type HolderProof = 'old_mobile' | 'knowledge';

/** How the new mobile was proved to be the requester's: a code sent to it, or the channel vouching for the sender's phone. */
export type NewMobileProof = 'otp' | 'channel';

/**
 * A consumer's request, made in the bot, to link or change the registered mobile of an account. The subdivision's
 * officials decide it in the console; approval changes the consumer's registered mobile and voids verified links.
 */
@Entity('mobile_change_requests')
@Index(['discom', 'subdivision'])
export class MobileChangeRequest {
    @PrimaryGeneratedColumn()
    id: number;

    /** `M2612-0001`. */
    @Index({ unique: true })
    @Column({ type: 'varchar', length: 20 })
    reference: string;

    @Index()
    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    /** The account's discom and subdivision when asked, for the console's scope. */
    @Column({ type: 'varchar', length: 20 })
    discom: string;

    @Column({ type: 'varchar', length: 80 })
    subdivision: string;

    /** The registered mobile when the request was made (null: none was on record). */
    @Column({ type: 'varchar', length: 10, nullable: true })
    oldMobile: string | null;

    @Column({ type: 'varchar', length: 10 })
    newMobile: string;

    @Column({ type: 'varchar', length: 12 })
    holderProof: HolderProof;

    @Column({ type: 'varchar', length: 10 })
    newMobileProof: NewMobileProof;

    @Index()
    @Column({ type: 'varchar', length: 10 })
    status: MobileRequestStatus;

    @Column({ type: 'varchar', length: 500, nullable: true })
    refusalReason: string | null;

    /** Who asked: the channel identity, and the chat to tell the decision in. */
    @Column({ type: 'integer' })
    identityId: number;

    @Column({ type: 'varchar', length: 40 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    @Column({ type: 'text', nullable: true })
    conversationRef: string | null;

    @Column({ type: 'varchar', length: 5, nullable: true })
    language: string | null;

    @Column({ type: Date })
    createdAt: Date;

    /** After this a pending request is late (`MOBILE_REQUEST_DUE_HOURS`). */
    @Column({ type: Date })
    dueAt: Date;

    @Column({ type: Date, nullable: true })
    decidedAt: Date | null;

    @Column({ type: 'integer', nullable: true })
    decidedBy: number | null;

    /**
     * When a consumers import first carried the approved number. Until then an import keeps the approved number (an
     * export taken before the change would bring the old one back); after it, imports set the mobile as before.
     */
    @Column({ type: Date, nullable: true })
    settledAt: Date | null;
}
