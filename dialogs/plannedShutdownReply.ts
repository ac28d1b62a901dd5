import { TurnData } from '../src/bot/TurnData';
import { formatDateTime } from '../src/i18n/format';
import type { DialogServices } from './DialogServices';

/** Where an account is supplied, as its consumer record says (the feeder only when the import carried it). */
export interface AccountArea {
    discom: string;
    subdivision: string;
    feederCode?: string | null;
}

/**
 * The answer to a no-supply report from an account whose area is in a planned shutdown right now: its end and reason,
 * that a supply still off after the end should be reported again, and that a fault at the house itself can still be
 * reported. Null when the report is not of an outage, speaks of danger (sparks, fire, a blast: the complaint flow's
 * safety words), there is no account, or no shutdown covers it: then it is registered as usual. The area is not
 * named: the user may not have proved the account is theirs.
 * @param started how the complaint started: its first message, if any.
 */
export async function plannedShutdownReply(
    services: Pick<DialogServices, 'shutdowns' | 'categories'>,
    turn: TurnData,
    area: AccountArea | null,
    category: string | undefined,
    started: { text?: string } | undefined
): Promise<string | null> {
    if (!area || !category || !services.categories.isOutage(category)) return null;
    // Danger is never put off until after a shutdown: a live wire or a burning transformer is registered at once.
    if (services.categories.byId(category)?.hazard || turn.mentions('complaint:words.danger', started?.text ?? '')) return null;
    const shutdown = await services.shutdowns.coveringNow({ discom: area.discom, subdivision: area.subdivision, feederCode: area.feederCode ?? null });
    if (!shutdown) return null;
    const language = turn.language ?? 'en';
    return turn.t('shutdowns:reply', {
        start: formatDateTime(shutdown.startsAt, language),
        end: formatDateTime(shutdown.endsAt, language),
        reason: shutdown.reason,
        reference: shutdown.reference,
    });
}
