import { EntityManager, In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { Database } from '../data/Database';
import { Complaint, ComplaintStatus } from '../data/entities/Complaint';
import { ComplaintEvent } from '../data/entities/ComplaintEvent';
import { OFFICIAL_LEVELS, OfficialLevel } from '../data/entities/Official';
import { ComplaintNotifier, ResolutionPhoto } from './ComplaintNotifier';
import { OfficialDirectory, ServiceArea } from './OfficialDirectory';
import { PlaceFinder } from './PlaceFinder';
import { ServiceStandards } from './ServiceStandards';
import { ConsumerRecord, UtilityBackend } from './UtilityBackend';
import { IncidentService, OutageArea } from './IncidentService';
import { formatDateTime } from '../i18n/format';
import { AWAITING_CONFIRMATION, OPEN_STATUSES } from './complaintStatuses';
import { toLanguage } from '../i18n/Translator';

/** Timing rules of the lifecycle, from configuration. */
export interface LifecyclePolicy {
    /** After the first breach, a complaint still open escalates again after each such interval. */
    escalationIntervalHours: number;
    /** Hours after an official's "resolved" at which a consumer who has not answered is asked again. */
    confirmReminderHours: number;
    /** Hours after "resolved" at which a complaint still unanswered becomes `unconfirmed` (never `closed`). */
    unconfirmedAfterHours: number;
    /** Hours field staff have to re-check an unconfirmed resolution. */
    recheckHours: number;
    /**
     * Categories that endanger life (a fallen wire): the JE and the SDO are told at once, and the XEN when nobody has
     * acknowledged it within `ackMinutes`. None when absent.
     */
    hazards?: { isHazard(category: string): boolean; ackMinutes: number };
    /**
     * The random re-contact of confirmed closures: `share` of them (0 to 1), drawn once per complaint at its first
     * confirmed closure, are asked "is the supply still working?" `afterDays` later. None when absent.
     */
    recontact?: { share: number; afterDays: number };
    /**
     * Placing complaints without an account (district, locality, shared location) and the discom's triage desk for
     * those nobody can own: placed within `dueHours`, else the discom's senior officials are told. Without it, a
     * subdivision named in the address places the complaint, as before.
     */
    triage?: { places: PlaceFinder; dueHours: number };
    /** Outage incidents: outage reports are grouped on start, and a reporter's answer after restoration is passed on. */
    incidents?: Pick<IncidentService, 'isOutage' | 'group' | 'reporterAnswered'>;
}

/** What became of a consumer's answer to the re-contact: recorded, or there was no open question to answer. */
export type RecontactOutcome = 'recorded' | 'not_asked';

/**
 * How a consumer's "yes, fixed" was proven: from the chat that registered it or a chat verified for its account
 * (a complaint with an account), or for a complaint without one, by a one-time code to its contact mobile or by the
 * channel vouching that the sender's phone is that mobile.
 */
export type ClosureProof = 'registrant' | 'verified_account' | 'code' | 'trusted_phone';

/** Who changes a complaint: an official (by id), the consumer, or the system (scheduler). */
export type Actor = { official: number } | 'consumer' | 'system';

/** Whether `complaint` waits on its discom's triage desk: no engineer owns it yet. */
export function onTriageDesk(complaint: Complaint): boolean {
    return complaint.triageDueAt !== null && complaint.assignedOfficialId === null && OPEN_STATUSES.includes(complaint.status);
}

/** Thrown when an action does not fit the complaint's state (resolving a closed complaint…). */
export class LifecycleError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'LifecycleError';
    }
}

/**
 * The complaint lifecycle with its SLA clock: registered → assigned (the JE of the consumer's subdivision) → in
 * progress → resolved by an official → confirmed by the consumer (closed) or disputed (reopened). Silence never
 * closes: the consumer is reminded, then the complaint becomes unconfirmed and field staff re-check it. Every change is stored with who, when and why. Escalation climbs JE → SDO → XEN → SE → CE when the due
 * time passes, and again after each interval; each step is a compare-and-set on the complaint's level, so two
 * schedulers (two instances on one PostgreSQL) can never escalate the same breach twice. Time comes from `now`.
 */
export class ComplaintLifecycle {
    constructor(
        private readonly db: Database,
        private readonly standards: ServiceStandards,
        private readonly directory: OfficialDirectory,
        private readonly backend: UtilityBackend,
        private readonly notifier: ComplaintNotifier,
        private readonly policy: LifecyclePolicy,
        private readonly now: () => Date = () => new Date(),
        /** Draws the closures to re-contact: a number in [0, 1), as Math.random (tests inject their own). */
        private readonly random: () => number = Math.random
    ) {}

