import { In, MoreThan } from 'typeorm';
import { Database } from '../data/Database';
import { AccountLink } from '../data/entities/AccountLink';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { Consumer } from '../data/entities/Consumer';
import { MobileChangeEvent, MobileEventKind } from '../data/entities/MobileChangeEvent';
import { HolderProof, MobileChangeRequest, NewMobileProof } from '../data/entities/MobileChangeRequest';
import { MobileProofAttempt } from '../data/entities/MobileProofAttempt';
import { OFFICIAL_LEVELS, Official } from '../data/entities/Official';
import { maskDigits } from '../i18n/format';
import { toAsciiDigits } from '../nlu/normalizeText';
import { MobileChangeNotifier } from './MobileChangeNotifier';
import { CodeCheck, CodeSend, OneTimeCodes } from './OneTimeCodes';
import { ReferenceNumbers } from './ReferenceNumbers';
import { UtilityBackend } from './UtilityBackend';

const HOUR_MS = 3600_000;
/** Wrong answers to the account questions are counted over this window. */
const KNOWLEDGE_WINDOW_MS = 24 * HOUR_MS;
/** An account takes this many times a requester's allowance from all requesters together. */
const ACCOUNT_ALLOWANCE_FACTOR = 3;
/** The pause between codes sent to one new mobile for different requesters. */
const NEW_MOBILE_PAUSE_MS = 60_000;
/** The lowest level that decides mobile changes (see {@link MobileChangeService.canDecide}). */
export const MOBILE_DECIDER_LEVEL = 'SDO';

/** Limits and timing of mobile changes (`MOBILE_*`). */
export interface MobileChangePolicy {
    dueHours: number;
    maxKnowledgeAttempts: number;
}

/** Outcome of answering the account questions. */
export type KnowledgeCheck = { kind: 'right' } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'locked'; hours: number };

/** What a new request came to. */
export type RequestOutcome = { kind: 'created'; request: MobileChangeRequest } | { kind: 'exists'; request: MobileChangeRequest };

/** A decision that cannot be taken; the console shows it and nothing changes. */
export class MobileChangeError extends Error {
    constructor(
        /** `level`, `reason` or `state`. */
        readonly code: 'level' | 'reason' | 'state',
        message: string
    ) {
        super(message);
    }
}

/** What the consumer gave when asking, and how they proved it. */
export interface NewRequest {
    identity: ChannelIdentity;
    channel: string;
    channelUserId: string;
    conversationRef: string | null;
    language: string | null;
    accountNumber: string;
    newMobile: string;
    holderProof: HolderProof;
    newMobileProof: NewMobileProof;
}

/**
 * Linking or changing an account's registered mobile. The consumer proves they hold the account (a code to the old
 * mobile, or the last bill's amount and the meter number, with attempts counted in the database) and that the new
 * mobile is theirs (a code to it through {@link OneTimeCodes} purpose `mobile`, or the channel vouching for it); the
 * request then waits for an official of SDO level or above of the account's area. Approval changes the consumer's
 * registered mobile, voids every verified link of the account and is audited; the consumer is told either way.
 */
export class MobileChangeService {
    constructor(
        private readonly db: Database,
        private readonly backend: UtilityBackend,
        private readonly codes: OneTimeCodes,
        private readonly references: ReferenceNumbers,
        private readonly notifier: MobileChangeNotifier,
        private readonly policy: MobileChangePolicy,
        /** The SMS with the code for the new mobile (one bilingual text: its owner's language is not known). */
        private readonly composeSms: (code: string, minutes: number) => string,
        private readonly now: () => Date = () => new Date()
    ) {}

