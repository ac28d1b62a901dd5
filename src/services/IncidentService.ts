import { EntityManager, In, IsNull, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { Database, dateFromDatabase, SqlValue } from '../data/Database';
import { Complaint } from '../data/entities/Complaint';
import { ComplaintEvent } from '../data/entities/ComplaintEvent';
import { ACTIVE_INCIDENT_STATUSES, Incident, IncidentScope, IncidentStatus } from '../data/entities/Incident';
import { IncidentEvent } from '../data/entities/IncidentEvent';
import { IncidentFollower } from '../data/entities/IncidentFollower';
import { OutageSighting } from '../data/entities/OutageSighting';
import { OFFICIAL_LEVELS, Official, OfficialLevel } from '../data/entities/Official';
import { OPEN_STATUSES } from './complaintStatuses';
import { ComplaintNotifier, NoticeText } from './ComplaintNotifier';
import { distanceKm, OfficialDirectory, ServiceArea } from './OfficialDirectory';
import { ReferenceNumbers } from './ReferenceNumbers';
import { KeyedLock } from '../inbox/KeyedLock';
import { localityWords, sameLocality } from './localityWords';
import { formatDateTime } from '../i18n/format';
import { toLanguage } from '../i18n/Translator';

/** Where a no-supply report comes from, as far as it is known. */
export interface OutageArea extends ServiceArea {
    feederCode: string | null;
    dtCode: string | null;
    /** Place words of the address (and, without an account, the description): see {@link localityWords}. */
    locality: string[];
    latitude: number | null;
    longitude: number | null;
}

/** How reports group into incidents, from configuration (README, "Outage incidents"). */
export interface IncidentPolicy {
    /** Which complaint categories mean the supply is off. */
    categories: { isOutage(id: string): boolean };
    /** K: this many reports of one transformer, feeder or locality… */
    reports: number;
    /** T: …within this many minutes make a suspected incident. */
    windowMinutes: number;
    /** Shared locations this close (metres) are one locality. */
    radiusMeters: number;
    /** The share (0–1) of its reporters who must confirm power is back before a restored incident is verified. */
    verifyShare: number;
    /** After the first breach, an incident still open escalates again after each such interval. */
    escalationIntervalHours: number;
}

/** Sends incident news: to reporters (through their complaint's chat), followers and officials. */
export interface IncidentNotifier extends Pick<ComplaintNotifier, 'toConsumer' | 'askConsumerToConfirm'> {
    /** Tells a chat that follows the incident without a ticket. */
    toFollower(follower: IncidentFollower, text: NoticeText): Promise<void>;
    /** Tells an official about an incident (new, escalated, a reporter whose power is still off). */
    toIncidentOfficial(official: Official, incident: Incident, text: NoticeText): Promise<void>;
}

/** Who is reporting: the chat, and the account when one was given (one account counts once, whatever its chats). */
export interface OutageReporter {
    channel: string;
    channelUserId: string;
    accountNumber: string | null;
}

/** A recent ungrouped reporter of an area: a registered complaint, or a report still being made (`complaint` null). */
interface Reporter {
    dtCode: string | null;
    feederCode: string | null;
    locality: string[];
    latitude: number | null;
    longitude: number | null;
    /** When the report was made. */
    seenAt: Date;
    /** The registered report, or null for one still being made. */
    complaintId: number | null;
}

/** A report of the area as grouping reads it: its sighting, and a complaint of its chat in the window if any. */
interface SightingRow {
    channel: string;
    channelUserId: string;
    accountNumber: string | null;
    dtCode: string | null;
    feederCode: string | null;
    locality: string;
    latitude: number | string | null;
    longitude: number | string | null;
    seenAt: unknown;
    complaintId: number | string | null;
    incidentId: number | string | null;
    status: string | null;
}

/** Thrown when an action does not fit the incident's state, or the official may not act on it. */
export class IncidentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'IncidentError';
    }
}

/** Who acts: an official (by id), a consumer, or the system. */
type IncidentActor = { official: number } | 'consumer' | 'system';

/** What an official may change on an incident's details. */
export interface IncidentDetails {
    cause?: string | null;
    etr?: Date | null;
}

/**
 * Outage incidents: K no-supply reports within T minutes on one transformer, one feeder or (without network codes)
 * one locality of a subdivision become one suspected incident, never across subdivisions. Later reports of that area
 * join it at once. Each report keeps its own ticket and due time, but the incident escalates in their place (one
 * breach, one escalation), and its restoration-time changes and restoration reach every report's chat. Restoration
 * is verified only by the reporters: a "still off" makes that report a nested outage of its own. Time comes from `now`.
 */
export class IncidentService {
    private readonly references: ReferenceNumbers;
    private readonly forming = new KeyedLock();

    constructor(
        private readonly db: Database,
        private readonly directory: OfficialDirectory,
        private readonly notifier: IncidentNotifier,
        private readonly policy: IncidentPolicy,
        private readonly now: () => Date = () => new Date()
    ) {
        this.references = new ReferenceNumbers(db, now);
    }

