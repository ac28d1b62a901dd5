import express, { NextFunction, Response, Router } from 'express';
import { securityHeaders } from '../securityHeaders';
import { CONSOLE_CSS } from './consoleStylesheet';
import { messagePage } from './views';
import { mountAuthRoutes } from './authRoutes';
import { mountBroadcastRoutes } from './broadcastRoutes';
import { mountClaimRoutes } from './claimRoutes';
import { mountCallbackRoutes } from './callbackRoutes';
import { mountLiveChatRoutes } from './liveChatRoutes';
import { mountComplaintRoutes } from './complaintRoutes';
import { mountTriageRoutes } from './triageRoutes';
import { mountIncidentRoutes } from './incidentRoutes';
import { mountMobileRequestRoutes } from './mobileRequestRoutes';
import { mountShutdownRoutes } from './shutdownRoutes';
import { ConsoleOptions, ConsoleParts, createConsoleKit, requestLanguage, sameOrigin, SignedRequest } from './consoleKit';

export { ConsoleOptions, consoleCookies } from './consoleKit';

/**
 * The officials' console, to mount at `/console`: sign-in and sessions, the complaint queue of the official's scope,
 * complaint detail with actions through the {@link ComplaintLifecycle}, callback requests with their outcomes, a
 * dashboard and area broadcasts (one module
 * per group). Server-rendered HTML with no script; every page after sign-in needs a session; every POST needs the
 * session's CSRF token and, when the browser sends an Origin, this server's own. A complaint outside the official's
 * scope answers 404, as if it did not exist.
 */
export function createConsoleRouter(app: ConsoleParts, options: ConsoleOptions): Router {
    const kit = createConsoleKit(app, options);
    const { context, send, refuse } = kit;
    const router = express.Router();

    // Headers on every console answer, pages and redirects alike; nothing of an official's session is cached.
    router.use(securityHeaders());
    router.use((_req, res, next) => {
        res.set('Cache-Control', 'no-store');
        next();
    });

    // The stylesheet needs no session (the sign-in page uses it) and holds nothing of anyone's: cached for good, as
    // its address changes with its content.
    router.get('/console.css', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=31536000, immutable');
        res.type('text/css').send(CONSOLE_CSS.text);
    });

    // A POST from another site is refused before anything else looks at it.
    router.use((req, res, next) => {
        if (req.method !== 'POST') return next();
        if (!sameOrigin(req)) return refuse(req, res);
        next();
    });
    router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

    mountAuthRoutes(router, kit);
    mountComplaintRoutes(router, kit);
    mountCallbackRoutes(router, kit);
    mountLiveChatRoutes(router, kit);
    mountBroadcastRoutes(router, kit);
    mountClaimRoutes(router, kit);
    mountTriageRoutes(router, kit);
    mountMobileRequestRoutes(router, kit);
    mountShutdownRoutes(router, kit);
    mountIncidentRoutes(router, kit);

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

    return router;
}
