import type { TurnLogic } from '../adapters/shared/WebhookAdapter';
import type { Logger } from './logger';

// How old an unprocessed delivery must be before the periodic sweep runs it (younger ones are probably just starting).
const RESUME_AFTER_MS = 30_000;
// Inbound ids are remembered longer than the adapters accept a message's age (7 days, as long as Meta retries), so a
// replayed webhook is always either a known duplicate or too old.
const KEEP_PROCESSED_DAYS = 8;
const PRUNE_EVERY_MS = 3_600_000;

/** What the scheduler drives; each part keeps its own state in the database, so a restart loses nothing. */
export interface SchedulerParts {
    lifecycle: { tick(): Promise<{ escalated: number; reminded: number; unconfirmed: number }> };
    /** Callback requests: late ones escalate like complaints. */
    callbacks: { tick(): Promise<{ escalated: number }> };
    /** Outage incidents: a late restoration escalates the incident once, not each of its reports. */
    incidents: { tick(): Promise<{ escalated: number }> };
    /** Live chats: a takeover the official forgot goes back to the bot. */
    liveChat: { tick(): Promise<{ ended: number }>; prune(): Promise<number> };
    broadcasts: { queueBillReminders(today: string, daysBefore: number): Promise<{ recipients: number }> };
    /** Planned shutdowns: the day-before notices. */
    shutdowns: { queueDayBeforeNotices(now: Date): Promise<{ notices: number; recipients: number }> };
    channelStore: { pruneProcessed(olderThanDays: number): Promise<number> };
    media: { fetchDue(): Promise<number> };
    metrics: { escalated(count: number): void };
    logger: Logger;
}

/** A channel whose acknowledged but unprocessed deliveries can be run again. */
export interface ResumableChannel {
    resumeUnprocessed(logic: TurnLogic, olderThanMs?: number): Promise<number>;
}

/**
 * The server's timers, in one place: the SLA pass (escalation, confirmation reminders, unconfirmed resolutions, late
 * callback requests) with the day's bill reminders and the planned shutdowns' day-before notices, the sweep
 * for deliveries a failure interrupted, and the pruning of old inbound ids. The timers only ask the database what is
 * due, so several instances can run them at once (escalations are compare-and-sets, queue rows are claimed).
 */
export class Scheduler {
    private readonly timers: NodeJS.Timeout[] = [];
    private passing = false;
    private remindedOn = '';

    constructor(
        private readonly parts: SchedulerParts,
        private readonly channels: ResumableChannel[],
        private readonly logic: TurnLogic,
        private readonly options: { intervalSeconds: number; billReminderDaysBefore: number }
    ) {}

    /** Starts the timers; {@link stop} clears them. */
    start(): void {
        this.timers.push(
            setInterval(() => void this.pass(), this.options.intervalSeconds * 1000),
            setInterval(() => void this.resume(), RESUME_AFTER_MS),
            setInterval(() => void this.prune(), PRUNE_EVERY_MS)
        );
    }

    stop(): void {
        for (const timer of this.timers.splice(0)) clearInterval(timer);
    }

    /**
     * One SLA pass, with the bill reminders of `now`'s day in India the first time that day; skipped while the previous
     * pass still runs. Failures are logged, never thrown: the next pass tries again.
     */
    async pass(now: Date = new Date()): Promise<void> {
        if (this.passing) return;
        this.passing = true;
        try {
            const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(now);
            const reminders =
                this.remindedOn === today
                    ? Promise.resolve()
                    : this.parts.broadcasts.queueBillReminders(today, this.options.billReminderDaysBefore).then((run) => {
                          this.remindedOn = today;
                          if (run.recipients) this.parts.logger.info('bill reminders queued', { day: today, recipients: run.recipients });
                      });
            // Photos whose download failed for a while are tried again here, by whichever instance passes first.
            const [done, callbacks, chats, , , incidents, shutdowns] = await Promise.all([
                this.parts.lifecycle.tick(),
                this.parts.callbacks.tick(),
                this.parts.liveChat.tick(),
                reminders,
                this.parts.media.fetchDue(),
                this.parts.incidents.tick(),
                this.parts.shutdowns.queueDayBeforeNotices(now),
            ]);
            if (shutdowns.notices) this.parts.logger.info('planned shutdown notices queued', { ...shutdowns });
            this.parts.metrics.escalated(done.escalated + incidents.escalated);
            if (done.escalated || done.reminded || done.unconfirmed || callbacks.escalated || chats.ended || incidents.escalated) {
                this.parts.logger.info('scheduler pass', {
                    ...done,
                    callbacksEscalated: callbacks.escalated,
                    liveChatsEnded: chats.ended,
                    incidentsEscalated: incidents.escalated,
                });
            }
        } catch (error) {
            this.parts.logger.error('scheduler pass failed', { error: error as Error });
        } finally {
            this.passing = false;
        }
    }

    /** Runs deliveries whose turn a database failure interrupted, or that another instance acknowledged before dying. */
    async resume(): Promise<void> {
        for (const channel of this.channels) {
            await channel
                .resumeUnprocessed(this.logic, RESUME_AFTER_MS)
                .catch((error: Error) => this.parts.logger.warn('could not look for unprocessed deliveries', { error }));
        }
    }

    /** Forgets processed message ids older than a week and old live-chat transcripts, so the tables do not grow forever. */
    async prune(): Promise<void> {
        try {
            const pruned = await this.parts.channelStore.pruneProcessed(KEEP_PROCESSED_DAYS);
            if (pruned) this.parts.logger.info('old inbound message ids forgotten', { pruned });
            const lines = await this.parts.liveChat.prune();
            if (lines) this.parts.logger.info('old live-chat transcript lines forgotten', { lines });
        } catch (error) {
            this.parts.logger.warn('could not prune inbound message ids', { error: error as Error });
        }
    }
}
