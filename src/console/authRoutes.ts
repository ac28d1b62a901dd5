import { Router } from 'express';
import { toLanguage } from '../i18n/Translator';
import { Flash, randomToken, sameSecret } from './ConsoleSessions';
import { signInPage } from './views';
import { KNOWN_BROWSER_MS } from './KnownBrowsers';
import { bodyOf, ConsoleKit, parseCookies, requestLanguage, safeNext, SIGN_IN_RULES, SignedRequest, str } from './consoleKit';

/** The one console route that takes a multipart body (the resolve form with its optional photo). */
const RESOLVE_PATH = /^\/complaints\/[^/]+\/resolve$/;

/** Sign-in (with its CSRF cookie and throttles), then the gate every later route is behind, sign-out and language. */
export function mountAuthRoutes(router: Router, kit: ConsoleKit): void {
    const { app, directory, sessions, throttle, browsers, cookies: names, cookieFlags, context, send, redirect, refuse, resume, readMultipart } = kit;

    router.get('/sign-in', async (req, res) => {
        const cookies = parseCookies(req);
        const signed = await resume(cookies[names.session]);
        if (signed) return redirect(res, safeNext(str(req.query.next)));
        const token = randomToken();
        res.append('Set-Cookie', `${names.signIn}=${token}; ${cookieFlags}`);
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
        const cookieToken = parseCookies(req)[names.signIn];
        const again = (status: number, message: string) => {
            const token = randomToken();
            res.append('Set-Cookie', `${names.signIn}=${token}; ${cookieFlags}`);
            send(res, status, signInPage(context(req, language), { username, token, next, notice: { kind: 'error', text: message } }));
        };
        if (!cookieToken || !body._csrf || !sameSecret(cookieToken, body._csrf)) return again(403, t('console:signIn.expired'));
        // Per username from this address, per address, and (unless this browser has signed in as this username before)
        // per username: wrong passwords from elsewhere never lock an official out, one address cannot spray passwords
        // across usernames, and many addresses cannot share out the guesses at one. (The address is the proxy's
        // X-Forwarded-For only when TRUST_PROXY says the proxy is trusted.)
        const address = req.ip ?? req.socket.remoteAddress ?? '';
        const name = username.toLowerCase();
        const userAtAddress = `user@address:${address} ${name}`;
        const keys: Array<readonly [string, (typeof SIGN_IN_RULES)[keyof typeof SIGN_IN_RULES]]> = [
            [userAtAddress, SIGN_IN_RULES.userAtAddress],
            [`address:${address}`, SIGN_IN_RULES.address],
        ];
        const knownOfficial = await browsers.officialOf(parseCookies(req)[names.browser]);
        const known = knownOfficial !== null && (await directory.findByUsername(username))?.id === knownOfficial;
        if (!known) keys.push([`user:${name}`, SIGN_IN_RULES.usernameFromNewBrowsers]);
        const wait = await throttle.attempt(keys);
        if (wait > 0) {
            res.set('Retry-After', String(Math.ceil(wait / 1000)));
            return again(429, t('console:signIn.throttled', { minutes: Math.ceil(wait / 60_000) }));
        }
        const official = username && password.length <= 200 ? await directory.authenticate(username, password) : null;
        if (!official) {
            app.logger.warn('console sign-in failed', { usernameLength: username.length });
            return again(401, t('console:signIn.failed'));
        }
        // Only failures count: everyone behind one proxy signs in all day.
        await throttle.succeeded(
            keys.map(([key]) => key),
            [userAtAddress]
        );
        // Always a fresh session id at sign-in (no fixation); a session this browser had before ends.
        await sessions.destroy(parseCookies(req)[names.session]);
        const { id } = await sessions.create(official.id, toLanguage(official.language) ?? 'hi');
        res.append('Set-Cookie', `${names.session}=${id}; ${cookieFlags}`);
        if (!known) res.append('Set-Cookie', `${names.browser}=${await browsers.remember(official.id)}; ${cookieFlags}; Max-Age=${KNOWN_BROWSER_MS / 1000}`);
        res.append('Set-Cookie', `${names.signIn}=; ${cookieFlags}; Max-Age=0`);
        app.logger.info('console sign-in', { official: official.id, rank: official.level });
        redirect(res, next);
    });

    // Everything below needs a session: pages redirect to sign-in, POSTs also need the CSRF token.
    router.use(async (req: SignedRequest, res, next) => {
        const cookies = parseCookies(req);
        const signed = await resume(cookies[names.session]);
        if (!signed) {
            if (cookies[names.session]) res.append('Set-Cookie', `${names.session}=; ${cookieFlags}; Max-Age=0`);
            const target = req.method === 'GET' ? req.originalUrl : '/console';
            return redirect(res, `/console/sign-in?next=${encodeURIComponent(safeNext(target))}`);
        }
        if (req.method === 'POST') {
            // Only the resolve form is multipart; its body (the photo in memory) is read only now, with a session.
            if (req.is('multipart/form-data') && RESOLVE_PATH.test(req.path)) await readMultipart(req, res, signed.session.csrfToken);
            const token = bodyOf(req)._csrf;
            if (!token || !sameSecret(token, signed.session.csrfToken)) {
                app.logger.warn('console POST without a valid CSRF token', { official: signed.official.id, path: req.path });
                return refuse(req, res, signed);
            }
        }
        req.signed = signed;
        next();
    });

    router.post('/sign-out', async (req: SignedRequest, res) => {
        await sessions.destroy(req.signed!.sessionId);
        req.signed!.changed = false;
        res.append('Set-Cookie', `${names.session}=; ${cookieFlags}; Max-Age=0`);
        redirect(res, `/console/sign-in?lang=${req.signed!.session.language}&signedOut=1`);
    });

    router.get('/language/:language', (req: SignedRequest, res) => {
        const language = toLanguage(String(req.params.language));
        if (language) {
            req.signed!.session.language = language;
            req.signed!.changed = true;
        }
        redirect(res, safeNext(str(req.query.next)));
    });
}
