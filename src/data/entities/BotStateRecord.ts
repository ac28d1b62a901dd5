import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One botbuilder storage item (conversation or user state) with its eTag. */
@Entity('bot_state')
export class BotStateRecord {
    @PrimaryColumn({ type: 'varchar', length: 700 })
    key: string;

    /** JSON of the item without its eTag. */
    @Column({ type: 'text' })
    data: string;

    @Column({ type: 'varchar', length: 40 })
    etag: string;

    /** Epoch milliseconds of the last write. */
    @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
    updatedAt: number;
}
