import { createHash } from 'crypto';
import { MediaFetchError } from '../../adapters/shared/MediaFetchError';
import { MediaSource } from '../../adapters/shared/ports';
import type { Database } from '../data/Database';
import type { Logger } from '../logger';
import { MediaStore } from './MediaStore';
import { imageFormatOf } from './imageFormat';

/** Where one photo stands. */
export type MediaStatus = 'pending' | 'stored' | 'failed';

/** A photo as the console shows it. */
export interface MediaEntry {
    status: MediaStatus;
    /** Why it could not be fetched (`too_large`, `not_image`, `not_found`, …), when it failed. */
    error: string | null;
}

/** Options of {@link MediaService}. */
export interface MediaServiceOptions {
    /** Largest file kept. */
    maxBytes: number;
    logger: Logger;
    /** Told of every finished download, stored or failed for good (metrics). */
    onFetched?(channel: string, result: 'stored' | 'failed', reason?: string): void;
    /** Clock, for tests. */
    now?: () => number;
}

/** Tries per photo before it is given up (about a day of retries, 30 s × 4ⁿ capped at 6 h). */
export const MEDIA_MAX_ATTEMPTS = 6;
/** A claimed download that has not finished by then (a crash) is tried again. */
const LEASE_MS = 5 * 60_000;
const BATCH = 20;

interface MediaRow {
    id: number;
    channel: string;
    sourceUrl: string;
    attempts: number;
    nextAttemptAt: string | number;
}

/**
 * Photos users send, downloaded soon after receipt into storage the project owns (platform links and media ids
 * expire), so officials see them in the console however late they look. Recording a photo is one insert in the turn;
 * the download runs beside it and never holds the turn up. A failed download is retried with growing pauses, by this
 * process at once and by the scheduler's passes (on any instance) later, and reported (log and metric) when given up.
 */
export class MediaService {
    private readonly sources = new Map<string, MediaSource>();
    private running: Promise<void> | null = null;
    private again = false;
    private readonly now: () => number;

    constructor(
        private readonly db: Database,
        private readonly store: MediaStore,
        private readonly options: MediaServiceOptions
    ) {
        this.now = options.now ?? Date.now;
    }

    /** Adds the channel whose adapter can download its media. */
    register(channel: string, source: MediaSource): void {
        this.sources.set(channel, source);
    }

    /** Whether photos of `channel` are downloaded. */
    handles(channel: string): boolean {
        return this.sources.has(channel);
    }

    /** Records photos that arrived (once each, however often the message is redelivered) and starts fetching them. */
    async noteInbound(channel: string, references: readonly string[]): Promise<void> {
        if (!this.sources.has(channel) || references.length === 0) return;
        const at = this.now();
        for (const reference of references.slice(0, 10)) {
            if (reference.length > 2000) continue;
            await this.db.sql(
                `INSERT INTO "media" ("sourceKey", "channel", "sourceUrl", "status", "attempts", "nextAttemptAt", "createdAt")
                 VALUES (?, ?, ?, 'pending', 0, CAST(? AS BIGINT), CAST(? AS BIGINT)) ON CONFLICT ("sourceKey") DO NOTHING`,
                [sourceKey(channel, reference), channel, reference, at, at]
            );
        }
        this.fetchSoon();
    }

    /** Starts a pass over due downloads in the background, unless one is running (which then runs once more). */
    fetchSoon(): void {
        if (this.running) {
            this.again = true;
            return;
        }
        this.running = (async () => {
            do {
                this.again = false;
                await this.fetchDue();
            } while (this.again);
        })()
            .catch((error: Error) => this.options.logger.error('media downloads failed', { error }))
            .finally(() => {
                this.running = null;
            });
    }

    /** Resolves when no background pass is running (tests, shutdown). */
    async idle(): Promise<void> {
        while (this.running) await this.running;
    }

