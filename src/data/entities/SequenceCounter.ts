import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Monotonic counters behind readable references (tickets, callback requests), one row per prefix and month. */
@Entity('sequence_counters')
export class SequenceCounter {
    @PrimaryColumn({ type: 'varchar', length: 20 })
    name: string;

    @Column({ type: 'integer' })
    value: number;
}
