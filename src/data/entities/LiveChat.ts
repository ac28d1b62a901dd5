import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A consumer's chat as the live-chat console knows it: where to reach them, their area (for scoping), whether they
 * asked for a person, and which official holds it. While `heldBy` is set the bot stays silent there, on every
 * instance; taking and handing back are compare-and-sets on this column.
 */
@Entity('live_chats')
@Index(['channel', 'channelUserId'], { unique: true })
@Index(['discom', 'subdivision'])
@Index(['heldBy'])
export class LiveChat {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    /** The latest ConversationReference (JSON), for the official's replies. */
    @Column({ type: 'text', nullable: true })
    conversationRef: string | null;

    /** The area of the consumer's verified account, or of their callback request; null: not placed. */
    @Column({ type: 'varchar', length: 50, nullable: true })
    discom: string | null;

    @Column({ type: 'varchar', length: 100, nullable: true })
    subdivision: string | null;

    @Column({ type: Date, nullable: true })
    lastInboundAt: Date | null;

    /** Set when the consumer asked for a person during live-chat hours; cleared when an official takes over. */
    @Column({ type: Date, nullable: true })
    waitingSince: Date | null;

    /** The official holding the chat (the bot is silent), or null. */
    @Column({ type: 'integer', nullable: true })
    heldBy: number | null;

    @Column({ type: Date, nullable: true })
    heldSince: Date | null;

    /** The holder's last action (take over, reply): the idle end counts from here. */
    @Column({ type: Date, nullable: true })
    lastOfficialAt: Date | null;

    @CreateDateColumn()
    createdAt: Date;
}