    /** Hours until `identityId` may answer the account questions for `accountNumber` again, or 0 when they may now. */
    async knowledgeWaitHours(identityId: number, accountNumber: string): Promise<number> {
        const since = new Date(this.now().getTime() - KNOWLEDGE_WINDOW_MS);
        const failed = await this.db.run((m) =>
            m.getRepository(MobileProofAttempt).find({ where: { accountNumber, succeeded: false, at: MoreThan(since) }, order: { at: 'ASC' } })
        );
        const mine = failed.filter((a) => a.identityId === identityId);
        const max = this.policy.maxKnowledgeAttempts;
        // The oldest failure that keeps the count at the limit decides when one more try is allowed.
        const blockers = [
            mine.length >= max ? mine[mine.length - max] : null,
            failed.length >= max * ACCOUNT_ALLOWANCE_FACTOR ? failed[failed.length - max * ACCOUNT_ALLOWANCE_FACTOR] : null,
        ].filter((a): a is MobileProofAttempt => a !== null);
        if (blockers.length === 0) return 0;
        const until = Math.max(...blockers.map((a) => a.at.getTime() + KNOWLEDGE_WINDOW_MS));
        return Math.max(1, Math.ceil((until - this.now().getTime()) / HOUR_MS));
    }

    /** Whether the account has what the questions ask about (a bill and a meter on record). */
    async canAskKnowledge(accountNumber: string): Promise<boolean> {
        const [bills, meter] = await Promise.all([this.backend.listBills(accountNumber, 1), this.backend.findMeter(accountNumber)]);
        return bills.length > 0 && meter !== null;
    }

    /**
     * Checks the last bill's amount (the bill's own amount, or with arrears; whole rupees, paise ignored) and the
     * meter number (letters and digits, case and spaces ignored). Every answer is recorded; the limit is checked first.
     */
    async checkKnowledge(identityId: number, accountNumber: string, amountText: string, meterText: string): Promise<KnowledgeCheck> {
        const wait = await this.knowledgeWaitHours(identityId, accountNumber);
        if (wait > 0) return { kind: 'locked', hours: wait };
        const [bill] = await this.backend.listBills(accountNumber, 1);
        const meter = await this.backend.findMeter(accountNumber);
        const typed = rupeesIn(amountText);
        const amounts = bill ? [bill.amountPaise, bill.amountPaise + bill.arrearsPaise].map((p) => Math.floor(p / 100)) : [];
        const amountRight = typed !== null && amounts.includes(typed);
        const meterRight = meter !== null && compact(meterText) === compact(meter.meterNumber) && compact(meterText).length > 0;
        const succeeded = amountRight && meterRight;
        await this.db.run((m) => m.getRepository(MobileProofAttempt).insert({ accountNumber, identityId, succeeded, at: this.now() }));
        if (succeeded) return { kind: 'right' };
        const after = await this.knowledgeWaitHours(identityId, accountNumber);
        if (after > 0) return { kind: 'locked', hours: after };
        const since = new Date(this.now().getTime() - KNOWLEDGE_WINDOW_MS);
        const mine = await this.db.run((m) =>
            m.getRepository(MobileProofAttempt).countBy({ accountNumber, identityId, succeeded: false, at: MoreThan(since) })
        );
        return { kind: 'wrong', attemptsLeft: Math.max(1, this.policy.maxKnowledgeAttempts - mine) };
    }

    /** Sends a code to the new mobile (purpose `mobile`, subject the mobile). */
    async sendNewMobileCode(identity: ChannelIdentity, mobile: string): Promise<CodeSend> {
        // Different chats sending codes to one phone are a minute apart, as for account verification: nobody can flood a number.
        return this.codes.send(identity.id, { purpose: 'mobile', subject: mobile }, mobile, this.composeSms, NEW_MOBILE_PAUSE_MS);
    }

    /** Checks the code typed for the new mobile; only a code sent to that very number counts. */
    async checkNewMobileCode(identity: ChannelIdentity, mobile: string, typed: string): Promise<CodeCheck> {
        return this.codes.check(identity.id, { purpose: 'mobile', subject: mobile }, typed, mobile);
    }

