import { EntityManager, In } from 'typeorm';
import { Database } from '../data/Database';
import { Consumer } from '../data/entities/Consumer';
import { Official, OfficialLevel } from '../data/entities/Official';
import { OrgUnit, OrgUnitKind } from '../data/entities/OrgUnit';
import { foldForMatching } from '../nlu/normalizeText';
import { hashPassword, verifyPassword } from '../data/passwords';

/** Where a consumer is served: the names of their discom, division and subdivision, as on the consumer record. */
export interface ServiceArea {
    discom: string;
    division: string;
    subdivision: string;
}

/** The units above a subdivision; `circle` and `zone` are null where the hierarchy does not reach that far. */
export interface UnitChain {
    subdivision: string;
    division: string;
    circle: string | null;
    zone: string | null;
}

/** What an official may see: the unit they head, and lazily the subdivisions inside it. */
export interface OfficialScope {
    discom: string;
    kind: OrgUnitKind;
    unitName: string;
    /** Names of the subdivisions in the unit, sorted; a JE's is just their own. */
    subdivisions: () => Promise<string[]>;
}

/** The kind of unit each level heads (the Official entity's convention: SDO and XEN both head a division). */
const UNIT_OF_LEVEL: Record<OfficialLevel, OrgUnitKind> = { JE: 'subdivision', SDO: 'division', XEN: 'division', SE: 'circle', CE: 'zone' };
const CHILD_KIND: Partial<Record<OrgUnitKind, OrgUnitKind>> = { zone: 'circle', circle: 'division', division: 'subdivision' };

// Verified against when the username is unknown, so a failed sign-in takes as long either way and does not reveal
// which usernames exist.
let decoyHash: Promise<string> | undefined;

/**
 * Officials and the line hierarchy (subdivision → division → circle → zone) from the `officials` and `org_units`
 * tables: who owns a consumer's complaint at each escalation level, and which subdivisions an official may see.
 */
export class OfficialDirectory {
    constructor(private readonly db: Database) {}

    /**
     * The division, circle and zone above a consumer's subdivision. The org_units table wins over the consumer record;
     * where it lacks the subdivision, the consumer's own division name is used, so a JE/SDO/XEN can still be found.
     */
    async unitChain(discom: string, subdivision: string, division: string): Promise<UnitChain> {
        return this.db.run((m) => chainOf(m, discom, subdivision, division));
    }

    /**
     * The active official of `level` heading the unit that serves `area`, or null when there is none (no such unit in
     * the hierarchy, or no active official there). Among several, the longest-standing (lowest id) owns it.
     */
    async ownerFor(area: ServiceArea, level: OfficialLevel): Promise<Official | null> {
        return this.db.run(async (m) => {
            const chain = await chainOf(m, area.discom, area.subdivision, area.division);
            const unitName = chain[UNIT_OF_LEVEL[level]];
            if (unitName === null) return null;
            return m.getRepository(Official).findOne({ where: { discom: area.discom, level, unitName, active: true }, order: { id: 'ASC' } });
        });
    }

    /**
     * The subdivision a complaint without an account names in its address or description ("near the tank, Vibhuti
     * Khand, Lucknow"), so the complaint reaches that subdivision's JE; only subdivisions of `discom` when given (the
     * district's discom: a name shared with another discom never pulls the complaint there). The longest name found
     * wins; two different subdivisions of that length (the same name in two discoms) place nothing.
     */
    async subdivisionNamedIn(text: string, discom?: string | null): Promise<ServiceArea | null> {
        const folded = ` ${foldForMatching(text).replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')} `;
        if (folded.trim() === '') return null;
        const units = await this.db.run((m) =>
            m.getRepository(OrgUnit).find({
                where: discom ? { kind: 'subdivision', discom } : { kind: 'subdivision' },
                select: { discom: true, name: true, parentName: true },
            })
        );
        const named = units
            .map((u) => ({
                unit: u,
                name: foldForMatching(u.name)
                    .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
                    .trim(),
            }))
            .filter(({ name }) => name.length >= 3 && folded.includes(` ${name} `))
            .sort((a, b) => b.name.length - a.name.length);
        if (named.length === 0 || (named.length > 1 && named[1].name.length === named[0].name.length)) return null;
        const { unit } = named[0];
        return { discom: unit.discom, subdivision: unit.name, division: unit.parentName ?? '' };
    }

