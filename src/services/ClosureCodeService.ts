import { createHash, randomInt } from 'crypto';
import { MoreThan } from 'typeorm';
import { Database } from '../data/Database';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { ClosureCode } from '../data/entities/ClosureCode';
import { Complaint } from '../data/entities/Complaint';
import { maskDigits } from '../i18n/format';
import { toAsciiDigits } from '../nlu/normalizeText';
import { SmsSender } from './SmsSender';
import { CodeCheck, VerificationPolicy } from './VerificationService';

/** Outcome of sending a closure code. */
export type ClosureCodeStart =
    { kind: 'code_sent'; maskedMobile: string } | { kind: 'no_mobile' } | { kind: 'rate_limited'; minutes: number } | { kind: 'send_failed' };

/**
 * One-time codes that prove a "yes, fixed" for a complaint without an account: sent by SMS to the complaint's contact
 * mobile, typed back in the chat (the UPERC order's OTP on closure). The same rules as account verification: stored
 * hashed, expiring, a few attempts, a few codes per hour for one complaint and chat, and a new code voids the last.
 */
export class ClosureCodeService {
    constructor(
        private readonly db: Database,
        private readonly sms: SmsSender,
        private readonly policy: VerificationPolicy,
        private readonly composeSms: (code: string, ticket: string, minutes: number) => string,
        private readonly now: () => number = () => Date.now()
    ) {}

    /** Sends a code for `complaint` to its contact mobile on behalf of `identity`. */
    async send(identity: ChannelIdentity, complaint: Complaint): Promise<ClosureCodeStart> {
        const mobile = complaint.contactMobile;
        if (!mobile) return { kind: 'no_mobile' };
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const issued = await this.db.run(async (m): Promise<true | { waitMs: number }> => {
            const codes = m.getRepository(ClosureCode);
            const recent = await codes.find({
                where: { complaintId: complaint.id, identityId: identity.id, createdAt: MoreThan(new Date(this.now() - 3600_000)) },
                order: { createdAt: 'ASC' },
            });
            if (recent.length >= this.policy.maxSendsPerHour)
                return { waitMs: recent[recent.length - this.policy.maxSendsPerHour].createdAt.getTime() + 3600_000 - this.now() };
            await codes.update({ complaintId: complaint.id, identityId: identity.id, spent: false }, { spent: true });
            await codes.insert({
                complaintId: complaint.id,
                identityId: identity.id,
                codeHash: hashCode(code, identity.id, complaint.id),
                sentTo: mobile,
                attempts: 0,
                expiresAt: this.now() + this.policy.ttlSeconds * 1000,
                spent: false,
                createdAt: new Date(this.now()),
            });
            return true;
        });
        if (issued !== true) return { kind: 'rate_limited', minutes: Math.max(1, Math.ceil(issued.waitMs / 60_000)) };
        try {
            // Outside the database unit: a slow gateway must not hold up other users on SQLite.
            await this.sms.send(mobile, this.composeSms(code, complaint.ticket, Math.round(this.policy.ttlSeconds / 60)));
        } catch {
            return { kind: 'send_failed' };
        }
        return { kind: 'code_sent', maskedMobile: maskDigits(mobile, 2) };
    }

    /** Checks a code typed by `identity` for `complaint` (Devanagari digits and spaces allowed). */
    async check(identity: ChannelIdentity, complaint: Complaint, typed: string): Promise<CodeCheck> {
        const digits = toAsciiDigits(typed).replace(/\s/g, '');
        return this.db.run(async (m): Promise<CodeCheck> => {
            const codes = m.getRepository(ClosureCode);
            const pending = await codes.findOne({ where: { complaintId: complaint.id, identityId: identity.id, spent: false }, order: { id: 'DESC' } });
            // A code sent to a number the complaint no longer has proves nothing.
            if (!pending || pending.sentTo !== complaint.contactMobile) return { kind: 'expired' };
            if (pending.expiresAt < this.now()) {
                await codes.update({ id: pending.id }, { spent: true });
                return { kind: 'expired' };
            }
            if (hashCode(digits, identity.id, complaint.id) === pending.codeHash) {
                // Compare-and-set: two instances checking the same code at once cannot both use it.
                const used = await codes.update({ id: pending.id, spent: false }, { spent: true });
                return used.affected ? { kind: 'verified' } : { kind: 'expired' };
            }
            // Incremented in the database, so concurrent guesses (several instances) cannot exceed the limit.
            await codes.increment({ id: pending.id }, 'attempts', 1);
            const { attempts } = await codes.findOneByOrFail({ id: pending.id });
            const locked = attempts >= this.policy.maxAttempts;
            if (locked) await codes.update({ id: pending.id }, { spent: true });
            return locked ? { kind: 'locked' } : { kind: 'wrong', attemptsLeft: this.policy.maxAttempts - attempts };
        });
    }
}

function hashCode(code: string, identityId: number, complaintId: number): string {
    return createHash('sha256').update(`closure:${identityId}:${complaintId}:${code}`).digest('hex');
}
