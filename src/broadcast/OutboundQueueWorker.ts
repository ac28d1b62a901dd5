import { BotAdapter, ConversationReference } from 'botbuilder';
import { In, LessThan } from 'typeorm';
import { Database } from '../data/Database';
import { ChannelIdentity } from '../data/entities/ChannelIdentity';
import { QueuedMessage } from '../data/entities/QueuedMessage';
import { Logger } from '../logger';
import { IntervalPacer } from '../../adapters/shared/IntervalPacer';
import { markQueuedSend, QueuedSend } from '../../adapters/shared/queuedSend';

/**
 * Default broadcast sends per second per channel: WhatsApp's standard throughput per number, Messenger's comfortable
 * rate, one X DM a minute (X allows the account about one a minute in all, and replies come first); `*` for any other
 * channel (Bot Framework connectors).
 */
export const DEFAULT_PER_CHANNEL_PER_SECOND: Readonly<Record<string, number>> = { whatsapp: 80, facebook: 100, twitter: 1 / 60, '*': 20 };

/** Settings of {@link OutboundQueueWorker}. */
export interface OutboundQueueWorkerOptions {
    /** The Bot Framework app id handed to `continueConversationAsync` ('' when there is none). */
    botAppId: string;
    /** Broadcast sends per second per channel id, merged over {@link DEFAULT_PER_CHANNEL_PER_SECOND}; `*` for the rest. */
    perChannelPerSecond?: Record<string, number>;
    /** Attempts before a message is given up as failed (default 3). */
    maxAttempts?: number;
    /** Rows claimed per channel per pass (default 100). */
    batchSize?: number;
    /** First retry delay in ms, doubled per attempt (default 60000). */
    retryBaseMs?: number;
    /**
     * Sends in flight per channel (default: half a second's worth of the channel's rate, 1 to 32), so a platform
     * that takes 300 ms to answer still gets its full rate.
     */
    concurrency?: number;
    /**
     * A row claimed longer ago than this is taken to belong to a dead instance and settled: `unknown` if its send had
     * begun, requeued if not (default 10 minutes). Must exceed the longest a live worker holds a claim: about two
     * seconds of sends plus the adapter's own retries of one send.
     */
    sendingLeaseMs?: number;
    logger: Logger;
    /** The clock for due times, backoff and leases (tests). */
    now?: () => Date;
    /** The clock of the broadcast pacing, in ms (tests); default `performance.now`. */
    pacingNow?: () => number;
}

/** What one pass did. */
export interface PassResult {
    /** Rows claimed in this pass. */
    claimed: number;
    /** Accepted by the platform. */
    sent: number;
    /** Not sent: opted out, refused (retried later unless attempts ran out), or no adapter. */
    failed: number;
    /** The send threw, so it may or may not have gone out: marked `unknown`, never resent. */
    unknown: number;
    /** The platform's allowance had no room: put back for when it has (not an attempt). */
    deferred: number;
}

type Outcome = 'sent' | 'failed' | 'unknown' | 'deferred';

/** `lastError` of a claimed row whose send has begun: only such rows can have reached the user. */
const SEND_STARTED = 'send started; outcome not yet recorded';

/** Longest a channel's share of one pass should take at its rate. */
const MAX_PASS_SECONDS = 2;

/**
 * Sends the persistent outbound queue (announcements, bill reminders, and replies that waited for a platform's
 * allowance) through the channel adapters, broadcasts paced per channel, with retries and backoff, and never the same
 * row twice. Waiting replies go first and unpaced: their adapter paces them against the platform's own limits, and
 * reports (through `reportQueuedSend`) when the platform still has no room, which puts the row back for then. Rows are claimed (`sending`) in small batches; just
 * before each send the row is marked as started, and right after it `sent` or failed. A started row found after a
 * restart may have gone out, so it becomes `unknown` instead of being sent again; claimed rows never started are
 * simply requeued. On PostgreSQL rows are claimed with `FOR UPDATE SKIP LOCKED`, so any number
 * of workers in any number of instances share the queue; on SQLite one process runs it.
 */
export class OutboundQueueWorker {
    private readonly rates: Record<string, number>;
    private readonly pacers = new Map<string, IntervalPacer>();
    private readonly maxAttempts: number;
    private readonly batchSize: number;
    private readonly retryBaseMs: number;
    private readonly leaseMs: number;
    private readonly now: () => Date;
    private readonly logger: Logger;
    private current: Promise<PassResult> | null = null;
    private loop: Promise<void> | null = null;
    private stopping = false;
    private wake: (() => void) | null = null;
    private lastSweep = 0;

