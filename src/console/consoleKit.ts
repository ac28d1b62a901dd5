import { Request, Response } from 'express';
import multer from 'multer';
import type { ComplaintStatus } from '../data/entities/Complaint';
import { Official } from '../data/entities/Official';
import type { BijliMitra } from '../createBijliMitra';
import { Language, toLanguage } from '../i18n/Translator';
import { OfficialDirectory } from '../services/OfficialDirectory';
import { ALL_STATUSES, ConsoleQueries, ConsoleScope, QueueFilters } from './ConsoleQueries';
import { ConsoleSession, ConsoleSessions, Flash, sameSecret, SESSION_IDLE_MS, SESSION_MAX_MS } from './ConsoleSessions';
import { KnownBrowsers } from './KnownBrowsers';
import { SignInThrottle, ThrottleRule } from './SignInThrottle';
import { messagePage, ViewContext } from './views';
import { ConsoleBroadcasts } from './ConsoleBroadcasts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * How failed sign-ins are throttled. Each failure past the free ones doubles the wait. Per username and address: an
 * official who mistypes is slowed, a guesser at one address soon waits hours. Per address, across usernames: generous
 * enough for an office behind one proxy, tight enough to stop one address spraying passwords. Per username from any
 * address: slows guessing spread over many addresses, but never applies in a browser its official has signed in from.
 */
export const SIGN_IN_RULES = {
    userAtAddress: { free: 5, firstBlockMs: 15 * MINUTE, maxBlockMs: 4 * HOUR, windowMs: 24 * HOUR },
    address: { free: 30, firstBlockMs: 15 * MINUTE, maxBlockMs: 4 * HOUR, windowMs: HOUR },
    usernameFromNewBrowsers: { free: 10, firstBlockMs: MINUTE, maxBlockMs: 15 * MINUTE, windowMs: HOUR },
} satisfies Record<string, ThrottleRule>;

/** How the console is served. */
export interface ConsoleOptions {
    /** Adds `Secure` to the cookies: set it whenever the console is reached over HTTPS (directly or through a proxy). */
    secureCookies: boolean;
    /** The clock of SLA countdowns, session expiry and the sign-in throttle (tests control it). */
    now?: () => Date;
    /** Idle time after which a session ends; 8 hours by default. */
    sessionIdleMs?: number;
    /** Time after sign-in after which a session ends; 12 hours by default. */
    sessionMaxMs?: number;
}

/** The console's cookies. */
export interface CookieNames {
    /** The session id. */
    session: string;
    /** The sign-in form's CSRF token (there is no session yet). */
    signIn: string;
    /** Marks a browser its official has signed in from (see {@link KnownBrowsers}). */
    browser: string;
}

/**
 * Cookie names and flags. Over HTTPS the names carry the `__Host-` prefix, which browsers accept only with `Secure`,
 * `Path=/` and no `Domain`: a sibling subdomain or a plain-http page on the same host cannot plant or shadow them.
 */
export function consoleCookies(secure: boolean): { names: CookieNames; flags: string } {
    if (secure) {
        return {
            names: { session: '__Host-bm_session', signIn: '__Host-bm_signin', browser: '__Host-bm_browser' },
            flags: 'Path=/; HttpOnly; SameSite=Strict; Secure',
        };
    }
    return { names: { session: 'bm_session', signIn: 'bm_signin', browser: 'bm_browser' }, flags: 'Path=/console; HttpOnly; SameSite=Strict' };
}

/** What a signed-in request carries. */
export interface Signed {
    sessionId: string;
    session: ConsoleSession;
    official: Official;
    scope: ConsoleScope;
    /** The request changed the session (language, the next page's message): stored before the answer goes out. */
    changed?: boolean;
}

export type SignedRequest = Request & {
    signed?: Signed;
    /** Why a multipart upload could not be read whole (its CSRF token was still checked): shown, nothing is done. */
    uploadProblem?: 'too_large' | 'bad_upload';
};

/** What the console's route groups share: the application, the console's own stores, and the page helpers. */
export type ConsoleKit = ReturnType<typeof createConsoleKit>;

