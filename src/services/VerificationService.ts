import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { IdentityService } from './IdentityService';
import { CodeCheck, OneTimeCodes } from './OneTimeCodes';
import { ConsumerRecord } from './UtilityBackend';

/** The pause between codes sent to one account for different requesters. */
const ACCOUNT_PAUSE_MS = 60_000;

/** Outcome of starting verification. */
export type VerificationStart =
    | { kind: 'already' }
    | { kind: 'phone_match' }
    | { kind: 'code_sent'; maskedMobile: string }
    | { kind: 'no_mobile' }
    | { kind: 'rate_limited'; minutes: number }
    | { kind: 'send_failed' };

/**
 * Proves that a channel user holds an account before its bill, meter or personal details are shown: automatically
 * when the channel's phone number equals the registered mobile, otherwise by a 6-digit code sent to that mobile
 * ({@link OneTimeCodes}); codes to one account for different requesters are a minute apart.
 */
export class VerificationService {
    constructor(
        private readonly codes: OneTimeCodes,
        private readonly identities: IdentityService,
        private readonly composeSms: (code: string, minutes: number) => string
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
        return this.codes.send(identity.id, { purpose: 'account', subject: consumer.accountNumber }, mobile, this.composeSms, ACCOUNT_PAUSE_MS);
    }

    /** Checks a code typed by the user; a right one links the user to the account, bound to the mobile it went to. */
    async check(identity: ChannelIdentity, accountNumber: string, typed: string): Promise<CodeCheck> {
        const outcome = await this.codes.check(identity.id, { purpose: 'account', subject: accountNumber }, typed);
        if (outcome.kind === 'verified') await this.identities.link(identity.id, accountNumber, 'otp', outcome.sentTo);
        return outcome;
    }
}
