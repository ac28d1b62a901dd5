import { DailyHours, dailyHoursText, withinDailyHours } from './dailyHours';
import { Activity, ActivityTypes, Middleware, TurnContext } from 'botbuilder';
import { humanAgentReply } from '../../adapters/shared/humanAgent';
import { Database } from '../data/Database';
import { LiveChat } from '../data/entities/LiveChat';
import { LiveChatAuthor, LiveChatMessage } from '../data/entities/LiveChatMessage';
import { Official } from '../data/entities/Official';
import { TranslateFn, Translator, toLanguage } from '../i18n/Translator';
import { Logger } from '../logger';
import { NoticeText } from './ComplaintNotifier';

/** Live chat settings (`LIVE_CHAT_*`). */
export interface LiveChatPolicy {
    /** Opening hours in India time; null: live chat off. */
    hours: DailyHours | null;
    /** Minutes without the holder's reply after which the chat goes back to the bot. */
    idleMinutes: number;
    /** Minutes within which a reply answers a consumer's message (answer rate). */
    answerMinutes: number;
}

/** How the official's replies and the notices reach the consumer: the proactive outbound path (ProactiveNotifier). */
export interface ConversationSender {
    /** Sends `activity` in the stored conversation; resolves with whether the platform took it. */
    sendToConversation(conversationRef: string, activity: Partial<Activity>, label: string, before?: (context: TurnContext) => void): Promise<boolean>;
}

/** What the channels know of a conversation's reply window and delivery records (ChannelStore). */
export interface DeliveryRecords {
    withinWindow(channel: string, userId: string, hours?: number): Promise<boolean>;
    /** The latest failure recorded for `conversationId` after outbound row `afterId`, if any. */
    failureSince(channel: string, conversationId: string, afterId: number): Promise<{ code: string | null; detail: string | null } | null>;
    /** The id of the latest outbound record (0 when none). */
    lastOutboundId(): Promise<number>;
}

/** Why an official's reply did not go out. */
export type ReplyRefusal = 'not_holder' | 'whatsapp_window' | 'empty' | 'not_delivered';

/** The outcome of an official's reply. */
export type ReplyResult = { sent: true } | { sent: false; reason: ReplyRefusal; code?: string; detail?: string };

/** One official's answer rates over a period (see the README's definition). */
export interface AnswerRate {
    officialId: number;
    /** Callback requests they own that fell due (or were answered), and how many had an outcome by the due time. */
    callbacksDue: number;
    callbacksInTime: number;
    /** Consumer messages that arrived while they held a chat (old enough to judge), and how many they answered in time. */
    chatMessages: number;
    chatAnswered: number;
}

/** What a turn needs of its chat. */
interface ChatState {
    id: number;
    channel: string;
    channelUserId: string;
    heldBy: number | null;
    discom: string | null;
    waiting: boolean;
}

/** Turn state key: this turn's message is an official's reply, recorded by {@link LiveChatService.reply} itself. */
const OFFICIAL_REPLY = Symbol('bijliMitra.liveChatReply');
/** Days transcript lines are kept. */
export const KEEP_TRANSCRIPT_DAYS = 90;
/** Longest transcript line kept. */
const MAX_TEXT = 2000;
/** The WhatsApp channel id: outside its 24-hour window a person's free text is refused by the platform. */
const WHATSAPP = 'whatsapp';

/** One line of a turn's transcript, written when the turn ends. */
interface TranscriptLine {
    author: LiveChatAuthor;
    text: string;
}

/**
 * Live chat: an official of the consumer's area takes a conversation over from the console, replies on the
 * consumer's channel, and hands it back. The state is in the database (`live_chats`), so the bot is silent on every
 * instance while a person holds the chat; taking over and handing back are compare-and-sets on the holder. Its turn
 * middleware records the transcript (`live_chat_messages`) and keeps the bot silent in a held chat.
 *
 * The Messenger inbox pause (`TakeoverStore`) is another thing: a person answering from Meta's own inbox, seen only
 * in echoes, with no holder, no transcript and no console; it stays in the Messenger adapter.
 */
export class LiveChatService {
    constructor(
        private readonly db: Database,
        private readonly sender: ConversationSender,
        private readonly records: DeliveryRecords,
        private readonly translator: Translator,
        private readonly logger: Logger,
        readonly policy: LiveChatPolicy,
        private readonly now: () => Date = () => new Date()
    ) {}

