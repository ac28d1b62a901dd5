import type { ConversationReference } from 'botbuilder';

/**
 * What a channel adapter needs from its host, and nothing more: a ledger that records inbound deliveries before the
 * platform is answered and keeps delivery records and the reply window, a lock per conversation, and a logger. Any
 * botbuilder bot can run an adapter with the in-memory defaults ({@link InMemoryChannelLedger}, {@link KeyedLock},
 * {@link silentLogger}); Bijli Mitra passes its database-backed ledger and its logger.
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

/** The host's record of a channel's traffic. Every method may be called from several conversations at once. */
export interface ChannelLedger {
    /** Records an inbound delivery durably; null when it was recorded before (a redelivery), else its id. */
    recordInbound(channel: string, messageId: string, payload?: unknown, conversationId?: string | null): Promise<number | null>;
    /** Marks an inbound delivery's turn as done. */
    markProcessed(id: number): Promise<void>;
    /** The oldest unprocessed deliveries of one conversation, in arrival order. */
    unprocessedInbound(channel: string, conversationId: string, limit: number): Promise<Array<{ id: number; payload: unknown }>>;
    /** Conversations with deliveries waiting longer than `olderThanMs`, oldest first. */
    unprocessedConversations(channel: string, olderThanMs?: number): Promise<Array<{ conversationId: string; messages: number }>>;
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

/**
 * Mutual exclusion per conversation: at most one turn of a conversation runs at a time, in every process that shares
 * it. botbuilder saves conversation state last-writer-wins, so two overlapping turns would lose one's changes.
 */
export interface TurnLock {
    /** Runs `task` while holding `key`; re-entrant within one async flow. */
    run<T>(key: string, task: () => Promise<T>): Promise<T>;
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
