import type { Activity, ConversationReference, TurnContext } from 'botbuilder';

/**
 * What a channel adapter needs from its host, and nothing more: an inbox that takes each accepted delivery before the
 * platform is answered and runs it as a turn later, a ledger of delivery records and the reply window, and a logger.
 * Any botbuilder bot can run an adapter with the in-memory defaults ({@link InMemoryInbox}, {@link
 * InMemoryChannelLedger}, {@link silentLogger}); Bijli Mitra passes its durable inbox, its database ledger and its logger.
 */

/** Where a sent message stands; a later status never moves it back. */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'undeliverable';

/** The order of delivery statuses: webhooks arrive unordered ("read" before "delivered"), so only a higher one applies. */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = { sent: 1, delivered: 2, read: 3, failed: 4, undeliverable: 4 };

/** What an adapter records about a message it sent or decided not to send. */
export interface OutboundRecord {
    channel: string;
    conversationId: string;
    recipient: string;
    kind: string;
    platformMessageId: string | null;
    status: DeliveryStatus;
    errorCode?: string | null;
    errorDetail?: string | null;
}

/** The host's record of what a channel sent and when its users last wrote. Safe to call from many turns at once. */
export interface ChannelLedger {
    /** Notes that `userId` wrote now, which opens the platform's reply window. */
    markInbound(channel: string, userId: string, at?: Date): Promise<void>;
    /** Whether `userId` wrote within the platform's free-reply window. */
    withinWindow(channel: string, userId: string, hours?: number): Promise<boolean>;
    /** Stores one outbound message (or a decision not to send it). */
    recordOutbound(record: OutboundRecord): Promise<void>;
    /** Applies a status webhook to the message with that platform id; whether one was found. */
    updateDelivery(channel: string, platformMessageId: string, status: DeliveryStatus, errorCode?: string, errorDetail?: string): Promise<boolean>;
    /** Marks everything sent to `recipient` up to `watermark` as delivered or read (watermark receipts). */
    markUpTo(channel: string, recipient: string, watermark: Date, status: 'delivered' | 'read'): Promise<number>;
}

/** One inbound platform message turned into an activity, plus what only the adapter may vouch for. */
export interface InboundItem {
    activity: Partial<Activity>;
    /** The sender's phone number as the platform itself reported it (WhatsApp's wa_id), after the signature check. */
    trustedPhone?: string | null;
}

/**
 * Runs one accepted delivery as a turn of the adapter that accepted it. `prepare` sees the turn's context before the
 * bot does (an inbox that holds the conversation's lock marks that there).
 */
export type DeliveryTurn = (item: InboundItem, prepare?: (context: TurnContext) => void) => Promise<void>;

/**
 * Where a webhook adapter hands what it accepted. `accept` resolves before the platform is answered, so an inbox that
 * promises no loss records the delivery durably there; the turn runs after, in arrival order per conversation.
 */
export interface Inbox {
    /** Takes one delivery; false when the same `messageId` was taken before (a redelivery, which is not run again). */
    accept(channel: string, messageId: string | undefined, conversationId: string, item: InboundItem, turn: DeliveryTurn): Promise<boolean>;
    /** Runs the deliveries of `channel` that were accepted but never run (a crash); how many were waiting. */
    resume(channel: string, turn: DeliveryTurn, olderThanMs?: number): Promise<number>;
    /** Resolves when every delivery accepted so far has had its turn. */
    idle(): Promise<void>;
}

/** Structured log lines; the host decides where they go and what they mask. */
export interface AdapterLogger {
    debug(msg: string, fields?: Record<string, unknown>): void;
    info(msg: string, fields?: Record<string, unknown>): void;
    warn(msg: string, fields?: Record<string, unknown>): void;
    error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default for a host that passes none). */
export const silentLogger: AdapterLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A channel that can open a conversation with someone by their mobile number (WhatsApp can; Messenger and X cannot):
 * it builds the conversation reference a proactive message is sent on, in its own format.
 */
export interface ReachesByMobile {
    /** The reference for a 10-digit national mobile number (or one already with its country code). */
    referenceForMobile(mobile: string, name?: string): Partial<ConversationReference>;
}

