import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A no-supply report still being made: the chat has said the power is off and where (an account, or a place), but has
 * not yet been registered. In a burst most reporters are in this state at once, so grouping counts them too; a
 * complaint of the same reporter replaces it.
 */
@Entity('outage_sightings')
@Index(['outageArea', 'seenAt'])
@Index(['channel', 'channelUserId', 'outageArea'], { unique: true })
export class OutageSighting {
    @PrimaryGeneratedColumn()
    id: number;

    /** "discom|subdivision", as on complaints. */
    @Column({ type: 'varchar', length: 100 })
    outageArea: string;

    @Column({ type: 'varchar', length: 30 })
    channel: string;

    @Column({ type: 'varchar', length: 200 })
    channelUserId: string;

    @Column({ type: 'varchar', length: 10, nullable: true })
    accountNumber: string | null;

    @Column({ type: 'varchar', length: 30, nullable: true })
    feederCode: string | null;

    @Column({ type: 'varchar', length: 30, nullable: true })
    dtCode: string | null;

    /** Place words (space-separated), see localityWords. */
    @Column({ type: 'varchar', length: 300 })
    locality: string;

    @Column({ type: 'double precision', nullable: true })
    latitude: number | null;

    @Column({ type: 'double precision', nullable: true })
    longitude: number | null;

    /** When the report was last made (by the application's clock). */
    @Column({ type: Date })
    seenAt: Date;
}
