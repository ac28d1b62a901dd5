import { randomBytes } from 'crypto';
import { ApiStandIn, RecordedRequest, StandInResponse } from './ApiStandIn';
import { metaHeaders, metaWireJson } from './metaPayloads';

/** An approved message template as the stand-in knows it: name, language and its body with `{{1}}`… placeholders. */
export interface StandInTemplate {
    name: string;
    language: string;
    body: string;
}

/** Settings of {@link WhatsAppCloudStandIn}. */
export interface WhatsAppCloudStandInOptions {
    phoneNumberId: string;
    accessToken: string;
    /** Approved templates; a template send naming another name or language fails with 132001. */
    templates?: StandInTemplate[];
}

/** Where the stand-in posts its asynchronous webhooks, signed with the app secret as Meta signs them. */
export interface StandInWebhook {
    url: string;
    appSecret: string;
}

/** One message the stand-in accepted: its wamid, to whom (`to` or `recipient`) and the request body. */
export interface AcceptedMessage {
    id: string;
    recipient: string;
    body: Record<string, unknown>;
}

const SEND_TYPES = new Set(['text', 'interactive', 'template', 'image', 'document', 'audio', 'video', 'sticker', 'location', 'contacts', 'reaction']);
const ROOT_KEYS = new Set(['messaging_product', 'recipient_type', 'to', 'recipient', 'type', 'context', 'biz_opaque_callback_data', ...SEND_TYPES]);
const READ_KEYS = new Set(['messaging_product', 'status', 'message_id', 'typing_indicator']);

/** A Graph error as Meta words it. */
class GraphError extends Error {
    constructor(
        readonly httpStatus: number,
        readonly code: number,
        message: string,
        readonly details?: string,
        readonly subcode?: number,
        readonly type = 'OAuthException'
    ) {
        super(message);
    }
}

/**
 * A strict stand-in for the WhatsApp Cloud API's `POST /{phone-number-id}/messages`, on top of {@link ApiStandIn}.
 * It checks the bearer token (190 when wrong or expired), the envelope (`messaging_product`, `recipient_type`, one of
 * `to`/`recipient`, a known `type`, no unknown keys), text bodies (1–4,096 characters), interactive buttons and lists
 * (≤ 3 reply buttons with titles ≤ 20 and unique; ≤ 10 rows with titles ≤ 24; body ≤ 1,024), templates (known name
 * and language, parameter count, no newline/tab or more than four spaces in a row, filled body ≤ 1,024 UTF-16
 * units) and read receipts with the typing indicator, and answers as Graph does: `{ error: { message, type, code,
 * error_subcode?, error_data: { messaging_product, details }, fbtrace_id } }`. Users the test puts outside the
 * 24-hour window or marks unreachable get their free-form message accepted and a `failed` status later, as Meta
 * does; {@link flushStatuses} posts those webhooks, signed with the app secret.
 */
export class WhatsAppCloudStandIn extends ApiStandIn {
    /** Every message accepted, in order. */
    readonly accepted: AcceptedMessage[] = [];
    /** Message ids marked read with the typing indicator. */
    readonly markedRead: string[] = [];
    /** Where {@link flushStatuses} posts; set before flushing. */
    webhook?: StandInWebhook;
    private readonly templates: StandInTemplate[];
    private accessToken: string;
    private tokenExpired = false;
    private readonly outsideWindow = new Set<string>();
    private readonly unreachable = new Set<string>();
    private readonly pendingStatuses: object[] = [];
    private readonly sendFailures: StandInResponse[] = [];
    private sequence = 0;

    constructor(private readonly options: WhatsAppCloudStandInOptions) {
        super();
        this.templates = options.templates ?? [];
        this.accessToken = options.accessToken;
        // Newest rule first: another phone number id is an object that does not exist; ours, with or without the
        // version prefix (/v25.0/<id>/messages), is answered.
        this.respondWith('POST', /\/[0-9]+\/messages$/, () =>
            graphError(new GraphError(400, 100, 'Unsupported post request. Object does not exist.', undefined, 33, 'GraphMethodException'))
        );
        this.respondWith('POST', new RegExp(`^(/v[0-9.]+)?/${options.phoneNumberId}/messages$`), (request) => this.answer(request));
    }