    /** Whether complaints of `category` can belong to an outage incident. */
    isOutage(category: string): boolean {
        return this.policy.categories.isOutage(category);
    }

    /** The area of a consumer's connection (with its network codes), for {@link openFor} and {@link group}. */
    static areaOfConsumer(consumer: ServiceArea & { address: string; feederCode?: string | null; dtCode?: string | null }): OutageArea {
        return {
            discom: consumer.discom,
            division: consumer.division,
            subdivision: consumer.subdivision,
            feederCode: consumer.feederCode ?? null,
            dtCode: consumer.dtCode ?? null,
            locality: localityWords(consumer.address, [consumer.subdivision, consumer.division]),
            latitude: null,
            longitude: null,
        };
    }

    /**
     * The area of a report without an account, placed in `area` (see PlaceFinder): its place words come from what the
     * consumer wrote (address and description), and its shared location when there is one.
     */
    static areaOfPlace(area: ServiceArea, text: string, latitude: number | null, longitude: number | null): OutageArea {
        return { ...area, feederCode: null, dtCode: null, locality: localityWords(text, [area.subdivision, area.division]), latitude, longitude };
    }

    /** The open (not yet restored) incident that covers `area`, if any: the newest when several do. */
    async openFor(area: OutageArea): Promise<Incident | null> {
        // Every outage report asks this, some twice: straight to the driver.
        const candidates = await this.db.entities(
            Incident,
            `SELECT * FROM "incidents" WHERE "discom" = ? AND "subdivision" = ? AND "status" IN (${ACTIVE_INCIDENT_STATUSES.map(() => '?').join(', ')}) ORDER BY "id" DESC LIMIT 50`,
            [area.discom, area.subdivision, ...ACTIVE_INCIDENT_STATUSES]
        );
        return candidates.find((incident) => this.covers(incident, area)) ?? null;
    }

    /**
     * Whether one more report from `area` would make an incident: an open one covers it, or K − 1 other reporters of
     * the same transformer, feeder or locality (registered, or still being asked) are recent and ungrouped. The report
     * is recorded as being made (`reporter`), so that in a burst the reporters still answering questions count too.
     * The dialog then asks nothing the incident answers.
     */
    async knownOrForming(area: OutageArea, reporter: OutageReporter): Promise<boolean> {
        if (await this.openFor(area)) return true;
        await this.sighted(area, reporter);
        if (this.policy.reports <= 1) return true;
        return this.bestGroup(area, await this.recentReporters(area, reporterKey(reporter))) !== null;
    }

    /**
     * Groups a just-started outage report: it joins the open incident of its area, or with K − 1 recent ungrouped
     * reports of the same transformer, feeder or locality it makes a new suspected incident (they all join). Returns
     * the incident it now belongs to, or null (a single-house case with its own standard).
     */
    async group(complaint: Complaint, area: OutageArea): Promise<Incident | null> {
        if (!this.isOutage(complaint.category) || !OPEN_STATUSES.includes(complaint.status)) return null;
        await this.db.sql('UPDATE "complaints" SET "outageArea" = ?, "feederCode" = ?, "dtCode" = ?, "updatedAt" = CURRENT_TIMESTAMP WHERE "id" = ?', [
            areaKey(area),
            area.feederCode,
            area.dtCode,
            complaint.id,
        ]);
        // Every report of the area has its sighting, registered or not: grouping reads the sightings (with their place
        // words) and finds the registered ones' complaints beside them.
        await this.sighted(area, complaint);
        const open = await this.openFor(area);
        if (open) return this.join(open, complaint);
        // Reports of one area make their incident one at a time in this process, so a burst makes one incident, not
        // several half ones; across instances the compare-and-set in `attach` settles a tie (see `formIncident`).
        return this.forming.run(areaKey(area), async () => {
            const formed = await this.openFor(area);
            if (formed) return this.join(formed, complaint);
            return this.formIncident(complaint, area);
        });
    }

    /** Joins `complaint` to `incident`; returns the incident it is in now (another turn's grouping may have put it there). */
    private async join(incident: Incident, complaint: Complaint): Promise<Incident | null> {
        await this.attach(incident, [complaint.id]);
        const {
            rows: [now],
        } = await this.db.sql<{ incidentId: number | string | null }>('SELECT "incidentId" FROM "complaints" WHERE "id" = ?', [complaint.id]);
        return now?.incidentId ? this.find(Number(now.incidentId)) : null;
    }

