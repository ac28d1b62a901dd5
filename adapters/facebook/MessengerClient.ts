import { AdapterLogger } from '../shared/ports';
import { IN_TURN_RETRIES, PlatformHttpClient, PlatformHttpClientOptions } from '../shared/PlatformHttpClient';
import { describeMessengerFailure, isRetryableMessengerFailure } from './messengerErrors';

/** Connection settings of the Messenger Send API. */
export interface MessengerClientOptions {
    /** Graph API base with version, e.g. https://graph.facebook.com/v25.0 */
    apiUrl: string;
    /** The Page access token (sent as `access_token`, as the Send API expects). */
    pageAccessToken: string;
    /** Where retries and failures are logged; nowhere by default. */
    logger?: AdapterLogger;
    /**
     * Retry settings (tests shorten the waits). Build it with {@link MessengerClient.httpOptions} to keep the
     * Messenger error meanings and the retry of Meta's throttling codes.
     */
    http?: PlatformHttpClient;
    /** Told of every retried request (metrics). */
    onRetry?: PlatformHttpClientOptions['onRetry'];
    /** Per-request timeout in ms (default 10000). */
    timeoutMs?: number;
}

/**
 * `RESPONSE` inside the 24-hour window, `UPDATE` for proactive messages inside it, `UTILITY` for a Page message
 * template (inside or outside the window), `MESSAGE_TAG` only with `HUMAN_AGENT`, for a reply a person wrote.
 */
export type MessagingType = 'RESPONSE' | 'UPDATE' | 'UTILITY' | 'MESSAGE_TAG';

/** The indicators a Page can show in a conversation; each is its own request with no message. */
export type SenderAction = 'mark_seen' | 'typing_on' | 'typing_off';

/** A utility message: a Page message template by name and language, its named placeholders filled. */
export interface UtilityMessage {
    name: string;
    /** The template's language code as Meta stores it (`hi`, `en`, `en_US`). */
    language: string;
    /** Named body parameters: placeholder name → text. */
    parameters: Record<string, string>;
}

/** A Page message template as the `message_templates` edge describes it. */
export interface PageMessageTemplate {
    id?: string;
    name: string;
    language: string;
    /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED… */
    status: string;
    category?: string;
    /** The BODY component's text, with its `{{placeholders}}`. */
    body: string;
}

/** Who wrote a `HUMAN_AGENT` message: Meta allows the tag only for a person's own reply. */
export interface HumanAgentReply {
    /** The official (or other person) who wrote the text; logged, never sent. */
    writtenBy: string;
}

const TEMPLATE_FIELDS = 'name,language,status,category,components';

/**
 * The Messenger Send API client: `POST {apiUrl}/me/messages?access_token=…` with retries on 429/5xx and Meta's
 * throttling codes (never on permanent errors) and error codes logged with meaning. The token travels in the query
 * string, which the HTTP client never logs. It sends no message tag but `HUMAN_AGENT`, and that only for a reply
 * a person wrote: the tags that once covered automated updates are retired, and utility messages replace them.
 */
export class MessengerClient {
    private readonly http: PlatformHttpClient;
    /** Typing indicators and read marks: one attempt each, short, never retried (a late indicator is worse than none). */
    private readonly signals: PlatformHttpClient;

    constructor(private readonly options: MessengerClientOptions) {
        this.http =
            options.http ?? new PlatformHttpClient({ ...MessengerClient.httpOptions(options.logger), onRetry: options.onRetry, timeoutMs: options.timeoutMs });
        this.signals = new PlatformHttpClient({
            ...MessengerClient.httpOptions(options.logger),
            maxAttempts: 1,
            timeoutMs: Math.min(options.timeoutMs ?? 10_000, 5_000),
        });
    }

    /** The Messenger-specific `PlatformHttpClient` options; add `sleep`, `maxAttempts`… to taste. */
    static httpOptions(logger?: AdapterLogger): PlatformHttpClientOptions {
        return { ...IN_TURN_RETRIES, logger, platform: 'Messenger', describeError: describeMessengerFailure, isRetryable: isRetryableMessengerFailure };
    }

