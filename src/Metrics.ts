import { Middleware, TurnContext } from 'botbuilder';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { WebhookObserver } from '../adapters/shared/WebhookObserver';
import { CHANNELS } from './channels';

const CHANNEL_LABELS = new Set([...CHANNELS.map((c) => c.id), 'emulator', 'webchat', 'directline', 'msteams', 'test', 'terminal']);
const TYPE_LABELS = new Set(['message', 'event', 'conversationUpdate', 'invoke', 'typing', 'messageReaction', 'endOfConversation']);

function boundedLabel(value: unknown, known: ReadonlySet<string>): string {
    return typeof value === 'string' && known.has(value) ? value : 'other';
}

/** Readings taken from the database when `/metrics` is scraped. */
export interface MetricsSnapshot {
    /** Outbound queue rows waiting to be sent, per channel. */
    queued: Record<string, number>;
    /** Inbound messages acknowledged but not yet processed. */
    unprocessedInbound: number;
    /** Open complaints past their due time. */
    breachedComplaints: number;
}

/**
 * The Prometheus metrics of one running bot, in a registry of its own (so tests can run several apps in one process).
 * Counters are fed by the server, the adapters (as their {@link WebhookObserver}) and a turn middleware; gauges are read
 * from the database at scrape time, so every instance reports the same shared queue.
 */
