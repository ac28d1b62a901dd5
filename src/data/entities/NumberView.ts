import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One showing of a consumer's full account and mobile numbers to the official a complaint is assigned to: who saw
 * them, on which complaint, and when. Officials above can see who looked.
 */
@Entity('number_views')
@Index(['complaintId', 'id'])
export class NumberView {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'integer' })
    complaintId: number;

    @Column({ type: 'integer' })
    officialId: number;

    /** From the app's clock, so that tests and the audit agree on the time. */
    @Column({ type: Date })
    viewedAt: Date;

    @CreateDateColumn()
    createdAt: Date;
}
