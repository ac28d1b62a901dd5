import { In } from 'typeorm';
import { Database } from '../data/Database';
import { Complaint } from '../data/entities/Complaint';
import { ComplaintEvent } from '../data/entities/ComplaintEvent';
import { Consumer } from '../data/entities/Consumer';
import { Official } from '../data/entities/Official';
import { ConsoleScope, median, scopedComplaints } from './ConsoleQueries';

/** Closure figures of one group (an official, a subdivision, a division, or the whole scope). See README "Honest closure". */
export interface ClosureFigures {
    /** Officials' "resolved" in the period (each resolution counts, a complaint resolved twice counts twice). */
    claimed: number;
    /** Of those, closed on the consumer's confirmation (at any time up to now). */
    confirmed: number;
    /** Of those, reopened before any confirmation (the consumer's "no", or a re-check that found it not fixed). */
    reopened: number;
    /** Of those, that went unanswered to `unconfirmed` (or were closed by silence before honest closure). */
    unconfirmed: number;
    /** Registration → the consumer's confirmation, over the confirmed ones, in hours; null when none. */
    medianHoursToConfirmed: number | null;
    /** Ratings given in the period and their average (1–5); null when none. */
    ratings: number;
    averageRating: number | null;
    /** Re-contacts answered in the period, and how many said the supply is not working again. */
    recontacted: number;
    notWorking: number;
}

/** One row of a closure table: its key (official id, subdivision or division name; '' for no account) and figures. */
export interface ClosureGroup extends ClosureFigures {
    key: string;
    /** The official, for rows by official. */
    official: Official | null;
}

/** The closure-quality report of one official's scope over a period. */
export interface ClosureReport {
    days: number;
    total: ClosureFigures;
    byOfficial: ClosureGroup[];
    bySubdivision: ClosureGroup[];
    byDivision: ClosureGroup[];
}

/** How the tables are ordered: worst first (default), most claims, slowest, lowest rating, or by name. */
export type ClosureSort = 'worst' | 'claimed' | 'slowest' | 'rating' | 'name';

interface Claim {
    officialId: number | null;
    subdivision: string;
    division: string;
    outcome: 'confirmed' | 'reopened' | 'unconfirmed' | 'pending';
    unconfirmed: boolean;
    hoursToConfirmed: number | null;
}

interface Tally {
    claims: Claim[];
    ratings: number[];
    recontacted: number;
    notWorking: number;
}

const ID_CHUNK = 500;

/**
 * The dashboard's closure quality, read from the complaint events history. A claim is an official's move to
 * `resolved` (an event with status `resolved` after one with another status); its outcome is the first later event
 * that closes or reopens the complaint. The SQL is plain (correlated subqueries, no window functions), so it runs on
 * SQLite and PostgreSQL alike; medians and rates are computed here.
 */
export class ClosureQualityQueries {
    constructor(private readonly db: Database) {}