    /**
     * Makes a suspected incident of `complaint` and the recent ungrouped reporters it groups with, if they are K
     * distinct reporters (one account, or one chat without an account, counts once): those registered join it now,
     * those still being asked join when they are registered.
     */
    private async formIncident(complaint: Complaint, area: OutageArea): Promise<Incident | null> {
        const own = reporterKey({ channel: complaint.channel, channelUserId: complaint.channelUserId, accountNumber: complaint.accountNumber });
        const group = this.bestGroup(area, await this.recentReporters(area, own));
        if (!group) return null;
        const earlierIds = group.members.flatMap((r) => (r.complaintId === null ? [] : [r.complaintId]));
        const earlier = earlierIds.length ? await this.db.run((m) => m.getRepository(Complaint).findBy({ id: In(earlierIds) })) : [];
        const members = [...earlier, complaint].sort((x, y) => x.id - y.id);
        const reference = await this.references.next('I');
        const starts = [...members.map((c) => (c.problemSince ?? c.createdAt).getTime()), ...group.members.map((r) => r.seenAt.getTime())];
        const startedAt = new Date(Math.min(...starts));
        const owner = await this.directory.ownerFor(area, 'JE');
        const dueTimes = members.map((c) => c.dueAt?.getTime()).filter((t): t is number => t !== undefined);
        const dueAt = dueTimes.length ? new Date(Math.min(...dueTimes)) : null;
        const located = members.filter((c) => c.latitude !== null && c.longitude !== null);
        const incident = await this.db.transaction(async (m) => {
            const created = await m.getRepository(Incident).save(
                m.getRepository(Incident).create({
                    reference,
                    status: 'suspected',
                    scope: group.scope,
                    discom: area.discom,
                    subdivision: area.subdivision,
                    division: area.division,
                    feederCode: group.scope === 'locality' ? null : area.feederCode,
                    dtCode: group.scope === 'transformer' ? area.dtCode : null,
                    locality:
                        group.scope === 'locality'
                            ? [...new Set([...area.locality, ...group.members.flatMap((r) => r.locality)])].join(' ').slice(0, 300)
                            : null,
                    latitude: located.length ? average(located.map((c) => c.latitude!)) : null,
                    longitude: located.length ? average(located.map((c) => c.longitude!)) : null,
                    startedAt,
                    reportCount: 0,
                    assignedOfficialId: owner?.id ?? null,
                    dueAt,
                    nextEscalationAt: dueAt,
                })
            );
            const note = `${group.members.length + 1} reporters within ${this.policy.windowMinutes} minutes (${group.scope})`;
            await this.event(m, created.id, 'suspected', 'system', note);
            return created;
        });
        // Another instance's turn may have grouped some of these at the same moment: this incident is then dismissed
        // again and its reports join the other one, so the area keeps one incident.
        const attached = await this.attach(
            incident,
            members.map((c) => c.id)
        );
        if (attached < members.length) {
            await this.db.transaction(async (m) => {
                await m.getRepository(Incident).update({ id: incident.id }, { status: 'dismissed', dismissedAt: this.now(), nextEscalationAt: null });
                await m.getRepository(Complaint).update({ incidentId: incident.id }, { incidentId: null });
                await this.event(m, incident.id, 'dismissed', 'system', 'formed at the same moment as another incident of the area');
            });
            const other = await this.openFor(area);
            if (other)
                await this.attach(
                    other,
                    members.map((c) => c.id)
                );
            const mine = await this.db.run((m) => m.getRepository(Complaint).findOneByOrFail({ id: complaint.id }));
            return mine.incidentId ? this.find(mine.incidentId) : null;
        }
        const created = await this.find(incident.id);
        // Not awaited: this runs inside a reporter's turn (holding its conversation and this area's forming lock), and a
        // notice to another chat takes that chat's turn lock, whose own turn may be waiting for this area: the notices
        // go out as soon as those chats are free, and a failed one is logged by the notifier.
        const notices: Array<Promise<void>> = [];
        if (owner) notices.push(this.notifier.toIncidentOfficial(owner, created, this.officialNotice('officials:incidentSuspected', created)));
        // The reporters who came before it was known got a lone ticket: they hear that it is now part of the fault.
        for (const earlier of members.filter((c) => c.id !== complaint.id)) {
            notices.push(this.notifier.toConsumer(earlier, { key: 'incidents:notice.joined', vars: { reference: created.reference, ticket: earlier.ticket } }));
        }
        void Promise.allSettled(notices);
        return created;
    }

    /** The incident with this id. */
    async find(id: number): Promise<Incident> {
        const [incident] = await this.db.entities(Incident, 'SELECT * FROM "incidents" WHERE "id" = ?', [id]);
        if (!incident) throw new IncidentError(`no incident ${id}`);
        return incident;
    }

    /** The incident with this reference (any case, spaces ignored), or null. */
    async byReference(reference: string): Promise<Incident | null> {
        return this.db.run((m) => m.getRepository(Incident).findOneBy({ reference: reference.toUpperCase().replace(/\s/g, '') }));
    }

    /**
     * The incident that the newest outage report of this chat belongs to (or, once restored, belonged to), when that
     * report is still open or awaiting the consumer's answer; null otherwise.
     */
    async forChat(channel: string, channelUserId: string): Promise<{ incident: Incident; complaint: Complaint } | null> {
        const complaint = await this.db.run((m) =>
            m.getRepository(Complaint).findOne({
                where: { channel, channelUserId, status: In([...OPEN_STATUSES, 'resolved', 'unconfirmed']) },
                order: { id: 'DESC' },
            })
        );
        if (!complaint?.incidentId) return null;
        return { incident: await this.find(complaint.incidentId), complaint };
    }

