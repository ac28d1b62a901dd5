import { TurnContext } from 'botbuilder';
import { vouchedSenderPhone } from '../../adapters/shared/senderPhone';

/**
 * The Indian mobile number (10 digits) a channel adapter vouched for on this turn (see `vouchForSenderPhone`), or
 * null. Only a number in India's international form, "91" and ten digits from 6 to 9, counts: a Maldives ("960…")
 * or Singapore ("65…") number whose digits happen to look like an Indian mobile verifies nothing.
 */
export function trustedSenderPhone(context: TurnContext): string | null {
    const international = (vouchedSenderPhone(context) ?? '').replace(/^\+/, '');
    return /^91[6-9][0-9]{9}$/.test(international) ? international.slice(2) : null;
}
