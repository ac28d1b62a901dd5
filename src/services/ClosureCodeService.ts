import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { Complaint } from '../data/entities/Complaint';
import { CodeCheck, CodeSend, OneTimeCodes } from './OneTimeCodes';

/**
 * One-time codes that prove a "yes, fixed" for a complaint without an account: sent by SMS to the complaint's contact
 * mobile and typed back in the chat (the UPERC order's OTP on closure), with the limits of every code
 * ({@link OneTimeCodes}).
 */
export class ClosureCodeService {
    constructor(
        private readonly codes: OneTimeCodes,
        private readonly composeSms: (code: string, ticket: string, minutes: number) => string
    ) {}

    /** Sends a code for `complaint` to its contact mobile on behalf of `identity`. */
    async send(identity: ChannelIdentity, complaint: Complaint): Promise<CodeSend | { kind: 'no_mobile' }> {
        const mobile = complaint.contactMobile;
        if (!mobile) return { kind: 'no_mobile' };
        return this.codes.send(identity.id, subjectOf(complaint), mobile, (code, minutes) => this.composeSms(code, complaint.ticket, minutes));
    }

    /** Checks a code typed by `identity` for `complaint`; one sent to a number the complaint no longer has fails. */
    async check(identity: ChannelIdentity, complaint: Complaint, typed: string): Promise<CodeCheck> {
        return this.codes.check(identity.id, subjectOf(complaint), typed, complaint.contactMobile ?? '');
    }
}

function subjectOf(complaint: Complaint): { purpose: 'closure'; subject: string } {
    return { purpose: 'closure', subject: String(complaint.id) };
}
