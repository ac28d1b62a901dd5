/**
 * What a webhook adapter reports as it works, for metrics. Every method is optional, so a host that wants none passes
 * nothing.
 */
export interface WebhookObserver {
    /** Redelivered webhook messages that were recognised and dropped. */
    duplicatesDropped?(channel: string, count: number): void;
    /** A message part sent, or refused by the platform (with the stored error code). */
    sendResult?(channel: string, result: 'sent' | 'failed', code?: string): void;
    /** The platform started (`failing`, with its code) or stopped rejecting the channel's credentials. */
    credentialsRejected?(channel: string, failing: boolean, code?: string): void;
}