    /**
     * Starts the clock of a newly registered complaint: due time from the service standards (for the consumer's
     * area class; urban when the account is unknown), ownership by the JE of the subdivision, and the notices. A
     * complaint nobody can own (no JE for the place, or a place that names no subdivision) goes to its discom's
     * triage desk instead, with the desk's own due time and no resolution promise.
     */
    async start(complaint: Complaint): Promise<Complaint> {
        const consumer = complaint.accountNumber ? await this.backend.findConsumer(complaint.accountNumber) : null;
        const areaClass = consumer?.areaClass ?? 'urban';
        let area: ServiceArea | null = consumer;
        let discom = consumer?.discom ?? null;
        if (!consumer) {
            const triage = this.policy.triage;
            if (triage) {
                const placed = await triage.places.place({
                    district: complaint.district,
                    locality: `${complaint.address ?? ''} ${complaint.description}`,
                    latitude: complaint.latitude,
                    longitude: complaint.longitude,
                });
                area = placed.area;
                discom = placed.discom;
            } else {
                // Without districts, the subdivision the consumer named in the address or description takes it.
                area = await this.directory.subdivisionNamedIn(`${complaint.address ?? ''} ${complaint.description}`);
                discom = area?.discom ?? null;
            }
        }
        const owner = area ? await this.directory.ownerFor(area, 'JE') : null;
        if (!owner && discom && this.policy.triage) return this.toTriage(complaint, discom, consumer ? null : (area?.subdivision ?? null));
        const dueAt = this.standards.dueAt(complaint.category, areaClass, complaint.createdAt);
        // A danger to life does not wait for its due time: the SDO hears of it with the JE, and the next step up (the
        // XEN) comes as soon as nobody has acknowledged it within minutes.
        const hazards = this.policy.hazards;
        const hazard = hazards?.isHazard(complaint.category) ?? false;
        const sdo = hazard && area ? await this.directory.ownerFor(area, 'SDO') : null;
        const ackBy = hazard ? new Date(this.now().getTime() + hazards!.ackMinutes * 60_000) : null;
        const updated = await this.db.transaction(async (m) => {
            await m.getRepository(Complaint).update(
                { id: complaint.id },
                {
                    dueAt,
                    standardsVersion: this.standards.version,
                    assignedOfficialId: owner?.id ?? null,
                    status: owner ? 'assigned' : complaint.status,
                    escalationLevel: sdo ? OFFICIAL_LEVELS.indexOf('SDO') : 0,
                    nextEscalationAt: ackBy && ackBy < dueAt ? ackBy : dueAt,
                    discom,
                    subdivision: consumer ? null : (area?.subdivision ?? null),
                }
            );
            if (owner) await this.event(m, complaint.id, 'assigned', 'system', `${owner.level} ${owner.name}`);
            if (sdo) await this.event(m, complaint.id, owner ? 'assigned' : complaint.status, 'system', `safety hazard: ${sdo.level} ${sdo.name} told at once`);
            return this.get(complaint.id, m);
        });
        // A report of an outage its area already has (or that makes one) is the incident's: its officials hear of the
        // incident, not of each of two thousand tickets.
        const incidents = this.policy.incidents;
        const outage = incidents && area && incidents.isOutage(complaint.category) ? this.outageArea(updated, consumer, area) : null;
        const incident = outage ? await incidents!.group(updated, outage) : null;
        if (incident) return this.get(complaint.id);
        const notice = { key: hazard ? 'officials:hazard' : 'officials:assigned', vars: { ticket: updated.ticket, minutes: hazards?.ackMinutes ?? 0 } };
        if (owner) await this.notifier.toOfficial(owner, updated, notice);
        if (sdo) await this.notifier.toOfficial(sdo, updated, notice);
        return updated;
    }

    /** Where an outage report comes from: the account's connection, else the place the complaint was placed in. */
    private outageArea(complaint: Complaint, consumer: ConsumerRecord | null, area: ServiceArea): OutageArea {
        if (consumer) return IncidentService.areaOfConsumer(consumer);
        return IncidentService.areaOfPlace(area, `${complaint.address ?? ''} ${complaint.description}`, complaint.latitude, complaint.longitude);
    }