    /**
     * Sends one `message` object to the user with page-scoped id `recipientPsid`; resolves with the message id.
     * `MESSAGE_TAG` means `HUMAN_AGENT` and needs `humanAgent`, naming the person who wrote the reply.
     * @throws Error for a `MESSAGE_TAG` send without a person behind it: the bot never tags what it wrote itself.
     */
    async send(
        recipientPsid: string,
        message: Record<string, unknown>,
        messagingType: Exclude<MessagingType, 'UTILITY'>,
        humanAgent?: HumanAgentReply
    ): Promise<string> {
        if (messagingType === 'MESSAGE_TAG' && !humanAgent?.writtenBy) {
            throw new Error('Messenger: HUMAN_AGENT is only for a reply a person wrote; the bot never tags its own messages');
        }
        const body = {
            recipient: { id: recipientPsid },
            messaging_type: messagingType,
            ...(messagingType === 'MESSAGE_TAG' ? { tag: 'HUMAN_AGENT' } : {}),
            message,
        };
        return this.messageId(await this.http.request('POST', this.url('/me/messages'), { body }));
    }

    /** Sends a utility message (a Page message template with named parameters); resolves with the message id. */
    async sendUtility(recipientPsid: string, utility: UtilityMessage): Promise<string> {
        const body = {
            recipient: { id: recipientPsid },
            messaging_type: 'UTILITY',
            message: {
                template: {
                    name: utility.name,
                    language: { code: utility.language },
                    components: [
                        {
                            type: 'body',
                            parameters: Object.entries(utility.parameters).map(([name, text]) => ({ type: 'text', parameter_name: name, text })),
                        },
                    ],
                },
            },
        };
        return this.messageId(await this.http.request('POST', this.url('/me/messages'), { body }));
    }

    /** Shows `mark_seen` or `typing_on` in the user's conversation: one request, no retry. */
    async senderAction(recipientPsid: string, action: SenderAction): Promise<void> {
        await this.signals.request('POST', this.url('/me/messages'), { body: { recipient: { id: recipientPsid }, sender_action: action } });
    }

    /** The Page's message templates whose name contains `name` (Graph's own filter), every page of them. */
    async templates(name: string): Promise<PageMessageTemplate[]> {
        const found: PageMessageTemplate[] = [];
        let url: string | undefined = this.url('/me/message_templates', { name, fields: TEMPLATE_FIELDS });
        // Graph pages with cursors; a `next` link carries the token again, so it is rebuilt from the cursor instead.
        for (let pages = 0; url && pages < 20; pages++) {
            const response = (await this.http.request('GET', url)).body as {
                data?: Array<{ id?: string; name?: string; language?: string; status?: string; category?: string; components?: unknown }>;
                paging?: { next?: string; cursors?: { after?: string } };
            };
            for (const row of response?.data ?? []) {
                if (typeof row?.name !== 'string' || typeof row.language !== 'string') continue;
                const components = Array.isArray(row.components) ? (row.components as Array<{ type?: string; text?: string }>) : [];
                const body = components.find((c) => String(c?.type).toUpperCase() === 'BODY')?.text;
                found.push({
                    id: row.id,
                    name: row.name,
                    language: row.language,
                    status: String(row.status ?? ''),
                    category: row.category,
                    body: typeof body === 'string' ? body : '',
                });
            }
            const after = response?.paging?.cursors?.after;
            url = response?.paging?.next && after ? this.url('/me/message_templates', { name, fields: TEMPLATE_FIELDS, after }) : undefined;
        }
        return found;
    }

    private url(path: string, query: Record<string, string> = {}): string {
        const params = new URLSearchParams({ ...query, access_token: this.options.pageAccessToken });
        return `${this.options.apiUrl.replace(/\/+$/, '')}${path}?${params.toString()}`;
    }

    private messageId(response: { body: unknown }): string {
        const id = (response.body as { message_id?: string } | undefined)?.message_id;
        if (!id) throw new Error('Messenger accepted the message but returned no message id');
        return id;
    }
}
