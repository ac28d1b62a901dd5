import { createHash, randomInt } from 'crypto';
import { LessThan, MoreThan } from 'typeorm';
import { Database } from '../data/Database';
import { OneTimeCode } from '../data/entities/OneTimeCode';
import { maskDigits } from '../i18n/format';
import { toAsciiDigits } from '../nlu/normalizeText';
import { SmsSender } from './SmsSender';

/** Limits of one-time codes (`OTP_*`). */
export interface OneTimeCodePolicy {
    ttlSeconds: number;
    maxAttempts: number;
    maxSendsPerHour: number;
}

/** What a code proves, and of what: an account number, a complaint id or a mobile. */
export interface CodeSubject {
    purpose: 'account' | 'closure' | 'mobile';
    subject: string;
}

/** Outcome of sending a code. */
export type CodeSend = { kind: 'code_sent'; maskedMobile: string } | { kind: 'rate_limited'; minutes: number } | { kind: 'send_failed' };

/** Outcome of checking a code; a verified code names the mobile it was sent to. */
export type CodeCheck = { kind: 'verified'; sentTo: string } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'expired' } | { kind: 'locked' };

/** Codes of one subject older than this are deleted: every limit looks back an hour at most. */
const KEEP_MS = 24 * 3600_000;

/**
 * The one store of SMS one-time codes, whatever they prove. Codes are stored hashed, expire, allow a few attempts;
 * each requester may have a few sent per hour for a subject, and a new code voids the requester's last one.
 */
export class OneTimeCodes {
    constructor(
        private readonly db: Database,
        private readonly sms: SmsSender,
        private readonly policy: OneTimeCodePolicy,
        private readonly now: () => number = () => Date.now()
    ) {}

    /**
     * Sends a code about `subject` to `mobile` for the channel user `identityId`. With `pauseBetweenRequestersMs`,
     * codes about one subject for different requesters are that far apart, so many chats cannot flood one phone.
     */
    async send(
        identityId: number,
        subject: CodeSubject,
        mobile: string,
        text: (code: string, minutes: number) => string,
        pauseBetweenRequestersMs = 0
    ): Promise<CodeSend> {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const issued = await this.db.run(async (m): Promise<true | { waitMs: number }> => {
            const codes = m.getRepository(OneTimeCode);
            const hourAgo = new Date(this.now() - 3600_000);
            // Each requester has their own hourly allowance, so a stranger who asks again and again spends only theirs.
            const mine = await codes.find({ where: { ...subject, identityId, createdAt: MoreThan(hourAgo) }, order: { createdAt: 'ASC' } });
            if (mine.length >= this.policy.maxSendsPerHour) {
                return { waitMs: mine[mine.length - this.policy.maxSendsPerHour].createdAt.getTime() + 3600_000 - this.now() };
            }
            if (pauseBetweenRequestersMs > 0) {
                const last = await codes.findOne({ where: { ...subject, createdAt: MoreThan(hourAgo) }, order: { createdAt: 'DESC' } });
                if (last && last.identityId !== identityId && this.now() - last.createdAt.getTime() < pauseBetweenRequestersMs) {
                    return { waitMs: last.createdAt.getTime() + pauseBetweenRequestersMs - this.now() };
                }
            }
            // Older codes stop working once a new one is sent, so only the latest SMS matters.
            await codes.update({ ...subject, identityId, spent: false }, { spent: true });
            await codes.delete({ ...subject, createdAt: LessThan(new Date(this.now() - KEEP_MS)) });
            await codes.insert({
                ...subject,
                identityId,
                codeHash: hashCode(code, identityId, subject),
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
            await this.sms.send(mobile, text(code, Math.round(this.policy.ttlSeconds / 60)));
        } catch {
            return { kind: 'send_failed' };
        }
        return { kind: 'code_sent', maskedMobile: maskDigits(mobile, 2) };
    }

    /**
     * Checks a code typed by `identityId` (Devanagari digits and spaces allowed). With `expectedMobile`, a code sent
     * to another number (the subject's mobile changed since) proves nothing.
     */
    async check(identityId: number, subject: CodeSubject, typed: string, expectedMobile?: string): Promise<CodeCheck> {
        const digits = toAsciiDigits(typed).replace(/\s/g, '');
        return this.db.run(async (m): Promise<CodeCheck> => {
            const codes = m.getRepository(OneTimeCode);
            const pending = await codes.findOne({ where: { ...subject, identityId, spent: false }, order: { id: 'DESC' } });
            if (!pending || (expectedMobile !== undefined && pending.sentTo !== expectedMobile)) return { kind: 'expired' };
            if (pending.expiresAt < this.now()) {
                await codes.update({ id: pending.id }, { spent: true });
                return { kind: 'expired' };
            }
            if (hashCode(digits, identityId, subject) === pending.codeHash) {
                // Compare-and-set: two instances checking the same code at once cannot both use it.
                const used = await codes.update({ id: pending.id, spent: false }, { spent: true });
                return used.affected ? { kind: 'verified', sentTo: pending.sentTo } : { kind: 'expired' };
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

/** The prefixes are those of the two tables this one replaced, so codes in flight at the upgrade still work. */
function hashCode(code: string, identityId: number, { purpose, subject }: CodeSubject): string {
    const prefix = purpose === 'account' ? '' : `${purpose}:`;
    return createHash('sha256').update(`${prefix}${identityId}:${subject}:${code}`).digest('hex');
}
