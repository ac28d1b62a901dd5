/**
 * A scripted conversation for `bijli-mitra converse evaluate`: a user with a goal, their opening messages, how they
 * answer each kind of question, follow-ups, and what must be true at the end. The README documents the format.
 */
export type ScriptLanguage = 'en' | 'hi' | 'hi-Latn';

/** The kinds of question the bot asks, as the simulated user tells them apart. */
export const ANSWER_KINDS = [
    'language',
    'account',
    'mobile',
    'address',
    'description',
    'category',
    'confirm',
    'code',
    'ticket',
    'reading',
    'yesno',
    'other',
    'rating',
    'reason',
    'newMobile',
    'billAmount',
    'meterNumber',
] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** Checks on the replies to one follow-up message. */
export const FOLLOW_UP_CHECKS = ['dueTime', 'ticket', 'brief', 'noNewComplaint', 'incident', 'etr', 'shutdown'] as const;

export interface FollowUp {
    say: string;
    /** `dueTime`, `ticket`, `brief`, `noNewComplaint`, `incident`, `etr`, `shutdown` or `faq:<id>`. */
    expect: string[];
}

export interface ComplaintExpectation {
    /** One category, or the categories that are all acceptable. */
    category: string | string[];
    account?: string;
    /** For a complaint without an account: the district it must be located in (its address names it). */
    district?: string;
}

export interface ScriptExpectations {
    complaint?: ComplaintExpectation | 'none' | 'existing';
    reading?: number | 'none';
    bill?: 'shown' | 'hidden';
    status?: string;
    callback?: boolean;
    subscribed?: boolean;
    faq?: string;
    replyLanguage?: 'hi' | 'en';
    /** What became of the given complaint: closed on the user's word, reopened, or neither. */
    fix?: 'confirmed' | 'reopened' | 'unchanged';
    /** The rating the user gave on confirming, or none recorded. */
    rating?: number | 'none';
    /** A compensation claim on the given complaint. */
    claim?: 'made' | 'none';
    /** The state of the given call back was shown. */
    callbackStatus?: boolean;
    /** The user's answer to "did an officer call you?" as recorded. */
    called?: boolean;
    /** A request to register a new mobile on an account. */
    mobileRequest?: { account: string; newMobile: string } | 'none';
    /** `attached`: the user has exactly one complaint and it is joined to the given incident; `none`: none is. */
    incident?: 'attached' | 'none';
    /** Whether the user is to be told when the power is back (updates on their report, or following the incident). */
    notify?: boolean;
    /** What became of the user's report after the given incident was marked repaired. */
    restored?: 'confirmed' | 'reopened' | 'unchanged';
}

/**
 * A known fault covering the area of `account`, reported by `reports` other consumers of the same transformer
 * `minutesAgo` minutes ago, with the engineer's `cause` and restoration time (`etrHours` from now) when given.
 */
export interface GivenIncident {
    account: string;
    reports?: number;
    minutesAgo?: number;
    cause?: string;
    etrHours?: number;
    /** The user reported it from this chat and has their own ticket, joined to it. */
    reported?: boolean;
    /** `restored`: marked repaired `restoredMinutesAgo` minutes ago, and this chat already asked whether power is back. */
    state?: 'open' | 'restored';
    restoredMinutesAgo?: number;
}

/** A planned shutdown of the area of `account`: starting in `startsInHours` (negative: under way) for `hours`. */
export interface GivenShutdown {
    account: string;
    startsInHours: number;
    hours: number;
    reason?: string;
}

/** A complaint that exists before the conversation, registered from the same chat. */
export interface GivenComplaint {
    /** An account number, or null/absent for a complaint registered without one. */
    account?: string | null;
    category: string;
    hoursAgo?: number;
    /** The call-back mobile given with a complaint without an account. */
    contactMobile?: string;
    /**
     * `open` (default); `resolved`: marked resolved `resolvedHoursAgo` ago and "is it fixed?" asked in the chat;
     * `fixedLate`: fixed `daysLate` days after its due time and confirmed; `breached`: open, `daysLate` days late.
     */
    state?: 'open' | 'resolved' | 'fixedLate' | 'breached';
    resolvedHoursAgo?: number;
    daysLate?: number;
}

/** A call back the user asked for earlier from the same chat; `called`: an officer recorded calling them. */
export interface GivenCallback {
    account?: string | null;
    hoursAgo?: number;
    called?: boolean;
}

