import pino from 'pino';
import { maskNumbers } from '../adapters/shared/maskNumbers';

export { maskNumbers };

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A sink for formatted log lines; stdout by default, an array in tests. */
export type LogSink = (line: string) => void;

/** Keys pino writes itself; a field of the same name ("level": an official's rank) is kept beside them, renamed. */
const RESERVED = new Set(['level', 'time', 'msg']);

/**
 * Structured JSON-lines logger on pino, whose every line passes through {@link maskNumbers} before it is written
 * (pino's `streamWrite` hook sees the finished line, so no field, nested value or error message escapes it).
 */
export class Logger {
    private readonly pino: pino.Logger;

    constructor(level: LogLevel = 'info', sink?: LogSink, fields: Record<string, unknown> = {}) {
        const root = pino(
            {
                level,
                base: undefined,
                timestamp: () => `,"time":"${new Date().toISOString()}"`,
                formatters: { level: (label) => ({ level: label }), bindings: plainFields, log: plainFields },
                hooks: { streamWrite: maskNumbers },
            },
            // Synchronous, so the last lines before a crash are written; a test's sink gets each line without its newline.
            sink ? { write: (line: string) => sink(line.replace(/\n$/, '')) } : pino.destination({ fd: 1, sync: true })
        );
        this.pino = Object.keys(fields).length > 0 ? root.child(plainFields(fields)) : root;
    }

    /** A logger that adds `fields` to every line. */
    child(fields: Record<string, unknown>): Logger {
        const child = Object.create(Logger.prototype) as Logger;
        // (Renamed here as well: pino reads some names of a child's fields, "level" among them, as its own options.)
        (child as unknown as { pino: pino.Logger }).pino = this.pino.child(plainFields(fields));
        return child;
    }

    debug(msg: string, fields?: Record<string, unknown>): void {
        this.pino.debug(fields ?? {}, msg);
    }
    info(msg: string, fields?: Record<string, unknown>): void {
        this.pino.info(fields ?? {}, msg);
    }
    warn(msg: string, fields?: Record<string, unknown>): void {
        this.pino.warn(fields ?? {}, msg);
    }
    error(msg: string, fields?: Record<string, unknown>): void {
        this.pino.error(fields ?? {}, msg);
    }
}

/** Fields as JSON can hold them: errors as name, message and stack; reserved names moved aside ("field.level"). */
function plainFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields ?? {})) {
        out[RESERVED.has(key) ? `field.${key}` : key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
    }
    return out;
}