    /**
     * `adapters` is the host's proactive adapter registry (channel id → adapter, `*` for the Bot Framework adapter);
     * it is read at each send, so adapters registered later are used.
     */
    constructor(
        private readonly db: Database,
        private readonly adapters: Map<string, BotAdapter>,
        private readonly options: OutboundQueueWorkerOptions
    ) {
        this.rates = { ...DEFAULT_PER_CHANNEL_PER_SECOND, ...options.perChannelPerSecond };
        for (const [channel, rate] of Object.entries(this.rates)) {
            if (!(rate > 0) || !Number.isFinite(rate))
                throw new RangeError(`OutboundQueueWorker: the rate for channel "${channel}" must be a positive number, got ${rate}`);
        }
        this.maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 3);
        this.batchSize = positiveInteger('batchSize', options.batchSize ?? 100);
        this.retryBaseMs = options.retryBaseMs ?? 60_000;
        this.leaseMs = options.sendingLeaseMs ?? 10 * 60_000;
        if (options.concurrency !== undefined) positiveInteger('concurrency', options.concurrency);
        this.now = options.now ?? (() => new Date());
        this.logger = options.logger.child({ component: 'outbound-queue' });
    }

    /**
     * Settles rows left `sending` by a process that stopped (crash, deploy): a row whose send had begun becomes
     * `unknown`, because it may have been delivered and sending again could give someone the same message twice; a
     * row only claimed goes back to `queued`. Call once at start, before {@link start}. On PostgreSQL only claims
     * older than the lease count (other instances may be sending right now); on SQLite, the one process, all do.
     * @returns how many rows became `unknown` and how many were requeued.
     */
    async recoverAfterRestart(): Promise<{ unknown: number; requeued: number }> {
        const settled = await this.markAbandoned(this.db.isPostgres ? new Date(this.now().getTime() - this.leaseMs) : null);
        if (settled.unknown > 0 || settled.requeued > 0)
            this.logger.warn('messages left mid-send by a stopped process settled; unknown ones are not resent', { ...settled });
        return settled;
    }

    /**
     * One pass: claims the due rows of every channel (up to the batch size each) and sends them, channels side by
     * side, each at its own pace. Waits for a pass already running first, so passes never overlap.
     */
    async runOnce(): Promise<PassResult> {
        while (this.current) await this.current.catch(() => undefined);
        const pass = this.pass();
        this.current = pass;
        try {
            return await pass;
        } finally {
            this.current = null;
        }
    }

    /**
     * Runs passes until {@link stop}: straight on while there is a backlog, otherwise every `intervalMs`. A failed
     * pass (database down) is logged and retried at the next interval.
     */
    start(intervalMs = 1000): void {
        if (this.loop) throw new Error('OutboundQueueWorker is already running; call stop() first');
        this.stopping = false;
        this.loop = (async () => {
            while (!this.stopping) {
                let backlog = false;
                try {
                    const result = await this.runOnce();
                    backlog = result.claimed > 0;
                } catch (error) {
                    this.logger.error('outbound queue pass failed; retrying at the next interval', { error: error as Error });
                }
                if (!this.stopping && !backlog)
                    await new Promise<void>((resolve) => {
                        const timer = setTimeout(resolve, intervalMs);
                        this.wake = () => {
                            clearTimeout(timer);
                            resolve();
                        };
                    });
                this.wake = null;
            }
        })();
    }

    /**
     * Stops the loop and waits for the current pass: sends already under way finish and are recorded; claimed rows
     * not yet started (still waiting for their pacing slot) go back to `queued`, so a clean stop leaves nothing
     * `sending`.
     */
    async stop(): Promise<void> {
        this.stopping = true;
        this.wake?.();
        const loop = this.loop;
        this.loop = null;
        if (loop) await loop;
        else if (this.current) await this.current.catch(() => undefined);
        this.stopping = false;
    }

    private async pass(): Promise<PassResult> {
        const total: PassResult = { claimed: 0, sent: 0, failed: 0, unknown: 0, deferred: 0 };
        const now = this.now();
        if (now.getTime() - this.lastSweep >= this.leaseMs / 2) {
            this.lastSweep = now.getTime();
            const swept = await this.markAbandoned(new Date(now.getTime() - this.leaseMs));
            if (swept.unknown > 0 || swept.requeued > 0) this.logger.warn('claims past their lease settled; unknown ones are not resent', { ...swept });
        }
        const channels = await this.db.run(async (m) =>
            (
                await m
                    .createQueryBuilder(QueuedMessage, 'q')
                    .select('DISTINCT q.channel', 'channel')
                    .where('q.status = :queued AND q.nextAttemptAt <= :now', { queued: 'queued', now })
                    .getRawMany<{ channel: string }>()
            ).map((row) => row.channel)
        );
        const results = await Promise.all(channels.map((channel) => this.sendChannel(channel, now)));
        for (const result of results) {
            total.claimed += result.claimed;
            total.sent += result.sent;
            total.failed += result.failed;
            total.unknown += result.unknown;
            total.deferred += result.deferred;
        }
        if (total.claimed > 0) this.logger.debug('outbound queue pass', { ...total });
        return total;
    }

    private async sendChannel(channel: string, now: Date): Promise<PassResult> {
        const rate = this.rates[channel] ?? this.rates['*'];
        const result: PassResult = { claimed: 0, sent: 0, failed: 0, unknown: 0, deferred: 0 };
        // Replies that waited for the platform's allowance: before any broadcast, one at a time in queue order (their
        // adapter paces them against the platform's own limits).
        await this.sendRows(await this.claim(channel, now, this.batchSize, 'replies'), null, 1, result);
        const pacer = this.pacerFor(channel);
        // A channel whose next broadcast slot is further off than a pass lasts (X: one a minute) is left for a later
        // pass, so it never holds the pass, and the other channels' next batches, waiting.
        if (this.stopping || pacer.delayMs() > MAX_PASS_SECONDS * 1000) return result;
        // About two seconds' worth at most: a pass waits for its slowest channel (nor keeps rows claimed that long).
        const rows = await this.claim(channel, now, Math.min(this.batchSize, Math.max(1, Math.ceil(rate * MAX_PASS_SECONDS))), 'broadcasts');
        const lanes = Math.min(rows.length, this.options.concurrency ?? Math.max(1, Math.min(32, Math.ceil(rate / 2))));
        await this.sendRows(rows, pacer, lanes, result);
        return result;
    }

    /** Sends claimed `rows` in `lanes` side by side, each after `pacer` lets it (unpaced without one), adding to `result`. */
    private async sendRows(rows: QueuedMessage[], pacer: IntervalPacer | null, lanes: number, result: PassResult): Promise<void> {
        result.claimed += rows.length;
        if (rows.length === 0 || this.stopping) {
            await this.release(rows.map((row) => row.id));
            return;
        }
        let next = 0;
        await Promise.all(
            Array.from({ length: Math.max(1, Math.min(lanes, rows.length)) }, async () => {
                while (!this.stopping && next < rows.length) {
                    const row = rows[next++];
                    const outcome = await this.deliver(row, pacer);
                    if (outcome) result[outcome] += 1;
                }
            })
        );
        // Stopped halfway: whatever was claimed but not started was certainly not sent.
        if (next < rows.length) await this.release(rows.slice(next).map((row) => row.id));
    }

    /** Takes up to `limit` due rows of `channel` (waiting replies, or broadcasts) for this worker by setting them `sending`. */
    private async claim(channel: string, now: Date, limit: number, kind: 'replies' | 'broadcasts'): Promise<QueuedMessage[]> {
        return this.db.transaction(async (m) => {
            let query = m
                .createQueryBuilder(QueuedMessage, 'q')
                .where('q.status = :queued AND q.channel = :channel AND q.nextAttemptAt <= :now', { queued: 'queued', channel, now })
                .andWhere(kind === 'replies' ? 'q.broadcastId IS NULL' : 'q.broadcastId IS NOT NULL')
                .orderBy('q.nextAttemptAt', 'ASC')
                .addOrderBy('q.id', 'ASC')
                .limit(limit);
            // Rows another worker has locked are skipped, not waited for: each worker takes a different slice.
            if (this.db.isPostgres) query = query.setLock('pessimistic_write').setOnLocked('skip_locked');
            const rows = await query.getMany();
            if (rows.length === 0) return [];
            // On SQLite the select and this update are one serialisable transaction (and Database runs it alone); on
            // PostgreSQL the rows are locked. Either way all are still queued, and if not, rolling back beats a resend.
            const claimed = await m
                .createQueryBuilder()
                .update(QueuedMessage)
                .set({ status: 'sending', lastError: null, updatedAt: now })
                .where({ id: In(rows.map((row) => row.id)), status: 'queued' })
                .execute();
            if (claimed.affected !== undefined && claimed.affected !== rows.length) {
                throw new Error(`outbound queue claim raced another worker (${claimed.affected} of ${rows.length} rows still queued); claim rolled back`);
            }
            for (const row of rows) row.status = 'sending';
            return rows;
        });
    }

    /** Sends one claimed row and records the outcome at once, so a crash right after cannot cause a resend. */
    private async deliver(row: QueuedMessage, pacer: IntervalPacer | null): Promise<Outcome | null> {
        const adapter = this.adapters.get(row.channel) ?? this.adapters.get('*');
        // Perhaps a channel switched off for now: retried with backoff like any failed send.
        if (!adapter) return this.failed(row, `no adapter for channel ${row.channel}`);
        let reference: Partial<ConversationReference>;
        try {
            reference = JSON.parse(row.conversationRef) as Partial<ConversationReference>;
        } catch {
            await this.finalise(row, { status: 'failed', lastError: 'stored conversation reference is not valid JSON' });
            return 'failed';
        }
        await pacer?.wait();
        if (this.stopping) {
            // Waiting for its slot is not "under way": a clean stop hands it back rather than sending it late.
            await this.release([row.id]);
            return null;
        }
        if (!(await this.markStarted(row))) {
            const identity =
                row.identityId === null
                    ? null
                    : await this.db.run((m) =>
                          m.getRepository(ChannelIdentity).findOne({
                              where: { id: row.identityId! },
                              select: { id: true, subscribed: true, updatesOptOut: true },
                          })
                      );
            const stillOurs = await this.db.run((m) => m.getRepository(QueuedMessage).existsBy({ id: row.id, status: 'sending' }));
            // Released or swept meanwhile (a lease ran out): no longer this worker's to send or to record.
            if (!stillOurs) return null;
            await this.finalise(row, { status: 'failed', lastError: identity ? 'opted out' : 'recipient no longer exists' });
            return 'failed';
        }
        let platformId: string | null | undefined;
        const queued: QueuedSend = { bulk: row.broadcastId !== null };
        try {
            await adapter.continueConversationAsync(this.options.botAppId, reference, async (context) => {
                markQueuedSend(context, queued);
                const response = await context.sendActivity(row.text);
                platformId = response?.id ?? null;
            });
        } catch (error) {
            // The send may have reached the platform before the error (a timeout, a failed delivery record).
            this.logger.warn('queued message may or may not have been sent; marked unknown, not retried', {
                channel: row.channel,
                queueId: row.id,
                error: error as Error,
            });
            await this.finalise(row, { status: 'unknown', lastError: describe(error) });
            return 'unknown';
        }
        // An adapter that sends after the turn's logic (X) says here what became of the message.
        const outcome = queued.outcome;
        if (outcome?.status === 'deferred') return this.deferred(row, outcome.until, outcome.reason);
        if (outcome?.status === 'sent') platformId = outcome.platformMessageId;
        if (outcome?.status === 'failed' && outcome.final) {
            // Refused for good (X's monthly cap, a user who takes no DMs): asking again would be refused again.
            await this.finalise(row, { status: 'failed', lastError: `refused: ${outcome.reason}`.slice(0, 300) });
            return 'failed';
        }
        if (outcome?.status === 'failed') platformId = '';
        // The adapters answer '' when they recorded a failed or undeliverable send: nothing went out.
        if (platformId === '') return this.failed(row, 'the platform refused the message or the user is out of reach (see outbound_messages)');
        if (platformId === undefined) return this.failed(row, 'the adapter did not run the send');
        await this.finalise(row, { status: 'sent', platformMessageId: platformId, lastError: null });
        return 'sent';
    }

    /**
     * Notes that the send of `row` begins, if the recipient still wants broadcasts (checked now: opting out is
     * immediate, also for messages queued before) and the claim is still ours. One statement, so the check and the
     * mark cannot be split. After a crash, rows with this mark become `unknown` and the rest of the claim is requeued.
     */
    private async markStarted(row: QueuedMessage): Promise<boolean> {
        return this.db
            .run(async (m) => {
                const q = (name: string) => m.connection.driver.escape(name);
                const table = q(m.connection.getMetadata(QueuedMessage).tableName);
                const identities = q(m.connection.getMetadata(ChannelIdentity).tableName);
                const result = await m
                    .createQueryBuilder()
                    .update(QueuedMessage)
                    .set({ lastError: SEND_STARTED, updatedAt: this.now() })
                    .where({ id: row.id, status: 'sending' })
                    // A waiting reply (no identity) was asked for by the user: it goes whatever their broadcast choices.
                    .andWhere(
                        `(${table}.${q('identityId')} IS NULL OR EXISTS (SELECT 1 FROM ${identities} ci WHERE ci.${q('id')} = ${table}.${q('identityId')} ` +
                            `AND ci.${q('subscribed')} = :subscribed AND ci.${q('updatesOptOut')} = :optedOut))`,
                        { subscribed: true, optedOut: false }
                    )
                    .execute();
                return (result.affected ?? 0) > 0;
            })
            .then(async (started) => {
                // The mark must outlive a power cut, or the message would be sent again instead of being marked unknown.
                if (started) await this.db.flush();
                return started;
            });
    }

    /** The platform's allowance had no room: back in the queue for `until`, not counted as an attempt. */
    private async deferred(row: QueuedMessage, until: Date, reason: string): Promise<Outcome> {
        await this.db.run((m) =>
            m
                .getRepository(QueuedMessage)
                .update({ id: row.id, status: 'sending' }, { status: 'queued', nextAttemptAt: until, lastError: `waiting: ${reason}`.slice(0, 300) })
        );
        return 'deferred';
    }

    /** A send that certainly did not go out: retried with exponential backoff, given up after the last attempt. */
    private async failed(row: QueuedMessage, reason: string): Promise<Outcome> {
        const attempts = row.attempts + 1;
        const giveUp = attempts >= this.maxAttempts;
        await this.db.run((m) =>
            m.getRepository(QueuedMessage).update(
                { id: row.id },
                {
                    status: giveUp ? 'failed' : 'queued',
                    attempts,
                    lastError: reason.slice(0, 300),
                    nextAttemptAt: new Date(this.now().getTime() + this.retryBaseMs * 2 ** (attempts - 1)),
                }
            )
        );
        if (giveUp) this.logger.warn('queued message given up', { channel: row.channel, queueId: row.id, attempts, reason });
        return 'failed';
    }

    private async finalise(row: QueuedMessage, changes: Partial<QueuedMessage>): Promise<void> {
        try {
            await this.db.run((m) => m.getRepository(QueuedMessage).update({ id: row.id }, { ...changes, attempts: row.attempts + 1 }));
        } catch (error) {
            // Left `sending`: recovery later marks it unknown, which is right for a message that may have gone out.
            this.logger.error('could not record the outcome of a queued message', { queueId: row.id, status: changes.status, error: error as Error });
        }
    }

    private async release(ids: number[]): Promise<void> {
        if (ids.length === 0) return;
        await this.db.run((m) => m.getRepository(QueuedMessage).update({ id: In(ids), status: 'sending' }, { status: 'queued' }));
    }

    /**
     * Settles `sending` rows claimed before `claimedBefore` (all when null): those whose send had begun become
     * `unknown` (they may have been delivered), the others go back to `queued` (they certainly were not).
     */
    private async markAbandoned(claimedBefore: Date | null): Promise<{ unknown: number; requeued: number }> {
        return this.db.transaction(async (m) => {
            const repository = m.getRepository(QueuedMessage);
            const claimed = claimedBefore ? { status: 'sending' as const, updatedAt: LessThan(claimedBefore) } : { status: 'sending' as const };
            const unknown = await repository.update(
                { ...claimed, lastError: SEND_STARTED },
                { status: 'unknown', lastError: 'the sending process stopped mid-send; not resent, it may have been delivered' }
            );
            const requeued = await repository.update(claimed, { status: 'queued' });
            return { unknown: unknown.affected ?? 0, requeued: requeued.affected ?? 0 };
        });
    }

    private pacerFor(channel: string): IntervalPacer {
        const key = channel in this.rates ? channel : '*';
        let pacer = this.pacers.get(key);
        if (!pacer) {
            pacer = new IntervalPacer(this.rates[key], { now: this.options.pacingNow });
            this.pacers.set(key, pacer);
        }
        return pacer;
    }
}

function positiveInteger(name: string, value: number): number {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`OutboundQueueWorker: ${name} must be a positive integer, got ${value}`);
    return value;
}

function describe(error: unknown): string {
    return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
}
