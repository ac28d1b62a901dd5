import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A person as one channel knows them (WhatsApp number, Messenger PSID, Emulator user…), with their language. */
@Entity('channel_identities')
@Index(['channel', 'channelUserId'], { unique: true })
export class ChannelIdentity {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    /** `en` or `hi`; null until chosen or detected. */
    @Column({ type: 'varchar', length: 5, nullable: true })
    preferredLanguage: string | null;

    /** Sender phone as the channel reported it (10 digits), when it reports one. */
    @Column({ type: 'varchar', length: 10, nullable: true })
    phoneNumber: string | null;

    /** When the user last wrote on this channel: opens WhatsApp's and Messenger's 24-hour reply window. */
    @Column({ type: Date, nullable: true })
    lastInboundAt: Date | null;

    /** Set when the user asked for area announcements and bill reminders; cleared by "stop"/"unsubscribe". */
    @Column({ type: 'boolean', default: false })
    subscribed: boolean;

    /** Where to reach the user for announcements: the latest ConversationReference (JSON). */
    @Column({ type: 'text', nullable: true })
    conversationRef: string | null;

    /** Set when the user asked for no proactive updates or broadcasts. */
    @Column({ type: 'boolean', default: false })
    updatesOptOut: boolean;

    @CreateDateColumn()
    createdAt: Date;

    @UpdateDateColumn()
    updatedAt: Date;
}