    /** Whether live chat is open at `at` (India time). */
    isOpen(at: Date = this.now()): boolean {
        return this.policy.hours !== null && withinDailyHours(this.policy.hours, at);
    }

    /** The hours as text (`08:00–20:00`), for the consumer and the console. */
    hoursText(): string {
        return this.policy.hours ? dailyHoursText(this.policy.hours) : '';
    }

    /**
     * The turn middleware (after the turn lock): records what the consumer writes and what the bot answers; in a chat
     * an official holds, records the message and ends the turn there, so no dialog runs and the bot says nothing.
     */
    middleware(): Middleware {
        return {
            onTurn: async (context, next) => {
                const { activity } = context;
                const user = activity.from?.id;
                if (!user || activity.from.role === 'bot') return next();
                if (activity.type === ActivityTypes.Message) {
                    const chat = await this.noteInbound(activity);
                    if (chat.heldBy !== null) {
                        await this.append(chat.id, 'consumer', describe(activity), { heldBy: chat.heldBy });
                        this.logger.info('live chat: an official holds this conversation; the bot stays silent', {
                            channel: activity.channelId,
                            chat: chat.id,
                        });
                        return;
                    }
                    return this.transcribed(context, chat.id, [{ author: 'consumer', text: describe(activity) }], next);
                }
                if (activity.type === ActivityTypes.Event) {
                    // A proactive turn (a notice, "is it fixed?"): what it sends belongs in the transcript of a known chat.
                    const chat = await this.find(activity.channelId, user);
                    if (chat) return this.transcribed(context, chat.id, [], next);
                }
                return next();
            },
        };
    }

    /** The chat with `id`. */
    async get(id: number): Promise<LiveChat | null> {
        return this.db.run((m) => m.getRepository(LiveChat).findOneBy({ id }));
    }

    /** The transcript of chat `id`, oldest first (the latest `limit` lines). */
    async transcript(id: number, limit = 200): Promise<LiveChatMessage[]> {
        const rows = await this.db.run((m) => m.getRepository(LiveChatMessage).find({ where: { chatId: id }, order: { id: 'DESC' }, take: limit }));
        return rows.reverse();
    }

    /**
     * "Talk to an officer" during live-chat hours: the chat is marked as waiting for a person (the callback request is
     * made as before), placed in the request's area when it had none. Resolves with whether live chat is open.
     */
    async markWaiting(request: {
        channel: string;
        channelUserId: string;
        conversationRef: string | null;
        discom: string | null;
        subdivision: string | null;
    }): Promise<boolean> {
        if (!this.isOpen()) return false;
        const chat = await this.upsert(request.channel, request.channelUserId, request.conversationRef, null);
        const changes = {
            ...(chat.waiting ? {} : { waitingSince: this.now() }),
            ...(chat.discom === null && request.discom ? { discom: request.discom, subdivision: request.subdivision } : {}),
        };
        if (Object.keys(changes).length > 0) await this.db.run((m) => m.getRepository(LiveChat).update({ id: chat.id }, changes));
        return true;
    }

    /**
     * `official` takes chat `id` over: only when live chat is open and nobody holds it (a compare-and-set, so two
     * officials clicking at once cannot both hold it). The consumer is told who they are talking to.
     */
    async takeOver(id: number, official: Official): Promise<'taken' | 'held' | 'closed'> {
        if (!this.isOpen()) return 'closed';
        const at = this.now();
        const { changes } = await this.db.sql(
            'UPDATE "live_chats" SET "heldBy" = ?, "heldSince" = ?, "lastOfficialAt" = ?, "waitingSince" = NULL WHERE "id" = ? AND "heldBy" IS NULL',
            [official.id, at, at, id]
        );
        if (changes !== 1) return 'held';
        const chat = (await this.get(id))!;
        this.logger.info('live chat taken over', { chat: id, official: official.id });
        await this.tell(chat, (t) => ({
            key: 'handoff:live.takenOver',
            vars: { name: official.name, designation: t(`handoff:designation.${official.level}`), unit: official.unitName },
        }));
        return 'taken';
    }

