import { Brackets, EntityManager, FindOptionsWhere, In, SelectQueryBuilder } from 'typeorm';
import { Database } from '../data/Database';
import { Complaint, ComplaintStatus } from '../data/entities/Complaint';
import { ComplaintEvent } from '../data/entities/ComplaintEvent';
import { Consumer } from '../data/entities/Consumer';
import { NumberView } from '../data/entities/NumberView';
import { Official, OFFICIAL_LEVELS, OfficialLevel } from '../data/entities/Official';
import { OrgUnit, OrgUnitKind } from '../data/entities/OrgUnit';
import { OPEN_STATUSES } from '../services/complaintStatuses';
import { OfficialDirectory, worksTriageDesk } from '../services/OfficialDirectory';

/** Every complaint status, in lifecycle order. */
export const ALL_STATUSES: ComplaintStatus[] = ['registered', 'assigned', 'in_progress', 'resolved', 'unconfirmed', 'reopened', 'closed'];

/** What one signed-in official may see: complaints of consumers in these subdivisions (of their discom), and any complaint assigned to them. */
export interface ConsoleScope {
    official: Official;
    discom: string;
    /** Sorted subdivision names. */
    subdivisions: string[];
}

/** Queue filters from the query string; null means "any". */
export interface QueueFilters {
    /** `open` (registered, assigned, in progress, reopened, and unconfirmed awaiting a re-check), `all`, or one status. */
    status: 'open' | 'all' | ComplaintStatus;
    category: string | null;
    subdivision: string | null;
}

/** A complaint with the consumer it is about (null on the no-account path or an unknown account) and its owner. */
export interface ComplaintRow {
    complaint: Complaint;
    consumer: Consumer | null;
    assignee: Official | null;
}

/** One history entry with the official who made it, when an official did. */
export interface HistoryEntry {
    event: ComplaintEvent;
    official: Official | null;
}

/** One showing of a complaint's full numbers, with the official who saw them. */
export interface NumberViewEntry {
    view: NumberView;
    official: Official | null;
}

/** What a notice says happened: the complaint was given to the official at registration, by escalation or by hand. */
export type NoticeKind = 'assigned' | 'escalated' | 'reassigned';

/** One entry of the notices panel: an event that made the signed-in official the owner of a complaint. */
export interface Notice {
    kind: NoticeKind;
    event: ComplaintEvent;
    /** The official who caused it (reassigned or escalated by hand); null for the system. */
    actor: Official | null;
    complaint: Complaint;
}

/** Counts and medians for one category or subdivision of the dashboard. */
export interface DashboardGroup {
    /** Category id, or subdivision name ('' for complaints with no account). */
    key: string;
    open: number;
    breached: number;
    resolved: number;
    /** Median of resolvedAt − createdAt over complaints resolved in the window, in hours; null when none. */
    medianHours: number | null;
}

/** The dashboard of one official's scope. */
export interface DashboardData {
    open: number;
    breached: number;
    resolved: number;
    medianHours: number | null;
    windowDays: number;
    byCategory: DashboardGroup[];
    bySubdivision: DashboardGroup[];
}

type WithJoins = Complaint & { consumer?: Consumer | null; assignee?: Official | null };

const UNIT_OF_LEVEL: Record<OfficialLevel, OrgUnitKind> = { JE: 'subdivision', SDO: 'division', XEN: 'division', SE: 'circle', CE: 'zone' };
const UNIT_ORDER: OrgUnitKind[] = ['subdivision', 'division', 'circle', 'zone'];
const LEVELS_OF_UNIT: Record<OrgUnitKind, OfficialLevel[]> = { subdivision: ['JE'], division: ['SDO', 'XEN'], circle: ['SE'], zone: ['CE'] };

/** Whether `complaint` is one the official of `scope` may see and act on. */
export function isVisible(scope: ConsoleScope, complaint: Complaint, consumer: Consumer | null): boolean {
    if (complaint.assignedOfficialId === scope.official.id) return true;
    if (complaint.assignedOfficialId === null) {
        // Unowned: its discom's triage desk (triage officials and CEs), never another discom's; besides, as for any
        // complaint, the officials whose area holds the consumer's subdivision.
        if (complaint.discom !== null && complaint.discom === scope.discom && worksTriageDesk(scope.official)) return true;
        if (complaint.discom === null && complaint.accountNumber === null && seesUnrouted(scope)) return true;
    }
    // A complaint without an account placed in a subdivision belongs to that subdivision's line.
    if (complaint.accountNumber === null && complaint.subdivision !== null)
        return complaint.discom === scope.discom && scope.subdivisions.includes(complaint.subdivision);
    return consumer !== null && consumer.discom === scope.discom && scope.subdivisions.includes(consumer.subdivision);
}

