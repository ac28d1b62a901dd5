import { Router } from 'express';
import { toLanguage } from '../i18n/Translator';
import { Flash, randomToken, sameSecret } from './ConsoleSessions';
import { signInPage } from './views';
import { bodyOf, ConsoleKit, parseCookies, requestLanguage, safeNext, SESSION_COOKIE, SIGN_IN_COOKIE, SignedRequest, str } from './consoleKit';

/** Sign-in (with its CSRF cookie and throttles), then the gate every later route is behind, sign-out and language. */
export function mountAuthRoutes(router: Router, kit: ConsoleKit): void {
    const { app, directory, sessions, throttle, addressThrottle, cookieFlags, context, send, redirect, refuse, resume } = kit;

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
        // Per username from this address, and per address: wrong passwords from elsewhere never lock an official out,
        // and one address cannot spray passwords across many usernames. (The address is the proxy's X-Forwarded-For
        // only when TRUST_PROXY says the proxy is trusted.)
        const address = req.ip ?? req.socket.remoteAddress ?? '';
        const addressKey = `address:${address}`;
        const userKey = `${username}\u0000${address}`;
        const wait = Math.max(throttle.retryAfterMs(userKey), addressThrottle.retryAfterMs(addressKey));
        if (wait > 0) {
            res.set('Retry-After', String(Math.ceil(wait / 1000)));
            return again(429, t('console:signIn.throttled', { minutes: Math.ceil(wait / 60_000) }));
        }
        // Counted as a failure before the (slow) password check, so parallel attempts cannot all slip through;
        // a success forgets it again.
        throttle.fail(userKey);
        addressThrottle.fail(addressKey);
        const official = username && password.length <= 200 ? await directory.authenticate(username, password) : null;
        if (!official) {
            app.logger.warn('console sign-in failed', { usernameLength: username.length });
            return again(401, t('console:signIn.failed'));
        }
        throttle.succeed(userKey);
        // Only failures count against an address: everyone behind one proxy signs in all day.
        addressThrottle.forgiveLatest(addressKey);
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
}
