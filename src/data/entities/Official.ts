import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The engineer hierarchy, lowest first: a breach escalates one level up this ladder. */
export const OFFICIAL_LEVELS = ['JE', 'SDO', 'XEN', 'SE', 'CE'] as const;
/** One of {@link OFFICIAL_LEVELS}. */
export type OfficialLevel = (typeof OFFICIAL_LEVELS)[number];

/** An official who owns complaints of the unit they head (a JE their subdivision, an SDO their division…). */
@Entity('officials')
@Index(['discom', 'level', 'unitName'])
export class Official {
    @PrimaryGeneratedColumn()
    id: number;

    /** Sign-in name for the officials' console. */
    @Index({ unique: true })
    @Column({ type: 'varchar', length: 60 })
    username: string;

    @Column({ type: 'varchar', length: 120 })
    name: string;

    @Column({ type: 'varchar', length: 3 })
    level: OfficialLevel;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    /** The unit headed: a subdivision (JE), division (SDO, XEN), circle (SE) or zone (CE) name. */
    @Column({ type: 'varchar', length: 80 })
    unitName: string;

    /** For notifications on WhatsApp; 10 digits. */
    @Column({ type: 'varchar', length: 10, nullable: true })
    mobile: string | null;

    /** scrypt hash for the console; null until a password is set. */
    @Column({ type: 'varchar', length: 200, nullable: true })
    passwordHash: string | null;

    @Column({ type: 'varchar', length: 5 })
    language: string;

    @Column({ type: 'boolean' })
    active: boolean;

    /** Works the discom's triage desk: sees its unplaced complaints and gives each to a JE (the `triage` import column). */
    @Column({ type: 'boolean', default: false })
    triage?: boolean;

    @CreateDateColumn()
    createdAt: Date;
}