    /**
     * Records a request. The same chat asking again for the same account while one is pending gets that one back
     * (with the new number, when it changed), so nothing is doubled.
     */
    async request(input: NewRequest): Promise<RequestOutcome> {
        const consumer = await this.backend.findConsumer(input.accountNumber);
        if (!consumer) throw new Error('no such account');
        const now = this.now();
        const pending = await this.db.run((m) =>
            m.getRepository(MobileChangeRequest).findOneBy({ accountNumber: input.accountNumber, identityId: input.identity.id, status: 'pending' })
        );
        if (pending) {
            if (pending.newMobile !== input.newMobile) {
                await this.db.run((m) =>
                    m
                        .getRepository(MobileChangeRequest)
                        .update({ id: pending.id }, { newMobile: input.newMobile, newMobileProof: input.newMobileProof, holderProof: input.holderProof })
                );
                pending.newMobile = input.newMobile;
                await this.audit(pending, 'requested', null, 'updated');
            }
            return { kind: 'exists', request: pending };
        }
        const reference = await this.references.next('M');
        const request = await this.db.run((m) =>
            m.getRepository(MobileChangeRequest).save(
                m.getRepository(MobileChangeRequest).create({
                    reference,
                    accountNumber: consumer.accountNumber,
                    discom: consumer.discom,
                    subdivision: consumer.subdivision,
                    oldMobile: consumer.registeredMobile,
                    newMobile: input.newMobile,
                    holderProof: input.holderProof,
                    newMobileProof: input.newMobileProof,
                    status: 'pending',
                    refusalReason: null,
                    identityId: input.identity.id,
                    channel: input.channel,
                    channelUserId: input.channelUserId,
                    conversationRef: input.conversationRef,
                    language: input.language,
                    createdAt: now,
                    dueAt: new Date(now.getTime() + this.policy.dueHours * HOUR_MS),
                    decidedAt: null,
                    decidedBy: null,
                    settledAt: null,
                })
            )
        );
        await this.audit(request, 'requested', null, null);
        return { kind: 'created', request };
    }

    /** The request with this reference, or null. */
    async findByReference(reference: string): Promise<MobileChangeRequest | null> {
        return this.db.run((m) => m.getRepository(MobileChangeRequest).findOneBy({ reference }));
    }

    /** Whether a pending request is past its due time. */
    isLate(request: MobileChangeRequest, now = this.now()): boolean {
        return request.status === 'pending' && now > request.dueAt;
    }

    /**
     * Whether `official` may decide mobile changes: SDO and above. A new registered mobile hands the account's bills,
     * codes and verified chats to whoever holds it, so the JE who deals with the consumer day to day sees the request
     * but a second, more senior person decides it (the same split as compensation claims).
     */
    static canDecide(official: Official): boolean {
        return OFFICIAL_LEVELS.indexOf(official.level) >= OFFICIAL_LEVELS.indexOf(MOBILE_DECIDER_LEVEL);
    }

    /** Requests of accounts in these subdivisions of `discom`: pending first (the oldest first), then the latest decided. */
    async listIn(discom: string, subdivisions: string[], limit = 300): Promise<MobileChangeRequest[]> {
        if (subdivisions.length === 0) return [];
        const rows = await this.db.run((m) =>
            m.getRepository(MobileChangeRequest).find({ where: { discom, subdivision: In(subdivisions) }, order: { id: 'DESC' }, take: limit })
        );
        const pending = rows.filter((r) => r.status === 'pending').sort((a, b) => a.id - b.id);
        return [...pending, ...rows.filter((r) => r.status !== 'pending')];
    }

    /** The audit trail of a request, oldest first. */
    async events(requestId: number): Promise<MobileChangeEvent[]> {
        return this.db.run((m) => m.getRepository(MobileChangeEvent).find({ where: { requestId }, order: { id: 'ASC' } }));
    }

    /** Records that `official` was shown the full numbers of `request`. */
    async recordView(request: MobileChangeRequest, official: Official): Promise<void> {
        await this.audit(request, 'viewed', official.id, null);
    }

