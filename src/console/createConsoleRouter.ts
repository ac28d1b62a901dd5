import { securityHeaders } from '../securityHeaders';
import express, { NextFunction, Request, Response, Router } from 'express';
import type { ComplaintStatus } from '../data/entities/Complaint';
import { Official, OFFICIAL_LEVELS } from '../data/entities/Official';
import type { BijliMitra } from '../createBijliMitra';
import { Language, toLanguage } from '../i18n/Translator';
import { BroadcastError } from '../broadcast/BroadcastError';
import { LifecycleError } from '../services/ComplaintLifecycle';
import { OfficialDirectory } from '../services/OfficialDirectory';
import { ALL_STATUSES, ComplaintRow, ConsoleQueries, ConsoleScope, QueueFilters } from './ConsoleQueries';
import { ConsoleSession, ConsoleSessions, Flash, randomToken, sameSecret, SESSION_IDLE_MS, SignInThrottle } from './ConsoleSessions';
import { dashboardPage, detailPage, messagePage, queuePage, signInPage, statusLabel, ViewContext } from './views';
import { AnnouncementForm, areaLabel, broadcastPage, broadcastsPage, MAX_ANNOUNCEMENT } from './broadcastViews';
import { areaValue, ConsoleBroadcasts, parseAreaValue } from './ConsoleBroadcasts';

