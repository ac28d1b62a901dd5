import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Kinds of unit in a discom, lowest first. */
export type OrgUnitKind = 'subdivision' | 'division' | 'circle' | 'zone';

/** A unit of a discom and the unit above it: subdivision → division → circle → zone. */
@Entity('org_units')
@Index(['discom', 'kind', 'name'], { unique: true })
export class OrgUnit {
    @PrimaryGeneratedColumn()
    id: number;

    @Column({ type: 'varchar', length: 10 })
    discom: string;

    @Column({ type: 'varchar', length: 12 })
    kind: OrgUnitKind;

    @Column({ type: 'varchar', length: 80 })
    name: string;

    /** Name of the unit above (a division for a subdivision…); null for a zone. */
    @Column({ type: 'varchar', length: 80, nullable: true })
    parentName: string | null;

    /** Where the unit's office (or the centre of its area) is, optional: a shared location finds the nearest subdivision. */
    @Column({ type: 'double precision', nullable: true })
    latitude?: number | null;

    @Column({ type: 'double precision', nullable: true })
    longitude?: number | null;
}