/** Whether `adapter` is a {@link ReachesByMobile} channel. */
export function reachesByMobile<T>(adapter: T): adapter is T & ReachesByMobile {
    return typeof (adapter as Partial<ReachesByMobile> | null)?.referenceForMobile === 'function';
}

/** A file a platform holds for an inbound message, as downloaded. */
export interface FetchedMedia {
    bytes: Buffer;
    /** The content type the platform declared (checked against the bytes by the host). */
    contentType: string;
}

/**
 * Downloads the media of inbound messages by the `contentUrl` the channel's mapper gave each attachment (a media id,
 * a CDN link), with the platform's credentials. A channel that can offer it implements it on its adapter.
 */
export interface MediaSource {
    /** @throws MediaFetchError saying whether a later try may help. */
    fetchMedia(contentUrl: string, maxBytes: number): Promise<FetchedMedia>;
}

/** Whether an adapter can download its channel's media. */
export function isMediaSource(value: unknown): value is MediaSource {
    return typeof (value as Partial<MediaSource> | null)?.fetchMedia === 'function';
}

/**
 * Where a channel notes that a person has taken a conversation over (an official answering from the platform's own
 * inbox), so the bot stays silent there until the pause ends or the person hands the conversation back. Shared by
 * every instance in a host that runs several; the adapter decides when to pause and for how long.
 */
export interface ConversationTakeovers {
    /** Silences the bot in `conversationId` until `until`; a later pause extends it, an earlier one never shortens it. */
    pause(channel: string, conversationId: string, until: Date): Promise<void>;
    /** Ends the pause now: the person handed the conversation back. */
    resume(channel: string, conversationId: string): Promise<void>;
    /** When the pause in force at `now` ends, or null when the bot may answer. */
    pausedUntil(channel: string, conversationId: string, now: Date): Promise<Date | null>;
}

/** What kind of id a person is known by on a channel. */
export type AliasKind = 'phone' | 'user' | 'parent';

/** One id a person has (or had) on a channel, and the person it names. */
export interface IdentityAlias {
    /** The id as the platform sends it (`919812345678`, `IN.1648…`, `IN.ENT.1181…`). */
    alias: string;
    kind: AliasKind;
    /** The id the host knows the person by: the first one it saw, under which their conversation and records live. */
    personId: string;
    /** When the platform said this id stopped naming the person (milliseconds), or null while it does. */
    retiredAt: number | null;
    /** When this row last changed, by the platform's own timestamps (milliseconds). */
    updatedAt: number;
}

/**
 * Every id a person has had on a channel (a phone number, a business-scoped id, a parent id), each naming one person
 * id, so a changed id continues the same conversation, reply window and records. Shared by every instance in a host
 * that runs several. Times are the platform's timestamps: a statement older than a row's `updatedAt` changes nothing,
 * so redelivered and out-of-order webhooks cannot undo a later change.
 */