    /**
     * The subdivision whose recorded location (org_units latitude/longitude) is nearest to a shared location, when
     * within `radiusKm`; null when none is that near (or no unit has a location).
     */
    async nearestSubdivision(latitude: number, longitude: number, radiusKm: number): Promise<ServiceArea | null> {
        const units = await this.db.run((m) =>
            m
                .getRepository(OrgUnit)
                .createQueryBuilder('u')
                .where('u.kind = :kind AND u.latitude IS NOT NULL AND u.longitude IS NOT NULL', { kind: 'subdivision' })
                .getMany()
        );
        let best: { unit: OrgUnit; km: number } | null = null;
        for (const unit of units) {
            const km = distanceKm(latitude, longitude, unit.latitude!, unit.longitude!);
            if (km <= radiusKm && (!best || km < best.km)) best = { unit, km };
        }
        return best ? { discom: best.unit.discom, subdivision: best.unit.name, division: best.unit.parentName ?? '' } : null;
    }

    /**
     * The JEs a triage official may give a complaint of `discom` to: every active JE heading a subdivision of the
     * discom's hierarchy, sorted by subdivision.
     */
    async subdivisionEngineers(discom: string): Promise<Array<{ official: Official; area: ServiceArea }>> {
        return this.db.run(async (m) => {
            const units = await m.getRepository(OrgUnit).find({ where: { discom, kind: 'subdivision' }, select: { name: true, parentName: true } });
            if (units.length === 0) return [];
            const unitOf = new Map(units.map((u) => [u.name, u]));
            const jes = await m
                .getRepository(Official)
                .find({ where: { discom, level: 'JE', active: true, unitName: In([...unitOf.keys()]) }, order: { id: 'ASC' } });
            return jes
                .map((official) => ({ official, area: { discom, subdivision: official.unitName, division: unitOf.get(official.unitName)?.parentName ?? '' } }))
                .sort((a, b) => a.area.subdivision.localeCompare(b.area.subdivision) || a.official.id - b.official.id);
        });
    }

    /**
     * The discom's senior officials, told when its triage desk has not placed a complaint in time: its active CEs
     * (the heads of its zones, the top of the hierarchy the bot knows).
     */
    async seniorsOf(discom: string): Promise<Official[]> {
        return this.db.run((m) => m.getRepository(Official).find({ where: { discom, level: 'CE', active: true }, order: { id: 'ASC' } }));
    }

    /** The active officials with the triage role in `discom`, told when a complaint lands on its desk. */
    async triageOfficialsOf(discom: string): Promise<Official[]> {
        return this.db.run((m) => m.getRepository(Official).find({ where: { discom, triage: true, active: true }, order: { id: 'ASC' } }));
    }

    /** Whether `official` works `discom`'s triage desk (see {@link worksTriageDesk}) and is active. */
    canTriage(official: Official, discom: string | null): boolean {
        return official.active && discom !== null && official.discom === discom && worksTriageDesk(official);
    }

    /** The official with this sign-in name (case-insensitive), active or not. */
    async findByUsername(username: string): Promise<Official | null> {
        const normalised = username.trim().toLowerCase();
        if (normalised === '') return null;
        return this.db.run((m) => m.getRepository(Official).findOneBy({ username: normalised }));
    }

    /** The official with this id, active or not. */
    async findById(id: number): Promise<Official | null> {
        if (!Number.isSafeInteger(id)) return null;
        return this.db.run((m) => m.getRepository(Official).findOneBy({ id }));
    }