/** Failed sign-ins allowed from one address per throttle window, across all usernames. */
const ADDRESS_MAX_FAILURES = 30;
/** How the console is served. */
export interface ConsoleOptions {
    /** Adds `Secure` to the cookies: set it whenever the console is reached over HTTPS (directly or through a proxy). */
    secureCookies: boolean;
    /** The clock of SLA countdowns, session expiry and the sign-in throttle (tests control it). */
    now?: () => Date;
    /** Idle time after which a session ends; 8 hours by default. */
    sessionIdleMs?: number;
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'bm_session';
/** Name of the cookie holding the sign-in form's CSRF token (there is no session yet). */
export const SIGN_IN_COOKIE = 'bm_signin';
/** Rows shown on the queue at most. */
const QUEUE_LIMIT = 500;
/** Notices shown on the queue at most. */
const NOTICES_LIMIT = 20;
/** Announcement forms remembered against a second submission (a double click, a reload of the POST). */
const SUBMISSIONS_KEPT = 1000;

/** What a signed-in request carries. */
interface Signed {
    sessionId: string;
    session: ConsoleSession;
    official: Official;
    scope: ConsoleScope;
}

type SignedRequest = Request & { signed?: Signed };

/**
 * The officials' console, to mount at `/console`: sign-in and sessions, the complaint queue of the official's scope,
 * complaint detail with actions through the {@link ComplaintLifecycle}, and a dashboard. Server-rendered HTML with no
 * script; every page after sign-in needs a session; every POST needs the session's CSRF token and, when the browser
 * sends an Origin, this server's own. A complaint outside the official's scope answers 404, as if it did not exist.
 */
export function createConsoleRouter(app: BijliMitra, options: ConsoleOptions): Router {
    const now = options.now ?? (() => new Date());
    const directory = new OfficialDirectory(app.db);
    const queries = new ConsoleQueries(app.db, directory);
    const sessions = new ConsoleSessions(now, options.sessionIdleMs ?? SESSION_IDLE_MS);
    const throttle = new SignInThrottle(now);
    // Generous enough for an office behind one NAT address, tight enough to stop spraying.
    const addressThrottle = new SignInThrottle(now, ADDRESS_MAX_FAILURES);
    const consoleBroadcasts = new ConsoleBroadcasts(app.db, app.broadcasts);
    /** Announcement form tokens already posted (per official), with the broadcast each one made. */
    const submissions = new Map<string, Promise<number>>();
    const router = express.Router();
    const cookieFlags = `Path=/console; HttpOnly; SameSite=Strict${options.secureCookies ? '; Secure' : ''}`;

    const context = (req: Request, language: Language, signed?: Signed): ViewContext => {
        const flash = signed?.session.flash ?? null;
        if (signed) signed.session.flash = null;
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
    const send = (res: Response, status: number, body: string) => {
        res.status(status).type('html').send(body);
    };
    const redirect = (res: Response, to: string) => {
        res.redirect(303, to);
    };
    const flash = (signed: Signed, kind: Flash['kind'], key: string, vars?: Record<string, unknown>) => {
        signed.session.flash = { kind, text: app.translator.forLanguage(signed.session.language)(key, vars) };
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

    // Headers on every console answer, pages and redirects alike; nothing of an official's session is cached.
    router.use(securityHeaders());
    router.use((_req, res, next) => {
        res.set('Cache-Control', 'no-store');
        next();
    });

    // A POST from another site is refused before anything else looks at it.
    router.use((req, res, next) => {
        if (req.method !== 'POST') return next();
        if (!sameOrigin(req)) return refuse(req, res);
        next();
    });
    router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

    // ---- Sign-in, sign-out -------------------------------------------------------------------------------------

    router.get('/sign-in', async (req, res) => {
        const cookies = parseCookies(req);
        const signed = await resume(cookies[SESSION_COOKIE]);
        if (signed) return redirect(res, safeNext(str(req.query.next)));
        const token = randomToken();
        res.append('Set-Cookie', `${SIGN_IN_COOKIE}=${token}; ${cookieFlags}`);
        const language = toLanguage(str(req.query.lang)) ?? requestLanguage(req);
        const ctx = context(req, language);
        const notice: Flash | null =
            req.query.signedOut === '1'
                ? { kind: 'ok', text: ctx.t('console:signIn.signedOut') }
                : req.query.next
                  ? { kind: 'ok', text: ctx.t('console:signIn.needed') }
                  : null;
        send(res, 200, signInPage(ctx, { username: '', token, next: safeNext(str(req.query.next)), notice }));
    });

    router.post('/sign-in', async (req, res) => {
        const body = bodyOf(req);
        const language = toLanguage(body.lang) ?? requestLanguage(req);
        const t = app.translator.forLanguage(language);
        const username = (body.username ?? '').trim().slice(0, 60);
        const password = body.password ?? '';
        const next = safeNext(body.next);
        const cookieToken = parseCookies(req)[SIGN_IN_COOKIE];
        const again = (status: number, message: string) => {
            const token = randomToken();
            res.append('Set-Cookie', `${SIGN_IN_COOKIE}=${token}; ${cookieFlags}`);
            send(res, status, signInPage(context(req, language), { username, token, next, notice: { kind: 'error', text: message } }));
        };
        if (!cookieToken || !body._csrf || !sameSecret(cookieToken, body._csrf)) return again(403, t('console:signIn.expired'));
        // Per username and per address: one address cannot spray passwords across many usernames.
        const addressKey = `address:${req.ip ?? req.socket.remoteAddress ?? ''}`;
        const wait = Math.max(throttle.retryAfterMs(username), addressThrottle.retryAfterMs(addressKey));
        if (wait > 0) {
            res.set('Retry-After', String(Math.ceil(wait / 1000)));
            return again(429, t('console:signIn.throttled', { minutes: Math.ceil(wait / 60_000) }));
        }
        // Counted as a failure before the (slow) password check, so parallel attempts cannot all slip through;
        // a success forgets it again.
        throttle.fail(username);
        addressThrottle.fail(addressKey);
        const official = username && password.length <= 200 ? await directory.authenticate(username, password) : null;
        if (!official) {
            app.logger.warn('console sign-in failed', { usernameLength: username.length });
            return again(401, t('console:signIn.failed'));
        }
        throttle.succeed(username);
        // Always a fresh session id at sign-in (no fixation); a session this browser had before ends.
        sessions.destroy(parseCookies(req)[SESSION_COOKIE]);
        const { id } = sessions.create(official.id, toLanguage(official.language) ?? 'hi');
        res.append('Set-Cookie', `${SESSION_COOKIE}=${id}; ${cookieFlags}`);
        res.append('Set-Cookie', `${SIGN_IN_COOKIE}=; ${cookieFlags}; Max-Age=0`);
        app.logger.info('console sign-in', { official: official.id, rank: official.level });
        redirect(res, next);
    });

    // Everything below needs a session: pages redirect to sign-in, POSTs also need the CSRF token.
    router.use(async (req: SignedRequest, res, next) => {
        const cookies = parseCookies(req);
        const signed = await resume(cookies[SESSION_COOKIE]);
        if (!signed) {
            if (cookies[SESSION_COOKIE]) res.append('Set-Cookie', `${SESSION_COOKIE}=; ${cookieFlags}; Max-Age=0`);
            const target = req.method === 'GET' ? req.originalUrl : '/console';
            return redirect(res, `/console/sign-in?next=${encodeURIComponent(safeNext(target))}`);
        }
        if (req.method === 'POST') {
            const token = bodyOf(req)._csrf;
            if (!token || !sameSecret(token, signed.session.csrfToken)) {
                app.logger.warn('console POST without a valid CSRF token', { official: signed.official.id, path: req.path });
                return refuse(req, res, signed);
            }
        }
        req.signed = signed;
        next();
    });

    router.post('/sign-out', (req: SignedRequest, res) => {
        sessions.destroy(req.signed!.sessionId);
        res.append('Set-Cookie', `${SESSION_COOKIE}=; ${cookieFlags}; Max-Age=0`);
        redirect(res, `/console/sign-in?lang=${req.signed!.session.language}&signedOut=1`);
    });

    router.get('/language/:language', (req: SignedRequest, res) => {
        const language = toLanguage(String(req.params.language));
        if (language) req.signed!.session.language = language;
        redirect(res, safeNext(str(req.query.next)));
    });

    // ---- Queue, detail, dashboard ------------------------------------------------------------------------------

    router.get('/', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const categories = app.services.categories.all.map((c) => c.id);
        const filters = parseFilters(req, categories, signed.scope);
        const [{ rows, truncated }, notices] = await Promise.all([
            queries.queue(signed.scope, filters, now(), QUEUE_LIMIT),
            queries.notices(signed.official, NOTICES_LIMIT),
        ]);
        const ctx = context(req, signed.session.language, signed);
        send(res, 200, queuePage(ctx, { scope: signed.scope, filters, categories, rows, truncated, limit: QUEUE_LIMIT, notices }));
    });

    router.get('/complaints/:ticket', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        if (!row) return notFound(req, res, signed);
        const [history, candidates] = await Promise.all([queries.history(row.complaint.id), queries.reassignCandidates(signed.scope, row)]);
        const ctx = context(req, signed.session.language, signed);
        send(res, 200, detailPage(ctx, { row, history, candidates }));
    });

    router.get('/dashboard', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const data = await queries.dashboard(signed.scope, now());
        send(res, 200, dashboardPage(context(req, signed.session.language, signed), data));
    });

