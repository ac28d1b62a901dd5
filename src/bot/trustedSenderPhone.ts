import { TurnContext } from 'botbuilder';
import { vouchedSenderPhone } from '../../adapters/shared/senderPhone';
import { parseMobileNumber } from '../nlu/extractEntities';

/**
 * The Indian mobile number a channel adapter vouched for on this turn (see `vouchForSenderPhone`), or null. Only such
 * a phone verifies an account automatically.
 */
export function trustedSenderPhone(context: TurnContext): string | null {
    const phone = vouchedSenderPhone(context);
    return phone ? parseMobileNumber(phone) : null;
}