/**
 * A complaint without an account from before districts were asked has no discom: until one is assigned it shows to
 * officials of SDO level and above of every discom (the address decides whose it is), who reassign it.
 */
function seesUnrouted(scope: ConsoleScope): boolean {
    return scope.official.level !== 'JE';
}

/** Median of a list of numbers; null when empty. */
export function median(values: number[]): number | null {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Whether an open complaint is past its due time at `now` (a resolved one: whether it was resolved late). */
export function isBreached(complaint: Complaint, now: Date): boolean {
    if (!complaint.dueAt) return false;
    if (OPEN_STATUSES.includes(complaint.status)) return complaint.dueAt.getTime() < now.getTime();
    return complaint.resolvedAt !== null && complaint.resolvedAt.getTime() > complaint.dueAt.getTime();
}

/**
 * Complaints the official of `scope` may see (`c`), with their consumer (`cons`) and owner (`o`) joined; the caller
 * adds conditions with `andWhere`.
 */
export function scopedComplaints(m: EntityManager, scope: ConsoleScope): SelectQueryBuilder<Complaint> {
    return m
        .getRepository(Complaint)
        .createQueryBuilder('c')
        .leftJoinAndMapOne('c.consumer', Consumer, 'cons', 'cons.accountNumber = c.accountNumber')
        .leftJoinAndMapOne('c.assignee', Official, 'o', 'o.id = c.assignedOfficialId')
        .where(
            new Brackets((w) => {
                w.where('c.assignedOfficialId = :scopeOfficialId', { scopeOfficialId: scope.official.id });
                if (worksTriageDesk(scope.official)) w.orWhere('(c.assignedOfficialId IS NULL AND c.discom = :unownedDiscom)', { unownedDiscom: scope.discom });
                if (seesUnrouted(scope)) w.orWhere('(c.accountNumber IS NULL AND c.assignedOfficialId IS NULL AND c.discom IS NULL)');
                if (scope.subdivisions.length > 0) {
                    w.orWhere('(c.accountNumber IS NULL AND c.discom = :placedDiscom AND c.subdivision IN (:...placedSubdivisions))', {
                        placedDiscom: scope.discom,
                        placedSubdivisions: scope.subdivisions,
                    });
                    w.orWhere('(cons.discom = :scopeDiscom AND cons.subdivision IN (:...scopeSubdivisions))', {
                        scopeDiscom: scope.discom,
                        scopeSubdivisions: scope.subdivisions,
                    });
                }
            })
        );
}

/** The console's reads: every query is limited to the signed-in official's scope. */
export class ConsoleQueries {
    constructor(
        private readonly db: Database,
        private readonly directory: OfficialDirectory,
        /** Categories that endanger life: listed first in the queue, however much time they have left. */
        private readonly isHazard: (category: string) => boolean = () => false
    ) {}

    /** The scope of an official, with the subdivision names resolved. */
    async scopeOf(official: Official): Promise<ConsoleScope> {
        const scope = this.directory.scopeOf(official);
        return { official, discom: scope.discom, subdivisions: await scope.subdivisions() };
    }

    /**
     * The queue: complaints in scope matching the filters, hazards (a fallen wire) first, then breached ones, then by
     * due time. At most `limit` rows
     * (the most urgent for open statuses, the newest otherwise); `truncated` says when there were more.
     */
    async queue(scope: ConsoleScope, filters: QueueFilters, now: Date, limit = 500): Promise<{ rows: ComplaintRow[]; truncated: boolean }> {
        const found = await this.db.run(async (m) => {
            const qb = this.scoped(m, scope);
            // An unconfirmed resolution is the field staff's work again until they record the re-check.
            if (filters.status === 'open')
                qb.andWhere("(c.status IN (:...openStatuses) OR (c.status = 'unconfirmed' AND c.recheckDueAt IS NOT NULL))", { openStatuses: OPEN_STATUSES });
            else if (filters.status !== 'all') qb.andWhere('c.status = :status', { status: filters.status });
            if (filters.category) qb.andWhere('c.category = :category', { category: filters.category });
            if (filters.subdivision) qb.andWhere('cons.subdivision = :subdivision', { subdivision: filters.subdivision });
            if (filters.status === 'open') qb.orderBy('c.dueAt', 'ASC', 'NULLS LAST').addOrderBy('c.id', 'ASC');
            else qb.orderBy('c.id', 'DESC');
            return (await qb.limit(limit + 1).getMany()) as WithJoins[];
        });
        const truncated = found.length > limit;
        const rows = found.slice(0, limit).map(toRow);
        const danger = (row: ComplaintRow) => (this.isHazard(row.complaint.category) && OPEN_STATUSES.includes(row.complaint.status) ? 0 : 1);
        rows.sort(
            (a, b) =>
                danger(a) - danger(b) ||
                urgency(a.complaint, now) - urgency(b.complaint, now) ||
                dueTime(a.complaint) - dueTime(b.complaint) ||
                a.complaint.id - b.complaint.id
        );
        return { rows, truncated };
    }

    /** The complaint with this ticket when the official may see it; null when it does not exist or is out of scope. */
    async visibleComplaint(scope: ConsoleScope, ticket: string): Promise<ComplaintRow | null> {
        const normalised = ticket.trim().toUpperCase();
        if (!/^[A-Z0-9-]{1,20}$/.test(normalised)) return null;
        const found = await this.db.run(
            async (m) =>
                (await m
                    .getRepository(Complaint)
                    .createQueryBuilder('c')
                    .leftJoinAndMapOne('c.consumer', Consumer, 'cons', 'cons.accountNumber = c.accountNumber')
                    .leftJoinAndMapOne('c.assignee', Official, 'o', 'o.id = c.assignedOfficialId')
                    .where('c.ticket = :ticket', { ticket: normalised })
                    .getOne()) as WithJoins | null
        );
        if (!found) return null;
        const row = toRow(found);
        return isVisible(scope, row.complaint, row.consumer) ? row : null;
    }

    /** The full history of a complaint, oldest first, with the officials who acted. */
    async history(complaintId: number): Promise<HistoryEntry[]> {
        return this.db.run(async (m) => {
            const events = await m.getRepository(ComplaintEvent).find({ where: { complaintId }, order: { id: 'ASC' } });
            const ids = [...new Set(events.map((e) => officialIdOf(e.actor)).filter((id): id is number => id !== null))];
            const officials = ids.length ? await m.getRepository(Official).findBy({ id: In(ids) }) : [];
            const byId = new Map(officials.map((o) => [o.id, o]));
            return events.map((event) => ({ event, official: byId.get(officialIdOf(event.actor) ?? -1) ?? null }));
        });
    }

    /**
     * Who a complaint may be handed to, so that the new owner can see it (as its owner, whatever their area):
     * - up the chain: the officials whose own area covers it (the JE of its subdivision, the SDO and XEN of its
     *   division, the SE of its circle, the CE of its zone; for a complaint without an account, those of the
     *   signed-in official's unit and the units above it);
     * - peers: officials of the signed-in official's level whose units share its parent (the JE next door, another
     *   division's SDO of the same circle);
     * - for officials above JE, the JEs of every subdivision of their area, who do the work in the field.
     * Only active officials of the complaint's discom; the current owner is left out.
     */
    async reassignCandidates(scope: ConsoleScope, row: ComplaintRow): Promise<Official[]> {
        const discom = row.consumer?.discom ?? scope.discom;
        const { official } = scope;
        const units: Array<{ kind: OrgUnitKind; name: string }> = [];
        if (row.consumer) {
            const chain = await this.directory.unitChain(row.consumer.discom, row.consumer.subdivision, row.consumer.division);
            units.push({ kind: 'subdivision', name: chain.subdivision }, { kind: 'division', name: chain.division });
            if (chain.circle) units.push({ kind: 'circle', name: chain.circle });
            if (chain.zone) units.push({ kind: 'zone', name: chain.zone });
        } else {
            units.push(...(await this.unitsFrom(discom, UNIT_OF_LEVEL[official.level], official.unitName)));
        }
        const where: FindOptionsWhere<Official>[] = units.map((u) => ({ discom, level: In(LEVELS_OF_UNIT[u.kind]), unitName: u.name, active: true }));
        if (official.discom === discom) {
            const peerUnits = await this.siblingUnits(discom, UNIT_OF_LEVEL[official.level], official.unitName);
            where.push({ discom, level: official.level, unitName: In(peerUnits), active: true });
            if (official.level !== 'JE' && scope.subdivisions.length > 0) {
                where.push({ discom, level: 'JE', unitName: In(scope.subdivisions), active: true });
            }
        }
        if (where.length === 0) return [];
        const officials = await this.db.run((m) => m.getRepository(Official).find({ where, order: { id: 'ASC' } }));
        const rank = (o: Official) => OFFICIAL_LEVELS.indexOf(o.level);
        return officials
            .filter((o) => o.id !== row.complaint.assignedOfficialId)
            .sort((a, b) => rank(a) - rank(b) || a.unitName.localeCompare(b.unitName) || a.id - b.id);
    }

    /** Records that `official` was shown the full numbers of `complaintId` at `now`. */
    async recordNumberView(complaintId: number, official: Official, now: Date): Promise<void> {
        await this.db.run((m) => m.getRepository(NumberView).insert({ complaintId, officialId: official.id, viewedAt: now }));
    }

    /** Who was shown the full numbers of a complaint, newest first (at most `limit`). */
    async numberViews(complaintId: number, limit = 50): Promise<NumberViewEntry[]> {
        return this.db.run(async (m) => {
            const views = await m.getRepository(NumberView).find({ where: { complaintId }, order: { id: 'DESC' }, take: limit });
            const ids = [...new Set(views.map((v) => v.officialId))];
            const officials = ids.length ? await m.getRepository(Official).findBy({ id: In(ids) }) : [];
            const byId = new Map(officials.map((o) => [o.id, o]));
            return views.map((view) => ({ view, official: byId.get(view.officialId) ?? null }));
        });
    }

    /** Open and breached counts now, and median resolution times over complaints resolved in the last `windowDays`. */
    async dashboard(scope: ConsoleScope, now: Date, windowDays = 90): Promise<DashboardData> {
        const since = new Date(now.getTime() - windowDays * 86_400_000);
        const [open, resolved] = await this.db.run(async (m) => {
            const openRows = (await this.scoped(m, scope).andWhere('c.status IN (:...openStatuses)', { openStatuses: OPEN_STATUSES }).getMany()) as WithJoins[];
            const resolvedRows = (await this.scoped(m, scope)
                .andWhere('c.resolvedAt IS NOT NULL AND c.resolvedAt >= :since', { since })
                .getMany()) as WithJoins[];
            return [openRows.map(toRow), resolvedRows.map(toRow)] as const;
        });
        const groups = (keyOf: (row: ComplaintRow) => string): DashboardGroup[] => {
            const byKey = new Map<string, { open: number; breached: number; hours: number[] }>();
            const entry = (key: string) => {
                let e = byKey.get(key);
                if (!e) byKey.set(key, (e = { open: 0, breached: 0, hours: [] }));
                return e;
            };
            for (const row of open) {
                const e = entry(keyOf(row));
                e.open += 1;
                if (isBreached(row.complaint, now)) e.breached += 1;
            }
            for (const row of resolved) entry(keyOf(row)).hours.push(hoursToResolve(row.complaint));
            return [...byKey.entries()]
                .map(([key, e]) => ({ key, open: e.open, breached: e.breached, resolved: e.hours.length, medianHours: median(e.hours) }))
                .sort((a, b) => a.key.localeCompare(b.key));
        };
        return {
            open: open.length,
            breached: open.filter((r) => isBreached(r.complaint, now)).length,
            resolved: resolved.length,
            medianHours: median(resolved.map((r) => hoursToResolve(r.complaint))),
            windowDays,
            byCategory: groups((r) => r.complaint.category),
            bySubdivision: groups((r) => r.consumer?.subdivision ?? ''),
        };
    }

    /**
     * The complaints given to the official, as notices, newest first: history events of complaints they own now that
     * name them as the new owner (assigned at registration, escalated to them, or reassigned to them).
     */
    async notices(official: Official, limit = 20): Promise<Notice[]> {
        const me = `${official.level} ${official.name}`;
        const events = await this.db.run((m) =>
            m
                .getRepository(ComplaintEvent)
                .createQueryBuilder('e')
                .innerJoin(Complaint, 'c', 'c.id = e.complaintId')
                .where('c.assignedOfficialId = :noticeOfficial', { noticeOfficial: official.id })
                .andWhere(
                    new Brackets((w) => {
                        w.where('(e.status = :noticeAssigned AND e.actor = :noticeSystem AND e.note = :noticeMe)', {
                            noticeAssigned: 'assigned',
                            noticeSystem: 'system',
                            noticeMe: me,
                        })
                            .orWhere("e.note LIKE :noticeEscalated ESCAPE '!'", { noticeEscalated: `${likeEscape(`escalated to ${me}:`)}%` })
                            .orWhere("(e.note = :noticeReassigned OR e.note LIKE :noticeReassignedNote ESCAPE '!')", {
                                noticeReassigned: `reassigned to ${me}`,
                                noticeReassignedNote: `${likeEscape(`reassigned to ${me}: `)}%`,
                            });
                    })
                )
                .orderBy('e.id', 'DESC')
                .limit(limit)
                .getMany()
        );
        if (events.length === 0) return [];
        return this.db.run(async (m) => {
            const complaints = await m.getRepository(Complaint).findBy({ id: In([...new Set(events.map((e) => e.complaintId))]) });
            const actorIds = [...new Set(events.map((e) => officialIdOf(e.actor)).filter((id): id is number => id !== null))];
            const actors = actorIds.length ? await m.getRepository(Official).findBy({ id: In(actorIds) }) : [];
            const complaintById = new Map(complaints.map((c) => [c.id, c]));
            const actorById = new Map(actors.map((o) => [o.id, o]));
            return events.flatMap((event): Notice[] => {
                const complaint = complaintById.get(event.complaintId);
                if (!complaint) return [];
                const note = event.note ?? '';
                const kind: NoticeKind = note.startsWith('escalated to ') ? 'escalated' : note.startsWith('reassigned to ') ? 'reassigned' : 'assigned';
                return [{ kind, event, actor: actorById.get(officialIdOf(event.actor) ?? -1) ?? null, complaint }];
            });
        });
    }

    /** Active officials by id (for the reassign check). */
    async activeOfficial(id: number): Promise<Official | null> {
        const official = await this.directory.findById(id);
        return official?.active ? official : null;
    }

    /** Complaints in scope, with their consumer and owner joined; the caller adds conditions with `andWhere`. */
    private scoped(m: EntityManager, scope: ConsoleScope): SelectQueryBuilder<Complaint> {
        return scopedComplaints(m, scope);
    }

    /** The units of `kind` with the same parent as `name` (itself included); every zone of the discom for a zone. */
    private async siblingUnits(discom: string, kind: OrgUnitKind, name: string): Promise<string[]> {
        return this.db.run(async (m) => {
            const units = m.getRepository(OrgUnit);
            const unit = await units.findOneBy({ discom, kind, name });
            if (!unit) return [name];
            const siblings = await units.findBy(unit.parentName === null ? { discom, kind } : { discom, kind, parentName: unit.parentName });
            return [...new Set([name, ...siblings.map((u) => u.name)])];
        });
    }

    /** The unit of `kind`/`name` and every unit above it, from org_units. */
    private async unitsFrom(discom: string, kind: OrgUnitKind, name: string): Promise<Array<{ kind: OrgUnitKind; name: string }>> {
        const units = [{ kind, name }];
        let current: { kind: OrgUnitKind; name: string } | null = { kind, name };
        while (current && current.kind !== 'zone') {
            const unit: OrgUnit | null = await this.db.run((m) => m.getRepository(OrgUnit).findOneBy({ discom, kind: current!.kind, name: current!.name }));
            const parentKind: OrgUnitKind = UNIT_ORDER[UNIT_ORDER.indexOf(current.kind) + 1];
            current = unit?.parentName ? { kind: parentKind, name: unit.parentName } : null;
            if (current) units.push(current);
        }
        return units;
    }
}

function toRow(found: WithJoins): ComplaintRow {
    const { consumer, assignee, ...rest } = found;
    return { complaint: Object.assign(new Complaint(), rest), consumer: consumer ?? null, assignee: assignee ?? null };
}

/** Text for a LIKE pattern with `!` as the escape character: `%`, `_` and `!` match only themselves. */
function likeEscape(text: string): string {
    return text.replace(/[!%_]/g, (c) => `!${c}`);
}

function officialIdOf(actor: string): number | null {
    const match = /^official:(\d+)$/.exec(actor);
    return match ? Number(match[1]) : null;
}

function hoursToResolve(complaint: Complaint): number {
    return (complaint.resolvedAt!.getTime() - complaint.createdAt.getTime()) / 3600_000;
}

/** 0 for breached, 1 for the rest (so breached come first). */
function urgency(complaint: Complaint, now: Date): number {
    if (complaint.status === 'unconfirmed' && complaint.recheckDueAt) return complaint.recheckDueAt.getTime() < now.getTime() ? 0 : 1;
    return isBreached(complaint, now) ? 0 : 1;
}

/** When the complaint's pending work is due: the re-check for an unconfirmed one, else the resolution. */
function dueTime(complaint: Complaint): number {
    const due = complaint.status === 'unconfirmed' ? (complaint.recheckDueAt ?? complaint.dueAt) : complaint.dueAt;
    return due ? due.getTime() : Number.MAX_SAFE_INTEGER;
}