    // ---- Area broadcasts ----------------------------------------------------------------------------------------

    const broadcastsForm = async (req: SignedRequest, res: Response, status: number, form: AnnouncementForm) => {
        const signed = req.signed!;
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        const recent = await consoleBroadcasts.recent(signed.scope, areas);
        const ctx = { ...context(req, signed.session.language, signed), path: '/console/broadcasts' };
        send(res, status, broadcastsPage(ctx, { areas, recent, form: { ...form, area: form.area || (areas[0] ? areaValue(areas[0]) : '') } }));
    };

    router.get('/broadcasts', async (req: SignedRequest, res) => {
        await broadcastsForm(req, res, 200, { area: '', text: '', submission: randomToken(), error: null });
    });

    router.post('/broadcasts', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const body = bodyOf(req);
        const t = app.translator.forLanguage(signed.session.language);
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        // The area is checked here, whatever the form offered: a crafted POST cannot reach beyond the official's scope.
        const area = ConsoleBroadcasts.find(areas, parseAreaValue(body.area));
        if (!area) {
            app.logger.warn('console broadcast to an area outside the scope refused', {
                official: signed.official.id,
                area: String(body.area ?? '').slice(0, 120),
            });
            const ctx = context(req, signed.session.language, signed);
            return send(res, 403, messagePage(ctx, ctx.t('console:error.forbiddenTitle'), ctx.t('console:error.areaForbidden')));
        }
        const text = (body.text ?? '').replace(/\r\n?/g, '\n');
        const again = (key: string, vars?: Record<string, unknown>) =>
            broadcastsForm(req, res, 422, { area: areaValue(area), text: text.slice(0, 4 * MAX_ANNOUNCEMENT), submission: randomToken(), error: t(key, vars) });
        const length = Array.from(text.trim()).length;
        if (length === 0) return again('console:broadcasts.textRequired');
        if (length > MAX_ANNOUNCEMENT) return again('console:broadcasts.textTooLong', { max: MAX_ANNOUNCEMENT, length });

        // The same form posted twice (double click, a reload of the POST) makes one broadcast: the second waits for
        // the first and is shown its report.
        const token = /^[A-Za-z0-9_-]{20,64}$/.test(body.submission ?? '') ? `${signed.official.id}:${body.submission}` : null;
        const earlier = token ? submissions.get(token) : undefined;
        if (earlier) {
            const id = await earlier.catch(() => null);
            if (id !== null) return redirect(res, `/console/broadcasts/${id}`);
        }
        const posting = app.broadcasts
            .createAnnouncement({
                discom: signed.scope.discom,
                unitKind: area.kind,
                unitName: area.name,
                text,
                createdBy: signed.official.id,
            })
            .then((broadcast) => broadcast.id);
        if (token) {
            submissions.set(token, posting);
            while (submissions.size > SUBMISSIONS_KEPT) submissions.delete(submissions.keys().next().value!);
        }
        let id: number;
        try {
            id = await posting;
        } catch (error) {
            if (token) submissions.delete(token);
            if (!(error instanceof BroadcastError)) throw error;
            app.logger.info('console broadcast refused', { official: signed.official.id, reason: error.message });
            return again('console:broadcasts.failed', { area: areaLabel(t, area) });
        }
        app.logger.info('console broadcast queued', { official: signed.official.id, broadcast: id, area: `${area.kind}:${area.name}` });
        redirect(res, `/console/broadcasts/${id}`);
    });

    router.get('/broadcasts/:id', async (req: SignedRequest, res) => {
        const signed = req.signed!;
        const raw = String(req.params.id);
        const id = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
        const areas = await consoleBroadcasts.areasOf(signed.scope);
        const row = Number.isSafeInteger(id) ? await consoleBroadcasts.visible(signed.scope, areas, id) : null;
        if (!row) {
            const ctx = { ...context(req, signed.session.language, signed), path: '/console/broadcasts' };
            return send(res, 404, messagePage(ctx, ctx.t('console:error.notFoundTitle'), ctx.t('console:error.broadcastNotFound')));
        }
        send(res, 200, broadcastPage(context(req, signed.session.language, signed), row));
    });

    // ---- Actions ------------------------------------------------------------------------------------------------

    /** Runs one action on a complaint in scope; a complaint out of scope is 404, a LifecycleError a flash message. */
    const action = (work: (signed: Signed, row: ComplaintRow, body: Record<string, string>) => Promise<void>) => async (req: SignedRequest, res: Response) => {
        const signed = req.signed!;
        const row = await queries.visibleComplaint(signed.scope, String(req.params.ticket));
        if (!row) return notFound(req, res, signed);
        try {
            await work(signed, row, bodyOf(req));
        } catch (error) {
            if (!(error instanceof LifecycleError)) throw error;
            const current = await queries.visibleComplaint(signed.scope, row.complaint.ticket);
            const status = current?.complaint.status ?? row.complaint.status;
            flash(signed, 'error', 'console:flash.notAllowed', { status: statusLabel(app.translator.forLanguage(signed.session.language), status) });
            app.logger.info('console action refused', { official: signed.official.id, ticket: row.complaint.ticket, reason: error.message });
        }
        const still = await queries.visibleComplaint(signed.scope, row.complaint.ticket);
        if (still) return redirect(res, `/console/complaints/${encodeURIComponent(row.complaint.ticket)}`);
        flash(signed, 'ok', 'console:flash.movedOut', { ticket: row.complaint.ticket });
        redirect(res, '/console');
    };

    router.post(
        '/complaints/:ticket/acknowledge',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            await app.lifecycle.acknowledge(complaint.id, signed.official.id, note || undefined);
            flash(signed, 'ok', 'console:flash.acknowledged', { ticket: complaint.ticket });
        })
    );

    router.post(
        '/complaints/:ticket/note',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:flash.noteRequired');
            await app.lifecycle.addNote(complaint.id, signed.official.id, note);
            flash(signed, 'ok', 'console:flash.noteAdded', { ticket: complaint.ticket });
        })
    );

    router.post(
        '/complaints/:ticket/resolve',
        action(async (signed, { complaint }, body) => {
            const note = clean(body.note);
            if (!note) return flash(signed, 'error', 'console:flash.resolveNoteRequired');
            await app.lifecycle.resolve(complaint.id, signed.official.id, note);
            flash(signed, 'ok', 'console:flash.resolved', { ticket: complaint.ticket });
        })
    );

    router.post(
        '/complaints/:ticket/reassign',
        action(async (signed, row, body) => {
            const targetId = /^\d{1,9}$/.test(body.officialId ?? '') ? Number(body.officialId) : NaN;
            const candidates = await queries.reassignCandidates(signed.scope, row);
            const target = candidates.find((o) => o.id === targetId);
            if (!target) return flash(signed, 'error', 'console:flash.badOfficial');
            await app.lifecycle.reassign(row.complaint.id, signed.official.id, target.id, clean(body.note, 400) || null);
            flash(signed, 'ok', 'console:flash.reassigned', { ticket: row.complaint.ticket, name: `${target.level} ${target.name}` });
        })
    );

    router.post(
        '/complaints/:ticket/escalate',
        action(async (signed, { complaint }, body) => {
            const reason = clean(body.reason, 400);
            if (!reason) return flash(signed, 'error', 'console:flash.reasonRequired');
            // The level the official saw: a second click (or a colleague's escalation meanwhile) does not climb again.
            const seen = /^\d{1,2}$/.test(body.level ?? '') ? Number(body.level) : complaint.escalationLevel;
            const moved = await app.lifecycle.escalate(complaint.id, { official: signed.official.id }, reason, seen);
            if (!moved) return flash(signed, 'error', 'console:flash.notEscalated');
            const level = OFFICIAL_LEVELS[seen + 1];
            flash(signed, 'ok', 'console:flash.escalated', { ticket: complaint.ticket, level });
        })
    );

    // ---- Not found and errors ----------------------------------------------------------------------------------

    router.use((req: SignedRequest, res) => {
        const ctx = context(req, req.signed?.session.language ?? requestLanguage(req), req.signed);
        send(res, 404, messagePage(ctx, ctx.t('console:error.notFoundTitle'), ctx.t('console:error.pageNotFound')));
    });

    router.use((error: Error & { status?: number }, req: SignedRequest, res: Response, _next: NextFunction) => {
        const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
        if (status === 500) app.logger.error('console request failed', { path: req.path, error });
        if (res.headersSent) return;
        const ctx = context(req, req.signed?.session.language ?? requestLanguage(req), req.signed);
        send(res, status, messagePage(ctx, ctx.t('console:error.serverTitle'), ctx.t(status === 500 ? 'console:error.server' : 'console:error.badRequest')));
    });

    /** The session behind a cookie with its official (active) and scope; null when there is none. */
    async function resume(sessionId: string | undefined): Promise<Signed | null> {
        const session = sessions.get(sessionId);
        if (!session || !sessionId) return null;
        const official = await directory.findById(session.officialId);
        if (!official?.active) {
            sessions.destroyAllOf(session.officialId);
            return null;
        }
        return { sessionId, session, official, scope: await queries.scopeOf(official) };
    }

    return router;
}