    /** Downloads what is due now; returns how many were tried. Safe on several instances at once: each row is claimed. */
    async fetchDue(): Promise<number> {
        const at = this.now();
        const { rows } = await this.db.sql<MediaRow>(
            `SELECT "id", "channel", "sourceUrl", "attempts", "nextAttemptAt" FROM "media"
             WHERE "status" = 'pending' AND "nextAttemptAt" <= CAST(? AS BIGINT) ORDER BY "id" LIMIT ${BATCH}`,
            [at]
        );
        let tried = 0;
        for (const row of rows) {
            const source = this.sources.get(row.channel);
            if (!source) continue;
            // Claimed by moving its next attempt past a lease: another instance's pass skips it, a crash frees it later.
            const claim = await this.db.sql(
                'UPDATE "media" SET "attempts" = "attempts" + 1, "nextAttemptAt" = CAST(? AS BIGINT) WHERE "id" = ? AND "status" = \'pending\' AND "nextAttemptAt" = CAST(? AS BIGINT)',
                [at + LEASE_MS, row.id, Number(row.nextAttemptAt)]
            );
            if (claim.changes !== 1) continue;
            tried += 1;
            await this.fetchOne(row, source, Number(row.attempts) + 1);
        }
        return tried;
    }

    /** Where each of a complaint's photos stands, in order. */
    async entries(channel: string, references: readonly string[]): Promise<MediaEntry[]> {
        const entries: MediaEntry[] = [];
        for (const reference of references) {
            const { rows } = await this.db.sql<{ status: MediaStatus; error: string | null }>('SELECT "status", "error" FROM "media" WHERE "sourceKey" = ?', [
                sourceKey(channel, reference),
            ]);
            entries.push(rows[0] ? { status: rows[0].status, error: rows[0].error } : { status: 'failed', error: 'not_recorded' });
        }
        return entries;
    }

    /** The stored photo for a reference, or null when it is not (yet) stored. */
    async read(channel: string, reference: string): Promise<{ bytes: Buffer; contentType: string } | null> {
        const { rows } = await this.db.sql<{ storageKey: string | null; contentType: string | null }>(
            'SELECT "storageKey", "contentType" FROM "media" WHERE "sourceKey" = ? AND "status" = \'stored\'',
            [sourceKey(channel, reference)]
        );
        const row = rows[0];
        if (!row?.storageKey || !row.contentType) return null;
        const bytes = await this.store.get(row.storageKey);
        return bytes ? { bytes, contentType: row.contentType } : null;
    }

    private async fetchOne(row: MediaRow, source: MediaSource, attempt: number): Promise<void> {
        try {
            const fetched = await source.fetchMedia(row.sourceUrl, this.options.maxBytes);
            if (fetched.bytes.length > this.options.maxBytes) throw new MediaFetchError('too_large', `${fetched.bytes.length} bytes`, false);
            const format = imageFormatOf(fetched.bytes);
            if (!format) throw new MediaFetchError('refused', 'not_image', false);
            const storageKey = `${createHash('sha256').update(fetched.bytes).digest('hex')}.${format.extension}`;
            await this.store.put(storageKey, fetched.bytes);
            await this.db.sql('UPDATE "media" SET "status" = \'stored\', "contentType" = ?, "size" = ?, "storageKey" = ?, "error" = NULL WHERE "id" = ?', [
                format.type,
                fetched.bytes.length,
                storageKey,
                row.id,
            ]);
            this.options.onFetched?.(row.channel, 'stored');
        } catch (error) {
            const failure = error instanceof MediaFetchError ? error : null;
            const reason = failure ? (failure.message === 'not_image' ? 'not_image' : failure.reason) : 'error';
            const retry = (failure?.retryable ?? true) && attempt < MEDIA_MAX_ATTEMPTS;
            if (retry) {
                const pause = Math.min(6 * 3600_000, 30_000 * 4 ** (attempt - 1));
                await this.db.sql('UPDATE "media" SET "nextAttemptAt" = CAST(? AS BIGINT), "error" = ? WHERE "id" = ?', [this.now() + pause, reason, row.id]);
                this.options.logger.warn('media download failed; it will be tried again', { channel: row.channel, media: row.id, attempt, reason });
                return;
            }
            await this.db.sql('UPDATE "media" SET "status" = \'failed\', "error" = ? WHERE "id" = ?', [reason, row.id]);
            this.options.logger.warn('media download given up', { channel: row.channel, media: row.id, attempt, reason, detail: (error as Error).message });
            this.options.onFetched?.(row.channel, 'failed', reason);
        }
    }
}

function sourceKey(channel: string, reference: string): string {
    return createHash('sha256').update(`${channel}\n${reference}`).digest('hex');
}
