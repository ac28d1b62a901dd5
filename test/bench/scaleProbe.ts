/**
 * Preloaded into the bot processes of the benchmarks (`node --expose-gc -r scaleProbe.js dist/src/main.js`). It does
 * nothing to the bot's behaviour: it answers memory and statement-count questions on the IPC channel the benchmark
 * opened, and stops the bot gracefully (SIGTERM, as a deploy would) when the benchmark goes away, so no bot outlives a
 * crashed or killed run.
 *
 * Statements are counted at the drivers, below everything the bot does (TypeORM and direct statements alike): each
 * execution of a better-sqlite3 statement (`run`, `all`, `get`, `iterate`, `exec`) and each `pg` client query
 * (BEGIN and COMMIT included).
 */
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { writeHeapSnapshot } from 'v8';

interface ProbeQuestion {
    probe: 'memory' | 'stats' | 'heap-snapshot';
    id: number;
    gc?: boolean;
}

let statements = 0;
/** Executions by statement text (its first 160 characters): where the statements of a turn come from. */
const byText = new Map<string, number>();
/** Milliseconds inside better-sqlite3's synchronous calls, by statement text (SQLite runs in the bot's thread). */
const msByText = new Map<string, number>();

function counted(text: unknown): string {
    statements += 1;
    const key = String(text).slice(0, 160);
    byText.set(key, (byText.get(key) ?? 0) + 1);
    return key;
}

function timed<T>(key: string, run: () => T): T {
    const t0 = performance.now();
    try {
        return run();
    } finally {
        msByText.set(key, (msByText.get(key) ?? 0) + performance.now() - t0);
    }
}

function countSqliteStatements(): void {
    type Executable = Record<string, (...args: unknown[]) => unknown>;
    // Statements share one prototype: wrapped once there, not on every prepared statement.
    const scratch = new BetterSqlite3(':memory:');
    const statement = Object.getPrototypeOf(scratch.prepare('SELECT 1')) as Executable;
    scratch.close();
    for (const method of ['run', 'all', 'get', 'iterate']) {
        const original = statement[method];
        statement[method] = function (this: { source: string }, ...values: unknown[]) {
            const key = counted(this.source);
            return timed(key, () => original.apply(this, values));
        };
    }
    const Sqlite = BetterSqlite3 as unknown as { prototype: Executable };
    const exec = Sqlite.prototype.exec;
    Sqlite.prototype.exec = function (this: unknown, ...args: unknown[]) {
        const key = counted(args[0]);
        return timed(key, () => exec.apply(this, args));
    };
}

function countPostgresQueries(): void {
    const prototype = Client.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const query = prototype.query;
    prototype.query = function (this: unknown, ...args: unknown[]) {
        const first = args[0] as string | { text?: string };
        counted(typeof first === 'string' ? first : first?.text);
        return query.apply(this, args);
    };
}

if (process.send && process.env.BENCH_PROBE === '1') {
    countSqliteStatements();
    countPostgresQueries();
    process.on('message', (message: ProbeQuestion) => {
        if (message?.probe === 'heap-snapshot') {
            // For finding what a long run retains: `node --expose-gc`, then compare two snapshots in DevTools.
            process.send!({ probe: 'heap-snapshot', id: message.id, file: writeHeapSnapshot() });
            return;
        }
        if (message?.probe === 'stats') {
            process.send!({ probe: 'stats', id: message.id, statements, byText: Object.fromEntries(byText), msByText: Object.fromEntries(msByText) });
            return;
        }
        if (message?.probe !== 'memory') return;
        // A full collection first, when asked, so that heapUsed is what is really retained.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (message.gc && gc) gc();
        process.send!({ probe: 'memory', id: message.id, gcDone: Boolean(message.gc && gc), ...process.memoryUsage() });
    });
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    // The channel must not keep the process alive on its own: main.ts decides when the bot exits.
    (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
}
