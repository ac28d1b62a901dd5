import { GrantStore, StoredGrant } from './ports';

/**
 * A {@link GrantStore} in memory, for a bot that runs one process (a test, a prototype). A rotated refresh token kept
 * only here is lost when the process stops, and the configured one has been spent by then: a host that restarts needs
 * a durable store (Bijli Mitra keeps grants in its database).
 */
export class InMemoryGrantStore implements GrantStore {
    private readonly grants = new Map<string, StoredGrant>();

    async read(key: string): Promise<StoredGrant | null> {
        const grant = this.grants.get(key);
        return grant ? { ...grant } : null;
    }

    async seed(key: string, sealed: string, seedHash: string): Promise<void> {
        const stored = this.grants.get(key);
        if (stored && !(stored.dead && stored.seedHash !== seedHash)) return;
        this.grants.set(key, { version: (stored?.version ?? 0) + 1, sealed, expiresAt: 0, claimedUntil: 0, seedHash, dead: false });
    }

    async claim(key: string, version: number, until: number, now: number): Promise<boolean> {
        const stored = this.grants.get(key);
        if (!stored || stored.version !== version || stored.dead || stored.claimedUntil > now) return false;
        stored.claimedUntil = until;
        return true;
    }

    async replace(key: string, version: number, sealed: string, expiresAt: number): Promise<boolean> {
        const stored = this.grants.get(key);
        if (!stored || stored.version !== version) return false;
        this.grants.set(key, { ...stored, version: version + 1, sealed, expiresAt, claimedUntil: 0, dead: false });
        return true;
    }

    async release(key: string, version: number, dead: boolean): Promise<void> {
        const stored = this.grants.get(key);
        if (!stored || stored.version !== version) return;
        stored.claimedUntil = 0;
        stored.dead = dead;
    }
}