export interface ConversationScript {
    id: string;
    lang: ScriptLanguage;
    topic: string;
    note?: string;
    /** The channel reports this sender's mobile (as WhatsApp does). */
    phone?: string;
    given?: { complaint?: GivenComplaint; callback?: GivenCallback; subscribed?: boolean; incident?: GivenIncident; shutdown?: GivenShutdown };
    say: string[];
    answers: Partial<Record<AnswerKind, string | string[]>>;
    then: FollowUp[];
    expect: ScriptExpectations;
}

/** A line of a script file that could not be read, with the reason. */
export interface ScriptError {
    line: number;
    error: string;
}

const LANGS = new Set(['en', 'hi', 'hi-Latn']);

/**
 * Reads a JSON Lines file of scripts. Every line is checked; bad lines are reported with their number and reason
 * rather than stopping at the first.
 */
export function parseConversationScripts(content: string): { scripts: ConversationScript[]; errors: ScriptError[] } {
    const scripts: ConversationScript[] = [];
    const errors: ScriptError[] = [];
    const ids = new Set<string>();
    content.split('\n').forEach((raw, index) => {
        const line = index + 1;
        if (raw.trim() === '' || raw.trim().startsWith('//')) return;
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch (error) {
            errors.push({ line, error: `not JSON: ${(error as Error).message}` });
            return;
        }
        const problem = checkScript(value);
        if (problem) {
            errors.push({ line, error: problem });
            return;
        }
        const script = normalise(value as ConversationScript);
        if (ids.has(script.id)) {
            errors.push({ line, error: `id "${script.id}" is used twice` });
            return;
        }
        ids.add(script.id);
        scripts.push(script);
    });
    return { scripts, errors };
}

