import { TemplateFallback, WhatsAppLedger } from './WhatsAppLedger';

/** How long a fallback is kept: WhatsApp reports a failed message within days, never weeks. */
export const FALLBACK_KEEP_MS = 14 * 24 * 3600_000;

/**
 * {@link WhatsAppLedger} in memory, for a bot that passes none: lost at a restart and not shared between instances.
 * A user reported unreachable counts as reachable again once `lastInboundAt` says they wrote since (never, without it).
 */
export class InMemoryWhatsAppLedger implements WhatsAppLedger {
    private readonly fallbacks = new Map<string, TemplateFallback & { at: number }>();
    private readonly claimed = new Set<string>();
    private readonly unreachable = new Map<string, number>();
    private readonly sentTo = new Map<string, string>();

    constructor(private readonly lastInboundAt: (channel: string, userId: string) => Promise<Date | null> = async () => null) {}

    async rememberFallback(channel: string, platformMessageId: string, fallback: TemplateFallback): Promise<void> {
        this.prune();
        this.fallbacks.set(`${channel}\n${platformMessageId}`, { ...fallback, at: Date.now() });
        this.sentTo.set(`${channel}\n${platformMessageId}`, fallback.userId);
    }

    async claimFallback(channel: string, platformMessageId: string): Promise<TemplateFallback | null> {
        const found = this.fallbacks.get(`${channel}\n${platformMessageId}`);
        if (!found || this.claimed.has(`${channel}\n${found.group}`)) return null;
        this.claimed.add(`${channel}\n${found.group}`);
        const { at: _at, ...fallback } = found;
        return fallback;
    }

    async claimGroup(channel: string, group: string): Promise<boolean> {
        const key = `${channel}\n${group}`;
        if (this.claimed.has(key)) return false;
        this.claimed.add(key);
        return true;
    }

    async markUnreachable(channel: string, user: { userId: string } | { platformMessageId: string }, _code: string): Promise<void> {
        const userId = 'userId' in user ? user.userId : this.sentTo.get(`${channel}\n${user.platformMessageId}`);
        if (userId) this.unreachable.set(`${channel}\n${userId}`, Date.now());
    }

    async isUnreachable(channel: string, userId: string): Promise<boolean> {
        const since = this.unreachable.get(`${channel}\n${userId}`);
        if (since === undefined) return false;
        const wrote = await this.lastInboundAt(channel, userId);
        return wrote === null || wrote.getTime() < since;
    }

    async markReachable(channel: string, userId: string): Promise<void> {
        this.unreachable.delete(`${channel}\n${userId}`);
    }

    private prune(): void {
        const oldest = Date.now() - FALLBACK_KEEP_MS;
        for (const [key, value] of this.fallbacks) {
            if (value.at >= oldest) break;
            this.fallbacks.delete(key);
            this.sentTo.delete(key);
        }
    }
}