    /**
     * Approves a pending request (compare-and-set: a second click or a second official changes nothing): the consumer's
     * registered mobile becomes the new one and every verified link of the account is removed, in one transaction;
     * then the audit row, and the consumer is told.
     */
    async approve(requestId: number, official: Official): Promise<MobileChangeRequest> {
        if (!MobileChangeService.canDecide(official)) throw new MobileChangeError('level', `a ${official.level} cannot decide mobile changes`);
        const now = this.now();
        const voided = await this.db.transaction(async (m) => {
            const result = await m
                .getRepository(MobileChangeRequest)
                .update({ id: requestId, status: 'pending' }, { status: 'approved', decidedAt: now, decidedBy: official.id });
            if (!result.affected) return null;
            const request = await m.getRepository(MobileChangeRequest).findOneByOrFail({ id: requestId });
            await m.getRepository(Consumer).update({ accountNumber: request.accountNumber }, { registeredMobile: request.newMobile });
            // Explicitly, although the binding of links to the mobile they were proved against would void them anyway.
            const removed = await m.getRepository(AccountLink).delete({ accountNumber: request.accountNumber });
            return removed.affected ?? 0;
        });
        const request = await this.reload(requestId);
        if (voided === null) throw new MobileChangeError('state', `a ${request.status} request cannot be approved`);
        await this.audit(request, 'approved', official.id, null, voided);
        await this.notifier.mobileRequestToConsumer(request, {
            key: 'mobile:notice.approved',
            vars: { reference: request.reference, account: maskDigits(request.accountNumber), mobile: maskDigits(request.newMobile, 2) },
        });
        return request;
    }

    /** Refuses a pending request with a reason (compare-and-set), audits it and tells the consumer the reason. */
    async refuse(requestId: number, official: Official, reason: string): Promise<MobileChangeRequest> {
        if (!MobileChangeService.canDecide(official)) throw new MobileChangeError('level', `a ${official.level} cannot decide mobile changes`);
        const why = reason.trim().slice(0, 500);
        if (!why) throw new MobileChangeError('reason', 'a refusal needs a reason');
        const result = await this.db.run((m) =>
            m
                .getRepository(MobileChangeRequest)
                .update({ id: requestId, status: 'pending' }, { status: 'refused', refusalReason: why, decidedAt: this.now(), decidedBy: official.id })
        );
        const request = await this.reload(requestId);
        if (!result.affected) throw new MobileChangeError('state', `a ${request.status} request cannot be refused`);
        await this.audit(request, 'refused', official.id, why);
        await this.notifier.mobileRequestToConsumer(request, {
            key: 'mobile:notice.refused',
            vars: { reference: request.reference, account: maskDigits(request.accountNumber), reason: why },
        });
        return request;
    }

    private async reload(requestId: number): Promise<MobileChangeRequest> {
        const request = await this.db.run((m) => m.getRepository(MobileChangeRequest).findOneBy({ id: requestId }));
        if (!request) throw new MobileChangeError('state', `no request ${requestId}`);
        return request;
    }

    private async audit(
        request: MobileChangeRequest,
        kind: MobileEventKind,
        officialId: number | null,
        note: string | null,
        linksVoided: number | null = null
    ) {
        await this.db.run((m) =>
            m.getRepository(MobileChangeEvent).insert({
                requestId: request.id,
                accountNumber: request.accountNumber,
                kind,
                officialId,
                at: this.now(),
                oldMasked: request.oldMobile ? maskDigits(request.oldMobile) : null,
                newMasked: maskDigits(request.newMobile),
                proof: `${request.holderProof}+${request.newMobileProof}`,
                linksVoided,
                note,
            })
        );
    }
}

/** Whole rupees typed ("₹1,456", "1456.50", "१४५६ रुपये"), or null. */
export function rupeesIn(text: string): number | null {
    const match = toAsciiDigits(text)
        .replace(/(?<=[0-9]),(?=[0-9])/g, '')
        .match(/[0-9]+(?:\.[0-9]{1,2})?/);
    return match ? Math.floor(Number(match[0])) : null;
}

/** Letters and digits only, upper case: a meter number as typed and as on record compare equal. */
function compact(text: string): string {
    return toAsciiDigits(text)
        .replace(/[^0-9A-Za-z]/g, '')
        .toUpperCase();
}