    /**
     * Puts a complaint nobody can own on `discom`'s triage desk: no resolution due time yet (no engineer has it),
     * placing due `triage.dueHours` from now (a hazard: its acknowledgement minutes); the desk's officials are told.
     */
    private async toTriage(complaint: Complaint, discom: string, subdivision: string | null): Promise<Complaint> {
        // A danger to life cannot wait hours on a desk: it must be placed within the hazard acknowledgement time.
        const hazards = this.policy.hazards;
        const minutes = hazards?.isHazard(complaint.category) ? hazards.ackMinutes : this.policy.triage!.dueHours * 60;
        const triageDueAt = new Date(this.now().getTime() + minutes * 60_000);
        const updated = await this.db.transaction(async (m) => {
            await m.getRepository(Complaint).update(
                { id: complaint.id },
                {
                    discom,
                    subdivision,
                    triageDueAt,
                    assignedOfficialId: null,
                    dueAt: null,
                    nextEscalationAt: null,
                    standardsVersion: this.standards.version,
                }
            );
            await this.event(m, complaint.id, complaint.status, 'system', `no engineer found for the place: with the ${discom} triage desk`);
            return this.get(complaint.id, m);
        });
        for (const official of await this.directory.triageOfficialsOf(discom)) {
            await this.notifier.toOfficial(official, updated, { key: 'officials:triageNew', vars: { ticket: updated.ticket, discom } });
        }
        return updated;
    }

    /**
     * The triage desk gives a complaint to a JE of its discom (`jeId` must be one of
     * {@link OfficialDirectory.subdivisionEngineers}): assigned to them, its SLA clock starts now from the standards
     * (no engineer could act before), and the JE and consumer are told as for any new assignment. A compare-and-set:
     * a second placing, or one of a complaint no longer on the desk, changes nothing.
     */
    async place(id: number, triageOfficialId: number, jeId: number): Promise<Complaint> {
        const complaint = await this.get(id);
        const official = await this.directory.findById(triageOfficialId);
        if (!official || !this.directory.canTriage(official, complaint.discom)) throw new LifecycleError('not a triage official of this discom');
        if (!onTriageDesk(complaint)) throw new LifecycleError(`complaint ${complaint.ticket} is not waiting on the triage desk`);
        const choice = (await this.directory.subdivisionEngineers(complaint.discom!)).find((e) => e.official.id === jeId);
        if (!choice) throw new LifecycleError('no such engineer of this discom');
        const consumer = complaint.accountNumber ? await this.backend.findConsumer(complaint.accountNumber) : null;
        const now = this.now();
        const dueAt = this.standards.dueAt(complaint.category, consumer?.areaClass ?? 'urban', now);
        const hazards = this.policy.hazards;
        const hazard = hazards?.isHazard(complaint.category) ?? false;
        const sdo = hazard ? await this.directory.ownerFor(choice.area, 'SDO') : null;
        const ackBy = hazard ? new Date(now.getTime() + hazards!.ackMinutes * 60_000) : null;
        const je = choice.official;
        const updated = await this.db.transaction(async (m) => {
            const result = await m.getRepository(Complaint).update(
                { id, assignedOfficialId: IsNull(), status: In(OPEN_STATUSES) },
                {
                    assignedOfficialId: je.id,
                    status: 'assigned',
                    subdivision: complaint.accountNumber ? null : choice.area.subdivision,
                    placedAt: now,
                    triageDueAt: null,
                    dueAt,
                    standardsVersion: this.standards.version,
                    escalationLevel: sdo ? OFFICIAL_LEVELS.indexOf('SDO') : 0,
                    nextEscalationAt: ackBy && ackBy < dueAt ? ackBy : dueAt,
                }
            );
            if (!result.affected) return null;
            await this.event(
                m,
                id,
                'assigned',
                { official: triageOfficialId },
                `placed by the triage desk: ${je.level} ${je.name} (${choice.area.subdivision})`
            );
            return this.get(id, m);
        });
        if (!updated) throw new LifecycleError(`complaint ${complaint.ticket} was placed by someone else`);
        await this.notifier.toOfficial(je, updated, {
            key: hazard ? 'officials:hazard' : 'officials:assigned',
            vars: { ticket: updated.ticket, minutes: hazards?.ackMinutes ?? 0 },
        });
        if (sdo) await this.notifier.toOfficial(sdo, updated, { key: 'officials:hazard', vars: { ticket: updated.ticket, minutes: hazards?.ackMinutes ?? 0 } });
        await this.notifier.toConsumer(updated, {
            key: 'status:notice.placed',
            vars: { ticket: updated.ticket, subdivision: choice.area.subdivision, time: formatDateTime(dueAt, toLanguage(updated.language) ?? 'hi') },
        });
        return updated;
    }

