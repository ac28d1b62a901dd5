import { EntityManager, In } from 'typeorm';
import { Database } from '../data/Database';
import { isUniqueViolation } from '../data/isUniqueViolation';
import { ClaimStatus, CompensationClaim } from '../data/entities/CompensationClaim';
import { Complaint } from '../data/entities/Complaint';
import { Consumer } from '../data/entities/Consumer';
import { OFFICIAL_LEVELS, Official } from '../data/entities/Official';
import { ComplaintNotifier } from './ComplaintNotifier';
import { ServiceStandards } from './ServiceStandards';

const DAY_MS = 24 * 3600_000;
/** Days after the end of the default (the resolution) within which compensation must be claimed. */
export const CLAIM_WINDOW_DAYS = 60;
/** The lowest level that decides claims: an SDO and above; a JE sees them but cannot decide. */
export const CLAIM_DECIDER_LEVEL = 'SDO';

/** Why a claim was not taken, or the claim taken (or found: one per complaint). */
export type ClaimOutcome =
    | { kind: 'claimed'; claim: CompensationClaim }
    | { kind: 'exists'; claim: CompensationClaim }
    | { kind: 'notLate' }
    | { kind: 'expired'; claimableUntil: Date };

/** A decision an official may take on a claim. */
export type ClaimDecision =
    { action: 'approve'; amountInr?: number } | { action: 'credit'; billMonth: string; amountInr?: number } | { action: 'refuse'; reason: string };

/** A decision that cannot be taken (wrong state, level, or input); the console shows it, nothing else changes. */
export class ClaimError extends Error {
    constructor(
        /** What is wrong, for the console's message: `level`, `billMonth`, `reason`, `state` or `action`. */
        readonly code: 'level' | 'billMonth' | 'reason' | 'state' | 'action' | 'amount',
        message: string
    ) {
        super(message);
    }
}

/** Compensation accrued, claimed and credited in one discom. */
export interface ClaimReport {
    discom: string;
    /** Breached complaints with a known amount, and their amounts (frozen at resolution, or accrued so far). */
    accruedCount: number;
    accruedInr: number;
    claimedCount: number;
    claimedInr: number;
    creditedCount: number;
    creditedInr: number;
    refusedCount: number;
    /** Claims still `claimed` past their decision time. */
    overdueCount: number;
}

/**
 * Compensation claims on breached complaints: taken from the consumer in the bot (amount and table version frozen at
 * that moment, one claim per complaint, refused outside the window or when nothing was late; an amount the standards do not give is set by the deciding officer), decided by officials
 * of SDO level and above, and reported per discom. Every decision is told to the consumer through the notifier.
 */
export class CompensationClaimService {
    constructor(
        private readonly db: Database,
        private readonly standards: ServiceStandards,
        private readonly notifier: ComplaintNotifier,
        private readonly policy: { decisionDays: number },
        private readonly now: () => Date = () => new Date()
    ) {}

    /** The claim on a complaint, if one was made. */
    async forComplaint(complaintId: number): Promise<CompensationClaim | null> {
        return this.db.run((m) => m.getRepository(CompensationClaim).findOneBy({ complaintId }));
    }

    /** What the complaint accrued (null amount when unknown), the standard it breached and its claim window. */
    async accrued(
        complaint: Complaint,
        now = this.now()
    ): Promise<{ amountInr: number | null; daysLate: number; standard: string; claimableUntil: Date; discom: string | null }> {
        const consumer = complaint.accountNumber
            ? await this.db.run((m) => m.getRepository(Consumer).findOneBy({ accountNumber: complaint.accountNumber! }))
            : null;
        // As the lifecycle does when it announces compensation: a complaint without an account counts as urban.
        const areaClass = consumer?.areaClass ?? 'urban';
        const row = this.standards.standardFor(complaint.category, areaClass);
        const { daysLate, amountInr } = complaint.dueAt
            ? this.standards.compensation(complaint.category, areaClass, complaint.dueAt, complaint.resolvedAt ?? now)
            : { daysLate: 0, amountInr: null };
        const standard = `${complaint.category}, ${areaClass}: ${row.resolutionHours} h, Rs ${row.compensationInrPerDay ?? '?'}/day (${row.status})`;
        const claimableUntil = new Date((complaint.resolvedAt ?? now).getTime() + CLAIM_WINDOW_DAYS * DAY_MS);
        return { amountInr: amountInr && amountInr > 0 ? amountInr : null, daysLate, standard, claimableUntil, discom: consumer?.discom ?? null };
    }

