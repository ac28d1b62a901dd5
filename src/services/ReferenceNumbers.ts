import { Database } from '../data/Database';

const IST_OFFSET_MS = 5.5 * 3600_000;

/**
 * Short, readable, unique reference numbers such as `C2611-0042`: a letter (so they never look like a 10-digit
 * account number), year and month, and a counter per letter and month that grows past four digits when needed.
 * The counter is bumped in one atomic statement, so concurrent turns and several processes never share a number.
 */
export class ReferenceNumbers {
    constructor(
        private readonly db: Database,
        private readonly now: () => Date = () => new Date()
    ) {}

    /** The next reference with `letter` (`C` for complaints, `R` for callback requests). */
    async next(letter: string): Promise<string> {
        // Months turn over at midnight in India, not at midnight UTC.
        const date = new Date(this.now().getTime() + IST_OFFSET_MS);
        const period = `${String(date.getUTCFullYear()).slice(2)}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
        const name = `${letter}${period}`;
        const param = this.db.isPostgres ? '$1' : '?';
        const rows: Array<{ value: number | string }> = await this.db.run((m) =>
            m.query(
                `INSERT INTO sequence_counters (name, value) VALUES (${param}, 1)
             ON CONFLICT (name) DO UPDATE SET value = sequence_counters.value + 1 RETURNING value`,
                [name]
            )
        );
        const value = Number(rows[0].value);
        return `${name}-${String(value).padStart(4, '0')}`;
    }
}