    /** An official has seen it and is on it; the consumer is told. */
    async acknowledge(id: number, officialId: number, note?: string): Promise<Complaint> {
        // A hazard's short "acknowledge within minutes" timer ends here; the due time of the standards still runs.
        const before = await this.get(id);
        const nextEscalationAt = before.dueAt && before.nextEscalationAt && before.nextEscalationAt < before.dueAt ? before.dueAt : before.nextEscalationAt;
        const complaint = await this.change(id, { official: officialId }, ['assigned', 'registered', 'reopened'], 'in_progress', note ?? null, {
            nextEscalationAt,
        });
        await this.notifier.toConsumer(complaint, { key: 'status:notice.inProgress', vars: { ticket: complaint.ticket } });
        return complaint;
    }

    /** Adds a note to the history without changing the status: an official's, or the consumer's added details. */
    async addNote(id: number, actor: number | Actor, note: string): Promise<void> {
        if (!note.trim()) throw new LifecycleError('a note needs some text');
        const complaint = await this.get(id);
        await this.db.run((m) => this.event(m, id, complaint.status, typeof actor === 'number' ? { official: actor } : actor, note));
    }

    /**
     * An official says it is fixed (with a note, and optionally the after-repair photo's public address). The consumer
     * is asked to confirm; the clock stops meanwhile.
     */
    async resolve(id: number, officialId: number, note: string, photo?: ResolutionPhoto): Promise<Complaint> {
        if (!note.trim()) throw new LifecycleError('resolving needs a note saying what was done');
        const complaint = await this.change(id, { official: officialId }, OPEN_STATUSES, 'resolved', note, {
            resolvedAt: this.now(),
            nextEscalationAt: null,
            resolvedBy: officialId,
        });
        await this.notifier.askConsumerToConfirm(complaint, note, photo);
        return complaint;
    }

    /**
     * The consumer's answer to "is it fixed?" (also once unconfirmed): yes closes it, and only with a proof that fits
     * the complaint (a complaint without an account needs its contact mobile's code or trusted phone); no reopens it,
     * keeping the history, and the clock runs again (a complaint already past its due time escalates at the next tick).
     */
    async confirm(id: number, fixed: true, proof: ClosureProof): Promise<Complaint>;
    async confirm(id: number, fixed: false): Promise<Complaint>;
    async confirm(id: number, fixed: boolean, proof?: ClosureProof): Promise<Complaint> {
        const complaint = await this.get(id);
        if (fixed) {
            const fits = complaint.accountNumber ? proof !== undefined : proof === 'code' || proof === 'trusted_phone';
            if (!fits) throw new LifecycleError(`a "fixed" for complaint ${complaint.ticket} needs the consumer's proof (${proof ?? 'none'} given)`);
            const closed = await this.change(id, 'consumer', AWAITING_CONFIRMATION, 'closed', `confirmed fixed by the consumer (${proof})`, {
                closedAt: this.now(),
                recheckDueAt: null,
                nextEscalationAt: null,
                ...this.recontactDraw(complaint),
            });
            await this.policy.incidents?.reporterAnswered(closed, true);
            return closed;
        }
        const nextEscalationAt = complaint.dueAt && complaint.dueAt > this.now() ? complaint.dueAt : this.now();
        const reopened = await this.change(id, 'consumer', AWAITING_CONFIRMATION, 'reopened', 'the consumer says it is not fixed', {
            resolvedAt: null,
            nextEscalationAt,
            confirmReminderSentAt: null,
            recheckDueAt: null,
        });
        // Still off after an incident's restoration: the report goes on as the consumer's own (nested) outage.
        if (reopened.incidentId && this.policy.incidents) {
            await this.policy.incidents.reporterAnswered(reopened, false);
            return this.get(id);
        }
        return reopened;
    }

    /**
     * Field staff re-checked an unconfirmed resolution (with a note). Found fixed: it stays unconfirmed, the re-check
     * is done and the consumer is asked again; only their answer closes it. Found not fixed: it reopens and the clock
     * runs again.
     */
    async recordRecheck(id: number, officialId: number, fixed: boolean, note: string): Promise<Complaint> {
        if (!note.trim()) throw new LifecycleError('a re-check needs a note saying what was found');
        if (fixed) {
            const complaint = await this.change(id, { official: officialId }, ['unconfirmed'], 'unconfirmed', `re-checked, fixed: ${note}`, {
                recheckDueAt: null,
                nextEscalationAt: null,
            });
            await this.notifier.askConsumerToConfirm(complaint, note);
            return complaint;
        }
        const current = await this.get(id);
        const nextEscalationAt = current.dueAt && current.dueAt > this.now() ? current.dueAt : this.now();
        const complaint = await this.change(id, { official: officialId }, ['unconfirmed'], 'reopened', `re-checked, not fixed: ${note}`, {
            resolvedAt: null,
            nextEscalationAt,
            confirmReminderSentAt: null,
            recheckDueAt: null,
        });
        await this.notifier.toConsumer(complaint, { key: 'status:notice.recheckReopened', vars: { ticket: complaint.ticket } });
        return complaint;
    }

