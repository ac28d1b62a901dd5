import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A consumer row the CSV import could not place: its subdivision is not in the hierarchy (org_units) of its discom.
 * Kept whole so nothing is lost; an `import org-units` that adds the subdivision, or a re-run of the consumers
 * import, releases it into `consumers` and `meters`.
 */
@Entity('quarantined_consumers')
@Index(['discom', 'subdivision'])
export class QuarantinedConsumer {
    @PrimaryGeneratedColumn()
    id: number;

    @Index({ unique: true })
    @Column({ type: 'varchar', length: 10 })
    accountNumber: string;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    /** The subdivision name the row gave, unknown to the hierarchy when it was quarantined. */
    @Column({ type: 'varchar', length: 80 })
    subdivision: string;

    /** The file and line it came from, for the report. */
    @Column({ type: 'varchar', length: 300 })
    file: string;

    @Column({ type: 'integer' })
    line: number;

    /** The validated consumer and meter, as JSON, written as they are on release. */
    @Column({ type: 'text' })
    record: string;

    @CreateDateColumn()
    createdAt: Date;
}