    /** The report over the `days` up to `now`, limited to complaints the official of `scope` may see. */
    async report(scope: ConsoleScope, now: Date, days: number, sort: ClosureSort = 'worst'): Promise<ClosureReport> {
        const from = new Date(now.getTime() - days * 86_400_000);
        const claims = await this.claims(scope, from, now);
        const rated = await this.db.run(
            async (m) =>
                (await scopedComplaints(m, scope)
                    .andWhere('c.ratedAt >= :ratedFrom AND c.ratedAt < :ratedTo AND c.rating IS NOT NULL', { ratedFrom: from, ratedTo: now })
                    .getMany()) as Array<Complaint & { consumer?: Consumer | null }>
        );
        const recontacted = await this.db.run(
            async (m) =>
                (await scopedComplaints(m, scope)
                    .andWhere('c.recontactAnsweredAt >= :recontactFrom AND c.recontactAnsweredAt < :recontactTo', { recontactFrom: from, recontactTo: now })
                    .getMany()) as Array<Complaint & { consumer?: Consumer | null }>
        );
        const groups = {
            official: new Map<string, Tally>(),
            subdivision: new Map<string, Tally>(),
            division: new Map<string, Tally>(),
        };
        const all: Tally = { claims: [], ratings: [], recontacted: 0, notWorking: 0 };
        const tallies = (officialId: number | null, subdivision: string, division: string): Tally[] => {
            const out = [all];
            for (const [map, key] of [
                [groups.official, officialId === null ? '' : String(officialId)],
                [groups.subdivision, subdivision],
                [groups.division, division],
            ] as const) {
                let tally = map.get(key);
                if (!tally) map.set(key, (tally = { claims: [], ratings: [], recontacted: 0, notWorking: 0 }));
                out.push(tally);
            }
            return out;
        };
        for (const claim of claims) for (const tally of tallies(claim.officialId, claim.subdivision, claim.division)) tally.claims.push(claim);
        for (const c of rated) {
            for (const tally of tallies(c.resolvedBy, c.consumer?.subdivision ?? '', c.consumer?.division ?? '')) tally.ratings.push(c.rating!);
        }
        for (const c of recontacted) {
            for (const tally of tallies(c.recontactOfficialId, c.consumer?.subdivision ?? '', c.consumer?.division ?? '')) {
                tally.recontacted += 1;
                if (c.recontactState === 'not_working') tally.notWorking += 1;
            }
        }
        const officialIds = [...groups.official.keys()].filter((k) => k !== '').map(Number);
        const officials = officialIds.length ? await this.db.run((m) => m.getRepository(Official).findBy({ id: In(officialIds) })) : [];
        const officialById = new Map(officials.map((o) => [String(o.id), o]));
        const rows = (map: Map<string, Tally>, withOfficial: boolean): ClosureGroup[] =>
            [...map.entries()]
                .map(([key, tally]) => ({ key, official: withOfficial ? (officialById.get(key) ?? null) : null, ...figures(tally) }))
                .sort(comparator(sort));
        return {
            days,
            total: figures(all),
            byOfficial: rows(groups.official, true),
            bySubdivision: rows(groups.subdivision, false),
            byDivision: rows(groups.division, false),
        };
    }

    /** Every claim ("resolved" by an official) in [from, to) on complaints in scope, with its outcome so far. */
    private async claims(scope: ConsoleScope, from: Date, to: Date): Promise<Claim[]> {
        const raw = await this.db.run((m) =>
            scopedComplaints(m, scope)
                .innerJoin(ComplaintEvent, 'r', 'r.complaintId = c.id')
                .select('r.id', 'id')
                .addSelect('r.actor', 'actor')
                .addSelect('c.id', 'complaintId')
                .addSelect('cons.subdivision', 'subdivision')
                .addSelect('cons.division', 'division')
                // A note added while resolved is also stored with status `resolved`: only a change of status is a claim.
                .addSelect(
                    '(SELECT p.status FROM complaint_events p WHERE p."complaintId" = r."complaintId" AND p.id < r.id ORDER BY p.id DESC LIMIT 1)',
                    'previous'
                )
                .addSelect(
                    `(SELECT MIN(e.id) FROM complaint_events e WHERE e."complaintId" = r."complaintId" AND e.id > r.id AND e.status IN ('closed', 'reopened'))`,
                    'endId'
                )
                .addSelect(
                    `(SELECT MIN(u.id) FROM complaint_events u WHERE u."complaintId" = r."complaintId" AND u.id > r.id AND u.status = 'unconfirmed')`,
                    'unconfirmedId'
                )
                .andWhere("r.status = 'resolved'")
                .andWhere('r.actor LIKE :officialActor', { officialActor: 'official:%' })
                .andWhere('r.createdAt >= :claimFrom AND r.createdAt < :claimTo', { claimFrom: from, claimTo: to })
                .orderBy('r.id', 'ASC')
                .getRawMany<{
                    id: number | string;
                    actor: string;
                    complaintId: number | string;
                    subdivision: string | null;
                    division: string | null;
                    previous: string | null;
                    endId: number | string | null;
                    unconfirmedId: number | string | null;
                }>()
        );
        const real = raw.filter((r) => r.previous !== 'resolved');
        const endIds = [...new Set(real.map((r) => r.endId).filter((id) => id !== null && id !== undefined))].map(Number);
        const ends = new Map<number, ComplaintEvent>();
        for (let i = 0; i < endIds.length; i += ID_CHUNK) {
            const found = await this.db.run((m) => m.getRepository(ComplaintEvent).findBy({ id: In(endIds.slice(i, i + ID_CHUNK)) }));
            for (const e of found) ends.set(e.id, e);
        }
        const complaintIds = [...new Set(real.filter((r) => r.endId !== null).map((r) => Number(r.complaintId)))];
        const registered = new Map<number, Date>();
        for (let i = 0; i < complaintIds.length; i += ID_CHUNK) {
            const found = await this.db.run((m) =>
                m.getRepository(Complaint).find({ select: { id: true, createdAt: true }, where: { id: In(complaintIds.slice(i, i + ID_CHUNK)) } })
            );
            for (const c of found) registered.set(c.id, c.createdAt);
        }
        return real.map((r) => {
            const end = r.endId === null || r.endId === undefined ? null : (ends.get(Number(r.endId)) ?? null);
            const unconfirmedId = r.unconfirmedId === null || r.unconfirmedId === undefined ? null : Number(r.unconfirmedId);
            const wentUnconfirmed = unconfirmedId !== null && (end === null || unconfirmedId < end.id);
            const confirmed = end?.status === 'closed' && end.actor === 'consumer';
            // A closure by silence (before honest closure) is not a confirmation: it counts as unconfirmed.
            const silentClose = end?.status === 'closed' && end.actor !== 'consumer';
            const outcome: Claim['outcome'] = confirmed
                ? 'confirmed'
                : end?.status === 'reopened'
                  ? 'reopened'
                  : wentUnconfirmed || silentClose
                    ? 'unconfirmed'
                    : 'pending';
            const since = registered.get(Number(r.complaintId));
            const match = /^official:(\d+)$/.exec(r.actor);
            return {
                officialId: match ? Number(match[1]) : null,
                subdivision: r.subdivision ?? '',
                division: r.division ?? '',
                outcome,
                unconfirmed: wentUnconfirmed || silentClose,
                hoursToConfirmed: confirmed && since ? (end!.createdAt.getTime() - since.getTime()) / 3600_000 : null,
            };
        });
    }
}

