/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Runs of 10 or more digits (account, mobile, +91 numbers), optionally Devanagari, optionally split by spaces or dashes.
// Up to three separator characters between digits ("94150 - 12345", "94150  12345", an en dash), and a line break as a
// JSON log line writes it (\n), still make one number: a single separator let such numbers through unmasked.
const LONG_NUMBER = /(?<![0-9\u0966-\u096F])(?:\+?91(?:[\s\-\u2010-\u2015]|\\[nrt]){0,3})?[0-9\u0966-\u096F](?:(?:[\s\-\u2010-\u2015]|\\[nrt]){0,3}[0-9\u0966-\u096F]){9,}(?![0-9\u0966-\u096F])/g;

/**
 * Masks account numbers, mobile numbers and any other run of 10+ digits, keeping the last three digits so support
 * staff can still tell records apart: `9876543210` → `*******210`.
 */
export function maskNumbers(text: string): string {
    return text.replace(LONG_NUMBER, (match) => {
        const digits = match.replace(/[^0-9\u0966-\u096F]/g, '');
        return '*'.repeat(Math.max(0, digits.length - 3)) + digits.slice(-3);
    });
}

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

    debug(msg: string, fields?: Record<string, unknown>): void { this.write('debug', msg, fields); }
    info(msg: string, fields?: Record<string, unknown>): void { this.write('info', msg, fields); }
    warn(msg: string, fields?: Record<string, unknown>): void { this.write('warn', msg, fields); }
    error(msg: string, fields?: Record<string, unknown>): void { this.write('error', msg, fields); }

    private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
        if (LEVELS[level] < LEVELS[this.level]) return;
        const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg, ...this.fields, ...fields };
        for (const [key, value] of Object.entries(record)) {
            if (value instanceof Error) record[key] = { name: value.name, message: value.message, stack: value.stack };
        }
        this.sink(maskNumbers(JSON.stringify(record)));
    }
}
