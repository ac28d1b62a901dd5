import * as fs from 'fs';

/** Flushes one file's data to the disk (`fdatasync`), off the event loop. */
export type SyncFile = (file: string) => Promise<void>;

/**
 * `fdatasync` through libuv's thread pool, so the event loop goes on answering while the disk works. Opening and
 * closing are quick system calls made in place: as pool operations each would wait for a busy event loop to take its
 * result, and the flush's latency tripled under load.
 */
export const datasyncFile: SyncFile = (file) =>
    new Promise<void>((resolve, reject) => {
        const descriptor = fs.openSync(file, 'r+');
        fs.fdatasync(descriptor, (error) => {
            fs.closeSync(descriptor);
            if (error) reject(error);
            else resolve();
        });
    });

/**
 * Group commit for one file: every caller of {@link sync} resolves after a flush that *started* after its call, and
 * callers who arrive while a flush runs share the next one. A burst of webhook acknowledgements then costs a few
 * flushes instead of one each, and none of them blocks the event loop.
 */
export class FileSyncer {
    private running: Promise<void> | null = null;
    private next: Promise<void> | null = null;

    /**
     * @param file the file to flush.
     * @param syncFile how to flush it; tests pass one that records.
     */
    constructor(
        private readonly file: string,
        private readonly syncFile: SyncFile = datasyncFile
    ) {}

    /** Resolves once everything written to the file before this call is on the disk; rejects if the flush failed. */
    sync(): Promise<void> {
        if (!this.running) return this.start();
        // A flush is under way, but it may have started before this caller's write: wait for the one after it.
        if (!this.next) {
            this.next = this.running
                .then(
                    () => undefined,
                    () => undefined
                )
                .then(() => {
                    this.next = null;
                    return this.start();
                });
        }
        return this.next;
    }

    private start(): Promise<void> {
        const flush = this.syncFile(this.file).finally(() => {
            if (this.running === flush) this.running = null;
        });
        this.running = flush;
        return flush;
    }
}
