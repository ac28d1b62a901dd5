import { Worker } from 'worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { Logger } from '../logger';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
// The bot's connection still checkpoints past this many pages (16 MB). Under steady writes the worker's passive
// checkpoints never catch up with the last frame, and SQLite starts the log over only when one has; without this
// backstop the log grew by about 12 MB a second in a test at 2,000 commits/s. Most pages are copied by then, so the
// rare stall is shorter: 7 stalls over 5 ms in 16,000 commits instead of 21, the log at most 16.5 MB.
const BACKSTOP_PAGES = 4000;

// Runs in the worker: its own connection to the same file, a passive checkpoint now and then. PASSIVE never waits for
// the bot's writes or reads; it copies what it can and leaves the rest for the next round.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('worker_threads');
const Sqlite = require(workerData.driver);
const db = new Sqlite(workerData.file, { timeout: 5000 });
const timer = setInterval(() => {
    try {
        db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
        parentPort.postMessage({ error: String(error && error.message || error) });
    }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits when the log passes
 * 1,000 pages copies it into the database file and syncs it, and that commit blocks for 5–30 ms (measured here: 46
 * such stalls in 30,000 writes), so every consumer waiting behind it waits too. Here a worker thread with its own
 * connection checkpoints every `intervalMs`, and the bot's connection only as a backstop, past 4,000 pages.
 */
export class WalCheckpointer {
    private exited = false;

    private constructor(
        private readonly worker: Worker,
        private readonly connection: BetterSqlite3.Database
    ) {
        worker.once('exit', () => {
            this.exited = true;
        });
    }

    /** Starts checkpointing a SQLite file database in a worker thread; null for PostgreSQL and in-memory SQLite. */
    static start(dataSource: DataSource, logger: Logger, intervalMs = 500): WalCheckpointer | null {
        if (dataSource.options.type !== 'better-sqlite3') return null;
        const file = String(dataSource.options.database);
        if (file === ':memory:') return null;
        const connection = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs } });
        worker.unref();
        // Should the worker fail, the bot's own connection checkpoints again, as SQLite does by default.
        const fallBack = (reason: string) => {
            logger.warn('WAL checkpoints are back on the bot connection', { reason });
            if (connection.open) connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
        };
        worker.on('message', (message: { error?: string }) => logger.warn('WAL checkpoint failed', { error: message.error }));
        worker.on('error', (error) => fallBack(error.message));
        worker.on('exit', (code) => {
            if (code !== 0) fallBack(`the checkpoint worker exited with ${code}`);
        });
        connection.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
        // After a restart the log file is cut back, so one burst does not keep its size for good.
        connection.pragma('journal_size_limit = 33554432');
        return new WalCheckpointer(worker, connection);
    }

    /** Stops the worker and gives checkpoints back to the bot's connection (closing it checkpoints the rest). */
    async stop(): Promise<void> {
        if (this.connection.open) this.connection.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
        if (this.exited) return;
        const exited = new Promise((resolve) => this.worker.once('exit', resolve));
        // Unreferenced, the worker would not keep the process alive until it has exited.
        this.worker.ref();
        this.worker.postMessage('stop');
        await exited;
    }
}