    /** The incident a complaint is joined to, with the complaint; null when it is joined to none. */
    async forComplaint(complaintId: number): Promise<{ incident: Incident; complaint: Complaint } | null> {
        const complaint = await this.db.run((m) => m.getRepository(Complaint).findOneBy({ id: complaintId }));
        if (!complaint?.incidentId) return null;
        return { incident: await this.find(complaint.incidentId), complaint };
    }

    /** Incidents of a discom (and subdivisions), newest first; `statuses` filters. */
    async list(filter: { discom?: string; subdivisions?: string[]; statuses?: IncidentStatus[]; limit?: number }): Promise<Incident[]> {
        return this.db.run((m) =>
            m.getRepository(Incident).find({
                where: {
                    ...(filter.discom ? { discom: filter.discom } : {}),
                    ...(filter.subdivisions ? { subdivision: In(filter.subdivisions) } : {}),
                    ...(filter.statuses ? { status: In(filter.statuses) } : {}),
                },
                order: { id: 'DESC' },
                take: filter.limit ?? 200,
            })
        );
    }

    /**
     * What the public status page shows: every active incident, and those restored since `restoredSince` whose
     * reporters have not yet confirmed (verified and dismissed ones are over), at most `limit`, oldest fault first.
     */
    async activeOrRestoredSince(restoredSince: Date, limit = 500): Promise<Incident[]> {
        return this.db.run((m) =>
            m.getRepository(Incident).find({
                where: [{ status: In([...ACTIVE_INCIDENT_STATUSES]) }, { status: 'restored', restoredAt: MoreThanOrEqual(restoredSince) }],
                order: { startedAt: 'ASC', id: 'ASC' },
                take: limit,
            })
        );
    }

    /** The reports attached to an incident, oldest first. */
    async reports(incidentId: number): Promise<Complaint[]> {
        return this.db.run((m) => m.getRepository(Complaint).find({ where: { incidentId }, order: { id: 'ASC' } }));
    }

    /** The history of an incident, oldest first. */
    async history(incidentId: number): Promise<IncidentEvent[]> {
        return this.db.run((m) => m.getRepository(IncidentEvent).find({ where: { incidentId }, order: { id: 'ASC' } }));
    }

    /** A chat without a ticket asks to be told when the power is back (once per chat). */
    async follow(incidentId: number, chat: { channel: string; channelUserId: string; conversationRef: string; language: string | null }): Promise<void> {
        await this.db.run((m) =>
            m
                .createQueryBuilder()
                .insert()
                .into(IncidentFollower)
                .values({ incidentId, ...chat })
                .orUpdate(['conversationRef', 'language'], ['incidentId', 'channel', 'channelUserId'])
                .execute()
        );
    }

    /** Whether the reporter of `complaintId` wants the restoration-time changes (restoration itself always goes). */
    async setUpdates(complaintId: number, wanted: boolean): Promise<void> {
        await this.db.run((m) => m.getRepository(Complaint).update({ id: complaintId }, { incidentUpdates: wanted }));
    }

    /**
     * An official confirms the fault is real. Without a restoration time yet, the earliest due time of its reports (the
     * standard's) becomes the estimate, and every reporter is told.
     */
    async confirm(id: number, officialId: number): Promise<Incident> {
        const before = await this.authorised(id, officialId);
        const etr = before.etr ?? before.dueAt;
        const incident = await this.change(id, { official: officialId }, ['suspected'], 'confirmed', 'fault confirmed', {
            confirmedAt: this.now(),
            etr,
        });
        await this.tellReporters(incident, { plain: 'incidents:notice.confirmed', withCause: 'incidents:notice.confirmedCause' });
        return incident;
    }

    /** Not one fault after all: the reports go on as single complaints, each with its own clock again. */
    async dismiss(id: number, officialId: number, note: string): Promise<Incident> {
        if (!note.trim()) throw new IncidentError('dismissing an incident needs a note saying why');
        await this.authorised(id, officialId);
        const now = this.now();
        const incident = await this.change(id, { official: officialId }, ['suspected', 'confirmed'], 'dismissed', note, {
            dismissedAt: now,
            nextEscalationAt: null,
        });
        await this.db.transaction(async (m) => {
            const reports = await m.getRepository(Complaint).find({ where: { incidentId: id, status: In(OPEN_STATUSES) } });
            for (const report of reports) {
                await m
                    .getRepository(Complaint)
                    .update({ id: report.id }, { incidentId: null, nextEscalationAt: report.dueAt && report.dueAt > now ? report.dueAt : now });
                await complaintEvent(m, report.id, report.status, officialId, `incident ${incident.reference} dismissed: ${note}`);
            }
        });
        return incident;
    }