/** Builds the state and helpers every console route group uses; one kit per mounted console. */
/** What the console uses of the application, and no more. */
export type ConsoleParts = Pick<
    BijliMitra,
    | 'db'
    | 'logger'
    | 'translator'
    | 'broadcasts'
    | 'shutdowns'
    | 'lifecycle'
    | 'callbacks'
    | 'services'
    | 'media'
    | 'repairPhotos'
    | 'liveChat'
    | 'channelStore'
    | 'incidents'
>;

export function createConsoleKit(app: ConsoleParts, options: ConsoleOptions) {
    const now = options.now ?? (() => new Date());
    const directory = new OfficialDirectory(app.db);
    const queries = new ConsoleQueries(app.db, directory, (category) => app.services.categories.isHazard(category));
    const sessions = new ConsoleSessions(app.db, now, { idleMs: options.sessionIdleMs ?? SESSION_IDLE_MS, maxMs: options.sessionMaxMs ?? SESSION_MAX_MS });
    const throttle = new SignInThrottle(app.db, now);
    const browsers = new KnownBrowsers(app.db, now);
    const consoleBroadcasts = new ConsoleBroadcasts(app.db, app.broadcasts);
    const { names: cookies, flags: cookieFlags } = consoleCookies(options.secureCookies);
    // The resolve form's photo: held in memory, never written anywhere until the session, CSRF token and scope pass.
    const uploadLimits = { fileSize: app.repairPhotos.maxBytes, files: 1, fields: 5, fieldSize: 16 * 1024, parts: 6, headerPairs: 20 };
    /**
     * Reads a multipart body (fields into `req.body`, the photo into `req.file`); a failure is noted, not thrown. The
     * form sends its CSRF token before the file: a file that arrives without the session's token before it is skipped
     * unread, and the request is then refused as any POST without the token.
     */
    const readMultipart = (req: SignedRequest, res: Response, csrfToken: string) =>
        new Promise<void>((resolve) => {
            const upload = multer({
                storage: multer.memoryStorage(),
                limits: uploadLimits,
                fileFilter: (request, _file, accept) => {
                    const token = bodyOf(request)._csrf;
                    const allowed = token !== undefined && sameSecret(token, csrfToken);
                    // Skipped, not lost without a word: a token sent only after the file still gets the request refused.
                    if (!allowed) (request as SignedRequest).uploadProblem = 'bad_upload';
                    accept(null, allowed);
                },
            }).single('photo');
            upload(req, res, (error?: unknown) => {
                if (error) {
                    req.file = undefined;
                    req.uploadProblem = error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE' ? 'too_large' : 'bad_upload';
                }
                resolve();
            });
        });

    const context = (req: Request, language: Language, signed?: Signed): ViewContext => {
        const flash = signed?.session.flash ?? null;
        if (signed && flash) {
            signed.session.flash = null;
            signed.changed = true;
        }
        return {
            t: app.translator.forLanguage(language),
            language,
            path: req.originalUrl,
            official: signed?.official ?? null,
            csrfToken: signed?.session.csrfToken ?? null,
            flash,
            now: now(),
        };
    };
    /** Stores what the request changed in its session, then answers: the next request, on any instance, sees it. */
    const answer = (res: Response, write: () => void) => {
        const signed = (res.req as SignedRequest).signed;
        if (!signed?.changed) return write();
        signed.changed = false;
        sessions.save(signed.sessionId, signed.session).then(write, (error: Error) => {
            app.logger.error('console session could not be saved', { error });
            if (!res.headersSent) res.status(500).type('text').send('');
        });
    };
    const send = (res: Response, status: number, body: string) => {
        answer(res, () => res.status(status).type('html').send(body));
    };
    const redirect = (res: Response, to: string) => {
        answer(res, () => res.redirect(303, to));
    };
    const flash = (signed: Signed, kind: Flash['kind'], key: string, vars?: Record<string, unknown>) => {
        signed.session.flash = { kind, text: app.translator.forLanguage(signed.session.language)(key, vars) };
        signed.changed = true;
    };
    const notFound = (req: Request, res: Response, signed?: Signed) => {
        const language = signed?.session.language ?? requestLanguage(req);
        // The language switch returns to the queue, so the page does not even echo the ticket asked for.
        const ctx = { ...context(req, language, signed), path: '/console' };
        send(res, 404, messagePage(ctx, ctx.t('console:error.notFoundTitle'), ctx.t('console:error.notFound')));
    };
    const refuse = (req: Request, res: Response, signed?: Signed) => {
        const ctx = context(req, signed?.session.language ?? requestLanguage(req), signed);
        send(res, 403, messagePage(ctx, ctx.t('console:error.forbiddenTitle'), ctx.t('console:error.forbidden')));
    };

    /** The session behind a cookie with its official (active) and scope; null when there is none. */
    const resume = async (sessionId: string | undefined): Promise<Signed | null> => {
        const session = await sessions.get(sessionId);
        if (!session || !sessionId) return null;
        const official = await directory.findById(session.officialId);
        if (!official?.active) {
            await sessions.endAllOf(session.officialId);
            return null;
        }
        return { sessionId, session, official, scope: await queries.scopeOf(official) };
    };

    return {
        app,
        now,
        directory,
        queries,
        sessions,
        throttle,
        browsers,
        consoleBroadcasts,
        cookies,
        cookieFlags,
        context,
        send,
        redirect,
        flash,
        notFound,
        refuse,
        resume,
        readMultipart,
    };
}