    /** Answers the next `count` message sends (not read receipts) with `response`, after checking the token. */
    failNextSend(count: number, response: StandInResponse): this {
        for (let i = 0; i < count; i++) this.sendFailures.push(response);
        return this;
    }

    /** The access token expires: every later request gets 401 with code 190 and subcode 463, as Graph answers. */
    expireToken(): void {
        this.tokenExpired = true;
    }

    /** The business renews the access token (the same value works again, as if the new one were configured). */
    renewToken(): void {
        this.tokenExpired = false;
    }

    /** Free-form messages to `user` are accepted and fail later with 131047, as when their window closed on Meta's clock. */
    closeWindow(user: string): void {
        this.outsideWindow.add(user);
    }

    /** Messages to `user` are accepted and fail later with 131026 (not on WhatsApp, old app, terms not accepted). */
    makeUnreachable(user: string): void {
        this.unreachable.add(user);
    }

    /** Queues a `failed` status for `messageId` with `code`, posted at the next {@link flushStatuses}. */
    failLater(messageId: string, code: number, recipient: string): void {
        this.pendingStatuses.push(failedStatus(this.options.phoneNumberId, messageId, recipient, code));
    }

    /** Queues a system-level `value.errors[]` webhook (no message id), as Meta sends for throughput errors. */
    systemErrorLater(code: number): void {
        const info = ERRORS[code] ?? { title: 'Error', details: 'Error' };
        this.pendingStatuses.push(
            envelope(this.options.phoneNumberId, {
                errors: [
                    {
                        code,
                        title: info.title,
                        message: info.title,
                        error_data: { details: info.details },
                        href: '/documentation/business-messaging/whatsapp/support/error-codes',
                    },
                ],
            })
        );
    }

    /** The webhook bodies queued for the next {@link flushStatuses}. */
    get queuedWebhooks(): readonly object[] {
        return this.pendingStatuses;
    }

    /**
     * Delivers every queued webhook, signed as Meta signs, and resolves with the HTTP statuses the bot answered: posted
     * to {@link webhook}, or handed to `deliver` (an adapter's `handleWebhook` without a server).
     */
    async flushStatuses(deliver?: (raw: Buffer, headers: Record<string, string>) => Promise<number>): Promise<number[]> {
        const statuses: number[] = [];
        for (const body of this.pendingStatuses.splice(0)) statuses.push(await this.post(body, deliver));
        return statuses;
    }

    /** Delivers one webhook body signed with the app secret; resolves with the HTTP status. */
    async post(body: object, deliver?: (raw: Buffer, headers: Record<string, string>) => Promise<number>): Promise<number> {
        if (!this.webhook) throw new Error('WhatsAppCloudStandIn: set webhook (its URL and the app secret) first');
        const { url, appSecret } = this.webhook;
        const raw = metaWireJson(body);
        if (deliver) return deliver(raw, metaHeaders(raw, appSecret));
        const response = await fetch(url, { method: 'POST', headers: metaHeaders(raw, appSecret), body: raw });
        await response.text();
        return response.status;
    }

    private answer(request: RecordedRequest): StandInResponse {
        try {
            this.checkToken(request);
            const body = request.body;
            if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('(#100) The parameter messaging_product is required.');
            const message = body as Record<string, unknown>;
            if (message.messaging_product !== 'whatsapp') throw invalid('(#100) The parameter messaging_product is required.');
            if (message.status !== undefined) return this.markRead(message);
            const failure = this.sendFailures.shift();
            if (failure) return failure;
            return this.send(message);
        } catch (error) {
            if (error instanceof GraphError) return graphError(error);
            throw error;
        }
    }

    private checkToken(request: RecordedRequest): void {
        const header = request.headers.authorization ?? '';
        const token = header.startsWith('Bearer ') ? header.slice(7) : request.query.access_token;
        if (!token) throw new GraphError(400, 2500, 'An active access token must be used to query information about the current user.');
        if (token !== this.accessToken) throw new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        if (this.tokenExpired) {
            throw new GraphError(401, 190, 'Error validating access token: Session has expired on Monday, 07-Dec-26 09:00:00 PST.', undefined, 463);
        }
    }