    /**
     * The holder hands chat `id` back to the bot (a compare-and-set on the holder: anyone else changes nothing); the
     * consumer is told the bot answers again. `idle`: the scheduler ended a forgotten chat.
     */
    async handBack(id: number, officialId: number, idle = false): Promise<boolean> {
        const { changes } = await this.db.sql('UPDATE "live_chats" SET "heldBy" = NULL, "heldSince" = NULL WHERE "id" = ? AND "heldBy" = ?', [id, officialId]);
        if (changes !== 1) return false;
        const chat = (await this.get(id))!;
        this.logger.info(idle ? 'live chat ended after the official was idle' : 'live chat handed back to the bot', { chat: id, official: officialId });
        await this.tell(chat, () =>
            idle ? { key: 'handoff:live.idleEnded', vars: { minutes: this.policy.idleMinutes } } : { key: 'handoff:live.handedBack' }
        );
        return true;
    }

    /**
     * Sends `text` from the holder to the consumer on their channel, as a reply a person wrote (Messenger tags it
     * `HUMAN_AGENT` outside the 24-hour window). WhatsApp refuses a person's free text outside its 24-hour window, so
     * that is refused here, saying so, before anything is tried.
     */
    async reply(id: number, official: Official, text: string): Promise<ReplyResult> {
        const body = text.trim().slice(0, MAX_TEXT);
        if (!body) return { sent: false, reason: 'empty' };
        const chat = await this.get(id);
        if (!chat || chat.heldBy !== official.id || !chat.conversationRef) return { sent: false, reason: 'not_holder' };
        if (chat.channel === WHATSAPP && !(await this.records.withinWindow(chat.channel, chat.channelUserId))) {
            await this.append(chat.id, 'official', body, { officialId: official.id, status: 'undeliverable', errorCode: 'whatsapp_window_closed' });
            return { sent: false, reason: 'whatsapp_window' };
        }
        const before = await this.records.lastOutboundId();
        const activity = humanAgentReply(body, official.name);
        const delivered = await this.sender.sendToConversation(chat.conversationRef, activity, `live chat ${chat.id}`, (context) =>
            context.turnState.set(OFFICIAL_REPLY, true)
        );
        const at = this.now();
        await this.db.sql('UPDATE "live_chats" SET "lastOfficialAt" = ? WHERE "id" = ? AND "heldBy" = ?', [at, id, official.id]);
        if (delivered) {
            await this.append(chat.id, 'official', body, { officialId: official.id, status: 'sent' });
            return { sent: true };
        }
        const reference = JSON.parse(chat.conversationRef) as { conversation?: { id?: string } };
        const failure = await this.records.failureSince(chat.channel, reference.conversation?.id ?? '', before);
        await this.append(chat.id, 'official', body, { officialId: official.id, status: 'failed', errorCode: failure?.code ?? 'not_sent' });
        return { sent: false, reason: 'not_delivered', code: failure?.code ?? undefined, detail: failure?.detail ?? failure?.code ?? undefined };
    }

    /** Ends chats whose holder has not acted for `LIVE_CHAT_IDLE_MINUTES` (each a compare-and-set); the consumers are told. */
    async tick(): Promise<{ ended: number }> {
        const cutoff = new Date(this.now().getTime() - this.policy.idleMinutes * 60_000);
        const idle = await this.db.run((m) =>
            m.getRepository(LiveChat).createQueryBuilder('c').where('c.heldBy IS NOT NULL AND c.lastOfficialAt <= :cutoff', { cutoff }).getMany()
        );
        let ended = 0;
        for (const chat of idle) if (await this.handBack(chat.id, chat.heldBy!, true)) ended += 1;
        return { ended };
    }

    /**
     * Forgets transcript lines older than {@link KEEP_TRANSCRIPT_DAYS}, and chats nobody holds whose consumer has not
     * written for as long: what consumers wrote is kept no longer than the console and the answer rates need it.
     */
    async prune(): Promise<number> {
        const cutoff = new Date(this.now().getTime() - KEEP_TRANSCRIPT_DAYS * 24 * 3600_000);
        const { changes } = await this.db.sql('DELETE FROM "live_chat_messages" WHERE "createdAt" < ?', [cutoff]);
        await this.db.sql(
            'DELETE FROM "live_chats" WHERE "heldBy" IS NULL AND "waitingSince" IS NULL AND ("lastInboundAt" IS NULL OR "lastInboundAt" < ?) AND "createdAt" < ?',
            [cutoff, cutoff]
        );
        return changes;
    }