/** The first value of a query or body parameter as a string. */
export function str(value: unknown): string | undefined {
    if (Array.isArray(value)) return str(value[0]);
    return typeof value === 'string' ? value : undefined;
}

export function bodyOf(req: Request): Record<string, string> {
    const body = req.body as Record<string, unknown> | undefined;
    const out: Record<string, string> = {};
    if (!body || typeof body !== 'object') return out;
    for (const [key, value] of Object.entries(body)) {
        const text = str(value);
        if (text !== undefined) out[key] = text;
    }
    return out;
}

/** Trimmed text with control characters (except line breaks) removed, cut to `max` characters. */
export function clean(text: string | undefined, max = 500): string {
    return (text ?? '')
        .replace(/\r\n?/g, '\n')
        .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, ' ')
        .trim()
        .slice(0, max);
}

/** A redirect target inside the console, or the queue: never another site (`//evil`, `/\evil`, `https:`). */
export function safeNext(next: string | undefined): string {
    if (!next || next.length > 500) return '/console';
    if (!/^\/console(?:[/?][^\\\s]*)?$/.test(next) || next.startsWith('//') || next.includes('/..') || next.startsWith('/console/sign-')) return '/console';
    return next;
}

export function parseCookies(req: Request): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of (req.headers.cookie ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const name = part.slice(0, eq).trim();
        const value = part.slice(eq + 1).trim();
        if (name && !(name in out)) out[name] = value;
    }
    return out;
}

/** A language from the Accept-Language header; Hindi unless the browser prefers English. */
export function requestLanguage(req: Request): Language {
    const header = String(req.headers['accept-language'] ?? '');
    for (const part of header.split(',')) {
        const language = toLanguage(part.split(';')[0].trim());
        if (language) return language;
    }
    return 'hi';
}

/**
 * Whether a POST may have come from this console. A browser's Sec-Fetch-Site, when sent, must say same-origin (or
 * none: typed by the user). An Origin header, when sent, must name this host, except the opaque `null`: browsers
 * send that for every form POST from a page with `Referrer-Policy: no-referrer` (these pages), so it proves nothing
 * either way and the decision rests on Sec-Fetch-Site and the CSRF token.
 */
export function sameOrigin(req: Request): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return true;
    try {
        const url = new URL(origin);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === String(req.get('host') ?? '').toLowerCase();
    } catch {
        return false;
    }
}

/** Queue filters from the query string; unknown values fall back to the default. */
export function parseFilters(req: Request, categories: string[], scope: ConsoleScope): QueueFilters {
    const status = str(req.query.status);
    const category = str(req.query.category);
    const subdivision = str(req.query.subdivision);
    return {
        status: status === 'all' || ALL_STATUSES.includes(status as ComplaintStatus) ? (status as QueueFilters['status']) : 'open',
        category: category && categories.includes(category) ? category : null,
        subdivision: subdivision && scope.subdivisions.includes(subdivision) ? subdivision : null,
    };
}
