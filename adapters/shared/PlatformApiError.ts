/** What is known about a failed platform API call when the error is built. */
export interface PlatformApiErrorInit {
    /** Error text; callers build it without query strings so tokens never reach it. */
    message: string;
    /** HTTP status, or 0 when no response arrived (network error or timeout). */
    status: number;
    /** Platform error code as text: Meta `error.code` (`"131047"`), X `errors[0].code`, or the X problem `type`/`title`. */
    code?: string;
    /** Meta `error.error_subcode` as text (`"2018278"`). */
    subcode?: string;
    /** Human-readable meaning of the code, from the client's `describeError`. */
    meaning?: string;
    /** The platform's own message (`error.message`, X `detail`/`errors[0].message`). */
    platformMessage?: string;
    /** Meta `error.error_data.details`, which Meta says to branch on together with the code. */
    details?: string;
    /** Whether the failure was transient (429, 5xx, network, timeout); permanent 4xx are `false`. */
    retryable: boolean;
    /** Attempts made, including the one that failed last. */
    attempts: number;
    /** The server's requested wait before the last failure, uncapped, so a queue can reschedule instead of retrying. */
    retryAfterMs?: number;
    /** The parsed response body (never the request body), for adapter-specific branching. */
    body?: unknown;
    /** The underlying network or timeout error. */
    cause?: unknown;
}

/**
 * A platform API call (Graph API, X API) that failed permanently or ran out of retries. Adapters branch on
 * `code` + `subcode` (e.g. WhatsApp `131047` → send a template), never on the message text.
 */
export class PlatformApiError extends Error {
    /** HTTP status, or 0 when no response arrived. */
    readonly status: number;
    /** Platform error code as text, when the body carried one. */
    readonly code?: string;
    /** Meta error subcode as text, when present. */
    readonly subcode?: string;
    /** Meaning of the code from the client's `describeError`. */
    readonly meaning?: string;
    /** The platform's own error message. */
    readonly platformMessage?: string;
    /** Meta `error_data.details`. */
    readonly details?: string;
    /** `true` for 429, 5xx, network errors and timeouts. */
    readonly retryable: boolean;
    /** Attempts made before giving up. */
    readonly attempts: number;
    /** Server-requested wait (Retry-After / x-rate-limit-reset) seen on the last attempt, uncapped. */
    readonly retryAfterMs?: number;
    /** Parsed response body of the last attempt. */
    readonly body?: unknown;

    /** Builds the error; see {@link PlatformApiErrorInit} for the fields. */
    constructor(init: PlatformApiErrorInit) {
        super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'PlatformApiError';
        this.status = init.status;
        this.code = init.code;
        this.subcode = init.subcode;
        this.meaning = init.meaning;
        this.platformMessage = init.platformMessage;
        this.details = init.details;
        this.retryable = init.retryable;
        this.attempts = init.attempts;
        this.retryAfterMs = init.retryAfterMs;
        this.body = init.body;
    }
}
