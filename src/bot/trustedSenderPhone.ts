import { TurnContext } from 'botbuilder';
import { parseMobileNumber } from '../nlu/extractEntities';

const TRUSTED_PHONE = Symbol('bijliMitra.trustedSenderPhone');

/**
 * Called by a channel adapter that knows the sender's phone number from the platform itself (WhatsApp's `wa_id`
 * after the webhook signature was checked, the local terminal). Only such a phone verifies an account
 * automatically: anything a client writes into the activity (`from.properties`, channelData) is never trusted.
 */
export function trustSenderPhone(context: TurnContext, phone: string): void {
    const mobile = parseMobileNumber(phone);
    if (mobile) context.turnState.set(TRUSTED_PHONE, mobile);
}

/** The phone number a trusted adapter vouched for on this turn, or null. */
export function trustedSenderPhone(context: TurnContext): string | null {
    return (context.turnState.get(TRUSTED_PHONE) as string | undefined) ?? null;
}
