import { afterOpenHours, DailyHours } from './dailyHours';
import { In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Database } from '../data/Database';
import { CallbackRequest, CallbackStatus } from '../data/entities/CallbackRequest';
import { Complaint } from '../data/entities/Complaint';
import { Official, OFFICIAL_LEVELS } from '../data/entities/Official';
import { CallbackNotifier } from './CallbackNotifier';
import { LifecycleError } from './ComplaintLifecycle';
import { OfficialDirectory, ServiceArea } from './OfficialDirectory';
import { UtilityBackend } from './UtilityBackend';
import { PlaceFinder } from './PlaceFinder';

/** Statuses in which a callback is still the utility's to make, and so can be late and escalate. */
export const OPEN_CALLBACK_STATUSES: CallbackStatus[] = ['open', 'reopened'];

/** What an official may record after trying to call. */
export type CallbackOutcome = 'called' | 'unreachable' | 'resolved' | 'converted';

/** Every outcome, in the order the console offers them. */
export const CALLBACK_OUTCOMES: CallbackOutcome[] = ['called', 'unreachable', 'resolved', 'converted'];

/** Timing rules of callbacks, from configuration. */
export interface CallbackPolicy {
    /** Hours within which the owner must call: working hours when `hours` is set, else clock hours. */
    dueHours: number;
    /** The daily hours in which officers call (India time); the due time counts only those. Null: round the clock. */
    hours?: DailyHours | null;
    /** After the first lateness, a callback still open escalates again after each such interval. */
    escalationIntervalHours: number;
}

const TICKET = /^C[0-9]{4}-[0-9]{4,6}$/;

/**
 * Callback requests ("talk to an officer") as owned work with a clock, like complaints: the JE of the consumer's
 * area (or of the subdivision the consumer named) owns it and is told at once; it is due `dueHours` later; when late
 * it climbs JE → SDO → XEN → SE → CE (each step a compare-and-set on the level, so two schedulers never escalate it
 * twice) and the new owner is told. An official records the outcome; after "called" the consumer is asked whether
 * they were, and a "no" reopens it with a new due time and tells the owner. Time comes from `now`.
 */
export class CallbackLifecycle {
    constructor(
        private readonly db: Database,
        private readonly directory: OfficialDirectory,
        private readonly backend: UtilityBackend,
        private readonly notifier: CallbackNotifier,
        private readonly policy: CallbackPolicy,
        private readonly now: () => Date = () => new Date(),
        /** Places a request without an account by its district and locality; without it, a subdivision named anywhere. */
        private readonly places?: PlaceFinder
    ) {}

    /**
     * Places a newly recorded request: the account's area, else the subdivision of the district's discom named in
     * `place` (the consumer's locality and district); its JE owns it (none when the area has no JE) and is told; the
     * clock starts. The district's discom is kept even when no subdivision is found.
     */
    async start(request: CallbackRequest, place: string | null = null, district: string | null = null): Promise<CallbackRequest> {
        const consumer = request.accountNumber ? await this.backend.findConsumer(request.accountNumber) : null;
        let area: ServiceArea | null = consumer;
        let discom = consumer?.discom ?? null;
        if (!consumer && place) {
            const placed = this.places ? await this.places.place({ district, locality: place }) : null;
            area = placed ? placed.area : await this.directory.subdivisionNamedIn(place);
            discom = placed ? placed.discom : (area?.discom ?? null);
        }
        const owner = area ? await this.directory.ownerFor(area, 'JE') : null;
        const dueAt = this.dueFrom(this.now());
        await this.db.run((m) =>
            m.getRepository(CallbackRequest).update(
                { id: request.id },
                {
                    discom,
                    division: area?.division ?? null,
                    subdivision: area?.subdivision ?? null,
                    place: place?.slice(0, 300) ?? null,
                    assignedOfficialId: owner?.id ?? null,
                    escalationLevel: 0,
                    dueAt,
                    nextEscalationAt: dueAt,
                }
            )
        );
        const started = await this.get(request.id);
        if (owner) await this.notifier.callbackToOfficial(owner, started, { key: 'officials:callbackAssigned', vars: this.noticeVars(started) });
        return started;
    }

    /**
     * The latest request of a chat still in hand (open, reopened, or called and not yet answered) made within
     * `withinDays`, or null: "nobody called me yet" is about that one, not a new request.
     */
    async pendingFor(channel: string, channelUserId: string, withinDays = 7): Promise<CallbackRequest | null> {
        const since = new Date(this.now().getTime() - withinDays * 86_400_000);
        const latest = await this.db.run((m) =>
            m.getRepository(CallbackRequest).findOne({ where: { channel, channelUserId, createdAt: MoreThan(since) }, order: { id: 'DESC' } })
        );
        if (!latest) return null;
        const inHand = latest.status === 'open' || latest.status === 'reopened' || (latest.status === 'called' && latest.consumerAnswer === null);
        return inHand ? latest : null;
    }

    /** The request with this reference (`R2612-0003`), or null. */
    async findByReference(reference: string): Promise<CallbackRequest | null> {
        return this.db.run((m) => m.getRepository(CallbackRequest).findOneBy({ reference: reference.toUpperCase() }));
    }

    /** The level that owns the request now (`JE`…), or null when nobody does. */
    ownerLevel(request: CallbackRequest): string | null {
        return request.assignedOfficialId === null ? null : OFFICIAL_LEVELS[Math.min(request.escalationLevel, OFFICIAL_LEVELS.length - 1)];
    }

