import { Brackets, In } from 'typeorm';
import type { BroadcastReport, BroadcastService } from '../broadcast/BroadcastService';
import { Database } from '../data/Database';
import { Broadcast } from '../data/entities/Broadcast';
import { Official, OfficialLevel } from '../data/entities/Official';
import { OrgUnit, OrgUnitKind } from '../data/entities/OrgUnit';
import type { ConsoleScope } from './ConsoleQueries';

/** An area an official may address: their own unit or a unit inside it. */
export interface BroadcastArea {
    kind: OrgUnitKind;
    name: string;
}

/** A broadcast as the console lists it: who posted it and how its delivery stands. */
export interface BroadcastRow {
    broadcast: Broadcast;
    author: Official | null;
    report: BroadcastReport;
}

/** Broadcasts listed on the page at most. */
export const RECENT_BROADCASTS = 20;

const UNIT_OF_LEVEL: Record<OfficialLevel, OrgUnitKind> = { JE: 'subdivision', SDO: 'division', XEN: 'division', SE: 'circle', CE: 'zone' };
const LEVELS_OF_UNIT: Record<OrgUnitKind, OfficialLevel[]> = { subdivision: ['JE'], division: ['SDO', 'XEN'], circle: ['SE'], zone: ['CE'] };
/** Largest unit first: the order of the area list. */
const KINDS_DOWN: OrgUnitKind[] = ['zone', 'circle', 'division', 'subdivision'];

/** The value of an area in the form's select: `kind:name` (a kind never holds a colon). */
export function areaValue(area: BroadcastArea): string {
    return `${area.kind}:${area.name}`;
}

/** Parses {@link areaValue}; null for anything malformed. */
export function parseAreaValue(value: string | undefined): BroadcastArea | null {
    if (!value || value.length > 120) return null;
    const colon = value.indexOf(':');
    if (colon < 0) return null;
    const kind = value.slice(0, colon) as OrgUnitKind;
    const name = value.slice(colon + 1);
    if (!KINDS_DOWN.includes(kind) || name.trim() === '') return null;
    return { kind, name };
}

/**
 * The console's side of area broadcasts: which areas an official may address, which broadcasts they may see, and
 * those broadcasts with their delivery reports. Queuing itself is the {@link BroadcastService}'s.
 */
export class ConsoleBroadcasts {
    constructor(
        private readonly db: Database,
        private readonly broadcasts: BroadcastService
    ) {}

    /**
     * The areas the official may post to: their own unit first, then every unit inside it, largest first (a CE's
     * circles, divisions and subdivisions; an SE's divisions and subdivisions; an SDO's or XEN's subdivisions; a JE
     * only their subdivision). Subdivisions are the scope's, so they match what the queue shows.
     */
    async areasOf(scope: ConsoleScope): Promise<BroadcastArea[]> {
        const ownKind = UNIT_OF_LEVEL[scope.official.level];
        const areas: BroadcastArea[] = [{ kind: ownKind, name: scope.official.unitName }];
        let parents = [scope.official.unitName];
        for (const kind of KINDS_DOWN.slice(KINDS_DOWN.indexOf(ownKind) + 1)) {
            let names: string[];
            if (kind === 'subdivision') {
                names = scope.subdivisions;
            } else {
                if (parents.length === 0) break;
                const parentNames = parents;
                names = (
                    await this.db.run((m) =>
                        m.getRepository(OrgUnit).find({
                            where: { discom: scope.discom, kind, parentName: In(parentNames) },
                            select: { name: true },
                        })
                    )
                ).map((u) => u.name);
            }
            names = [...new Set(names)].sort((a, b) => a.localeCompare(b));
            areas.push(...names.filter((name) => !(kind === ownKind && name === scope.official.unitName)).map((name) => ({ kind, name })));
            parents = names;
        }
        return areas;
    }