    /**
     * Answer rates of `officialIds` since `since` (see README, "Live chat"): callbacks they own that fell due, answered
     * (an outcome recorded) by the due time; consumer messages that arrived while they held the chat, answered by
     * their reply within `LIVE_CHAT_ANSWER_MINUTES`. Messages younger than that and unanswered are not judged yet.
     */
    async answerRates(officialIds: number[], since: Date): Promise<AnswerRate[]> {
        if (officialIds.length === 0) return [];
        const now = this.now();
        const windowMs = this.policy.answerMinutes * 60_000;
        const [callbacks, inbound] = await Promise.all([
            this.db.run((m) =>
                m
                    .createQueryBuilder()
                    .select(['r.assignedOfficialId AS "officialId"', 'r.dueAt AS "dueAt"', 'r.outcomeAt AS "outcomeAt"'])
                    .from('callback_requests', 'r')
                    .where('r.assignedOfficialId IN (:...ids) AND r.createdAt >= :since AND r.dueAt IS NOT NULL', { ids: officialIds, since })
                    .getRawMany<{ officialId: number; dueAt: Date | string; outcomeAt: Date | string | null }>()
            ),
            this.db.run((m) =>
                m
                    .getRepository(LiveChatMessage)
                    .createQueryBuilder('l')
                    .where("l.author = 'consumer' AND l.heldBy IN (:...ids) AND l.createdAt >= :since", { ids: officialIds, since })
                    .getMany()
            ),
        ]);
        const chatIds = [...new Set(inbound.map((l) => l.chatId))];
        const replies = chatIds.length
            ? await this.db.run((m) =>
                  m
                      .getRepository(LiveChatMessage)
                      .createQueryBuilder('l')
                      .where("l.author = 'official' AND l.status = 'sent' AND l.chatId IN (:...chatIds) AND l.createdAt >= :since", { chatIds, since })
                      .getMany()
              )
            : [];
        return officialIds.map((officialId) => {
            const rate: AnswerRate = { officialId, callbacksDue: 0, callbacksInTime: 0, chatMessages: 0, chatAnswered: 0 };
            for (const r of callbacks.filter((c) => Number(c.officialId) === officialId)) {
                const due = toDate(r.dueAt).getTime();
                const outcome = r.outcomeAt === null ? null : toDate(r.outcomeAt).getTime();
                if (outcome === null && due > now.getTime()) continue;
                rate.callbacksDue += 1;
                if (outcome !== null && outcome <= due) rate.callbacksInTime += 1;
            }
            for (const message of inbound.filter((l) => l.heldBy === officialId)) {
                const at = message.createdAt.getTime();
                const answered = replies.some(
                    (r) => r.chatId === message.chatId && r.officialId === officialId && r.id > message.id && r.createdAt.getTime() <= at + windowMs
                );
                if (!answered && now.getTime() < at + windowMs) continue;
                rate.chatMessages += 1;
                if (answered) rate.chatAnswered += 1;
            }
            return rate;
        });
    }

    /** Records the consumer's message in their chat (made on first contact, placed by their verified account). */
    private async noteInbound(activity: Activity): Promise<ChatState> {
        const { activityId: _activityId, ...reference } = TurnContext.getConversationReference(activity);
        const chat = await this.upsert(activity.channelId, activity.from.id, JSON.stringify(reference), this.now());
        if (chat.discom === null) await this.place(chat);
        return chat;
    }

    /** Places an unplaced chat in the area of the account its consumer verified, if any. */
    private async place(chat: ChatState): Promise<void> {
        const { rows } = await this.db.sql<{ discom: string; subdivision: string }>(
            `SELECT c."discom", c."subdivision" FROM "channel_identities" i
             JOIN "account_links" l ON l."identityId" = i."id" JOIN "consumers" c ON c."accountNumber" = l."accountNumber"
             WHERE i."channel" = ? AND i."channelUserId" = ? ORDER BY l."id" DESC LIMIT 1`,
            [chat.channel, chat.channelUserId]
        );
        if (rows.length === 0) return;
        chat.discom = rows[0].discom;
        await this.db.sql('UPDATE "live_chats" SET "discom" = ?, "subdivision" = ? WHERE "id" = ?', [rows[0].discom, rows[0].subdivision, chat.id]);
    }