    /** Hands the complaint to another official. */
    async reassign(id: number, officialId: number, toOfficialId: number, note: string | null): Promise<Complaint> {
        const target = await this.directory.findById(toOfficialId);
        if (!target?.active) throw new LifecycleError('no active official with that id');
        const complaint = await this.get(id);
        if (!OPEN_STATUSES.includes(complaint.status)) throw new LifecycleError(`a ${complaint.status} complaint cannot be reassigned`);
        // Handing it to a higher official moves it up the ladder too, so the next breach climbs from there.
        const targetLevel = OFFICIAL_LEVELS.indexOf(target.level);
        const updated = await this.db.transaction(async (m) => {
            await m.getRepository(Complaint).update(
                { id },
                {
                    assignedOfficialId: target.id,
                    escalationLevel: Math.max(complaint.escalationLevel, targetLevel),
                }
            );
            await this.event(m, id, complaint.status, { official: officialId }, `reassigned to ${target.level} ${target.name}${note ? `: ${note}` : ''}`);
            return this.get(id, m);
        });
        await this.notifier.toOfficial(target, updated, { key: 'officials:assigned', vars: { ticket: updated.ticket } });
        return updated;
    }

    /**
     * Moves the complaint one level up the hierarchy (an official's decision, or a breach). Returns false when it
     * was already moved by someone else (another instance's scheduler) or is closed or at the top.
     */
    async escalate(id: number, actor: Actor, reason: string, expectedLevel?: number): Promise<boolean> {
        const complaint = await this.get(id);
        const level = expectedLevel ?? complaint.escalationLevel;
        // A late field re-check of an unconfirmed resolution climbs the ladder as a breach does.
        const recheck = complaint.status === 'unconfirmed' && complaint.recheckDueAt !== null;
        if (!OPEN_STATUSES.includes(complaint.status) && !recheck) return false;
        const consumer = complaint.accountNumber ? await this.backend.findConsumer(complaint.accountNumber) : null;
        // A complaint without an account climbs from the subdivision it was placed in.
        const area: ServiceArea | null =
            consumer ?? (complaint.discom && complaint.subdivision ? { discom: complaint.discom, subdivision: complaint.subdivision, division: '' } : null);
        // The next level that has someone to act: an unstaffed level is skipped rather than "escalated" to nobody.
        let target = level + 1;
        let owner = null;
        for (; area && target < OFFICIAL_LEVELS.length; target++) {
            owner = await this.directory.ownerFor(area, OFFICIAL_LEVELS[target]);
            if (owner) break;
        }
        const now = this.now();
        if (!owner) {
            // Nobody above (the top, a gap to the top, or no account to route by): stop the clock asking, so the
            // scheduler does not pick this complaint again on every pass.
            await this.db.run((m) => m.getRepository(Complaint).update({ id, escalationLevel: level }, { nextEscalationAt: null }));
            return false;
        }
        const nextLevel: OfficialLevel = OFFICIAL_LEVELS[target];
        const atTop = target + 1 >= OFFICIAL_LEVELS.length;
        const moved = await this.db.transaction(async (m) => {
            const result = await m
                .getRepository(Complaint)
                .update(
                    recheck
                        ? { id, escalationLevel: level, status: 'unconfirmed', recheckDueAt: Not(IsNull()) }
                        : { id, escalationLevel: level, status: In(OPEN_STATUSES) },
                    {
                        escalationLevel: target,
                        assignedOfficialId: owner.id,
                        nextEscalationAt: atTop ? null : new Date(now.getTime() + this.policy.escalationIntervalHours * 3600_000),
                    }
                );
            if (!result.affected) return false;
            await this.event(m, id, complaint.status, actor, `escalated to ${nextLevel} ${owner.name}: ${reason}`);
            return true;
        });
        if (!moved) return false;
        const updated = await this.get(id);
        if (recheck) {
            // The consumer is not waiting on a fix here (they were told it is fixed): only the new owner hears of it.
            await this.notifier.toOfficial(owner, updated, { key: 'officials:recheckEscalated', vars: { ticket: updated.ticket, level: nextLevel } });
            return true;
        }
        await this.notifier.toOfficial(owner, updated, { key: 'officials:escalated', vars: { ticket: updated.ticket, level: nextLevel } });
        const { daysLate, amountInr } = this.compensationFor(updated, consumer?.areaClass ?? 'urban', now);
        // A hazard the system sends up before its due time is not late: the consumer hears of lateness only.
        if (actor === 'system' && updated.dueAt && now < updated.dueAt) return true;
        await this.notifier.toConsumer(updated, { key: 'status:notice.escalated', vars: { ticket: updated.ticket, level: nextLevel, daysLate } });
        if (amountInr) {
            await this.notifier.toConsumer(updated, { key: 'status:notice.compensation', vars: { ticket: updated.ticket, amount: amountInr, daysLate } });
        }
        return true;
    }