    private markRead(message: Record<string, unknown>): StandInResponse {
        unknownKeys(message, READ_KEYS);
        if (message.status !== 'read') throw invalid(`(#100) Param status must be one of {READ} - got "${String(message.status)}".`);
        if (typeof message.message_id !== 'string' || !message.message_id.startsWith('wamid.')) {
            throw new GraphError(400, 100, '(#100) Invalid parameter', 'Invalid message_id');
        }
        const indicator = message.typing_indicator as { type?: unknown } | undefined;
        if (
            indicator !== undefined &&
            (typeof indicator !== 'object' || indicator === null || indicator.type !== 'text' || Object.keys(indicator).length !== 1)
        ) {
            throw invalid("(#100) Param typing_indicator['type'] must be one of {TEXT}.");
        }
        this.markedRead.push(message.message_id);
        return { status: 200, body: { success: true } };
    }

    private send(message: Record<string, unknown>): StandInResponse {
        unknownKeys(message, ROOT_KEYS);
        if (message.recipient_type !== undefined && message.recipient_type !== 'individual') {
            throw invalid(`(#100) Param recipient_type must be one of {INDIVIDUAL, GROUP} - got "${String(message.recipient_type)}".`);
        }
        const to = typeof message.to === 'string' ? message.to : undefined;
        const bsuid = typeof message.recipient === 'string' ? message.recipient : undefined;
        if ((to === undefined) === (bsuid === undefined))
            throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'Exactly one of to or recipient is required.');
        if (to !== undefined && !/^\+?[0-9]{7,15}$/.test(to)) throw new GraphError(400, 100, '(#100) Invalid parameter', `Invalid WhatsApp ID "${to}"`);
        const type = message.type;
        if (typeof type !== 'string' || !SEND_TYPES.has(type)) throw invalid(`(#100) Param type must be one of the message types - got "${String(type)}".`);
        if (!isObject(message[type])) throw new GraphError(400, 131008, '(#131008) Required parameter is missing', `Parameter '${type}' is required.`);
        for (const other of SEND_TYPES) {
            if (other !== type && message[other] !== undefined) throw invalid(`(#100) Unexpected key "${other}" on param "<root>".`);
        }
        if (type === 'text') checkText(message.text as Record<string, unknown>);
        else if (type === 'interactive') checkInteractive(message.interactive as Record<string, unknown>);
        else if (type === 'template') this.checkTemplate(message.template as Record<string, unknown>);
        else if (type === 'image') checkImage(message.image as Record<string, unknown>);
        const recipient = (to ?? bsuid)!;
        const id = `wamid.${Buffer.from(`${recipient}.${++this.sequence}.${randomBytes(4).toString('hex')}`).toString('base64url')}`;
        this.accepted.push({ id, recipient, body: message });
        // Meta takes the message and reports the failure later, in a status webhook.
        if (this.unreachable.has(recipient)) this.failLater(id, 131026, recipient);
        else if (type !== 'template' && this.outsideWindow.has(recipient)) this.failLater(id, 131047, recipient);
        return {
            status: 200,
            body: {
                messaging_product: 'whatsapp',
                contacts: [to ? { input: to, wa_id: to } : { input: bsuid, user_id: bsuid }],
                messages: [{ id, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
            },
        };
    }

    private checkTemplate(template: Record<string, unknown>): void {
        unknownKeys(template, new Set(['name', 'language', 'components', 'namespace']), 'template');
        const language = template.language as { code?: unknown; policy?: unknown } | undefined;
        if (typeof template.name !== 'string' || !isObject(language) || typeof language.code !== 'string') {
            throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'template name and language code are required');
        }
        if (language.policy !== undefined && language.policy !== 'deterministic')
            throw invalid("(#100) Param template['language']['policy'] must be one of {DETERMINISTIC}.");
        const known = this.templates.find((t) => t.name === template.name && t.language === language.code);
        if (!known) {
            throw new GraphError(
                404,
                132001,
                '(#132001) Template name does not exist in the translation',
                `template name (${template.name}) does not exist in ${language.code}`
            );
        }
        const expected = placeholders(known.body);
        const components = Array.isArray(template.components) ? template.components : [];
        const body = components.find((c) => isObject(c) && c.type === 'body') as { parameters?: unknown } | undefined;
        const parameters = Array.isArray(body?.parameters) ? body.parameters : [];
        if (parameters.length !== expected) {
            throw new GraphError(
                400,
                132000,
                '(#132000) Number of parameters does not match the expected number of params',
                `body: number of localizable_params (${parameters.length}) does not match the expected number of params (${expected})`
            );
        }
        const texts = parameters.map((p) => {
            if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string' || p.text === '') {
                throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'Parameter of type text is missing text value');
            }
            if (/[\n\t]| {5,}/.test(p.text)) {
                throw new GraphError(400, 100, '(#100) Invalid parameter', 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces');
            }
            return p.text;
        });
        const filled = known.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => texts[Number(n) - 1] ?? '');
        // Meta counts the hydrated body in UTF-16 units, as JavaScript's length does.
        if (filled.length > 1024) throw new GraphError(400, 132005, '(#132005) Translated text too long', 'Translated text is too long');
    }
}