    /** Creates or refreshes the chat of one channel user, in one statement; what the turn needs of it. */
    private async upsert(channel: string, channelUserId: string, conversationRef: string | null, inboundAt: Date | null): Promise<ChatState> {
        const { rows } = await this.db.sql<{ id: number | string; heldBy: number | string | null; discom: string | null; waitingSince: unknown }>(
            `INSERT INTO "live_chats" ("channel", "channelUserId", "conversationRef", "lastInboundAt", "createdAt") VALUES (?, ?, ?, ?, ?)
             ON CONFLICT ("channel", "channelUserId") DO UPDATE SET
               "conversationRef" = COALESCE(excluded."conversationRef", "live_chats"."conversationRef"),
               "lastInboundAt" = COALESCE(excluded."lastInboundAt", "live_chats"."lastInboundAt")
             RETURNING "id", "heldBy", "discom", "waitingSince"`,
            [channel, channelUserId, conversationRef, inboundAt, this.now()]
        );
        const row = rows[0];
        return {
            id: Number(row.id),
            channel,
            channelUserId,
            heldBy: row.heldBy === null ? null : Number(row.heldBy),
            discom: row.discom,
            waiting: row.waitingSince !== null,
        };
    }

    private async find(channel: string, channelUserId: string): Promise<LiveChat | null> {
        const [chat] = await this.db.entities(LiveChat, 'SELECT * FROM "live_chats" WHERE "channel" = ? AND "channelUserId" = ?', [channel, channelUserId]);
        return chat ?? null;
    }

    /**
     * Runs the rest of the turn, then writes `lines` and every message the turn sent (the bot's, unless the turn is an
     * official's reply, recorded by {@link reply}) to chat `chatId`'s transcript in one statement, whether the turn
     * ends well or not: one statement a turn, not one per message.
     */
    private async transcribed(context: TurnContext, chatId: number, lines: TranscriptLine[], next: () => Promise<void>): Promise<void> {
        context.onSendActivities(async (ctx, activities, send) => {
            const responses = await send();
            if (ctx.turnState.get(OFFICIAL_REPLY) !== true) {
                for (const activity of activities) {
                    if (activity.type === ActivityTypes.Message && (activity.text ?? '').trim()) lines.push({ author: 'bot', text: activity.text! });
                }
            }
            return responses;
        });
        try {
            await next();
        } finally {
            await this.appendLines(chatId, lines);
        }
    }

    /** Appends a turn's lines to the transcript of chat `chatId` in one statement, in order. */
    private async appendLines(chatId: number, lines: TranscriptLine[]): Promise<void> {
        if (lines.length === 0) return;
        const at = this.now();
        await this.db.sql(
            `INSERT INTO "live_chat_messages" ("chatId", "author", "text", "createdAt") VALUES ${lines.map(() => '(?, ?, ?, ?)').join(', ')}`,
            lines.flatMap((line) => [chatId, line.author, line.text.slice(0, MAX_TEXT), at])
        );
    }

    private async append(
        chatId: number,
        author: LiveChatAuthor,
        text: string,
        extra: { officialId?: number; heldBy?: number | null; status?: string; errorCode?: string } = {}
    ): Promise<void> {
        await this.db.sql(
            'INSERT INTO "live_chat_messages" ("chatId", "author", "officialId", "heldBy", "text", "status", "errorCode", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [
                chatId,
                author,
                extra.officialId ?? null,
                extra.heldBy ?? null,
                text.slice(0, MAX_TEXT),
                extra.status ?? null,
                extra.errorCode?.slice(0, 60) ?? null,
                this.now(),
            ]
        );
    }

    /** Tells the consumer of `chat` something in their language, through the outbound path (recorded as the bot's line). */
    private async tell(chat: LiveChat, text: (t: TranslateFn) => NoticeText): Promise<void> {
        if (!chat.conversationRef) return;
        const { rows } = await this.db.sql<{ preferredLanguage: string | null }>(
            'SELECT "preferredLanguage" FROM "channel_identities" WHERE "channel" = ? AND "channelUserId" = ?',
            [chat.channel, chat.channelUserId]
        );
        const t = this.translator.forLanguage(toLanguage(rows[0]?.preferredLanguage ?? null) ?? 'hi');
        const notice = text(t);
        await this.sender.sendToConversation(
            chat.conversationRef,
            { type: ActivityTypes.Message, text: t(notice.key, notice.vars as never) },
            `live chat ${chat.id}`
        );
    }
}

/** A message as a transcript line: its text, or what it carried instead (a photo, a location). */
function describe(activity: Activity): string {
    const text = (activity.text ?? '').trim();
    if (text) return text;
    const kinds = (activity.attachments ?? []).map((a) => a.contentType?.split('/')[0] ?? 'attachment');
    return kinds.length ? `[${kinds.join(', ')}]` : '[—]';
}

function toDate(value: Date | string): Date {
    return value instanceof Date ? value : new Date(value);
}