    /**
     * Sets the cause and/or the estimated restoration time. A changed time goes to every reporter who wants updates
     * and to every follower.
     */
    async setDetails(id: number, officialId: number, details: IncidentDetails): Promise<Incident> {
        const before = await this.authorised(id, officialId);
        if (!ACTIVE_INCIDENT_STATUSES.includes(before.status)) throw new IncidentError(`incident ${before.reference} is ${before.status}`);
        if (details.etr && details.etr.getTime() <= this.now().getTime()) throw new IncidentError('the restoration time must be in the future');
        const cause = details.cause === undefined ? before.cause : details.cause?.trim().slice(0, 200) || null;
        const etr = details.etr === undefined ? before.etr : details.etr;
        const etrChanged = (etr?.getTime() ?? null) !== (before.etr?.getTime() ?? null);
        const notes = [cause !== before.cause ? `cause: ${cause ?? '—'}` : '', etrChanged ? `restoration by ${etr?.toISOString() ?? '—'}` : ''].filter(Boolean);
        if (notes.length === 0) return before;
        const incident = await this.change(id, { official: officialId }, ACTIVE_INCIDENT_STATUSES, before.status, notes.join('; '), {
            cause,
            etr,
            etrFromOfficial: etrChanged ? etr !== null : before.etrFromOfficial,
        });
        if (etrChanged && etr) await this.tellReporters(incident, { plain: 'incidents:notice.etr', withCause: 'incidents:notice.etrCause' });
        return incident;
    }

    /** Work is under way (the crew is at the fault). */
    async markRestoring(id: number, officialId: number): Promise<Incident> {
        await this.authorised(id, officialId);
        return this.change(id, { official: officialId }, ['suspected', 'confirmed'], 'restoring', 'restoration work under way', {});
    }

    /**
     * An official says power is back: every open report is resolved by them and its consumer asked "still off? reply
     * NO"; followers are told. The incident stays restored–unconfirmed until {@link IncidentPolicy.verifyShare} of its
     * reporters confirm; silence never verifies it.
     */
    async markRestored(id: number, officialId: number, note: string): Promise<Incident> {
        if (!note.trim()) throw new IncidentError('restoring needs a note saying what was done');
        await this.authorised(id, officialId);
        const now = this.now();
        const incident = await this.change(id, { official: officialId }, ACTIVE_INCIDENT_STATUSES, 'restored', note, {
            restoredAt: now,
            restoredBy: officialId,
            nextEscalationAt: null,
        });
        const resolved = await this.db.transaction(async (m) => {
            const reports = await m.getRepository(Complaint).find({ where: { incidentId: id, status: In(OPEN_STATUSES) } });
            if (reports.length === 0) return [];
            await m
                .getRepository(Complaint)
                .update(
                    { id: In(reports.map((r) => r.id)), status: In(OPEN_STATUSES) },
                    { status: 'resolved', resolvedAt: now, resolvedBy: officialId, nextEscalationAt: null }
                );
            await m.getRepository(ComplaintEvent).insert(
                reports.map((r) => ({
                    complaintId: r.id,
                    status: 'resolved' as const,
                    actor: complaintActor(officialId),
                    note: `supply restored (incident ${incident.reference}): ${note}`.slice(0, 500),
                }))
            );
            return m.getRepository(Complaint).find({ where: { id: In(reports.map((r) => r.id)) } });
        });
        for (const report of resolved) await this.notifier.askConsumerToConfirm(report, note);
        for (const follower of await this.followers(id)) {
            await this.notifier.toFollower(follower, { key: 'incidents:notice.restoredFollower', vars: { reference: incident.reference } });
        }
        return incident;
    }

    /**
     * A reporter answered "is your power back?" (called by the complaint lifecycle after it recorded the answer). Yes:
     * the incident is verified once enough reporters said so. No: their report leaves the incident as a nested outage
     * counted from the incident's start, and the incident's owner hears of it.
     */
    async reporterAnswered(complaint: Complaint, powerBack: boolean): Promise<void> {
        if (!complaint.incidentId) return;
        const incident = await this.find(complaint.incidentId);
        if (powerBack) {
            if (incident.status !== 'restored') return;
            const confirmed = await this.db.run((m) => m.getRepository(Complaint).countBy({ incidentId: incident.id, status: 'closed' }));
            if (confirmed < Math.ceil(this.policy.verifyShare * incident.reportCount)) return;
            await this.change(incident.id, 'consumer', ['restored'], 'verified', `${confirmed} of ${incident.reportCount} reporters confirmed`, {
                verifiedAt: this.now(),
            });
            return;
        }
        await this.db.transaction(async (m) => {
            await m
                .getRepository(Complaint)
                .update({ id: complaint.id }, { incidentId: null, nestedIncidentId: incident.id, problemSince: incident.startedAt });
            await complaintEvent(
                m,
                complaint.id,
                complaint.status,
                'consumer',
                `still off after incident ${incident.reference}: own outage since ${incident.startedAt.toISOString()}`
            );
            await this.event(m, incident.id, incident.status, 'consumer', `reporter ${complaint.ticket} still has no supply`);
        });
        const owner = complaint.assignedOfficialId ? await this.directory.findById(complaint.assignedOfficialId) : null;
        if (owner)
            await this.notifier.toIncidentOfficial(owner, incident, {
                key: 'officials:incidentStillOff',
                vars: { reference: incident.reference, ticket: complaint.ticket },
            });
    }