    /**
     * One scheduler pass: escalates every open complaint whose next escalation is due, reminds consumers who have not
     * answered "is it fixed?", marks resolutions still unanswered as unconfirmed for a field re-check, escalates
     * re-checks that are late, and asks the closures drawn for a re-contact whether the supply still works. Nothing
     * here ever closes a complaint. Safe to run on several instances at once (each change is a compare-and-set).
     */
    async tick(): Promise<{ escalated: number; reminded: number; unconfirmed: number; recontacted: number; triageLate: number }> {
        const now = this.now();
        const due = await this.db.run((m) =>
            m.getRepository(Complaint).find({
                where: { status: In(OPEN_STATUSES), nextEscalationAt: LessThanOrEqual(now) },
                order: { nextEscalationAt: 'ASC' },
                take: 500,
            })
        );
        let escalated = 0;
        for (const complaint of due) {
            const reason =
                complaint.dueAt && now < complaint.dueAt
                    ? `safety hazard not acknowledged within ${this.policy.hazards?.ackMinutes ?? 0} minutes`
                    : 'resolution time passed';
            if (await this.escalate(complaint.id, 'system', reason, complaint.escalationLevel)) escalated += 1;
        }
        escalated += await this.escalateLateRechecks(now);
        const unconfirmed = await this.markUnconfirmed(now);
        const reminded = await this.remind(now);
        const recontacted = await this.recontact(now);
        const triageLate = await this.escalateLateTriage(now);
        return { escalated, reminded, unconfirmed, recontacted, triageLate };
    }

    /**
     * Stores the consumer's 1–5 rating of a confirmed fix. It touches only the rating: a closure is never undone or
     * held up by it. Returns false when the complaint is not closed (nothing stored).
     */
    async rate(id: number, rating: number): Promise<boolean> {
        if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new LifecycleError(`a rating is a whole number from 1 to 5 (got ${rating})`);
        const result = await this.db.run((m) => m.getRepository(Complaint).update({ id, status: 'closed' }, { rating, ratedAt: this.now() }));
        return Boolean(result.affected);
    }

    /** Stores the consumer's reason for their rating (as typed, up to 500 characters). */
    async explainRating(id: number, reason: string): Promise<boolean> {
        const text = reason.trim().slice(0, 500);
        if (!text) return false;
        const result = await this.db.run((m) => m.getRepository(Complaint).update({ id, rating: Not(IsNull()) }, { ratingReason: text }));
        return Boolean(result.affected);
    }

    /**
     * The consumer's answer to the re-contact ("is the supply still working since the fix?"). Yes is recorded. No
     * reopens the same ticket, keeping its history, as a "no" to "is it fixed?" does: the clock runs again from its
     * due time (so a long-past one escalates at the next pass), and the owner is told. Each answer counts once: a
     * compare-and-set on the re-contact state.
     */
    async recordRecontact(id: number, working: boolean): Promise<RecontactOutcome> {
        const now = this.now();
        const complaint = await this.get(id);
        if (working) {
            const recorded = await this.db.transaction(async (m) => {
                const result = await m
                    .getRepository(Complaint)
                    .update({ id, recontactState: 'asked' }, { recontactState: 'working', recontactAnsweredAt: now });
                if (!result.affected) return false;
                await this.event(m, id, complaint.status, 'consumer', 're-contacted: the supply is still working');
                return true;
            });
            return recorded ? 'recorded' : 'not_asked';
        }
        const nextEscalationAt = complaint.dueAt && complaint.dueAt > now ? complaint.dueAt : now;
        const reopened = await this.db.transaction(async (m) => {
            const result = await m.getRepository(Complaint).update(
                { id, status: 'closed', recontactState: 'asked' },
                {
                    status: 'reopened',
                    recontactState: 'not_working',
                    recontactAnsweredAt: now,
                    resolvedAt: null,
                    closedAt: null,
                    nextEscalationAt,
                    confirmReminderSentAt: null,
                    recheckDueAt: null,
                }
            );
            if (!result.affected) return false;
            await this.event(m, id, 'reopened', 'consumer', 're-contacted: the supply is not working again');
            return true;
        });
        if (!reopened) return 'not_asked';
        const owner = complaint.assignedOfficialId ? await this.directory.findById(complaint.assignedOfficialId) : null;
        if (owner?.active) {
            await this.notifier.toOfficial(
                owner,
                { ...complaint, status: 'reopened' },
                { key: 'officials:recontactReopened', vars: { ticket: complaint.ticket } }
            );
        }
        return 'recorded';
    }

