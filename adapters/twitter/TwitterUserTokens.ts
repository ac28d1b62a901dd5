import { createHash } from 'crypto';
import { PlatformApiError } from '../shared/PlatformApiError';
import { AdapterLogger, GrantStore, silentLogger, StoredGrant } from '../shared/ports';
import { SecretSeal } from '../shared/SecretSeal';
import { TwitterOAuthClient } from './TwitterOAuthClient';

/** Where the X client gets the bot account's access token. */
export interface TwitterTokenSource {
    /** An access token that is not about to expire. */
    current(): Promise<string>;
    /** X answered 401 to `token`: a newer one (refreshed now, or by another instance already). */
    rejected(token: string): Promise<string>;
}

/** Settings of {@link TwitterUserTokens}. */
export interface TwitterUserTokensOptions {
    /** Where the grant is kept for every instance. */
    store: GrantStore;
    /** The token endpoint. */
    oauth: TwitterOAuthClient;
    /** The bot account's user id: the grant is stored as `twitter:<id>`. */
    userId: string;
    /** The refresh token from configuration, spent for the first access token when no grant is stored yet. */
    seedRefreshToken: string;
    /** The secret the stored tokens are sealed with (the app's consumer secret). */
    sealingSecret: string;
    /** Refresh this long before the access token expires (default 5 minutes). */
    refreshMarginMs?: number;
    /** How long one instance may hold the refresh before others take over (default 60 s; longer than a token request). */
    leaseMs?: number;
    /** How often an instance waiting for another's refresh looks again (default 250 ms). */
    pollMs?: number;
    /** Clock in ms since the epoch (tests). */
    now?: () => number;
    /** Waits between looks (tests). */
    sleep?: (ms: number) => Promise<void>;
    logger?: AdapterLogger;
    /** Told when the grant needs an operator: X refused the refresh token, or the stored grant cannot be read. */
    onAlarm?: (reason: 'refresh-token-refused' | 'grant-unreadable' | 'client-refused') => void;
}

/** The tokens as sealed into the store. */
interface Tokens {
    accessToken: string;
    refreshToken: string;
}

interface Current extends Tokens {
    version: number;
    expiresAt: number;
}

/**
 * The bot account's OAuth 2.0 user token, refreshed before it expires (X's last two hours) and after a 401, with the
 * rotating refresh token kept in a {@link GrantStore} that every instance shares. X spends a refresh token when it is
 * used, so a refresh is claimed in the store first (compare-and-set on the grant's version, with a lease): one instance
 * refreshes, the others wait for its result and read it. The tokens are stored sealed with the consumer secret. A
 * refresh token X refuses marks the grant dead and raises an alarm: the account must be authorised again and the new
 * refresh token configured.
 */
export class TwitterUserTokens implements TwitterTokenSource {
    private readonly key: string;
    private readonly seal: SecretSeal;
    private readonly seedHash: string;
    private readonly marginMs: number;
    private readonly leaseMs: number;
    private readonly pollMs: number;
    private readonly now: () => number;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly logger: AdapterLogger;
    private cached: Current | null = null;
    /** One look-up at a time in this process: concurrent sends share it. */
    private pending: Promise<Current> | null = null;

    constructor(private readonly options: TwitterUserTokensOptions) {
        if (!options.seedRefreshToken) throw new Error('TwitterUserTokens needs the refresh token of the bot account (TWITTER_REFRESH_TOKEN)');
        this.key = `twitter:${options.userId}`;
        this.seal = new SecretSeal(options.sealingSecret, 'x-oauth2-user-grant');
        this.seedHash = createHash('sha256').update(options.seedRefreshToken, 'utf8').digest('hex');
        this.marginMs = options.refreshMarginMs ?? 5 * 60_000;
        this.leaseMs = options.leaseMs ?? 60_000;
        this.pollMs = options.pollMs ?? 250;
        this.now = options.now ?? Date.now;
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.logger = options.logger ?? silentLogger;
    }

    async current(): Promise<string> {
        const cached = this.cached;
        if (cached && cached.expiresAt - this.marginMs > this.now()) return cached.accessToken;
        return (await this.shared(() => this.fresh(null))).accessToken;
    }

    async rejected(token: string): Promise<string> {
        if (this.cached?.accessToken === token) this.cached = null;
        return (await this.shared(() => this.fresh(token))).accessToken;
    }

    private async shared(lookUp: () => Promise<Current>): Promise<Current> {
        while (this.pending) await this.pending.catch(() => undefined);
        const run = lookUp();
        this.pending = run;
        try {
            const current = await run;
            this.cached = current;
            return current;
        } finally {
            this.pending = null;
        }
    }