function checkScript(value: unknown): string | null {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return 'each line must be a JSON object';
    const s = value as Record<string, unknown>;
    if (typeof s.id !== 'string' || s.id === '') return '"id" must be a non-empty string';
    if (typeof s.lang !== 'string' || !LANGS.has(s.lang)) return '"lang" must be "en", "hi" or "hi-Latn"';
    if (typeof s.topic !== 'string') return '"topic" must be a string';
    const say = typeof s.say === 'string' ? [s.say] : s.say;
    if (!Array.isArray(say) || say.length === 0 || !say.every((m) => typeof m === 'string')) return '"say" must be a message or a list of messages';
    if (s.phone !== undefined && (typeof s.phone !== 'string' || !/^[6-9][0-9]{9}$/.test(s.phone))) return '"phone" must be a 10-digit mobile';
    if (s.answers !== undefined) {
        if (!s.answers || typeof s.answers !== 'object') return '"answers" must be an object';
        for (const [kind, answer] of Object.entries(s.answers)) {
            if (!(ANSWER_KINDS as readonly string[]).includes(kind)) return `"answers.${kind}" is not a kind of question (${ANSWER_KINDS.join(', ')})`;
            const list = Array.isArray(answer) ? answer : [answer];
            if (list.length === 0 || !list.every((a) => typeof a === 'string')) return `"answers.${kind}" must be a string or a list of strings`;
        }
    }
    if (s.then !== undefined) {
        if (!Array.isArray(s.then)) return '"then" must be a list';
        for (const follow of s.then as unknown[]) {
            const f = follow as { say?: unknown; expect?: unknown };
            if (!f || typeof f.say !== 'string') return 'each "then" item needs a "say" string';
            if (
                f.expect !== undefined &&
                (!Array.isArray(f.expect) ||
                    !f.expect.every((e) => typeof e === 'string' && ((FOLLOW_UP_CHECKS as readonly string[]).includes(e) || e.startsWith('faq:'))))
            ) {
                return `"then.expect" takes ${FOLLOW_UP_CHECKS.join(', ')} or faq:<id>`;
            }
        }
    }
    if (s.expect !== undefined && (typeof s.expect !== 'object' || s.expect === null)) return '"expect" must be an object';
    const e = (s.expect ?? {}) as Record<string, unknown>;
    if (e.complaint !== undefined && e.complaint !== 'none' && e.complaint !== 'existing') {
        const c = e.complaint as { category?: unknown };
        if (!c || typeof c !== 'object' || !(typeof c.category === 'string' || (Array.isArray(c.category) && c.category.every((x) => typeof x === 'string')))) {
            return '"expect.complaint" must be "none", "existing" or {"category", "account"?, "district"?}';
        }
    }
    if (e.bill !== undefined && e.bill !== 'shown' && e.bill !== 'hidden') return '"expect.bill" must be "shown" or "hidden"';
    if (
        e.reading !== undefined &&
        e.reading !== 'none' &&
        typeof e.reading !== 'number' &&
        !(typeof e.reading === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(e.reading))
    ) {
        return '"expect.reading" must be a number or "none"';
    }
    if (e.replyLanguage !== undefined && e.replyLanguage !== 'hi' && e.replyLanguage !== 'en') return '"expect.replyLanguage" must be "hi" or "en"';
    if (e.fix !== undefined && !['confirmed', 'reopened', 'unchanged'].includes(e.fix as string))
        return '"expect.fix" must be "confirmed", "reopened" or "unchanged"';
    if (e.rating !== undefined && e.rating !== 'none' && !(Number.isInteger(e.rating) && (e.rating as number) >= 1 && (e.rating as number) <= 5))
        return '"expect.rating" must be 1 to 5 or "none"';
    if (e.claim !== undefined && e.claim !== 'made' && e.claim !== 'none') return '"expect.claim" must be "made" or "none"';
    for (const flag of ['callbackStatus', 'called', 'callback', 'subscribed'] as const) {
        if (e[flag] !== undefined && typeof e[flag] !== 'boolean') return `"expect.${flag}" must be true or false`;
    }
    if (e.mobileRequest !== undefined && e.mobileRequest !== 'none') {
        const r = e.mobileRequest as { account?: unknown; newMobile?: unknown };
        if (!r || typeof r.account !== 'string' || typeof r.newMobile !== 'string') return '"expect.mobileRequest" must be "none" or {"account", "newMobile"}';
    }
    if (e.incident !== undefined && e.incident !== 'attached' && e.incident !== 'none') return '"expect.incident" must be "attached" or "none"';
    if (e.notify !== undefined && typeof e.notify !== 'boolean') return '"expect.notify" must be true or false';
    if (e.restored !== undefined && !['confirmed', 'reopened', 'unchanged'].includes(e.restored as string))
        return '"expect.restored" must be "confirmed", "reopened" or "unchanged"';
    const g = (s.given ?? {}) as {
        complaint?: { state?: unknown; category?: unknown };
        callback?: unknown;
        incident?: Record<string, unknown>;
        shutdown?: Record<string, unknown>;
    };
    if (g.incident !== undefined) {
        const i = g.incident;
        if (!i || typeof i !== 'object' || typeof i.account !== 'string') return '"given.incident" needs an "account"';
        for (const n of ['reports', 'minutesAgo', 'etrHours', 'restoredMinutesAgo'] as const) {
            if (i[n] !== undefined && (typeof i[n] !== 'number' || (i[n] as number) < 0)) return `"given.incident.${n}" must be a number ≥ 0`;
        }
        if (i.state !== undefined && i.state !== 'open' && i.state !== 'restored') return '"given.incident.state" must be "open" or "restored"';
        if (i.state === 'restored' && i.reported !== true) return '"given.incident.state": "restored" needs "reported": true';
    }
    if (g.shutdown !== undefined) {
        const sd = g.shutdown;
        if (!sd || typeof sd !== 'object' || typeof sd.account !== 'string' || typeof sd.startsInHours !== 'number' || typeof sd.hours !== 'number')
            return '"given.shutdown" needs "account", "startsInHours" and "hours"';
    }
    if (g.complaint !== undefined) {
        if (typeof g.complaint?.category !== 'string') return '"given.complaint" needs a "category"';
        if (g.complaint.state !== undefined && !['open', 'resolved', 'fixedLate', 'breached'].includes(g.complaint.state as string))
            return '"given.complaint.state" must be "open", "resolved", "fixedLate" or "breached"';
    }
    if (g.callback !== undefined && (typeof g.callback !== 'object' || g.callback === null)) return '"given.callback" must be an object';
    return null;
}

function normalise(s: ConversationScript): ConversationScript {
    return {
        ...s,
        say: typeof s.say === 'string' ? [s.say] : s.say,
        answers: s.answers ?? {},
        then: (s.then ?? []).map((f) => ({ say: f.say, expect: f.expect ?? [] })),
        expect: {
            ...s.expect,
            // A reading written as a string of digits ("6150") is that number.
            ...(typeof s.expect?.reading === 'string' && s.expect.reading !== 'none' ? { reading: Number(s.expect.reading) } : {}),
        },
    };
}