    /**
     * Whether this confirmation draws the complaint for a re-contact: decided once per complaint (a closure after a
     * reopening is not drawn again), inside the closing compare-and-set, so one instance decides it.
     */
    private recontactDraw(complaint: Complaint): Partial<Complaint> {
        const policy = this.policy.recontact;
        if (!policy || complaint.recontactState !== null) return {};
        if (this.random() >= policy.share) return { recontactState: 'not_selected' };
        return {
            recontactState: 'selected',
            recontactDueAt: new Date(this.now().getTime() + policy.afterDays * 86_400_000),
            recontactOfficialId: complaint.resolvedBy,
        };
    }

    /** Re-checks past their due time go up one level, then again every escalation interval, like a breach. */
    private async escalateLateRechecks(now: Date): Promise<number> {
        const late = await this.db.run((m) =>
            m.getRepository(Complaint).find({
                where: { status: 'unconfirmed', recheckDueAt: Not(IsNull()), nextEscalationAt: LessThanOrEqual(now) },
                order: { nextEscalationAt: 'ASC' },
                take: 500,
            })
        );
        let escalated = 0;
        for (const complaint of late) {
            if (await this.escalate(complaint.id, 'system', 'field re-check late', complaint.escalationLevel)) escalated += 1;
        }
        return escalated;
    }

    /** Asks the drawn closures whose time has come whether the supply is still working (each once). */
    private async recontact(now: Date): Promise<number> {
        const due = await this.db.run((m) =>
            m.getRepository(Complaint).find({ where: { status: 'closed', recontactState: 'selected', recontactDueAt: LessThanOrEqual(now) }, take: 500 })
        );
        let asked = 0;
        for (const complaint of due) {
            const claimed = await this.db.run((m) =>
                m.getRepository(Complaint).update({ id: complaint.id, status: 'closed', recontactState: 'selected' }, { recontactState: 'asked' })
            );
            if (!claimed.affected) continue;
            await this.notifier.askConsumerStillWorking(complaint);
            asked += 1;
        }
        return asked;
    }

    /**
     * Complaints still on a triage desk past its due time: the discom's senior officials (its CEs, who may place them
     * from the triage page too) are told, once per complaint (a compare-and-set, so two schedulers tell them once),
     * and the history says so. The complaint stays on the desk until someone places it.
     */
    private async escalateLateTriage(now: Date): Promise<number> {
        const late = await this.db.run((m) =>
            m.getRepository(Complaint).find({
                where: { assignedOfficialId: IsNull(), triageDueAt: LessThanOrEqual(now), triageEscalatedAt: IsNull(), status: In(OPEN_STATUSES) },
                order: { triageDueAt: 'ASC' },
                take: 500,
            })
        );
        let told = 0;
        for (const complaint of late) {
            const claimed = await this.db.transaction(async (m) => {
                const result = await m
                    .getRepository(Complaint)
                    .update({ id: complaint.id, assignedOfficialId: IsNull(), triageEscalatedAt: IsNull() }, { triageEscalatedAt: now });
                if (!result.affected) return false;
                await this.event(
                    m,
                    complaint.id,
                    complaint.status,
                    'system',
                    `not placed by the ${complaint.discom} triage desk in time: its senior officials told`
                );
                return true;
            });
            if (!claimed || !complaint.discom) continue;
            told += 1;
            for (const senior of await this.directory.seniorsOf(complaint.discom)) {
                await this.notifier.toOfficial(senior, complaint, {
                    key: 'officials:triageLate',
                    vars: { ticket: complaint.ticket, discom: complaint.discom },
                });
            }
        }
        return told;
    }

