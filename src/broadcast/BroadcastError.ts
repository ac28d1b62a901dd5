/**
 * Thrown when a broadcast request cannot be accepted (empty or over-long text, an area with no subdivisions, a bad
 * reminder date) or names a broadcast that does not exist. The message is meant for the official or operator.
 */
export class BroadcastError extends Error {
    /** `message` says what to change. */
    constructor(message: string) {
        super(message);
        this.name = 'BroadcastError';
    }
}
