import { TurnContext } from 'botbuilder';

const VOUCHED_PHONE = Symbol('channel.vouchedSenderPhone');

/**
 * Called by a channel adapter that knows the sender's phone number from the platform itself (WhatsApp's `wa_id`
 * after the webhook signature was checked, the local terminal), in international form without the plus: country
 * code, then number ("919415012345"). Anything a client writes into the activity (`from.properties`, channelData) is
 * never a vouched phone; the bot decides what a vouched phone may unlock.
 */
export function vouchForSenderPhone(context: TurnContext, phone: string): void {
    context.turnState.set(VOUCHED_PHONE, phone);
}

/** The phone number a channel adapter vouched for on this turn, as the platform gave it, or null. */
export function vouchedSenderPhone(context: TurnContext): string | null {
    return (context.turnState.get(VOUCHED_PHONE) as string | undefined) ?? null;
}

/** A 10-digit Indian mobile in the form platforms report it ("91" and the number); other values as given. */
export function withIndianCountryCode(mobile: string): string {
    return /^[6-9][0-9]{9}$/.test(mobile) ? `91${mobile}` : mobile;
}
