import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who wrote a transcript line: the consumer, the bot, or an official in a live chat. */
export type LiveChatAuthor = 'consumer' | 'bot' | 'official';

/** One line of a chat's transcript, as the console shows it. */
@Entity('live_chat_messages')
@Index(['chatId', 'id'])
@Index(['heldBy', 'createdAt'])
export class LiveChatMessage {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    chatId: number;

    @Column({ type: 'varchar', length: 10 })
    author: LiveChatAuthor;

    /** The official who wrote it (`official` lines). */
    @Column({ type: 'integer', nullable: true })
    officialId: number | null;

    /** For a consumer's line: the official holding the chat when it arrived (the answer rate counts these). */
    @Column({ type: 'integer', nullable: true })
    heldBy: number | null;

    @Column({ type: 'varchar', length: 2000 })
    text: string;

    /** An official's reply: `sent`, or `failed` / `undeliverable` with `errorCode`. */
    @Column({ type: 'varchar', length: 15, nullable: true })
    status: string | null;

    @Column({ type: 'varchar', length: 60, nullable: true })
    errorCode: string | null;

    @Column({ type: Date })
    createdAt: Date;
}
