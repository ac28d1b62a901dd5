/**
 * Mutual exclusion per conversation: at most one turn of a conversation runs at a time, in every process that shares
 * it. botbuilder saves conversation state last-writer-wins, so two overlapping turns would lose one's changes.
 */
export interface TurnLock {
    /** Runs `task` while holding `key`; re-entrant within one async flow. */
    run<T>(key: string, task: () => Promise<T>): Promise<T>;
}
