import { promises as fs } from 'fs';

/** Flushes one file's data to the disk (`fdatasync`), off the event loop. */
export type SyncFile = (file: string) => Promise<void>;

/** `fdatasync` through libuv's thread pool, so the event loop goes on answering while the disk works. */
export const datasyncFile: SyncFile = async (file) => {
    const handle = await fs.open(file, 'r');
    try {
        await handle.datasync();
    } finally {
        await handle.close();
    }
};

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
    constructor(private readonly file: string, private readonly syncFile: SyncFile = datasyncFile) {}

    /** Resolves once everything written to the file before this call is on the disk; rejects if the flush failed. */
    sync(): Promise<void> {
        if (!this.running) return this.start();
        // A flush is under way, but it may have started before this caller's write: wait for the one after it.
        if (!this.next) {
            this.next = this.running.then(() => undefined, () => undefined).then(() => {
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
