import { createHash, randomInt } from 'crypto';
import { MoreThan } from 'typeorm';
import { Database } from '../data/Database';
import { maskDigits } from '../i18n/format';
import { toAsciiDigits } from '../nlu/normalizeText';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { VerificationCode } from '../data/entities/VerificationCode';
import { IdentityService } from './IdentityService';
import { SmsSender } from './SmsSender';
import { ConsumerRecord } from './UtilityBackend';

/** The pause between codes sent to one account for different requesters. */
const ACCOUNT_PAUSE_MS = 60_000;

/** Limits of one-time codes. */
export interface VerificationPolicy {
    ttlSeconds: number;
    maxAttempts: number;
    maxSendsPerHour: number;
}

/** Outcome of starting verification. */
export type VerificationStart =
    | { kind: 'already' }
    | { kind: 'phone_match' }
    | { kind: 'code_sent'; maskedMobile: string }
    | { kind: 'no_mobile' }
    | { kind: 'rate_limited'; minutes: number }
    | { kind: 'send_failed' };

/** Outcome of checking a code. */
export type CodeCheck = { kind: 'verified' } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'expired' } | { kind: 'locked' };

/**
 * Proves that a channel user holds an account before its bill, meter or personal details are shown: automatically
 * when the channel's phone number equals the registered mobile, otherwise by a 6-digit code sent to that mobile.
 * Codes are stored hashed, expire, allow a few attempts; each requester may have a few sent per hour for an account,
 * and codes to one account from different requesters are a minute apart.
 */
export class VerificationService {
    constructor(
        private readonly db: Database,
        private readonly identities: IdentityService,
        private readonly sms: SmsSender,
        private readonly policy: VerificationPolicy,
        private readonly composeSms: (code: string, minutes: number) => string,
        private readonly now: () => number = () => Date.now()
    ) {}

    /**
     * Starts verifying `identity` for `consumer`. `senderPhone` is the phone number a trusted channel adapter
     * vouched for on this turn (never one the client claims about itself).
     */
    async start(identity: ChannelIdentity, consumer: ConsumerRecord, senderPhone: string | null): Promise<VerificationStart> {
        const mobile = consumer.registeredMobile;
        if (!mobile) return { kind: 'no_mobile' };
        if (await this.identities.isVerified(identity.id, consumer.accountNumber, mobile)) return { kind: 'already' };
        if (senderPhone && senderPhone === mobile) {
            await this.identities.link(identity.id, consumer.accountNumber, 'phone_match', mobile);
            return { kind: 'phone_match' };
        }
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const issued = await this.db.run(async (m): Promise<true | { waitMs: number }> => {
            const codes = m.getRepository(VerificationCode);
            const hourAgo = new Date(this.now() - 3600_000);
            // Each requester has their own hourly allowance for an account, so a stranger who asks for codes again and
            // again spends only theirs, never the owner's.
            const mine = await codes.find({
                where: { identityId: identity.id, accountNumber: consumer.accountNumber, createdAt: MoreThan(hourAgo) },
                order: { createdAt: 'ASC' },
            });
            if (mine.length >= this.policy.maxSendsPerHour)
                return { waitMs: mine[mine.length - this.policy.maxSendsPerHour].createdAt.getTime() + 3600_000 - this.now() };
            // Between requesters, a short pause per account keeps the owner's phone from being flooded by many chats
            // at once, and holds the owner back for at most that pause.
            const last = await codes.findOne({ where: { accountNumber: consumer.accountNumber, createdAt: MoreThan(hourAgo) }, order: { createdAt: 'DESC' } });
            if (last && last.identityId !== identity.id && this.now() - last.createdAt.getTime() < ACCOUNT_PAUSE_MS) {
                return { waitMs: last.createdAt.getTime() + ACCOUNT_PAUSE_MS - this.now() };
            }
            // Older codes stop working once a new one is sent, so only the latest SMS matters.
            await codes.update({ identityId: identity.id, accountNumber: consumer.accountNumber, spent: false }, { spent: true });
            await codes.insert({
                identityId: identity.id,
                accountNumber: consumer.accountNumber,
                codeHash: hashCode(code, identity.id, consumer.accountNumber),
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
            await this.sms.send(mobile, this.composeSms(code, Math.round(this.policy.ttlSeconds / 60)));
        } catch {
            return { kind: 'send_failed' };
        }
        return { kind: 'code_sent', maskedMobile: maskDigits(mobile, 2) };
    }

    /** Checks a code typed by the user (Devanagari digits and spaces allowed). */
    async check(identity: ChannelIdentity, accountNumber: string, typed: string): Promise<CodeCheck> {
        const digits = toAsciiDigits(typed).replace(/\s/g, '');
        let mobileAtIssue = '';
        const outcome = await this.db.run(async (m): Promise<CodeCheck> => {
            const codes = m.getRepository(VerificationCode);
            const pending = await codes.findOne({ where: { identityId: identity.id, accountNumber, spent: false }, order: { id: 'DESC' } });
            if (!pending) return { kind: 'expired' };
            if (pending.expiresAt < this.now()) {
                await codes.update({ id: pending.id }, { spent: true });
                return { kind: 'expired' };
            }
            if (hashCode(digits, identity.id, accountNumber) === pending.codeHash) {
                await codes.update({ id: pending.id }, { spent: true });
                mobileAtIssue = pending.sentTo;
                return { kind: 'verified' };
            }
            // Incremented in the database, so concurrent guesses (several instances) cannot exceed the limit.
            await codes.increment({ id: pending.id }, 'attempts', 1);
            const { attempts } = await codes.findOneByOrFail({ id: pending.id });
            const locked = attempts >= this.policy.maxAttempts;
            if (locked) await codes.update({ id: pending.id }, { spent: true });
            return locked ? { kind: 'locked' } : { kind: 'wrong', attemptsLeft: this.policy.maxAttempts - attempts };
        });
        if (outcome.kind === 'verified') await this.identities.link(identity.id, accountNumber, 'otp', mobileAtIssue);
        return outcome;
    }
}

function hashCode(code: string, identityId: number, accountNumber: string): string {
    return createHash('sha256').update(`${identityId}:${accountNumber}:${code}`).digest('hex');
}