const ERRORS: Record<number, { title: string; details: string }> = {
    131047: {
        title: 'Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    },
    131026: { title: 'Message undeliverable', details: 'Message Undeliverable.' },
    130429: {
        title: 'Rate limit hit',
        details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
    },
    131056: {
        title: '(Business Account, Consumer Account) pair rate limit hit',
        details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
    },
};

function envelope(phoneNumberId: string, value: object): object {
    return {
        object: 'whatsapp_business_account',
        entry: [
            {
                id: 'WABA-STAND-IN',
                changes: [
                    {
                        field: 'messages',
                        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '915220000000', phone_number_id: phoneNumberId }, ...value },
                    },
                ],
            },
        ],
    };
}

/** A `failed` status webhook as Meta sends it: the message id, the recipient and `errors[]`. */
export function failedStatus(phoneNumberId: string, messageId: string, recipient: string, code: number): object {
    const info = ERRORS[code] ?? { title: 'Error', details: 'Error' };
    const who = /^[A-Z]{2}\./.test(recipient) ? { recipient_user_id: recipient } : { recipient_id: recipient };
    return envelope(phoneNumberId, {
        statuses: [
            {
                id: messageId,
                status: 'failed',
                timestamp: String(Math.floor(Date.now() / 1000)),
                ...who,
                errors: [
                    {
                        code,
                        title: info.title,
                        message: info.title,
                        error_data: { details: info.details },
                        href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
                    },
                ],
            },
        ],
    });
}

function checkText(text: Record<string, unknown>): void {
    unknownKeys(text, new Set(['body', 'preview_url']), 'text');
    if (typeof text.body !== 'string' || text.body.length === 0)
        throw new GraphError(400, 131008, '(#131008) Required parameter is missing', "Parameter 'text['body']' is required.");
    // Counted in code points, as the renderer counts (for Devanagari the same as UTF-16 units).
    if ([...text.body].length > 4096) throw new GraphError(400, 100, '(#100) Invalid parameter', "Param text['body'] must be at most 4096 characters long.");
    if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') throw invalid("(#100) Param text['preview_url'] must be a boolean.");
}

/**
 * An image: exactly one of an uploaded media `id` or a hosted `link` (an absolute HTTPS URL, as Meta fetches it), and
 * an optional caption of at most 1,024 characters.
 */
function checkImage(image: Record<string, unknown>): void {
    unknownKeys(image, new Set(['id', 'link', 'caption']), 'image');
    const hasId = image.id !== undefined;
    const hasLink = image.link !== undefined;
    if (hasId === hasLink) throw new GraphError(400, 131008, '(#131008) Required parameter is missing', 'Exactly one of image id or link is required.');
    if (hasId && (typeof image.id !== 'string' || !/^[0-9]+$/.test(image.id))) throw new GraphError(400, 100, '(#100) Invalid parameter', 'Invalid media id');
    if (hasLink) {
        const url = httpsUrl(image.link);
        if (!url) throw new GraphError(400, 131009, '(#131009) Parameter value is not valid', 'Media link must be a valid https URL.');
    }
    if (image.caption !== undefined) {
        if (typeof image.caption !== 'string' || image.caption.length === 0) throw invalid("(#100) Param image['caption'] must be a non-empty string.");
        if ([...image.caption].length > 1024)
            throw new GraphError(400, 100, '(#100) Invalid parameter', "Param image['caption'] must be at most 1024 characters long.");
    }
}