    /**
     * Takes the consumer's claim. The window runs for 60 days from the resolution; an unresolved breached complaint can
     * be claimed at any time, for what it accrued so far. A second claim on the same complaint returns the first.
     */
    async claim(complaint: Complaint, identityId: number): Promise<ClaimOutcome> {
        const existing = await this.forComplaint(complaint.id);
        if (existing) return { kind: 'exists', claim: existing };
        const now = this.now();
        const accrued = await this.accrued(complaint, now);
        // Late but without a confirmed amount in the standards: the claim stands, and the deciding officer sets it.
        if (accrued.daysLate === 0) return { kind: 'notLate' };
        if (now > accrued.claimableUntil) return { kind: 'expired', claimableUntil: accrued.claimableUntil };
        try {
            const claim = await this.db.run((m) =>
                m.getRepository(CompensationClaim).save(
                    m.getRepository(CompensationClaim).create({
                        complaintId: complaint.id,
                        ticket: complaint.ticket,
                        discom: accrued.discom,
                        amountInr: accrued.amountInr,
                        daysLate: accrued.daysLate,
                        standardsVersion: complaint.standardsVersion ?? this.standards.version,
                        standard: accrued.standard.slice(0, 200),
                        claimableUntil: accrued.claimableUntil,
                        status: 'claimed',
                        billMonth: null,
                        refusalReason: null,
                        identityId,
                        claimedAt: now,
                        decideBy: new Date(now.getTime() + this.policy.decisionDays * DAY_MS),
                        decidedAt: null,
                        decidedBy: null,
                        creditedAt: null,
                        creditedBy: null,
                    })
                )
            );
            return { kind: 'claimed', claim };
        } catch (error) {
            // Two messages at once: the other one's claim stands.
            if (!isUniqueViolation(error)) throw error;
            return { kind: 'exists', claim: (await this.forComplaint(complaint.id))! };
        }
    }

    /** Whether a claim is still waiting for a decision past its time (the consumer may then go to the CGRF). */
    notDecidedInTime(claim: CompensationClaim, now = this.now()): boolean {
        return claim.status === 'claimed' && now > claim.decideBy;
    }

    /** Whether `official` may decide claims (SDO and above). */
    static canDecide(official: Official): boolean {
        return OFFICIAL_LEVELS.indexOf(official.level) >= OFFICIAL_LEVELS.indexOf(CLAIM_DECIDER_LEVEL);
    }