export class Metrics implements WebhookObserver {
    readonly registry = new Registry();
    private readonly turns = new Counter({
        name: 'bijli_turns_total',
        help: 'Bot turns run, by channel, activity type (message; event for proactive sends) and outcome',
        labelNames: ['channel', 'type', 'outcome'] as const,
        registers: [this.registry],
    });
    private readonly turnSeconds = new Histogram({
        name: 'bijli_turn_duration_seconds',
        help: 'Time from a turn starting to its last reply being sent',
        labelNames: ['channel'] as const,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [this.registry],
    });
    private readonly webhookSeconds = new Histogram({
        name: 'bijli_webhook_response_seconds',
        help: 'Time to answer a platform webhook request',
        labelNames: ['channel', 'status'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
        registers: [this.registry],
    });
    private readonly duplicates = new Counter({
        name: 'bijli_inbound_duplicates_total',
        help: 'Redelivered webhook messages dropped',
        labelNames: ['channel'] as const,
        registers: [this.registry],
    });
    private readonly outbound = new Counter({
        name: 'bijli_outbound_messages_total',
        help: 'Platform sends, by channel, result (sent, failed, retried, deferred to the outbound queue) and error code or reason',
        labelNames: ['channel', 'result', 'code'] as const,
        registers: [this.registry],
    });
    private readonly unreadableEvents = new Counter({
        name: 'bijli_inbound_unreadable_total',
        help: 'Inbound events the bot cannot read and so does not answer (X encrypted chats), by channel and kind',
        labelNames: ['channel', 'kind'] as const,
        registers: [this.registry],
    });
    private readonly rateLimitedTurns = new Counter({
        name: 'bijli_rate_limited_total',
        help: 'Turns postponed by the per-sender rate limit',
        labelNames: ['channel'] as const,
        registers: [this.registry],
    });
    private readonly media = new Counter({
        name: 'bijli_media_downloads_total',
        help: 'Photos users sent, downloaded and kept (stored) or given up (failed, with the reason)',
        labelNames: ['channel', 'result', 'reason'] as const,
        registers: [this.registry],
    });
    private readonly credentials = new Gauge({
        name: 'bijli_channel_credentials_rejected',
        help: "1 while the platform keeps rejecting a channel's access token (sends are paused), else 0",
        labelNames: ['channel'] as const,
        registers: [this.registry],
    });
    /** Channels whose access token is being rejected, with the platform's code. */
    private readonly rejected = new Map<string, string>();
    private readonly alarms = new Counter({
        name: 'bijli_channel_alarms_total',
        help: 'Channel problems that need an operator (a refused refresh token, a usage cap), by channel and reason',
        labelNames: ['channel', 'reason'] as const,
        registers: [this.registry],
    });
    private readonly escalations = new Counter({
        name: 'bijli_sla_escalations_total',
        help: 'Complaints escalated for breaching their due time',
        registers: [this.registry],
    });

    /** @param snapshot reads the database-backed gauges; called on every scrape. */
    constructor(snapshot: () => Promise<MetricsSnapshot>) {
        let last: Promise<MetricsSnapshot> | undefined;
        // One database read per scrape, shared by the three gauges.
        const read = () =>
            (last ??= snapshot().finally(() =>
                setImmediate(() => {
                    last = undefined;
                })
            ));
        new Gauge({
            name: 'bijli_outbound_queue_depth',
            help: 'Broadcast messages and replies waiting for a platform allowance, to be sent, by channel',
            labelNames: ['channel'] as const,
            registers: [this.registry],
            async collect() {
                this.reset();
                for (const [channel, count] of Object.entries((await read()).queued)) this.set({ channel }, count);
            },
        });
        new Gauge({
            name: 'bijli_inbound_unprocessed',
            help: 'Webhook messages acknowledged whose turn has not run yet',
            registers: [this.registry],
            async collect() {
                this.set((await read()).unprocessedInbound);
            },
        });
        new Gauge({
            name: 'bijli_sla_breached_complaints',
            help: 'Open complaints past their due time',
            registers: [this.registry],
            async collect() {
                this.set((await read()).breachedComplaints);
            },
        });
    }

    /** A middleware that counts and times every turn of the adapter it is added to. */
    turnMiddleware(): Middleware {
        return {
            onTurn: async (context: TurnContext, next: () => Promise<void>) => {
                // Labels come from the activity, which /api/messages may take unauthenticated: only known values are kept.
                const channel = boundedLabel(context.activity.channelId, CHANNEL_LABELS);
                const type = boundedLabel(context.activity.type, TYPE_LABELS);
                const end = this.turnSeconds.startTimer({ channel });
                try {
                    await next();
                    this.turns.inc({ channel, type, outcome: 'ok' });
                } catch (error) {
                    this.turns.inc({ channel, type, outcome: 'error' });
                    throw error;
                } finally {
                    end();
                }
            },
        };
    }

    /** Records the answer to one webhook request. */
    webhookAnswered(channel: string, status: number, seconds: number): void {
        this.webhookSeconds.observe({ channel, status: String(status) }, seconds);
    }

    /** @inheritdoc */
    duplicatesDropped(channel: string, count: number): void {
        this.duplicates.inc({ channel }, count);
    }

    /** @inheritdoc */
    sendResult(channel: string, result: 'sent' | 'failed' | 'deferred', code?: string): void {
        this.outbound.inc({ channel, result, code: code ?? '' });
    }

    /** @inheritdoc */
    credentialsRejected(channel: string, failing: boolean, code?: string): void {
        this.credentials.set({ channel }, failing ? 1 : 0);
        if (failing) this.rejected.set(channel, code ?? '');
        else this.rejected.delete(channel);
    }

    /** What `/readyz` warns of: each channel whose access token the platform rejects, with its code. */
    warnings(): string[] {
        return [...this.rejected].map(([channel, code]) => `${channel}: access token rejected${code ? ` (${code})` : ''}; sends paused`);
    }

    /** @inheritdoc */
    unreadable(channel: string, kind: string, count: number): void {
        this.unreadableEvents.inc({ channel: boundedLabel(channel, CHANNEL_LABELS), kind: kind.slice(0, 40) }, count);
    }

    /** A platform request retried after a transient failure (HTTP status or platform code). */
    sendRetried(channel: string, code: string): void {
        this.outbound.inc({ channel, result: 'retried', code });
    }

    /** @inheritdoc */
    rateLimited(channel: string): void {
        this.rateLimitedTurns.inc({ channel });
    }

    /** Counts a photo downloaded and kept, or given up. */
    mediaFetched(channel: string, result: 'stored' | 'failed', reason = ''): void {
        this.media.inc({ channel, result, reason });
    }

    /** A channel problem that needs an operator; `reason` is one of the channel's fixed reasons. */
    channelAlarm(channel: string, reason: string): void {
        this.alarms.inc({ channel: boundedLabel(channel, CHANNEL_LABELS), reason: reason.slice(0, 40) });
    }

    /** Complaints escalated by one scheduler pass. */
    escalated(count: number): void {
        if (count > 0) this.escalations.inc(count);
    }

    /** The exposition text for `/metrics`. */
    async render(): Promise<{ contentType: string; body: string }> {
        return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    }
}