function checkInteractive(interactive: Record<string, unknown>): void {
    const valueInvalid = (details: string) => new GraphError(400, 131009, '(#131009) Parameter value is not valid', details);
    const body = interactive.body as { text?: unknown } | undefined;
    if (!isObject(body) || typeof body.text !== 'string' || body.text.length === 0)
        throw new GraphError(400, 131008, '(#131008) Required parameter is missing', "Parameter 'body' is required.");
    if ([...body.text].length > 1024) throw valueInvalid('Body text length invalid. Min length: 1, Max length: 1024');
    const action = interactive.action as Record<string, unknown> | undefined;
    if (!isObject(action)) throw new GraphError(400, 131008, '(#131008) Required parameter is missing', "Parameter 'action' is required.");
    if (interactive.type === 'button') {
        const buttons = Array.isArray(action.buttons) ? action.buttons : [];
        if (buttons.length < 1 || buttons.length > 3) throw valueInvalid('Number of buttons invalid. Min: 1, Max: 3');
        const ids = new Set<string>();
        const titles = new Set<string>();
        for (const button of buttons as Array<{ type?: unknown; reply?: { id?: unknown; title?: unknown } }>) {
            if (button?.type !== 'reply' || !isObject(button.reply)) throw valueInvalid("Button type must be 'reply'");
            const { id, title } = button.reply;
            if (typeof title !== 'string' || title.length === 0 || [...title].length > 20)
                throw valueInvalid('Button title length invalid. Min length: 1, Max length: 20');
            if (typeof id !== 'string' || id.length === 0 || id.length > 256) throw valueInvalid('Button id length invalid. Min length: 1, Max length: 256');
            if (ids.has(id) || titles.has(title)) throw valueInvalid('Button title and id must be unique');
            ids.add(id);
            titles.add(title);
        }
    } else if (interactive.type === 'list') {
        if (typeof action.button !== 'string' || action.button.length === 0 || [...action.button].length > 20)
            throw valueInvalid('Button text length invalid. Min length: 1, Max length: 20');
        const sections = Array.isArray(action.sections) ? action.sections : [];
        if (sections.length < 1 || sections.length > 10) throw valueInvalid('Number of sections invalid. Min: 1, Max: 10');
        const rows = sections.flatMap((s) => (isObject(s) && Array.isArray(s.rows) ? s.rows : []));
        if (rows.length < 1 || rows.length > 10) throw valueInvalid('Total row count exceed max allowed count: 10');
        const ids = new Set<string>();
        for (const row of rows as Array<{ id?: unknown; title?: unknown; description?: unknown }>) {
            if (typeof row?.title !== 'string' || row.title.length === 0 || [...row.title].length > 24)
                throw valueInvalid('Row title length invalid. Min length: 1, Max length: 24');
            if (typeof row.id !== 'string' || row.id.length === 0 || row.id.length > 200)
                throw valueInvalid('Row id length invalid. Min length: 1, Max length: 200');
            if (row.description !== undefined && (typeof row.description !== 'string' || [...row.description].length > 72))
                throw valueInvalid('Row description length invalid. Max length: 72');
            if (ids.has(row.id)) throw valueInvalid('Row ids must be unique');
            ids.add(row.id);
        }
    } else {
        throw invalid(
            `(#100) Param interactive['type'] must be one of {BUTTON, LIST, PRODUCT, PRODUCT_LIST, CTA_URL, FLOW} - got "${String(interactive.type)}".`
        );
    }
}

function placeholders(body: string): number {
    return new Set(body.match(/\{\{\d+\}\}/g) ?? []).size;
}

function unknownKeys(object: Record<string, unknown>, allowed: Set<string>, where = '<root>'): void {
    for (const key of Object.keys(object)) if (!allowed.has(key)) throw invalid(`(#100) Unexpected key "${key}" on param "${where}".`);
}

function invalid(message: string): GraphError {
    return new GraphError(400, 100, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function graphError(error: GraphError): StandInResponse {
    return {
        status: error.httpStatus,
        headers: error.httpStatus === 401 ? { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token"' } : undefined,
        body: {
            error: {
                message: error.message,
                type: error.type,
                code: error.code,
                ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
                ...(error.details !== undefined ? { error_data: { messaging_product: 'whatsapp', details: error.details } } : {}),
                fbtrace_id: `A${randomBytes(8).toString('base64url')}`,
            },
        },
    };
}

/** `value` as an absolute HTTPS URL, or null. */
function httpsUrl(value: unknown): URL | null {
    if (typeof value !== 'string') return null;
    try {
        const url = new URL(value);
        return url.protocol === 'https:' ? url : null;
    } catch {
        return null;
    }
}
