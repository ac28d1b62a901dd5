import { AdapterLogger, AliasKind, IdentityAlias, IdentityAliases } from '../shared/ports';
import { WhatsAppIdentityChange, WhatsAppIds } from './mapWhatsAppWebhook';
import { WhatsAppRecipient } from './WhatsAppClient';

/** The ids of a message, the most telling first: a business-scoped id is one person's, a number can be recycled. */
function idsOf(ids: WhatsAppIds): Array<{ alias: string; kind: AliasKind }> {
    const list: Array<{ alias: string; kind: AliasKind }> = [];
    if (ids.user) list.push({ alias: ids.user, kind: 'user' });
    if (ids.parent) list.push({ alias: ids.parent, kind: 'parent' });
    if (ids.phone) list.push({ alias: ids.phone, kind: 'phone' });
    return list;
}

/** Whether `row` named its person at `at`: not retired, or retired later. */
function namesAt(row: IdentityAlias | undefined, at: number): row is IdentityAlias {
    return row !== undefined && (row.retiredAt === null || row.retiredAt > at);
}

/**
 * Who a WhatsApp user is, whichever of their ids a webhook names. WhatsApp names a user by their number (`wa_id`), a
 * business-scoped id (BSUID, `IN.1648…`) and, for some businesses, a parent id (`IN.ENT.…`); a new number brings a
 * new BSUID, and a BSUID can change alone. Every id is kept in {@link IdentityAliases} naming one person id: the id
 * the bot first knew them by, under which their conversation, reply window, verified accounts and complaints live.
 *
 * - A message names the person its BSUID names; else its parent id's; else its number's, unless that person already
 *   has another BSUID (the number was recycled to someone else, or an id change WhatsApp has not reported yet: a new
 *   person until it does). A stranger becomes a person keyed as before: BSUID, else number. Every id the message
 *   carries then names that person (WhatsApp vouches for them in a signed webhook).
 * - An identity change (`system` message, `user_id_update`) points the new ids at the person the old ones named and
 *   retires the old ones, so a recycled number or a stale BSUID never reaches them again.
 * - Times are WhatsApp's: a late or redelivered webhook never undoes a later change.
 */
export class WhatsAppIdentities {
    constructor(
        private readonly aliases: IdentityAliases,
        private readonly channel: string,
        private readonly logger: AdapterLogger
    ) {}

    /** The person id of the user who sent a message with `ids` at `at` (ms); null when the message names no id. */
    async personOf(ids: WhatsAppIds, at: number): Promise<string | null> {
        const given = idsOf(ids);
        if (given.length === 0) return null;
        const rows = await this.aliases.find(
            this.channel,
            given.map((id) => id.alias)
        );
        const named = (alias: string | undefined) => {
            const row = rows.find((r) => r.alias === alias);
            return namesAt(row, at) ? row : undefined;
        };
        let person = named(ids.user)?.personId ?? named(ids.parent)?.personId;
        const byNumber = named(ids.phone)?.personId;
        if (person === undefined && byNumber !== undefined) {
            const known = ids.user ? await this.aliases.ofPerson(this.channel, byNumber) : [];
            if (!known.some((row) => row.kind === 'user' && row.alias !== ids.user)) person = byNumber;
        }
        let guessed = person === undefined;
        person ??= await this.newPerson(ids, at);
        const claimed: Array<{ alias: string; kind: AliasKind }> = [];
        for (const id of given) {
            const row = named(id.alias);
            if (row?.personId === person) continue;
            if (row) {
                await this.aliases.assign(this.channel, id.alias, id.kind, person, at);
                continue;
            }
            const holder = await this.aliases.claim(this.channel, id.alias, id.kind, person, at);
            if (holder !== person && guessed) {
                // Another instance made this stranger a person a moment ago, from another of their ids: that one.
                person = holder;
                guessed = false;
                for (const earlier of claimed) await this.aliases.assign(this.channel, earlier.alias, earlier.kind, person, at);
            } else if (holder !== person) {
                await this.aliases.assign(this.channel, id.alias, id.kind, person, at);
            }
            claimed.push(id);
        }
        return person;
    }

    /** Applies an identity change: the new ids name the person the old ones named, and the old ones are retired. */
    async apply(change: WhatsAppIdentityChange): Promise<string> {
        const previous = idsOf(change.previous);
        const current = idsOf(change.current);
        const rows = await this.aliases.find(
            this.channel,
            [...previous, ...current].map((id) => id.alias)
        );
        const personNamedBy = (ids: Array<{ alias: string }>) =>
            ids.map((id) => rows.find((row) => row.alias === id.alias)).find((row) => namesAt(row, change.at))?.personId;
        // The person the old ids named; else the one the new ids already name (the change reported after a message
        // from them); else the id the bot would have keyed them on, had it seen them.
        const person = personNamedBy(previous) ?? personNamedBy(current) ?? previous[0].alias;
        for (const id of current) await this.aliases.assign(this.channel, id.alias, id.kind, person, change.at);
        for (const id of previous) {
            if (!current.some((c) => c.alias === id.alias)) await this.aliases.retire(this.channel, id.alias, person, change.at);
        }
        this.logger.info('WhatsApp user changed their ids; their conversation continues', {
            channel: this.channel,
            change: change.kind,
            changed: previous.map((id) => id.kind).join('+'),
        });
        return person;
    }

    /** Where to reach `personId` now: their current number, else their current BSUID (or parent id); null if unknown. */
    async addressOf(personId: string): Promise<WhatsAppRecipient | null> {
        const rows = await this.aliases.ofPerson(this.channel, personId);
        const latest = (kind: AliasKind) => rows.filter((row) => row.kind === kind).sort((a, b) => b.updatedAt - a.updatedAt)[0]?.alias;
        const phone = latest('phone');
        if (phone) return { to: phone };
        const user = latest('user') ?? latest('parent');
        return user ? { recipient: user } : null;
    }

    /**
     * A person id for someone the bot never saw: their BSUID, else their number, as before aliases; an id that once
     * named someone else (a recycled number) gets a suffix, so the newcomer never inherits that person's records.
     */
    private async newPerson(ids: WhatsAppIds, at: number): Promise<string> {
        const base = (ids.user ?? ids.phone ?? ids.parent)!;
        return (await this.aliases.personExists(this.channel, base)) ? `${base}~${at.toString(36)}` : base;
    }
}
