/**
 * What a free-form message would become as a template, kept from the moment it is sent until WhatsApp reports it
 * outside the 24-hour window (131047 in a `failed` status webhook), which can come minutes after the send succeeded.
 */
export interface TemplateFallback {
    /** Shared by every part of one outgoing activity: one template per activity, however many of its parts fail. */
    group: string;
    conversationId: string;
    /** The channel user id the delivery records name (BSUID or wa_id). */
    userId: string;
    /** How the user is addressed: `to:<wa_id>` or `recipient:<BSUID>`. */
    address: string;
    /** The locale of the activity (`hi-IN`, `en-IN`), which picks the template's language. */
    locale: string | null;
    /** The template's parameter before it is fitted to the template (everything the user would have seen). */
    text: string;
}

/**
 * What the WhatsApp adapter needs from its host beyond the shared ledger: template fallbacks that survive a restart
 * and are claimed once across instances, and users WhatsApp reported unreachable (131026). Bijli Mitra's
 * `ChannelStore` implements it; {@link InMemoryWhatsAppLedger} is the default.
 */
export interface WhatsAppLedger {
    /** Keeps the fallback of one sent part (its wamid) until it is claimed or too old to matter. */
    rememberFallback(channel: string, platformMessageId: string, fallback: TemplateFallback): Promise<void>;
    /** The fallback of the activity `platformMessageId` belonged to, for the first caller only; null after that or when none. */
    claimFallback(channel: string, platformMessageId: string): Promise<TemplateFallback | null>;
    /** Claims the fallbacks of `group` for a template sent now; false when a status webhook already claimed them. */
    claimGroup(channel: string, group: string): Promise<boolean>;
    /** Notes that WhatsApp reported the user unreachable, by user id or by the wamid of the message that failed. */
    markUnreachable(channel: string, user: { userId: string } | { platformMessageId: string }, code: string): Promise<void>;
    /** Whether the user was reported unreachable and has not written since. */
    isUnreachable(channel: string, userId: string): Promise<boolean>;
    /** Forgets that the user was unreachable: they can be reached at a new number or business-scoped id. */
    markReachable(channel: string, userId: string): Promise<void>;
}

/** Whether `value` implements {@link WhatsAppLedger} (the host's ledger usually does). */
export function isWhatsAppLedger(value: unknown): value is WhatsAppLedger {
    const ledger = value as Partial<WhatsAppLedger> | null | undefined;
    return typeof ledger?.claimFallback === 'function' && typeof ledger.markUnreachable === 'function';
}
