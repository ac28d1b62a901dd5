import { ConversationTakeovers } from './ports';

/** {@link ConversationTakeovers} in memory: for one process that may forget a pause in a restart (tests, prototypes). */
export class InMemoryConversationTakeovers implements ConversationTakeovers {
    private readonly until = new Map<string, number>();

    async pause(channel: string, conversationId: string, until: Date): Promise<void> {
        const key = `${channel}\u0000${conversationId}`;
        this.until.set(key, Math.max(this.until.get(key) ?? 0, until.getTime()));
    }

    async resume(channel: string, conversationId: string): Promise<void> {
        this.until.delete(`${channel}\u0000${conversationId}`);
    }

    async pausedUntil(channel: string, conversationId: string, now: Date): Promise<Date | null> {
        const until = this.until.get(`${channel}\u0000${conversationId}`);
        return until !== undefined && until > now.getTime() ? new Date(until) : null;
    }
}
