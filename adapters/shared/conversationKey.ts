import { createHash } from 'crypto';

/** Conversation ids are stored as given, up to 200 characters; longer ones by their SHA-256. */
export function conversationKeyOf(conversationId: string): string;
export function conversationKeyOf(conversationId: string | null): string | null;
export function conversationKeyOf(conversationId: string | null): string | null {
    if (conversationId === null) return null;
    return conversationId.length > 200 ? createHash('sha256').update(conversationId).digest('hex') : conversationId;
}