export interface IdentityAliases {
    /** The rows of these ids, whatever their state. */
    find(channel: string, aliases: readonly string[]): Promise<IdentityAlias[]>;
    /** The ids that name `personId` and are not retired. */
    ofPerson(channel: string, personId: string): Promise<IdentityAlias[]>;
    /** Whether `personId` names a person already (any row, retired or not), so a new person never takes an old id. */
    personExists(channel: string, personId: string): Promise<boolean>;
    /**
     * Names `personId` by `alias` unless the alias names someone at `at` already (a row not retired by then); resolves
     * with the person the alias names afterwards, which is another's when a concurrent claim won. A new row is the
     * host's guess, not the platform's word: it is dated 0, so any change the platform reports outranks it.
     */
    claim(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<string>;
    /** Points `alias` at `personId`, not retired, whatever it named before: the platform said so at `at`. */
    assign(channel: string, alias: string, kind: AliasKind, personId: string, at: number): Promise<void>;
    /** Retires `alias` at `at` if it still names `personId`. */
    retire(channel: string, alias: string, personId: string, at: number): Promise<void>;
}

/** One rotating OAuth 2.0 grant as a host stores it; the tokens are `sealed` by the adapter, so the host stores ciphertext. */
export interface StoredGrant {
    /** Raised by every change of tokens; each write is a compare-and-set on it. */
    version: number;
    /** The access and refresh tokens, sealed by the adapter (opaque to the host). */
    sealed: string;
    /** When the access token expires, in ms since the epoch; 0 when unknown (refreshed before first use). */
    expiresAt: number;
    /** Until when one instance holds the right to spend the refresh token, in ms since the epoch (0: nobody). */
    claimedUntil: number;
    /** Identifies the configured refresh token this grant descends from (a hash, never the token). */
    seedHash: string;
    /** The platform refused the refresh token: nothing but a new configured one revives the grant. */
    dead: boolean;
}

/**
 * Where a channel keeps an OAuth 2.0 grant whose refresh token rotates (X spends it at every refresh), shared by every
 * instance of the bot. Writes are compare-and-set on {@link StoredGrant.version}, and a refresh is claimed first, so two
 * instances never spend the same refresh token. Keys name the account, e.g. `twitter:<user id>`.
 */
export interface GrantStore {
    /** The stored grant, or null when none was ever stored. */
    read(key: string): Promise<StoredGrant | null>;
    /**
     * Stores a grant seeded from configuration where none is stored, or where the stored one is dead and came from
     * another seed (the operator re-authorised). A live grant, or a dead one from the same seed, is kept.
     */
    seed(key: string, sealed: string, seedHash: string, now: number): Promise<void>;
    /** Claims the right to spend the refresh token of `version` until `until`; false if another holds it at `now` or the version moved on. */
    claim(key: string, version: number, until: number, now: number): Promise<boolean>;
    /** Replaces the tokens of `version` (ending its claim); false when the stored version moved on meanwhile. */
    replace(key: string, version: number, sealed: string, expiresAt: number, now: number): Promise<boolean>;
    /** Ends the claim on `version` without new tokens; `dead` when the platform refused its refresh token. */
    release(key: string, version: number, dead: boolean, now: number): Promise<void>;
}

/** One platform allowance: at most `limit` sends per window of `periodMs`, a window starting at its first send. */
export interface SendWindow {
    /** Names the window within its key, e.g. `15m`. */
    name: string;
    limit: number;
    periodMs: number;
}

/**
 * Send allowances shared by every instance (X allows a bot account about 15 DMs per 15 minutes and 1,440 a day, however
 * many processes send them). Taking is one statement per window, so two instances cannot both take the last send.
 */
export interface SendBudget {
    /**
     * Takes one send of `key` from every window; 0 when taken, else the ms until every window has room (and nothing is
     * taken). A caller that must leave room (broadcasts leave some for replies) passes smaller limits.
     */
    take(key: string, windows: readonly SendWindow[], now: number): Promise<number>;
    /** The platform refused a send (its 429): window `name` of `key` has no room until `until`. */
    exhaust(key: string, name: string, until: number, now: number): Promise<void>;
}

/** A message an adapter may not send now, handed to the host's outbound queue. */
export interface DeferredMessage {
    channel: string;
    /** The conversation, as the adapter names it (messages of one conversation are sent in the order queued). */
    conversationId: string;
    /** Where the queue sends it: a proactive turn on this reference. */
    reference: Partial<ConversationReference>;
    /** The text, as rendered for the platform. */
    text: string;
    /** Not before this time (the platform's reset time). */
    notBefore: Date;
    /** Why it waits (`rate-limited`, `pacing`, `behind-queued`), for the queue's record. */
    reason: string;
}

/**
 * The host's outbound queue, for sends that must wait (a platform rate limit): the adapter queues them and the turn
 * ends at once, instead of holding its conversation for minutes. The queue later sends each in a proactive turn that
 * it marks with `markQueuedSend`, and reads the adapter's `reportQueuedSend` after it.
 */
export interface DeferredSends {
    /** Queues `message`; messages of one conversation go out in the order queued. */
    defer(message: DeferredMessage): Promise<void>;
    /** When the last message still waiting for this conversation is due, or null when none waits (a new reply goes behind it). */
    lastWaiting(channel: string, conversationId: string): Promise<Date | null>;
}