/** The first value of a query or body parameter as a string. */
function str(value: unknown): string | undefined {
    if (Array.isArray(value)) return str(value[0]);
    return typeof value === 'string' ? value : undefined;
}

function bodyOf(req: Request): Record<string, string> {
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
function clean(text: string | undefined, max = 500): string {
    return (text ?? '')
        .replace(/\r\n?/g, '\n')
        .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, ' ')
        .trim()
        .slice(0, max);
}

/** A redirect target inside the console, or the queue: never another site (`//evil`, `/\evil`, `https:`). */
function safeNext(next: string | undefined): string {
    if (!next || next.length > 500) return '/console';
    if (!/^\/console(?:[/?][^\\\s]*)?$/.test(next) || next.startsWith('//') || next.includes('/..') || next.startsWith('/console/sign-')) return '/console';
    return next;
}

function parseCookies(req: Request): Record<string, string> {
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
function requestLanguage(req: Request): Language {
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
function sameOrigin(req: Request): boolean {
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
function parseFilters(req: Request, categories: string[], scope: ConsoleScope): QueueFilters {
    const status = str(req.query.status);
    const category = str(req.query.category);
    const subdivision = str(req.query.subdivision);
    return {
        status: status === 'all' || ALL_STATUSES.includes(status as ComplaintStatus) ? (status as QueueFilters['status']) : 'open',
        category: category && categories.includes(category) ? category : null,
        subdivision: subdivision && scope.subdivisions.includes(subdivision) ? subdivision : null,
    };
}
