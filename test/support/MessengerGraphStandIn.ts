import { randomBytes } from 'crypto';
import { ApiStandIn, RecordedRequest, StandInResponse } from './ApiStandIn';

/** A Page message template as the stand-in Page has it. */
export interface StandInTemplate {
    name: string;
    language: string;
    /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED… */
    status: string;
    /** The BODY text with its placeholders: `{{update}}` (NAMED) or `{{1}}` (POSITIONAL). */
    body: string;
    category?: string;
}

/** Options of {@link MessengerGraphStandIn}. */
export interface MessengerGraphStandInOptions {
    /** The Page access token Graph accepts. */
    pageToken: string;
    /** The Page's id (sends may name it instead of `me`). */
    pageId: string;
    /** Graph's clock, for the reply windows (tests that move time pass their own). */
    now?: () => number;
}

/** What Graph accepted: a message (with its id) or a sender action. */
export interface AcceptedSend {
    request: RecordedRequest;
    body: Record<string, any>;
    messageId?: string;
}

/** One Graph error as Graph puts it on the wire. */
interface GraphError {
    status: number;
    code: number;
    message: string;
    subcode?: number;
    type?: string;
    headers?: Record<string, string>;
}

const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG', 'UTILITY']);
/** Tags Graph still takes; the retired ones are answered (#100) Invalid parameter. */
const RETIRED_TAGS = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);
const SENDER_ACTIONS = new Set(['mark_seen', 'typing_on', 'typing_off']);
const SEND_FIELDS = new Set(['recipient', 'messaging_type', 'message', 'tag', 'notification_type', 'persona_id']);
const MESSAGE_FIELDS = new Set(['text', 'attachment', 'quick_replies', 'metadata']);
/** Fields of a Page message template node (MessengerBusinessTemplate). */
const TEMPLATE_FIELDS = new Set([
    'id',
    'name',
    'language',
    'status',
    'category',
    'components',
    'creation_time',
    'last_updated_time',
    'language_count',
    'library_template_name',
    'rejected_reason',
    'rejection_reasons',
    'specific_rejection_reasons',
]);
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const DAY = 24 * 3600_000;

/** Characters as Messenger counts its limits (code points). */
function chars(s: string): number {
    return [...s].length;
}

/**
 * The Graph API of one Facebook Page, as strict as Meta's: it checks the page token, every Send API body (field
 * names, `messaging_type`, the recipient, text and quick-reply limits, tags, sender actions, utility templates and
 * their named parameters) and the 24-hour window and 7-day `HUMAN_AGENT` window per user, and answers with Graph's
 * error shape (`{error:{message:"(#100) …", type, code, error_subcode, fbtrace_id}}`). Rate limits are injected with
 * {@link throttleNext}. Everything runs on a real loopback HTTP server ({@link ApiStandIn}), whose rules a test can
 * still add on top (`api.failNext` for a 500).
 */
export class MessengerGraphStandIn {
    readonly api = new ApiStandIn();
    /** Every message and sender action Graph accepted, in order. */
    readonly accepted: AcceptedSend[] = [];
    /** Every request Graph refused, with the error it answered. */
    readonly refused: Array<{ request: RecordedRequest; error: { code: number; subcode?: number; message: string } }> = [];
    private readonly lastWrote = new Map<string, number>();
    private readonly templates: StandInTemplate[] = [];
    private readonly throttles: Array<{ code: number; count: number }> = [];
    private tokenExpired = false;
    private readonly blocked = new Set<string>();
    private failingSends = 0;
    private failingActions = 0;
    private sequence = 0;
    private readonly now: () => number;

    constructor(private readonly options: MessengerGraphStandInOptions) {
        this.now = options.now ?? Date.now;
    }

    /** Base URL once started. */
    get url(): string {
        return this.api.url;
    }

    /** Every request received, in arrival order. */
    get requests(): RecordedRequest[] {
        return this.api.requests;
    }

    async start(): Promise<void> {
        await this.api.start();
        this.install();
    }

    async stop(): Promise<void> {
        await this.api.stop();
    }

    /** Forgets requests, users, templates, throttles and injected rules. */
    reset(): void {
        this.api.reset();
        this.install();
        this.accepted.length = 0;
        this.refused.length = 0;
        this.lastWrote.clear();
        this.templates.length = 0;
        this.throttles.length = 0;
        this.tokenExpired = false;
        this.blocked.clear();
        this.failingSends = 0;
        this.failingActions = 0;
    }