    /** Asks again those who have not answered within the reminder time (once per resolution). */
    private async remind(now: Date): Promise<number> {
        const since = new Date(now.getTime() - this.policy.confirmReminderHours * 3600_000);
        const waiting = await this.db.run((m) =>
            m.getRepository(Complaint).find({ where: { status: 'resolved', resolvedAt: LessThanOrEqual(since), confirmReminderSentAt: IsNull() }, take: 500 })
        );
        let reminded = 0;
        for (const complaint of waiting) {
            const claimed = await this.db.run((m) =>
                m.getRepository(Complaint).update({ id: complaint.id, status: 'resolved', confirmReminderSentAt: IsNull() }, { confirmReminderSentAt: now })
            );
            if (!claimed.affected) continue;
            await this.notifier.remindConsumerToConfirm(complaint);
            reminded += 1;
        }
        return reminded;
    }

    /** Resolutions unanswered for too long become unconfirmed, with a re-check due; the owner is told. */
    private async markUnconfirmed(now: Date): Promise<number> {
        const since = new Date(now.getTime() - this.policy.unconfirmedAfterHours * 3600_000);
        const silent = await this.db.run((m) =>
            m.getRepository(Complaint).find({ where: { status: 'resolved', resolvedAt: LessThanOrEqual(since) }, take: 500 })
        );
        const recheckDueAt = new Date(now.getTime() + this.policy.recheckHours * 3600_000);
        let marked = 0;
        for (const complaint of silent) {
            const moved = await this.db.transaction(async (m) => {
                // The re-check's due time is also when it starts to escalate if nobody records it.
                const result = await m
                    .getRepository(Complaint)
                    .update({ id: complaint.id, status: 'resolved' }, { status: 'unconfirmed', recheckDueAt, nextEscalationAt: recheckDueAt });
                if (!result.affected) return false;
                await this.event(
                    m,
                    complaint.id,
                    'unconfirmed',
                    'system',
                    `no answer from the consumer for ${this.policy.unconfirmedAfterHours} hours: re-check needed`
                );
                return true;
            });
            if (!moved) continue;
            marked += 1;
            const owner = complaint.assignedOfficialId ? await this.directory.findById(complaint.assignedOfficialId) : null;
            if (owner?.active) {
                await this.notifier.toOfficial(
                    owner,
                    { ...complaint, status: 'unconfirmed', recheckDueAt },
                    { key: 'officials:recheck', vars: { ticket: complaint.ticket } }
                );
            }
        }
        return marked;
    }

    /** The time limit the standards set for a category and area, with how sure that value is. */
    limitFor(category: string, areaClass: 'city' | 'urban' | 'rural'): { hours: number; status: string } {
        return this.standards.describeLimit(category, areaClass);
    }

    /** Compensation accrued so far under the standards (0 days before the due time). */
    compensationFor(complaint: Complaint, areaClass: 'city' | 'urban' | 'rural', now = this.now()): { daysLate: number; amountInr: number | null } {
        if (!complaint.dueAt) return { daysLate: 0, amountInr: null };
        return this.standards.compensation(complaint.category, areaClass, complaint.dueAt, complaint.resolvedAt ?? now);
    }

    private async change(
        id: number,
        actor: Actor,
        from: ComplaintStatus[],
        to: ComplaintStatus,
        note: string | null,
        extra: Partial<Complaint> = {}
    ): Promise<Complaint> {
        return this.db.transaction(async (m) => {
            const result = await m.getRepository(Complaint).update({ id, status: In(from) }, { status: to, ...extra });
            if (!result.affected) {
                const current = await m.getRepository(Complaint).findOneBy({ id });
                if (!current) throw new LifecycleError(`no complaint ${id}`);
                throw new LifecycleError(`a ${current.status} complaint cannot become ${to}`);
            }
            await this.event(m, id, to, actor, note);
            return this.get(id, m);
        });
    }

    /** The complaint as stored now (in `within`'s transaction when given), straight from the driver: every registration reads it back. */
    private async get(id: number, within?: EntityManager): Promise<Complaint> {
        const [complaint] = await this.db.entities(Complaint, 'SELECT * FROM "complaints" WHERE "id" = ?', [id], { within });
        if (!complaint) throw new LifecycleError(`no complaint ${id}`);
        return complaint;
    }

    private async event(m: EntityManager, complaintId: number, status: ComplaintStatus, actor: Actor, note: string | null): Promise<void> {
        const who = typeof actor === 'string' ? actor : `official:${actor.official}`;
        await m.getRepository(ComplaintEvent).insert({ complaintId, status, actor: who, note: note?.slice(0, 500) ?? null, createdAt: this.now() });
    }
}