    /**
     * The stored grant when its access token is good (and is not `rejected`), else a refreshed one: refreshed here under
     * a claim, or by another instance while this one waits.
     */
    private async fresh(rejected: string | null): Promise<Current> {
        const deadline = this.now() + 2 * this.leaseMs;
        for (let look = 0; ; look++) {
            let stored = await this.options.store.read(this.key);
            if (!stored || (stored.dead && stored.seedHash !== this.seedHash)) {
                const seed: Tokens = { accessToken: '', refreshToken: this.options.seedRefreshToken };
                await this.options.store.seed(this.key, this.seal.seal(JSON.stringify(seed)), this.seedHash, this.now());
                stored = await this.options.store.read(this.key);
                if (!stored) throw new Error('the grant store kept no grant');
            }
            if (stored.dead) throw this.refusedError();
            const tokens = this.open(stored);
            if (!tokens) {
                // Sealed under another consumer secret: dead, so that a newly configured refresh token takes over.
                await this.options.store.release(this.key, stored.version, true, this.now());
                this.logger.error('the stored X grant cannot be read (was TWITTER_CONSUMER_SECRET changed?); authorise the bot account again', {
                    platform: 'X',
                });
                this.options.onAlarm?.('grant-unreadable');
                throw this.refusedError();
            }
            const now = this.now();
            const good = tokens.accessToken !== '' && tokens.accessToken !== rejected && stored.expiresAt - this.marginMs > now;
            if (good) return { ...tokens, version: stored.version, expiresAt: stored.expiresAt };
            if (stored.claimedUntil > now || !(await this.options.store.claim(this.key, stored.version, now + this.leaseMs, now))) {
                // Another instance is spending the refresh token: its result appears as a new version.
                if (now > deadline || look * this.pollMs > 2 * this.leaseMs) {
                    throw new Error('X: no access token: another instance holds the refresh and no new token appeared');
                }
                await this.sleep(this.pollMs);
                continue;
            }
            return this.refresh(stored, tokens);
        }
    }

    /** Spends the refresh token of the claimed `stored` grant and stores what X grants. */
    private async refresh(stored: StoredGrant, tokens: Tokens): Promise<Current> {
        let granted;
        try {
            granted = await this.options.oauth.refresh(tokens.refreshToken);
        } catch (error) {
            const refused = TwitterOAuthClient.refusedGrant(error);
            await this.options.store.release(this.key, stored.version, refused, this.now());
            if (refused) {
                this.logger.error('X refused the refresh token: DMs cannot be sent until the bot account is authorised again', {
                    platform: 'X',
                    reason: (error as Error).message,
                });
                this.options.onAlarm?.('refresh-token-refused');
                throw this.refusedError();
            }
            if (error instanceof PlatformApiError && error.status === 401) {
                this.logger.error('X refused the app’s OAuth 2.0 client credentials (TWITTER_CLIENT_ID, TWITTER_CLIENT_SECRET)', { platform: 'X' });
                this.options.onAlarm?.('client-refused');
            }
            throw error;
        }
        const expiresAt = this.now() + granted.expiresInSeconds * 1000;
        const next: Tokens = { accessToken: granted.accessToken, refreshToken: granted.refreshToken };
        if (!(await this.options.store.replace(this.key, stored.version, this.seal.seal(JSON.stringify(next)), expiresAt, this.now()))) {
            // The claim outlived its lease and another instance moved the grant on: ours is spent, theirs is stored.
            this.logger.error('X grant changed while this instance refreshed it; using the new tokens for now', { platform: 'X' });
        }
        this.logger.info('X access token refreshed', { platform: 'X', expiresInSeconds: granted.expiresInSeconds });
        return { ...next, version: stored.version + 1, expiresAt };
    }

    /** The sealed tokens of `stored`, or null when they were sealed under another secret or are damaged. */
    private open(stored: StoredGrant): Tokens | null {
        const text = this.seal.open(stored.sealed);
        if (text === null) return null;
        try {
            const tokens = JSON.parse(text) as Partial<Tokens>;
            return typeof tokens.accessToken === 'string' && typeof tokens.refreshToken === 'string'
                ? { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }
                : null;
        } catch {
            return null;
        }
    }

    private refusedError(): PlatformApiError {
        return new PlatformApiError({
            message:
                'X: no usable refresh token for the bot account (X refused it, or it cannot be read): authorise the account again and set the new TWITTER_REFRESH_TOKEN',
            status: 401,
            code: 'refresh-token-refused',
            retryable: false,
            attempts: 0,
        });
    }
}