    /** A user wrote to the Page (at `at`, default now): Graph knows their PSID and opens their windows. */
    userWrote(psid: string, at: number = this.now()): void {
        this.lastWrote.set(psid, Math.max(this.lastWrote.get(psid) ?? 0, at));
    }

    /** Puts a template in the Page's template library (replacing one of the same name and language). */
    addTemplate(template: StandInTemplate): void {
        const at = this.templates.findIndex((t) => t.name === template.name && t.language === template.language);
        if (at >= 0) this.templates.splice(at, 1);
        this.templates.push({ category: 'UTILITY', ...template });
    }

    /** The next `count` sends are refused with Graph's rate-limit error `code` (4, 17, 32, 613, 80006). */
    throttleNext(code: 4 | 17 | 32 | 613 | 80006, count = 1): void {
        this.throttles.push({ code, count });
    }

    /** The next `count` messages (not sender actions) fail with Graph's 500 "An unknown error occurred". */
    failNextSends(count = 1): void {
        this.failingSends += count;
    }

    /** The next `count` sender actions fail with Graph's 500 "An unexpected error has occurred". */
    failNextSenderActions(count = 1): void {
        this.failingActions += count;
    }

    /** The user blocked the Page: every message to them is refused with 551/1545041. */
    block(psid: string): void {
        this.blocked.add(psid);
    }

    /** The page token has expired from now on (Graph answers 190/463). */
    expireToken(): void {
        this.tokenExpired = true;
    }

    /** Messages (not sender actions) Graph accepted for `psid`. */
    messagesTo(psid: string): AcceptedSend[] {
        return this.accepted.filter((a) => a.body.recipient?.id === psid && a.body.message !== undefined);
    }

    /** Sender actions Graph accepted for `psid`, in order. */
    senderActionsTo(psid: string): string[] {
        return this.accepted.filter((a) => a.body.recipient?.id === psid && a.body.sender_action !== undefined).map((a) => a.body.sender_action);
    }

    private install(): void {
        this.api.respondWith('*', /.*/, (request) => this.answer(request));
    }

    private answer(request: RecordedRequest): StandInResponse {
        const path = request.path.replace(/^\/v[0-9]+\.[0-9]+/, '');
        const page = `(?:me|${this.options.pageId})`;
        const fail = (error: GraphError) => this.error(request, error);
        const token = this.checkToken(request);
        if (token) return fail(token);
        if (request.method === 'POST' && new RegExp(`^/${page}/messages$`).test(path)) return this.send(request);
        if (request.method === 'GET' && new RegExp(`^/${page}/message_templates$`).test(path)) return this.listTemplates(request);
        return fail({ status: 400, code: 100, message: `Unsupported ${request.method} request. Object with ID '${path.split('/')[1]}' does not exist` });
    }