    /**
     * One escalation pass: every incident past its due time (or interval) climbs one level, attached reports move with
     * it, and the new owner is told. Compare-and-set on the level, so two schedulers never escalate one breach twice.
     */
    async tick(): Promise<{ escalated: number }> {
        // Reports being made count for one window; a day later they are only clutter.
        await this.db.run((m) => m.getRepository(OutageSighting).delete({ seenAt: LessThanOrEqual(new Date(this.now().getTime() - 24 * 3600_000)) }));
        const due = await this.db.run((m) =>
            m.getRepository(Incident).find({ where: { status: In([...ACTIVE_INCIDENT_STATUSES]), nextEscalationAt: LessThanOrEqual(this.now()) }, take: 200 })
        );
        let escalated = 0;
        for (const incident of due) if (await this.escalate(incident)) escalated++;
        return { escalated };
    }

    private async escalate(incident: Incident): Promise<boolean> {
        let target = incident.escalationLevel + 1;
        let owner = null;
        for (; target < OFFICIAL_LEVELS.length; target++) {
            owner = await this.directory.ownerFor(incident, OFFICIAL_LEVELS[target]);
            if (owner) break;
        }
        if (!owner) {
            await this.db.run((m) =>
                m.getRepository(Incident).update({ id: incident.id, escalationLevel: incident.escalationLevel }, { nextEscalationAt: null })
            );
            return false;
        }
        const level: OfficialLevel = OFFICIAL_LEVELS[target];
        const now = this.now();
        const atTop = target + 1 >= OFFICIAL_LEVELS.length;
        const moved = await this.db.transaction(async (m) => {
            const result = await m.getRepository(Incident).update(
                { id: incident.id, escalationLevel: incident.escalationLevel, status: In([...ACTIVE_INCIDENT_STATUSES]) },
                {
                    escalationLevel: target,
                    assignedOfficialId: owner.id,
                    nextEscalationAt: atTop ? null : new Date(now.getTime() + this.policy.escalationIntervalHours * 3600_000),
                }
            );
            if (!result.affected) return false;
            // The reports move with it, so each still shows who has it; their own due times are unchanged.
            await m
                .getRepository(Complaint)
                .update({ incidentId: incident.id, status: In(OPEN_STATUSES) }, { assignedOfficialId: owner.id, escalationLevel: target });
            await this.event(m, incident.id, incident.status, 'system', `escalated to ${level} ${owner.name}: restoration overdue`);
            return true;
        });
        if (!moved) return false;
        await this.notifier.toIncidentOfficial(owner, await this.find(incident.id), this.officialNotice('officials:incidentEscalated', incident, { level }));
        return true;
    }

    /** The chats following an incident without a ticket. */
    async followers(incidentId: number): Promise<IncidentFollower[]> {
        return this.db.run((m) => m.getRepository(IncidentFollower).find({ where: { incidentId }, order: { id: 'ASC' } }));
    }

    /**
     * Tells every open report's chat that wants updates, and every follower, about the incident (the `withCause` text
     * when a cause is set), with the restoration time in each recipient's language.
     */
    private async tellReporters(incident: Incident, keys: { plain: string; withCause: string }): Promise<void> {
        const reports = await this.db.run((m) =>
            m.getRepository(Complaint).find({ where: { incidentId: incident.id, status: In(OPEN_STATUSES), incidentUpdates: true }, order: { id: 'ASC' } })
        );
        const text = (language: string | null, ticket: string): NoticeText => ({
            key: incident.cause ? keys.withCause : keys.plain,
            vars: {
                reference: incident.reference,
                cause: incident.cause ?? '',
                time: incident.etr ? formatDateTime(incident.etr, toLanguage(language) ?? 'hi') : '',
                ticket,
            },
        });
        for (const report of reports) await this.notifier.toConsumer(report, text(report.language, report.ticket));
        for (const follower of await this.followers(incident.id)) await this.notifier.toFollower(follower, text(follower.language, ''));
    }

    private officialNotice(key: string, incident: Incident, extra: Record<string, unknown> = {}): NoticeText {
        return { key, vars: { reference: incident.reference, count: incident.reportCount, subdivision: incident.subdivision, ...extra } };
    }

    /** Attaches the still-free open reports among `ids`; returns how many joined. */
    private async attach(incident: Incident, ids: number[]): Promise<number> {
        return this.db.transaction(async (m) => {
            const free = await m.getRepository(Complaint).find({ where: { id: In(ids), incidentId: IsNull(), status: In(OPEN_STATUSES) } });
            let joined = 0;
            let dueAt = incident.dueAt;
            let startedAt = incident.startedAt;
            for (const report of free) {
                // The incident escalates in its reports' place: their own clocks keep their due times, without timers.
                const result = await m
                    .getRepository(Complaint)
                    .update({ id: report.id, incidentId: IsNull() }, { incidentId: incident.id, nextEscalationAt: null });
                if (!result.affected) continue;
                joined++;
                await complaintEvent(m, report.id, report.status, 'system', `joined outage incident ${incident.reference}`);
                if (report.dueAt && (!dueAt || report.dueAt < dueAt)) dueAt = report.dueAt;
                const since = report.problemSince ?? report.createdAt;
                if (since < startedAt) startedAt = since;
            }
            if (joined === 0) return 0;
            const escalatesAtDue = incident.escalationLevel === 0;
            await m
                .createQueryBuilder()
                .update(Incident)
                .set({
                    reportCount: () => `${m.connection.driver.escape('reportCount')} + ${joined}`,
                    dueAt,
                    startedAt,
                    ...(escalatesAtDue && dueAt ? { nextEscalationAt: dueAt } : {}),
                })
                .where('id = :id', { id: incident.id })
                .execute();
            return joined;
        });
    }

