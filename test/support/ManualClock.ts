const HOUR = 3600_000;

/** A clock a test moves by hand; give `now` to the code under test. */
export class ManualClock {
    constructor(public time = new Date('2026-11-20T04:30:00Z')) {}
    now = () => new Date(this.time);
    /** Moves the clock on by `hours` (fractions allowed). */
    advance(hours: number): void {
        this.time = new Date(this.time.getTime() + hours * HOUR);
    }
}
