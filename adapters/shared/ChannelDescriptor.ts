import { ChoiceCapabilities } from './choices';
import { AdapterLogger, ConversationTakeovers, GrantStore, IdentityAliases, SendBudget } from './ports';
import { WebhookAdapter, WebhookAdapterOptions } from './WebhookAdapter';

/** Reads a channel's settings from the environment, collecting problems for the host to report together. */
export interface SettingsReader {
    /** The values of `names` when all are set; null when none is (the channel is off) or only some are (a problem). */
    required(label: string, names: readonly string[]): Record<string, string> | null;
    /** A variable's trimmed value, or `fallback`. */
    text(name: string, fallback?: string): string;
    /** A whole number within `min`..`max`, or `fallback` when unset. */
    integer(name: string, fallback: number, min: number, max: number): number;
    /** An http(s) URL without a trailing slash, or `fallback` when unset. */
    url(name: string, fallback: string): string;
    /** Reports a setting that must not start the bot (a retired value, say), to be listed with the other problems. */
    problem(message: string): void;
}

/** What the host hands every channel it builds. */
export interface ChannelHost {
    /** What every channel's adapter takes alike (inbox, ledger, logger, observer, message age): passed on whole. */
    adapter: WebhookAdapterOptions;
    logger: AdapterLogger;
    /** Milliseconds one platform API request may take; a send that times out is not repeated. */
    timeoutMs: number;
    /** Told of each retried platform request (metrics). */
    onRetry?(channel: string, status: number, code: string | undefined): void;
    /** The title of a list's button in a reply's locale (a WhatsApp list needs one). */
    listButton(locale: string | undefined): string;
    /** Where a channel notes that a person took a conversation over; every instance sees the same pauses. */
    takeovers?: ConversationTakeovers;
    /** Every id each user has had and the person it names (WhatsApp's changed numbers and ids); every instance sees the same. */
    identityAliases?: IdentityAliases;
    /** Where channels keep OAuth grants whose refresh token rotates (X), shared by every instance; in memory when absent. */
    grants?: GrantStore;
    /** Told when a channel needs an operator (a refused refresh token, a usage cap); the channel logs the details (metrics). */
    onAlarm?(channel: string, reason: string): void;
    /** Send allowances shared by every instance (X's DM limits per account); each process counts its own when absent. */
    budgets?: SendBudget;
}

/**
 * One platform channel as the host's registry lists it: which settings turn it on and how its adapter is built. A new
 * channel is its folder under `adapters/` (adapter, client, mapper, renderer and this descriptor) plus one registry line.
 */
export interface ChannelDescriptor<S = unknown> {
    /** Bot Framework channel id; also the webhook route (`/webhooks/<id>`) and the metrics label. */
    readonly id: string;
    /** The platform's name, for start-up messages and configuration errors. */
    readonly label: string;
    /** What the platform really shows of choices; the core numbers what does not fit. */
    readonly choices: ChoiceCapabilities;
    /** Whether its renderer sends images as images (from a public HTTPS address); without, the core sends a link. */
    readonly images: boolean;
    /** Secrets whose presence means the channel is meant to be public. */
    readonly secretNames: readonly string[];
    /** The channel's settings from the environment; null when it is off. */
    readSettings(env: SettingsReader): S | null;
    /** Broadcast messages per second the outbound queue may send on this channel, where the platform sets a pace. */
    sendsPerSecond?(settings: S): number;
    /** The adapter, ready to serve webhooks. */
    createAdapter(settings: S, host: ChannelHost): WebhookAdapter;
}