    /** The area in `areas` equal to `wanted`, or null: the server-side check of a posted area. */
    static find(areas: BroadcastArea[], wanted: BroadcastArea | null): BroadcastArea | null {
        if (!wanted) return null;
        return areas.find((a) => a.kind === wanted.kind && a.name === wanted.name) ?? null;
    }

    /**
     * The official's recent announcements, newest first: those posted by any official of an area in scope (the
     * official, colleagues of the same unit, officials of the units below) and those addressed to an area in scope.
     */
    async recent(scope: ConsoleScope, areas: BroadcastArea[], limit = RECENT_BROADCASTS): Promise<BroadcastRow[]> {
        const authors = await this.authorsIn(scope, areas);
        const found = await this.db.run((m) => {
            const qb = m
                .getRepository(Broadcast)
                .createQueryBuilder('b')
                .where('b.kind = :kind AND b.discom = :discom', { kind: 'announcement', discom: scope.discom })
                .andWhere(this.visibleTo(authors, areas))
                .orderBy('b.id', 'DESC')
                .limit(limit);
            return qb.getMany();
        });
        return this.withReports(found);
    }

    /** One announcement the official may see, with its report; null when there is none or it is out of scope. */
    async visible(scope: ConsoleScope, areas: BroadcastArea[], id: number): Promise<BroadcastRow | null> {
        if (!Number.isSafeInteger(id) || id < 1) return null;
        const authors = await this.authorsIn(scope, areas);
        const found = await this.db.run((m) =>
            m
                .getRepository(Broadcast)
                .createQueryBuilder('b')
                .where('b.id = :id AND b.kind = :kind AND b.discom = :discom', { id, kind: 'announcement', discom: scope.discom })
                .andWhere(this.visibleTo(authors, areas))
                .getOne()
        );
        if (!found) return null;
        return (await this.withReports([found]))[0];
    }

    /** Officials (active or not: their past posts stay listed) heading an area of `areas`. */
    private async authorsIn(scope: ConsoleScope, areas: BroadcastArea[]): Promise<Official[]> {
        const conditions = KINDS_DOWN.map((kind) => ({ kind, names: areas.filter((a) => a.kind === kind).map((a) => a.name) }))
            .filter((group) => group.names.length > 0)
            .map((group) => ({ discom: scope.discom, level: In(LEVELS_OF_UNIT[group.kind]), unitName: In(group.names) }));
        if (conditions.length === 0) return [];
        return this.db.run((m) => m.getRepository(Official).find({ where: conditions }));
    }

    /** `createdBy` one of the authors, or the area one of `areas` (parameter names prefixed to stay unique). */
    private visibleTo(authors: Official[], areas: BroadcastArea[]): Brackets {
        return new Brackets((w) => {
            w.where('1 = 0');
            if (authors.length > 0) w.orWhere('b.createdBy IN (:...visAuthors)', { visAuthors: authors.map((o) => o.id) });
            for (const kind of KINDS_DOWN) {
                const names = areas.filter((a) => a.kind === kind).map((a) => a.name);
                if (names.length > 0)
                    w.orWhere(`(b.unitKind = :visKind_${kind} AND b.unitName IN (:...visNames_${kind}))`, {
                        [`visKind_${kind}`]: kind,
                        [`visNames_${kind}`]: names,
                    });
            }
        });
    }

    private async withReports(found: Broadcast[]): Promise<BroadcastRow[]> {
        const authorIds = [...new Set(found.map((b) => b.createdBy).filter((id): id is number => id !== null))];
        const authors = authorIds.length ? await this.db.run((m) => m.getRepository(Official).findBy({ id: In(authorIds) })) : [];
        const byId = new Map(authors.map((o) => [o.id, o]));
        const rows: BroadcastRow[] = [];
        for (const broadcast of found) {
            rows.push({
                broadcast,
                author: broadcast.createdBy === null ? null : (byId.get(broadcast.createdBy) ?? null),
                report: await this.broadcasts.report(broadcast.id),
            });
        }
        return rows;
    }
}
