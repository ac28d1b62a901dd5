import type { TurnContext } from 'botbuilder';
import type { Complaint } from '../src/data/entities/Complaint';
import { TurnData } from '../src/bot/TurnData';
import type { DialogServices } from './DialogServices';

/**
 * How this chat stands to a complaint: it registered it (`registrant`), it is verified for the complaint's account
 * (`verified_account`), or neither (null). Full detail, closing, claiming and adding news need one of the two.
 */
export async function complaintAccess(
    services: Pick<DialogServices, 'identities'>,
    context: TurnContext,
    complaint: Complaint
): Promise<'registrant' | 'verified_account' | null> {
    const activity = context.activity;
    if (complaint.channel === activity.channelId && complaint.channelUserId === activity.from.id) return 'registrant';
    if (!complaint.accountNumber) return null;
    const accounts = await services.identities.verifiedAccounts(TurnData.of(context).identity.id);
    return accounts.includes(complaint.accountNumber) ? 'verified_account' : null;
}