    /**
     * The active official whose username and password match, or null. Takes about as long for an unknown username
     * as for a wrong password.
     */
    async authenticate(username: string, password: string): Promise<Official | null> {
        const official = await this.findByUsername(username);
        if (!official || !official.passwordHash) {
            decoyHash ??= hashPassword('decoy password, never matched');
            await verifyPassword(password, await decoyHash);
            return null;
        }
        const matches = await verifyPassword(password, official.passwordHash);
        return matches && official.active ? official : null;
    }

    /** Whether `area` lies in the unit `official` heads (see {@link scopeOf}). */
    async covers(official: Official, area: { discom: string; subdivision: string }): Promise<boolean> {
        const scope = this.scopeOf(official);
        return scope.discom === area.discom && (await scope.subdivisions()).includes(area.subdivision);
    }

    /**
     * The area an official may see: a JE their subdivision; an SDO or XEN every subdivision of their division; an SE of
     * their circle; a CE of their zone. It says nothing about whether the account is active; sign-in checks that.
     */
    scopeOf(official: Official): OfficialScope {
        const kind = UNIT_OF_LEVEL[official.level];
        const { discom, unitName } = official;
        return {
            discom,
            kind,
            unitName,
            subdivisions: async () => (kind === 'subdivision' ? [unitName] : this.db.run((m) => subdivisionsUnder(m, discom, kind, unitName))),
        };
    }
}

/** Whether `official` works their discom's triage desk: the triage role, or a CE (to whom late triage escalates). */
export function worksTriageDesk(official: Pick<Official, 'triage' | 'level'>): boolean {
    return official.triage === true || official.level === 'CE';
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance (haversine), in kilometres. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
    const rad = Math.PI / 180;
    const dLat = (lat2 - lat1) * rad;
    const dLon = (lon2 - lon1) * rad;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

async function parentOf(m: EntityManager, discom: string, kind: OrgUnitKind, name: string): Promise<string | null> {
    const unit = await m.getRepository(OrgUnit).findOneBy({ discom, kind, name });
    return unit?.parentName ?? null;
}

async function chainOf(m: EntityManager, discom: string, subdivision: string, division: string): Promise<UnitChain> {
    const owningDivision = (await parentOf(m, discom, 'subdivision', subdivision)) ?? division;
    const circle = await parentOf(m, discom, 'division', owningDivision);
    const zone = circle === null ? null : await parentOf(m, discom, 'circle', circle);
    return { subdivision, division: owningDivision, circle, zone };
}

/**
 * Subdivisions inside a division, circle or zone. Besides those in org_units, a consumer's subdivision that org_units
 * lacks counts under the consumer's division, as {@link chainOf} routes it: whoever a complaint escalates to must see it.
 */
async function subdivisionsUnder(m: EntityManager, discom: string, kind: OrgUnitKind, unitName: string): Promise<string[]> {
    const units = m.getRepository(OrgUnit);
    let names = [unitName];
    let current: OrgUnitKind = kind;
    while (current !== 'division') {
        const child = CHILD_KIND[current]!;
        if (names.length === 0) return [];
        names = (await units.find({ where: { discom, kind: child, parentName: In(names) }, select: { name: true } })).map((u) => u.name);
        current = child;
    }
    if (names.length === 0) return [];
    const found = new Set((await units.find({ where: { discom, kind: 'subdivision', parentName: In(names) }, select: { name: true } })).map((u) => u.name));
    const fromConsumers = await m
        .createQueryBuilder(Consumer, 'c')
        .select('DISTINCT c.subdivision', 'subdivision')
        .where('c.discom = :discom AND c.division IN (:...names)', { discom, names })
        .getRawMany<{ subdivision: string }>();
    const candidates = fromConsumers.map((r) => r.subdivision).filter((s) => !found.has(s));
    if (candidates.length > 0) {
        const known = new Set((await units.find({ where: { discom, kind: 'subdivision', name: In(candidates) }, select: { name: true } })).map((u) => u.name));
        for (const name of candidates) if (!known.has(name)) found.add(name);
    }
    return [...found].sort();
}