function figures(tally: Tally): ClosureFigures {
    const { claims, ratings } = tally;
    const hours = claims.map((c) => c.hoursToConfirmed).filter((h): h is number => h !== null);
    return {
        claimed: claims.length,
        confirmed: claims.filter((c) => c.outcome === 'confirmed').length,
        reopened: claims.filter((c) => c.outcome === 'reopened').length,
        unconfirmed: claims.filter((c) => c.unconfirmed).length,
        medianHoursToConfirmed: median(hours),
        ratings: ratings.length,
        averageRating: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
        recontacted: tally.recontacted,
        notWorking: tally.notWorking,
    };
}

/** Share of a group's claims not confirmed because reopened or unanswered (the "worst first" order); 0 without claims. */
export function doubtfulShare(f: ClosureFigures): number {
    return f.claimed === 0 ? 0 : (f.reopened + f.unconfirmed) / f.claimed;
}

/** Share of answered re-contacts that said the supply is not working again (the fake-closure signal); 0 without any. */
export function notWorkingShare(f: ClosureFigures): number {
    return f.recontacted === 0 ? 0 : f.notWorking / f.recontacted;
}

function comparator(sort: ClosureSort): (a: ClosureGroup, b: ClosureGroup) => number {
    const byKey = (a: ClosureGroup, b: ClosureGroup) => (a.official?.name ?? a.key).localeCompare(b.official?.name ?? b.key) || a.key.localeCompare(b.key);
    switch (sort) {
        case 'claimed':
            return (a, b) => b.claimed - a.claimed || byKey(a, b);
        case 'slowest':
            return (a, b) => (b.medianHoursToConfirmed ?? -1) - (a.medianHoursToConfirmed ?? -1) || byKey(a, b);
        case 'rating':
            return (a, b) => (a.averageRating ?? 6) - (b.averageRating ?? 6) || byKey(a, b);
        case 'name':
            return byKey;
        default:
            return (a, b) => doubtfulShare(b) - doubtfulShare(a) || notWorkingShare(b) - notWorkingShare(a) || b.claimed - a.claimed || byKey(a, b);
    }
}