    /**
     * The recent ungrouped reporters of the subdivision other than `except` that could group with a report from
     * `area`, one per account (or chat without an account), newest first: the reports made within the window (every
     * report records its sighting, registered or not), with the chat's complaint of the area beside it. A chat whose
     * complaints of the area are all in an incident or closed is no reporter; one still being asked counts with no
     * complaint. One statement, straight to the driver, and only the sightings that share the transformer, the feeder,
     * a place word, or have a location to measure: in a storm a subdivision has hundreds of recent single-house
     * reports, and reading them all (as TypeORM entities, twice per report) made every report slower than the last.
     */
    private async recentReporters(area: OutageArea, except: string): Promise<Reporter[]> {
        const since = new Date(this.now().getTime() - this.policy.windowMinutes * 60_000);
        const could: string[] = [];
        const terms: SqlValue[] = [];
        if (area.dtCode) {
            could.push('s."dtCode" = ?');
            terms.push(area.dtCode);
        }
        if (area.feederCode) {
            could.push('s."feederCode" = ?');
            terms.push(area.feederCode);
        }
        if (area.latitude !== null && area.longitude !== null) could.push('s."latitude" IS NOT NULL');
        // Place words are letters and digits only (localityWords), so they need no escaping in a pattern.
        for (const word of area.locality) {
            could.push(`(' ' || s."locality" || ' ') LIKE ?`);
            terms.push(`% ${word} %`);
        }
        if (could.length === 0) return [];
        // `|| ''` keeps SQLite on the complaints' (channel, channelUserId) index rather than the area's.
        const { rows } = await this.db.sql<SightingRow>(
            `SELECT s."channel", s."channelUserId", s."accountNumber", s."dtCode", s."feederCode", s."locality", s."latitude", s."longitude", s."seenAt",
                    c."id" AS "complaintId", c."incidentId", c."status"
             FROM "outage_sightings" s
             LEFT JOIN "complaints" c ON c."channel" = s."channel" AND c."channelUserId" = s."channelUserId" AND c."outageArea" || '' = s."outageArea" AND c."createdAt" >= ?
             WHERE s."outageArea" = ? AND s."seenAt" >= ? AND (${could.join(' OR ')})
             ORDER BY s."seenAt" DESC LIMIT 500`,
            [since, areaKey(area), since, ...terms]
        );
        // A chat's rows: one per complaint of the area in the window (or one without). Its newest open, ungrouped
        // complaint is the report; with complaints but none of them open and ungrouped, it has been grouped or closed.
        const chats = new Map<string, { row: SightingRow; complaintId: number | null; registered: boolean }>();
        for (const row of rows) {
            const chat = `${row.channel}/${row.channelUserId}`;
            const entry = chats.get(chat) ?? { row, complaintId: null, registered: false };
            if (row.complaintId !== null) {
                entry.registered = true;
                const id = Number(row.complaintId);
                if (row.incidentId === null && OPEN_STATUSES.includes(row.status as (typeof OPEN_STATUSES)[number]) && (entry.complaintId ?? 0) < id)
                    entry.complaintId = id;
            }
            chats.set(chat, entry);
        }
        const reporters = new Map<string, Reporter>();
        for (const { row, complaintId, registered } of chats.values()) {
            if (registered && complaintId === null) continue;
            const reporter = reporterKey(row);
            if (reporter === except || reporters.has(reporter)) continue;
            reporters.set(reporter, {
                dtCode: row.dtCode,
                feederCode: row.feederCode,
                locality: row.locality.split(' ').filter(Boolean),
                latitude: row.latitude === null ? null : Number(row.latitude),
                longitude: row.longitude === null ? null : Number(row.longitude),
                seenAt: dateFromDatabase(row.seenAt)!,
                complaintId,
            });
        }
        return [...reporters.values()];
    }

    /** Records (or refreshes) a report being made, so that a burst's reporters count before they are registered. */
    private async sighted(area: OutageArea, reporter: OutageReporter): Promise<void> {
        await this.db.sql(
            `INSERT INTO "outage_sightings" ("outageArea", "channel", "channelUserId", "accountNumber", "feederCode", "dtCode", "locality", "latitude", "longitude", "seenAt")
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT ("channel", "channelUserId", "outageArea") DO UPDATE SET "accountNumber" = EXCLUDED."accountNumber", "feederCode" = EXCLUDED."feederCode",
               "dtCode" = EXCLUDED."dtCode", "locality" = EXCLUDED."locality", "latitude" = EXCLUDED."latitude", "longitude" = EXCLUDED."longitude", "seenAt" = EXCLUDED."seenAt"`,
            [
                areaKey(area),
                reporter.channel,
                reporter.channelUserId,
                reporter.accountNumber,
                area.feederCode,
                area.dtCode,
                area.locality.join(' ').slice(0, 300),
                area.latitude,
                area.longitude,
                this.now(),
            ]
        );
    }

