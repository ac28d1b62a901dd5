/**
 * What a webhook adapter reports as it works, for metrics. Every method is optional, so a host that wants none passes
 * nothing.
 */
export interface WebhookObserver {
    /** Redelivered webhook messages that were recognised and dropped. */
    duplicatesDropped?(channel: string, count: number): void;
    /**
     * A message part sent, refused by the platform (with the stored error code), or deferred to the host's outbound
     * queue (with the reason: a rate limit, the pacing of the account's allowance).
     */
    sendResult?(channel: string, result: 'sent' | 'failed' | 'deferred', code?: string): void;
    /** Inbound events the bot cannot read and so does not answer (X's encrypted chats), by kind. */
    unreadable?(channel: string, kind: string, count: number): void;
    /** The platform started (`failing`, with its code) or stopped rejecting the channel's credentials. */
    credentialsRejected?(channel: string, failing: boolean, code?: string): void;
}
