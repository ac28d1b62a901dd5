import { Database } from '../data/Database';
import { Incident } from '../data/entities/Incident';
import { ConsoleScope, median } from './ConsoleQueries';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Periods the reliability figures can cover, in days; the first is the default. */
export const RELIABILITY_PERIODS = [30, 7, 90, 365];

/** A fault that began this soon after the previous fault of the same transformer or feeder was restored is a repeat. */
export const REPEAT_WINDOW_DAYS = 7;

/** Reliability figures of one feeder or one subdivision over a period. See README, "Reliability figures". */
export interface ReliabilityFigures {
    /** The feeder code, or the subdivision name. */
    key: string;
    /** The subdivision the feeder belongs to (for a subdivision row: itself). */
    subdivision: string;
    /** Incidents that began in the period, not dismissed. */
    incidents: number;
    /** Consumers' no-supply reports attached to those incidents. */
    reports: number;
    /** Of those incidents, how many an official has marked restored. */
    restored: number;
    /** Start of supply failure → marked restored, over the restored ones, in hours; null when none. */
    medianHoursToRestore: number | null;
    worstHoursToRestore: number | null;
    /** Incidents that began within {@link REPEAT_WINDOW_DAYS} of the previous fault of the same transformer or feeder. */
    repeatFaults: number;
}

/** The reliability report of one official's area. */
export interface ReliabilityReport {
    days: number;
    /** Feeders with a known code, worst first. */
    byFeeder: ReliabilityFigures[];
    /** Every subdivision with an incident, worst first. */
    bySubdivision: ReliabilityFigures[];
}

/**
 * Reliability of supply from the outage incidents: per feeder (when the consumers' feeder codes are known) and per
 * subdivision. The SQL is a plain range query, so it runs on SQLite and PostgreSQL alike; medians and repeat faults
 * are worked out here. Dismissed incidents (not one fault after all) never count.
 */
export class ReliabilityQueries {
    constructor(private readonly db: Database) {}

    /** The figures over the `days` up to `now` for the subdivisions of `scope`. */
    async report(scope: Pick<ConsoleScope, 'discom' | 'subdivisions'>, now: Date, days: number): Promise<ReliabilityReport> {
        if (scope.subdivisions.length === 0) return { days, byFeeder: [], bySubdivision: [] };
        const from = new Date(now.getTime() - days * DAY_MS);
        // A repeat is judged against the fault before it, which may have begun before the period (and lasted up to a
        // week more: a longer one is long past any repeat question).
        const lookBack = new Date(from.getTime() - 2 * REPEAT_WINDOW_DAYS * DAY_MS);
        const incidents = await this.db.run((m) =>
            m
                .getRepository(Incident)
                .createQueryBuilder('i')
                .where('i.discom = :discom', { discom: scope.discom })
                .andWhere('i.subdivision IN (:...subdivisions)', { subdivisions: scope.subdivisions })
                .andWhere("i.status <> 'dismissed'")
                .andWhere('i.startedAt >= :lookBack AND i.startedAt < :to', { lookBack, to: now })
                .orderBy('i.startedAt', 'ASC')
                .addOrderBy('i.id', 'ASC')
                .getMany()
        );
        const repeats = repeatFaults(incidents);
        const inPeriod = incidents.filter((i) => i.startedAt.getTime() >= from.getTime());
        const group = (keyOf: (i: Incident) => string | null) => {
            const groups = new Map<string, Incident[]>();
            for (const incident of inPeriod) {
                const key = keyOf(incident);
                if (key === null) continue;
                const list = groups.get(key) ?? [];
                list.push(incident);
                groups.set(key, list);
            }
            return [...groups.entries()].map(([key, list]) => figuresOf(key, list, repeats)).sort(worstFirst);
        };
        return {
            days,
            byFeeder: group((i) => i.feederCode),
            bySubdivision: group((i) => i.subdivision),
        };
    }
}

/**
 * Ids of the incidents that are repeat faults: a transformer incident whose transformer, or a feeder incident whose
 * feeder, had an earlier fault restored (or, never marked restored, begun) at most {@link REPEAT_WINDOW_DAYS} before
 * it began. `incidents` must be in order of start. Locality incidents have no equipment to repeat on.
 */
function repeatFaults(incidents: Incident[]): Set<number> {
    const lastOf = new Map<string, Incident>();
    const repeats = new Set<number>();
    for (const incident of incidents) {
        const equipment =
            incident.scope === 'transformer' && incident.dtCode
                ? `dt|${incident.discom}|${incident.dtCode}`
                : incident.scope === 'feeder' && incident.feederCode
                  ? `feeder|${incident.discom}|${incident.feederCode}`
                  : null;
        if (equipment === null) continue;
        const previous = lastOf.get(equipment);
        if (previous) {
            const previousEnd = (previous.restoredAt ?? previous.startedAt).getTime();
            if (incident.startedAt.getTime() - previousEnd <= REPEAT_WINDOW_DAYS * DAY_MS) repeats.add(incident.id);
        }
        lastOf.set(equipment, incident);
    }
    return repeats;
}

function figuresOf(key: string, incidents: Incident[], repeats: Set<number>): ReliabilityFigures {
    const hours = incidents.filter((i) => i.restoredAt !== null).map((i) => (i.restoredAt!.getTime() - i.startedAt.getTime()) / HOUR_MS);
    return {
        key,
        subdivision: incidents[0].subdivision,
        incidents: incidents.length,
        reports: incidents.reduce((sum, i) => sum + i.reportCount, 0),
        restored: hours.length,
        medianHoursToRestore: median(hours),
        worstHoursToRestore: hours.length ? Math.max(...hours) : null,
        repeatFaults: incidents.filter((i) => repeats.has(i.id)).length,
    };
}

/** Worst first: most incidents, then most repeat faults, then the longest worst restoration, then by name. */
function worstFirst(a: ReliabilityFigures, b: ReliabilityFigures): number {
    return (
        b.incidents - a.incidents ||
        b.repeatFaults - a.repeatFaults ||
        (b.worstHoursToRestore ?? -1) - (a.worstHoursToRestore ?? -1) ||
        a.key.localeCompare(b.key)
    );
}