    /** The tightest group that K − 1 of `peers` make with a report from `area`: transformer, feeder, then locality. */
    private bestGroup(area: OutageArea, peers: Reporter[]): { scope: IncidentScope; members: Reporter[] } | null {
        const needed = this.policy.reports - 1;
        const byCode = (scope: IncidentScope, members: Reporter[]) => (members.length >= needed ? { scope, members } : null);
        if (area.dtCode) {
            const group = byCode(
                'transformer',
                peers.filter((r) => r.dtCode === area.dtCode)
            );
            if (group) return group;
        }
        if (area.feederCode) {
            const group = byCode(
                'feeder',
                peers.filter((r) => r.feederCode === area.feederCode)
            );
            if (group) return group;
        }
        // Without a shared code, shared place words or locations: but never two reports on different transformers.
        const near = peers.filter((r) => !(area.dtCode && r.dtCode && r.dtCode !== area.dtCode) && this.nearby(area, r));
        return byCode('locality', near);
    }

    private nearby(area: OutageArea, reporter: Reporter): boolean {
        if (area.latitude !== null && area.longitude !== null && reporter.latitude !== null && reporter.longitude !== null) {
            return distanceKm(area.latitude, area.longitude, reporter.latitude, reporter.longitude) * 1000 <= this.policy.radiusMeters;
        }
        return sameLocality(area.locality, reporter.locality);
    }

    private covers(incident: Incident, area: OutageArea): boolean {
        if (incident.scope === 'transformer') return incident.dtCode !== null && incident.dtCode === area.dtCode;
        if (incident.scope === 'feeder') return incident.feederCode !== null && incident.feederCode === area.feederCode;
        if (area.latitude !== null && area.longitude !== null && incident.latitude !== null && incident.longitude !== null) {
            return distanceKm(area.latitude, area.longitude, incident.latitude, incident.longitude) * 1000 <= this.policy.radiusMeters;
        }
        return sameLocality(area.locality, (incident.locality ?? '').split(' ').filter(Boolean));
    }

    /** The incident, checked to exist and to be in the official's area (its subdivision's chain, or the discom for a CE). */
    private async authorised(id: number, officialId: number): Promise<Incident> {
        const incident = await this.find(id);
        const official = await this.directory.findById(officialId);
        if (!official?.active) throw new IncidentError('no active official with that id');
        if (!(await this.directory.covers(official, incident))) throw new IncidentError(`incident ${incident.reference} is outside ${official.name}'s area`);
        return incident;
    }

    private async change(
        id: number,
        actor: IncidentActor,
        from: readonly IncidentStatus[],
        to: IncidentStatus,
        note: string,
        fields: Partial<Incident>
    ): Promise<Incident> {
        return this.db.transaction(async (m) => {
            const result = await m.getRepository(Incident).update({ id, status: In([...from]) }, { ...fields, status: to });
            if (!result.affected) {
                const current = await m.getRepository(Incident).findOneBy({ id });
                throw new IncidentError(`incident ${current?.reference ?? id} is ${current?.status ?? 'missing'}, not ${from.join(' or ')}`);
            }
            await this.event(m, id, to, actor, note);
            return m.getRepository(Incident).findOneByOrFail({ id });
        });
    }

    private async event(m: EntityManager, incidentId: number, status: IncidentStatus, actor: IncidentActor, note: string): Promise<void> {
        const who = typeof actor === 'object' ? String(actor.official) : actor;
        await m.getRepository(IncidentEvent).insert({ incidentId, status, actor: who, note: note.slice(0, 500) });
    }
}

/** One key per reporter: the account, or the chat for a report without one. */
function reporterKey(reporter: OutageReporter): string {
    return reporter.accountNumber ? `account:${reporter.accountNumber}` : `chat:${reporter.channel}/${reporter.channelUserId}`;
}

/** The grouping key of an area: reports are only ever grouped within one subdivision of one discom. */
function areaKey(area: ServiceArea): string {
    return `${area.discom}|${area.subdivision}`.slice(0, 100);
}

function average(values: number[]): number {
    return values.reduce((a, b) => a + b, 0) / values.length;
}

async function complaintEvent(
    m: EntityManager,
    complaintId: number,
    status: Complaint['status'],
    actor: number | 'consumer' | 'system',
    note: string
): Promise<void> {
    await m.getRepository(ComplaintEvent).insert({ complaintId, status, actor: complaintActor(actor), note: note.slice(0, 500) });
}

/** A complaint event's actor as the complaint lifecycle writes it (`official:<id>`): the console and the closure figures read it so. */
function complaintActor(actor: number | 'consumer' | 'system'): string {
    return typeof actor === 'number' ? `official:${actor}` : actor;
}
