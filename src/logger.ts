import { maskNumbers } from '../adapters/shared/maskNumbers';

export { maskNumbers };

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A sink for formatted log lines; stdout by default, an array in tests. */
export type LogSink = (line: string) => void;

/** Structured JSON-lines logger whose every line passes through {@link maskNumbers}. */
export class Logger {
    constructor(
        private readonly level: LogLevel = 'info',
        private readonly sink: LogSink = (line) => process.stdout.write(line + '\n'),
        private readonly fields: Record<string, unknown> = {}
    ) {}

    /** A logger that adds `fields` to every line. */
    child(fields: Record<string, unknown>): Logger {
        return new Logger(this.level, this.sink, { ...this.fields, ...fields });
    }

    debug(msg: string, fields?: Record<string, unknown>): void {
        this.write('debug', msg, fields);
    }
    info(msg: string, fields?: Record<string, unknown>): void {
        this.write('info', msg, fields);
    }
    warn(msg: string, fields?: Record<string, unknown>): void {
        this.write('warn', msg, fields);
    }
    error(msg: string, fields?: Record<string, unknown>): void {
        this.write('error', msg, fields);
    }

    private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
        if (LEVELS[level] < LEVELS[this.level]) return;
        const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...this.fields, ...fields };
        for (const [key, value] of Object.entries(record)) {
            if (value instanceof Error) record[key] = { name: value.name, message: value.message, stack: value.stack };
        }
        this.sink(maskNumbers(JSON.stringify(record)));
    }
}
