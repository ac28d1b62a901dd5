import { Brackets, In } from 'typeorm';
import { Database } from '../data/Database';
import { CallbackRequest } from '../data/entities/CallbackRequest';
import { Complaint } from '../data/entities/Complaint';
import { LiveChat } from '../data/entities/LiveChat';
import { Official } from '../data/entities/Official';
import { OPEN_CALLBACK_STATUSES } from '../services/CallbackLifecycle';
import { OPEN_STATUSES } from '../services/complaintStatuses';
import { ConsoleScope } from './ConsoleQueries';

/** How far back the list goes: consumers who wrote within this many days (or who wait, or are held). */
export const RECENT_DAYS = 7;

/** A chat in the console's list, with who holds it and whether its consumer has open work in scope. */
export interface LiveChatRow {
    chat: LiveChat;
    holder: Official | null;
    openCallback: boolean;
    openComplaint: boolean;
}

/**
 * The console's reads of live chats, with the callback pages' scope: chats placed in the official's subdivisions,
 * the chat they hold, and (for SDO and above) unplaced chats whose consumer asked for a person.
 */
export class ConsoleLiveChats {
    constructor(private readonly db: Database) {}

    /** Chats in scope: waiting for a person first, then those with an open callback request or complaint, then the latest. */
    async list(scope: ConsoleScope, now: Date, limit = 200): Promise<LiveChatRow[]> {
        const since = new Date(now.getTime() - RECENT_DAYS * 24 * 3600_000);
        const chats = await this.db.run((m) => {
            const qb = m.getRepository(LiveChat).createQueryBuilder('c');
            qb.where(this.inScope(scope)).andWhere(
                new Brackets((w) => w.where('c.lastInboundAt >= :since', { since }).orWhere('c.waitingSince IS NOT NULL').orWhere('c.heldBy IS NOT NULL'))
            );
            return qb.orderBy('c.lastInboundAt', 'DESC').take(limit).getMany();
        });
        const rows = await this.withDetails(chats);
        const rank = (row: LiveChatRow) => (row.chat.waitingSince ? 0 : row.openCallback || row.openComplaint ? 1 : 2);
        return rows.sort((a, b) => rank(a) - rank(b) || (b.chat.lastInboundAt?.getTime() ?? 0) - (a.chat.lastInboundAt?.getTime() ?? 0));
    }

    /** Chat `id` if the official of `scope` may see it; null otherwise (as if it did not exist). */
    async visible(scope: ConsoleScope, id: number): Promise<LiveChatRow | null> {
        if (!Number.isSafeInteger(id) || id <= 0) return null;
        const chat = await this.db.run((m) =>
            m.getRepository(LiveChat).createQueryBuilder('c').where('c.id = :id', { id }).andWhere(this.inScope(scope)).getOne()
        );
        return chat ? (await this.withDetails([chat]))[0] : null;
    }

    private inScope(scope: ConsoleScope): Brackets {
        return new Brackets((w) => {
            w.where('c.heldBy = :me', { me: scope.official.id });
            if (scope.subdivisions.length > 0) {
                w.orWhere('(c.discom = :discom AND c.subdivision IN (:...subdivisions))', { discom: scope.discom, subdivisions: scope.subdivisions });
            }
            if (scope.official.level !== 'JE') w.orWhere('(c.discom IS NULL AND c.waitingSince IS NOT NULL)');
        });
    }

    private async withDetails(chats: LiveChat[]): Promise<LiveChatRow[]> {
        if (chats.length === 0) return [];
        const holderIds = [...new Set(chats.map((c) => c.heldBy).filter((id): id is number => id !== null))];
        const users = [...new Set(chats.map((c) => c.channelUserId))];
        const [holders, callbacks, complaints] = await Promise.all([
            holderIds.length ? this.db.run((m) => m.getRepository(Official).findBy({ id: In(holderIds) })) : Promise.resolve([]),
            this.db.run((m) =>
                m
                    .getRepository(CallbackRequest)
                    .find({ select: { channel: true, channelUserId: true }, where: { channelUserId: In(users), status: In(OPEN_CALLBACK_STATUSES) } })
            ),
            this.db.run((m) =>
                m
                    .getRepository(Complaint)
                    .find({ select: { channel: true, channelUserId: true }, where: { channelUserId: In(users), status: In(OPEN_STATUSES) } })
            ),
        ]);
        const byId = new Map(holders.map((o) => [o.id, o]));
        const key = (channel: string, user: string) => `${channel}\u0000${user}`;
        const withCallback = new Set(callbacks.map((r) => key(r.channel, r.channelUserId)));
        const withComplaint = new Set(complaints.map((c) => key(c.channel, c.channelUserId)));
        return chats.map((chat) => ({
            chat,
            holder: chat.heldBy === null ? null : (byId.get(chat.heldBy) ?? null),
            openCallback: withCallback.has(key(chat.channel, chat.channelUserId)),
            openComplaint: withComplaint.has(key(chat.channel, chat.channelUserId)),
        }));
    }
}