    /**
     * Records a decision by `official` and tells the consumer. Approve: `claimed` → `approved`; credit (with the bill
     * month): `claimed`/`approved` → `credited`; refuse (with a reason): `claimed`/`approved` → `refused`.
     */
    async decide(claimId: number, official: Official, decision: ClaimDecision): Promise<CompensationClaim> {
        if (!CompensationClaimService.canDecide(official)) throw new ClaimError('level', `a ${official.level} cannot decide compensation claims`);
        const now = this.now();
        let from: ClaimStatus[];
        let change: Partial<CompensationClaim>;
        // An amount the standards did not give is set by the officer who approves or credits the claim; one the
        // standards gave is never changed here.
        let setAmount: { amountInr: number } | Record<string, never> = {};
        if (decision.action !== 'refuse') {
            const current = await this.db.run((m) => m.getRepository(CompensationClaim).findOneBy({ id: claimId }));
            const amount = decision.amountInr;
            if (current && current.amountInr === null) {
                if (amount === undefined || !(Number.isInteger(amount) && amount > 0 && amount <= 1_000_000))
                    throw new ClaimError('amount', 'this claim needs an amount in whole rupees above zero');
                setAmount = { amountInr: amount };
            }
        }
        if (decision.action === 'approve') {
            from = ['claimed'];
            change = { status: 'approved', decidedAt: now, decidedBy: official.id, ...setAmount };
        } else if (decision.action === 'credit') {
            if (!/^20[0-9]{2}-(0[1-9]|1[0-2])$/.test(decision.billMonth)) throw new ClaimError('billMonth', 'the bill month must be YYYY-MM');
            from = ['claimed', 'approved'];
            change = {
                status: 'credited',
                billMonth: decision.billMonth,
                creditedAt: now,
                creditedBy: official.id,
                ...setAmount,
            };
        } else {
            const reason = decision.reason.trim().slice(0, 500);
            if (!reason) throw new ClaimError('reason', 'a refusal needs a reason');
            from = ['claimed', 'approved'];
            change = { status: 'refused', refusalReason: reason, decidedAt: now, decidedBy: official.id };
        }
        const repo = (m: EntityManager) => m.getRepository(CompensationClaim);
        const result = await this.db.run((m) => repo(m).update({ id: claimId, status: In(from) }, change));
        const claim = await this.db.run((m) => repo(m).findOneBy({ id: claimId }));
        if (!claim) throw new ClaimError('state', `no claim ${claimId}`);
        if (!result.affected) throw new ClaimError('state', `a ${claim.status} claim cannot be ${decision.action}d`);
        // A credit without a prior approval is also the decision.
        if (decision.action === 'credit' && claim.decidedAt === null) {
            await this.db.run((m) => repo(m).update({ id: claimId }, { decidedAt: now, decidedBy: official.id }));
        }
        const complaint = await this.db.run((m) => m.getRepository(Complaint).findOneBy({ id: claim.complaintId }));
        if (complaint) {
            await this.notifier.toConsumer(complaint, {
                key: `claims:notice.${claim.status}`,
                // Approved and credited claims always have their amount (set by the officer where the standards had none).
                vars: { ticket: claim.ticket, amount: `₹${claim.amountInr ?? 0}`, billMonth: claim.billMonth, reason: claim.refusalReason },
            });
        }
        return claim;
    }

    /** Claims in a discom (null: complaints without an account), newest first, at most `limit`. */
    async listIn(discom: string, limit = 500): Promise<CompensationClaim[]> {
        return this.db.run((m) => m.getRepository(CompensationClaim).find({ where: { discom }, order: { id: 'DESC' }, take: limit }));
    }

    /** Compensation accrued (over every breached complaint of the discom), claimed and credited. */
    async report(discom: string, now = this.now()): Promise<ClaimReport> {
        const breached = await this.db.run((m) =>
            m
                .getRepository(Complaint)
                .createQueryBuilder('c')
                .innerJoin(Consumer, 'cons', 'cons.accountNumber = c.accountNumber')
                .where('cons.discom = :discom', { discom })
                .andWhere('c.dueAt < :now', { now })
                .getMany()
        );
        let accruedCount = 0;
        let accruedInr = 0;
        for (const complaint of breached) {
            const { amountInr } = await this.accrued(complaint, now);
            if (amountInr === null) continue;
            accruedCount += 1;
            accruedInr += amountInr;
        }
        const claims = await this.db.run((m) => m.getRepository(CompensationClaim).findBy({ discom }));
        const sum = (list: CompensationClaim[]) => list.reduce((total, c) => total + (c.amountInr ?? 0), 0);
        const credited = claims.filter((c) => c.status === 'credited');
        return {
            discom,
            accruedCount,
            accruedInr,
            claimedCount: claims.length,
            claimedInr: sum(claims),
            creditedCount: credited.length,
            creditedInr: sum(credited),
            refusedCount: claims.filter((c) => c.status === 'refused').length,
            overdueCount: claims.filter((c) => this.notDecidedInTime(c, now)).length,
        };
    }
}
