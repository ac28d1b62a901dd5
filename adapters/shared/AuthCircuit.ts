/** How the circuit waits after the platform rejects the channel's credentials. */
export interface AuthCircuitOptions {
    /** Rejections in a row that open the circuit; default 3. */
    threshold?: number;
    /** The first pause; each failed trial after it doubles it; default 60 s. */
    firstPauseMs?: number;
    /** The longest pause; default 10 minutes. */
    maxPauseMs?: number;
    /** Clock, for tests. */
    now?: () => number;
}

/**
 * A circuit breaker for a channel whose access token the platform rejects (Meta's 190, X's 401): after a few
 * rejections in a row no more sends are attempted for a while, so a revoked or expired token does not hammer the
 * platform with requests that cannot succeed (and get the app flagged); after the pause one send is tried, and its
 * success closes the circuit. The host is told when it opens and closes, to raise the alarm.
 */
export class AuthCircuit {
    private failures = 0;
    private pauseMs: number;
    private openUntil = 0;
    private trial = false;
    private readonly threshold: number;
    private readonly firstPauseMs: number;
    private readonly maxPauseMs: number;
    private readonly now: () => number;

    constructor(
        private readonly onChange: (failing: boolean, code?: string) => void,
        options: AuthCircuitOptions = {}
    ) {
        this.threshold = options.threshold ?? 3;
        this.firstPauseMs = options.firstPauseMs ?? 60_000;
        this.maxPauseMs = options.maxPauseMs ?? 600_000;
        this.now = options.now ?? Date.now;
        this.pauseMs = this.firstPauseMs;
    }

    /** Whether a send may be attempted now: always while closed; once per pause (the trial) while open. */
    allows(): boolean {
        if (this.failures < this.threshold) return true;
        if (this.trial || this.now() < this.openUntil) return false;
        this.trial = true;
        return true;
    }

    /** The platform accepted a send: the credentials work. */
    succeeded(): void {
        const wasOpen = this.failures >= this.threshold;
        this.failures = 0;
        this.trial = false;
        this.pauseMs = this.firstPauseMs;
        if (wasOpen) this.onChange(false);
    }

    /** The platform rejected the credentials. */
    rejected(code: string): void {
        const wasOpen = this.failures >= this.threshold;
        this.failures += 1;
        if (this.failures < this.threshold) return;
        if (this.trial) this.pauseMs = Math.min(this.maxPauseMs, this.pauseMs * 2);
        this.trial = false;
        this.openUntil = this.now() + this.pauseMs;
        if (!wasOpen) this.onChange(true, code);
    }

    /** Whether the circuit is open (the credentials are being rejected). */
    get open(): boolean {
        return this.failures >= this.threshold;
    }
}