    /**
     * Moves a late request one level up (skipping unstaffed levels). Returns false when someone else moved it first,
     * it is no longer open, or there is nobody above (then the clock stops asking).
     */
    async escalate(id: number, expectedLevel: number): Promise<boolean> {
        const request = await this.get(id);
        if (!OPEN_CALLBACK_STATUSES.includes(request.status) || request.escalationLevel !== expectedLevel) return false;
        const area =
            request.discom && request.subdivision ? { discom: request.discom, division: request.division ?? '', subdivision: request.subdivision } : null;
        let target = expectedLevel + 1;
        let owner: Official | null = null;
        for (; area && target < OFFICIAL_LEVELS.length; target++) {
            owner = await this.directory.ownerFor(area, OFFICIAL_LEVELS[target]);
            if (owner) break;
        }
        if (!owner) {
            await this.db.run((m) => m.getRepository(CallbackRequest).update({ id, escalationLevel: expectedLevel }, { nextEscalationAt: null }));
            return false;
        }
        const atTop = target + 1 >= OFFICIAL_LEVELS.length;
        const result = await this.db.run((m) =>
            m.getRepository(CallbackRequest).update(
                { id, escalationLevel: expectedLevel, status: In(OPEN_CALLBACK_STATUSES) },
                {
                    escalationLevel: target,
                    assignedOfficialId: owner.id,
                    nextEscalationAt: atTop ? null : new Date(this.now().getTime() + this.policy.escalationIntervalHours * 3600_000),
                }
            )
        );
        if (!result.affected) return false;
        const moved = await this.get(id);
        await this.notifier.callbackToOfficial(owner, moved, { key: 'officials:callbackEscalated', vars: { ...this.noticeVars(moved), level: owner.level } });
        return true;
    }

    /** One scheduler pass: escalates every open request whose next escalation is due. Safe on several instances. */
    async tick(): Promise<{ escalated: number }> {
        const due = await this.db.run((m) =>
            m.getRepository(CallbackRequest).find({
                where: { status: In(OPEN_CALLBACK_STATUSES), nextEscalationAt: LessThanOrEqual(this.now()) },
                order: { nextEscalationAt: 'ASC' },
                take: 500,
            })
        );
        let escalated = 0;
        for (const request of due) if (await this.escalate(request.id, request.escalationLevel)) escalated += 1;
        return { escalated };
    }

    /**
     * An official's outcome of an open request, with a note. `converted` needs the ticket of an existing complaint.
     * After `called` the consumer is asked whether they were called.
     */
    async recordOutcome(id: number, officialId: number, outcome: CallbackOutcome, note: string, ticket: string | null = null): Promise<CallbackRequest> {
        if (!CALLBACK_OUTCOMES.includes(outcome)) throw new LifecycleError(`unknown callback outcome "${String(outcome)}"`);
        if (!note.trim()) throw new LifecycleError('an outcome needs a note saying what happened');
        let convertedTicket: string | null = null;
        if (outcome === 'converted') {
            convertedTicket = (ticket ?? '').trim().toUpperCase();
            if (!TICKET.test(convertedTicket)) throw new LifecycleError('converting needs the ticket number of the complaint (C2612-0042)');
            const exists = await this.db.run((m) => m.getRepository(Complaint).existsBy({ ticket: convertedTicket! }));
            if (!exists) throw new LifecycleError(`no complaint ${convertedTicket}`);
        }
        const result = await this.db.run((m) =>
            m.getRepository(CallbackRequest).update(
                { id, status: In(OPEN_CALLBACK_STATUSES) },
                {
                    status: outcome,
                    outcomeNote: note.trim().slice(0, 500),
                    convertedTicket,
                    outcomeAt: this.now(),
                    outcomeOfficialId: officialId,
                    consumerAnswer: null,
                    nextEscalationAt: null,
                }
            )
        );
        if (!result.affected) {
            const current = await this.get(id);
            throw new LifecycleError(`a ${current.status} callback request cannot be marked ${outcome}`);
        }
        const recorded = await this.get(id);
        if (outcome === 'called') await this.notifier.askConsumerIfCalled(recorded);
        return recorded;
    }

    /**
     * The consumer's answer to "were you called?" (once per "called"). No reopens the request with a new due time and
     * tells its owner; returns null when there is nothing to answer (no call recorded, or already answered).
     */
    async answerCalled(id: number, called: boolean): Promise<CallbackRequest | null> {
        const dueAt = this.dueFrom(this.now());
        const change: Partial<CallbackRequest> = called
            ? { consumerAnswer: 'yes' }
            : { consumerAnswer: 'no', status: 'reopened', dueAt, nextEscalationAt: dueAt, outcomeAt: null, outcomeOfficialId: null };
        const result = await this.db.run((m) => m.getRepository(CallbackRequest).update({ id, status: 'called', consumerAnswer: IsNull() }, change));
        if (!result.affected) return null;
        const answered = await this.get(id);
        if (!called && answered.assignedOfficialId !== null) {
            const owner = await this.directory.findById(answered.assignedOfficialId);
            if (owner?.active) await this.notifier.callbackToOfficial(owner, answered, { key: 'officials:callbackNotCalled', vars: this.noticeVars(answered) });
        }
        return answered;
    }

    /** A request made (or reopened) at `at` is due `dueHours` later, counting only the hours officers call in. */
    private dueFrom(at: Date): Date {
        const { dueHours, hours } = this.policy;
        return hours ? afterOpenHours(at, dueHours, hours) : new Date(at.getTime() + dueHours * 3600_000);
    }

    private noticeVars(request: CallbackRequest): Record<string, unknown> {
        return { reference: request.reference, hours: this.policy.dueHours };
    }

    private async get(id: number): Promise<CallbackRequest> {
        const request = await this.db.run((m) => m.getRepository(CallbackRequest).findOneBy({ id }));
        if (!request) throw new LifecycleError(`no callback request ${id}`);
        return request;
    }
}
