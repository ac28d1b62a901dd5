/** The part of a writable stream that {@link ProgressBar} needs; `process.stderr` fits. */
export interface ProgressStream {
    write(chunk: string): boolean;
    isTTY?: boolean;
    columns?: number;
}

/** Options of {@link ProgressBar}. */
export interface ProgressBarOptions {
    /** Text in front of the bar; default `Importing`. */
    label?: string;
    /** Bar width in characters; default 30, narrowed to fit the terminal. */
    width?: number;
}

// Redrawing a terminal line costs more than importing a batch; a few frames a second is plenty.
const MIN_REDRAW_MS = 100;
const counts = new Intl.NumberFormat('en-IN');

/**
 * A one-line progress bar. On a terminal it redraws itself in place; on anything else (a log file, CI output) it
 * prints a plain line at most once per 10 % so that logs stay short.
 */
export class ProgressBar {
    private readonly label: string;
    private readonly width: number;
    private done = 0;
    private total = 0;
    private lastDraw = 0;
    private lastDecile = -1;
    private finished = false;

    /** @param stream where to draw; standard error by default so that piped standard output stays clean. */
    constructor(
        private readonly stream: ProgressStream = process.stderr,
        options: ProgressBarOptions = {}
    ) {
        this.label = options.label ?? 'Importing';
        this.width = options.width ?? 30;
    }

    /** Reports progress; cheap to call often, as output is throttled. */
    update(done: number, total: number): void {
        if (this.finished) return;
        this.done = Math.max(0, done);
        this.total = Math.max(0, total);
        if (this.stream.isTTY) {
            const now = Date.now();
            if (now - this.lastDraw < MIN_REDRAW_MS && this.done < this.total) return;
            this.lastDraw = now;
            this.stream.write(`\r${this.bar()}\x1b[K`);
            return;
        }
        const decile = Math.floor(this.fraction() * 10);
        if (decile > this.lastDecile) {
            this.lastDecile = decile;
            this.stream.write(`${this.summary()}\n`);
        }
    }

    /** Draws the final state and ends the line; later calls to either method do nothing. */
    finish(): void {
        if (this.finished) return;
        this.finished = true;
        if (this.stream.isTTY) this.stream.write(`\r${this.bar()}\x1b[K\n`);
        else if (this.lastDecile < 10) this.stream.write(`${this.summary()}\n`);
    }

    private fraction(): number {
        return this.total === 0 ? 1 : Math.min(1, this.done / this.total);
    }

    private summary(): string {
        return `${this.label}: ${Math.floor(this.fraction() * 100)}% (${counts.format(this.done)}/${counts.format(this.total)})`;
    }

    private bar(): string {
        const text = this.summary();
        // Leave room for the text so the line never wraps, which would break redrawing in place.
        const room = (this.stream.columns ?? 80) - text.length - 4;
        const width = Math.max(0, Math.min(this.width, room));
        if (width < 5) return text;
        const filled = Math.round(this.fraction() * width);
        return `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text.slice(this.label.length + 2)}`;
    }
}