    private checkToken(request: RecordedRequest): GraphError | null {
        const token = request.query.access_token;
        if (!token) return { status: 400, code: 104, message: 'An access token is required to request this resource.' };
        if (token !== this.options.pageToken) return { status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
        if (this.tokenExpired) {
            return { status: 400, code: 190, subcode: 463, message: 'Error validating access token: Session has expired on Monday, 01-Jun-26 10:00:00 PDT.' };
        }
        return null;
    }

    private send(request: RecordedRequest): StandInResponse {
        const fail = (error: Omit<GraphError, 'status'> & { status?: number }) => this.error(request, { status: 400, ...error });
        const body = request.body;
        if (request.headers['content-type']?.split(';')[0] !== 'application/json' || !isObject(body)) {
            return fail({ code: 100, message: '(#100) The parameter recipient is required' });
        }
        const psid = isObject(body.recipient) && typeof body.recipient.id === 'string' ? body.recipient.id : '';
        if (!isObject(body.recipient) || Object.keys(body.recipient).some((k) => k !== 'id') || !psid) {
            return fail({ code: 100, message: '(#100) The parameter recipient is required' });
        }
        const wrote = this.lastWrote.get(psid);
        if (wrote === undefined) return fail({ code: 100, subcode: 2018001, message: '(#100) No matching user found' });

        if (body.sender_action !== undefined) {
            const extra = Object.keys(body).filter((k) => k !== 'recipient' && k !== 'sender_action');
            if (extra.length > 0) return fail({ code: 100, message: `(#100) sender_action can only be sent with recipient (got ${extra.join(', ')})` });
            if (typeof body.sender_action !== 'string' || !SENDER_ACTIONS.has(body.sender_action)) {
                return fail({ code: 100, message: '(#100) Param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact}' });
            }
            if (this.failingActions > 0) {
                this.failingActions -= 1;
                return fail({ status: 500, code: 2, message: 'An unexpected error has occurred. Please retry your request later.' });
            }
            this.accepted.push({ request, body });
            return { status: 200, body: { recipient_id: psid } };
        }

        if (this.failingSends > 0) {
            this.failingSends -= 1;
            return fail({ status: 500, code: 1, message: 'An unknown error occurred' });
        }
        // Injected rate limits hit messages, not indicators, so that a test knows which request they hit.
        const throttle = this.throttles[0];
        if (throttle) {
            if (--throttle.count <= 0) this.throttles.shift();
            return this.throttled(request, throttle.code);
        }
        const unknown = Object.keys(body).find((k) => !SEND_FIELDS.has(k));
        if (unknown) return fail({ code: 100, message: `(#100) Param ${unknown} is not a valid parameter` });
        const type = body.messaging_type;
        if (type === undefined) return fail({ code: 100, message: '(#100) The parameter messaging_type is required' });
        if (typeof type !== 'string' || !MESSAGING_TYPES.has(type)) {
            return fail({ code: 100, message: '(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}' });
        }
        if (type === 'MESSAGE_TAG') {
            if (typeof body.tag !== 'string' || body.tag === '') return fail({ code: 100, message: '(#100) The parameter tag is required' });
            // Graph refuses the retired tags outright (as Meta announced for 27 April 2026).
            if (RETIRED_TAGS.has(body.tag)) return fail({ code: 100, subcode: 1893061, message: '(#100) Invalid parameter' });
            if (body.tag !== 'HUMAN_AGENT') return fail({ code: 100, message: '(#100) Invalid parameter' });
            if (this.now() - wrote >= 7 * DAY) return this.outsideWindow(request);
        } else if (body.tag !== undefined) {
            return fail({ code: 100, message: '(#100) Param tag is only allowed with messaging_type MESSAGE_TAG' });
        }
        if ((type === 'RESPONSE' || type === 'UPDATE') && this.now() - wrote >= DAY) return this.outsideWindow(request);
        if (this.blocked.has(psid)) return fail({ code: 551, subcode: 1545041, message: "(#551) This person isn't available right now." });
        if (!isObject(body.message)) return fail({ code: 100, message: '(#100) The parameter message is required' });

        const problem = type === 'UTILITY' ? this.checkUtility(body.message) : this.checkMessage(body.message);
        if (problem) return fail({ code: 100, message: `(#100) ${problem}` });
        const messageId = `m_${randomBytes(12).toString('base64url')}_${++this.sequence}`;
        this.accepted.push({ request, body, messageId });
        return { status: 200, body: { recipient_id: psid, message_id: messageId } };
    }

    /** A free-form message: text or an attachment, with quick replies and metadata within Messenger's limits. */
    private checkMessage(message: Record<string, any>): string | null {
        if (message.template !== undefined) return 'A message template can only be sent with messaging_type UTILITY';
        const unknown = Object.keys(message).find((k) => !MESSAGE_FIELDS.has(k));
        if (unknown) return `Param message[${unknown}] is not a valid parameter`;
        const hasText = message.text !== undefined;
        if (hasText === (message.attachment !== undefined)) return 'Exactly one of message[text] or message[attachment] must be set';
        if (hasText) {
            if (typeof message.text !== 'string' || message.text.trim() === '') return 'Param message[text] must be a non-empty UTF-8 encoded string';
            if (chars(message.text) > 2000) return 'Length of param message[text] must be less than or equal to 2000';
        } else {
            const problem = checkAttachment(message.attachment);
            if (problem) return problem;
        }
        if (message.metadata !== undefined && (typeof message.metadata !== 'string' || chars(message.metadata) > 1000)) {
            return 'Param message[metadata] must be a string of at most 1000 characters';
        }
        if (message.quick_replies === undefined) return null;
        const replies = message.quick_replies;
        if (!Array.isArray(replies) || replies.length === 0) return 'Param message[quick_replies] must be a non-empty array';
        if (replies.length > 13) return 'Param message[quick_replies] must have at most 13 elements';
        for (const [i, reply] of replies.entries()) {
            if (!isObject(reply)) return `Param message[quick_replies][${i}] must be an object`;
            if (reply.content_type === 'user_phone_number' || reply.content_type === 'user_email') continue;
            if (reply.content_type !== 'text') return `Param message[quick_replies][${i}][content_type] must be one of {text, user_phone_number, user_email}`;
            if (typeof reply.title !== 'string' || reply.title === '') return `Param message[quick_replies][${i}][title] is required`;
            if (chars(reply.title) > 20) return `Param message[quick_replies][${i}][title] must be at most 20 characters`;
            if (typeof reply.payload !== 'string' && typeof reply.payload !== 'number') return `Param message[quick_replies][${i}][payload] is required`;
            if (String(reply.payload) === '' || chars(String(reply.payload)) > 1000)
                return `Param message[quick_replies][${i}][payload] must be 1 to 1000 characters`;
        }
        return null;
    }

    /** A utility message: an APPROVED Page template, addressed by name and language, its placeholders filled exactly. */
    private checkUtility(message: Record<string, any>): string | null {
        const keys = Object.keys(message);
        if (keys.length !== 1 || keys[0] !== 'template' || !isObject(message.template)) return 'A UTILITY message must be message[template] only';
        const { name, language, components, ...rest } = message.template;
        if (Object.keys(rest).length > 0) return `Param message[template][${Object.keys(rest)[0]}] is not a valid parameter`;
        if (typeof name !== 'string' || !isObject(language) || typeof language.code !== 'string')
            return 'Param message[template] needs name and language[code]';
        const template = this.templates.find((t) => t.name === name && t.language === language.code);
        if (!template) return `Template name ${name} does not exist in ${language.code}`;
        if (template.status !== 'APPROVED') return `Template ${name} (${language.code}) is ${template.status} and cannot be sent`;
        const placeholders = [...template.body.matchAll(PLACEHOLDER)].map((m) => m[1]);
        const named = placeholders.length > 0 && placeholders.every((p) => !/^\d+$/.test(p));
        const bodies = Array.isArray(components) ? components.filter((c: any) => isObject(c) && String(c.type).toLowerCase() === 'body') : [];
        if (components !== undefined && (!Array.isArray(components) || bodies.length !== components.length)) {
            return 'Param message[template][components] may only hold the body component of this template';
        }
        const parameters: any[] = bodies.length === 1 && Array.isArray(bodies[0].parameters) ? bodies[0].parameters : bodies.length === 0 ? [] : [null];
        if (parameters.length !== placeholders.length) {
            return `Number of parameters does not match the expected number of params (expected ${placeholders.length}, got ${parameters.length})`;
        }
        const values = new Map<string, string>();
        for (const [i, parameter] of parameters.entries()) {
            if (!isObject(parameter) || parameter.type !== 'text' || typeof parameter.text !== 'string' || parameter.text === '') {
                return `Param message[template][components][0][parameters][${i}] must be {type: text, text}`;
            }
            if (named) {
                if (typeof parameter.parameter_name !== 'string') return `Param parameter_name is required for template ${name}, which has named parameters`;
                if (!placeholders.includes(parameter.parameter_name)) return `Parameter name ${parameter.parameter_name} does not exist in template ${name}`;
                if (values.has(parameter.parameter_name)) return `Parameter ${parameter.parameter_name} is given twice`;
                values.set(parameter.parameter_name, parameter.text);
            } else {
                if (parameter.parameter_name !== undefined) return `Template ${name} has positional parameters; parameter_name is not allowed`;
                values.set(String(i + 1), parameter.text);
            }
        }
        // The filled body is what Meta delivers, and it caps it, counted in UTF-16 units like Graph's JSON strings.
        const filled = template.body.replace(PLACEHOLDER, (_m, p: string) => values.get(p) ?? '');
        if (filled.length > 1024) return `The message body of template ${name} would be ${filled.length} characters long; the maximum is 1024`;
        return null;
    }

    private listTemplates(request: RecordedRequest): StandInResponse {
        const fields = (request.query.fields ?? 'id,name,language,status,category,components').split(',').map((f) => f.trim());
        const unknown = fields.find((f) => !TEMPLATE_FIELDS.has(f));
        if (unknown) {
            return this.error(request, {
                status: 400,
                code: 100,
                message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (MessengerBusinessTemplate)`,
            });
        }
        const name = request.query.name;
        const rows = this.templates
            .filter((t) => !name || t.name.includes(name))
            .map((t, i) => {
                const full: Record<string, unknown> = {
                    id: String(7635027653257090 + i),
                    name: t.name,
                    language: t.language,
                    status: t.status,
                    category: t.category,
                    components: [{ type: 'BODY', text: t.body }],
                };
                return Object.fromEntries(fields.filter((f) => f in full).map((f) => [f, full[f]]));
            });
        return { status: 200, body: { data: rows, paging: { cursors: { before: 'QVFIUmJCZAU', after: 'QVFIUnpSZAU' } } } };
    }

    private outsideWindow(request: RecordedRequest): StandInResponse {
        return this.error(request, {
            status: 400,
            code: 10,
            subcode: 2018278,
            message:
                '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
        });
    }

    private throttled(request: RecordedRequest, code: number): StandInResponse {
        const messages: Record<number, string> = {
            4: '(#4) Application request limit reached',
            17: '(#17) User request limit reached',
            32: '(#32) Page request limit reached',
            613: '(#613) Calls to this api have exceeded the rate limit.',
            80006: '(#80006) There have been too many messages sent to this Page. Please wait a while before sending more.',
        };
        // Page tokens are counted under the Messenger business use case, whose usage header names the wait in minutes.
        const headers: Record<string, string> =
            code === 80006
                ? {
                      'x-business-use-case-usage': JSON.stringify({
                          [this.options.pageId]: [
                              { type: 'messenger', call_count: 100, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 5 },
                          ],
                      }),
                  }
                : {};
        return this.error(request, { status: 400, code, message: messages[code] ?? `(#${code}) Rate limited`, headers });
    }

    private error(request: RecordedRequest, error: GraphError): StandInResponse {
        this.refused.push({ request, error: { code: error.code, subcode: error.subcode, message: error.message } });
        return {
            status: error.status,
            headers: error.headers,
            body: {
                error: {
                    message: error.message,
                    type: error.type ?? 'OAuthException',
                    code: error.code,
                    ...(error.subcode !== undefined ? { error_subcode: error.subcode } : {}),
                    fbtrace_id: randomBytes(8).toString('base64').replace(/=+$/, ''),
                },
            },
        };
    }
}

/**
 * A media attachment as the Send API takes it: `type` image, audio, video or file (templates are not sent here), and a
 * payload with exactly one of an HTTPS `url` or a saved `attachment_id`, and an optional boolean `is_reusable`.
 */
function checkAttachment(attachment: unknown): string | null {
    if (!isObject(attachment)) return 'Param message[attachment] must be an object';
    const extra = Object.keys(attachment).find((k) => k !== 'type' && k !== 'payload');
    if (extra) return `Param message[attachment][${extra}] is not a valid parameter`;
    if (!['image', 'audio', 'video', 'file'].includes(attachment.type)) return 'Param message[attachment][type] must be one of {image, audio, video, file}';
    const payload = attachment.payload;
    if (!isObject(payload)) return 'Param message[attachment][payload] is required';
    const unknown = Object.keys(payload).find((k) => !['url', 'is_reusable', 'attachment_id'].includes(k));
    if (unknown) return `Param message[attachment][payload][${unknown}] is not a valid parameter`;
    if ((payload.url === undefined) === (payload.attachment_id === undefined)) return 'Exactly one of payload[url] or payload[attachment_id] must be set';
    if (payload.url !== undefined) {
        const url = httpsUrl(payload.url);
        if (!url) return 'Param message[attachment][payload][url] must be a valid https URL';
    }
    if (payload.is_reusable !== undefined && typeof payload.is_reusable !== 'boolean')
        return 'Param message[attachment][payload][is_reusable] must be a boolean';
    return null;
}

function isObject(value: unknown): value is Record<string, any> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
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
