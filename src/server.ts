import { timingSafeEqual } from 'crypto';
import { securityHeaders } from './securityHeaders';
import { serviceUrlAllowed } from './serviceUrlPolicy';
import { acceptsUnauthenticated } from './config';
import * as http from 'http';
import express, { NextFunction, Request, Response } from 'express';
import { CloudAdapter, TurnContext } from 'botbuilder';
import { activityProblem } from './activityShape';
import { ChannelRoute } from './createChannelAdapters';
import type { BijliMitra } from './createBijliMitra';
import type { ConsoleParts } from './console/consoleKit';
import { ConsoleOptions, createConsoleRouter } from './console/createConsoleRouter';
import { homePage } from './homePage';
import { filterValue, PublicShutdowns, STATUS_CSP, StatusAnswer, StatusPage } from './statusPage';
import { requestLanguage } from './console/consoleKit';
import { toLanguage } from './i18n/Translator';
import { REPAIR_PHOTO_PATH } from './media/RepairPhotoService';

/** The HTTP face of the bot. */
export interface BotServer {
    server: http.Server;
    /** The port actually bound (useful with port 0). */
    port: number;
    /**
     * Stops taking work: webhooks and `/api/messages` answer 503 (platforms retry, a load balancer moves on) and
     * `/readyz` fails, while requests already being answered finish. Resolves when none is left.
     */
    drain(): Promise<void>;
    close(): Promise<void>;
}

/** Whether an `Authorization: Bearer <token>` header carries `token`. */
function bearerMatches(header: string | undefined, token: string): boolean {
    const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Optional parts of the server. */
export interface ServerOptions {
    /**
     * The officials' console at `/console`. On by default, with Secure cookies when a Bot Framework app id is
     * configured (a real deployment, served over HTTPS); `false` leaves it out.
     */
    console?: ConsoleOptions | false;
    /** The address to listen on, instead of the configured `HOST`. */
    host?: string;
    /** The public status page's optional parts: planned shutdowns to list, and the clock (tests control it). */
    statusPage?: { shutdowns?: PublicShutdowns; now?: () => Date };
}

/** Largest Bot Framework activity accepted. */
const BODY_LIMIT = '256kb';
/** Largest webhook body accepted; Meta's batches stay under about 3 MB. */
const WEBHOOK_BODY_LIMIT = '4mb';
/** What a platform is told to wait before retrying when the bot cannot take its webhook now. */
const RETRY_AFTER_SECONDS = '5';

/** What the server uses of the application: the bot, its settings, the log, metrics and the sender limit; the console's parts. */
export type ServerParts = Pick<BijliMitra, 'bot' | 'config' | 'dataSource' | 'logger' | 'metrics' | 'rateLimiter' | 'translator' | 'incidents'> & ConsoleParts;

/**
 * Serves `POST /api/messages` (Bot Framework Emulator, Web Chat, Azure Bot Service through `CloudAdapter`),
 * `GET`/`POST /webhooks/<channel>` for each enabled platform adapter, the officials' console under `/console` (unless
 * `options.console` is false), `GET /` (what is running, with links), `GET /status` and `GET /status.json` (the public
 * status page: known faults and planned shutdowns by area, no personal data), `GET /healthz` (alive), `GET /readyz` (database reachable and migrated, not draining)
 * and `GET /metrics` (Prometheus) on `port`. Malformed JSON and oversized bodies get a 4xx without reaching the bot;
 * a webhook that cannot be recorded (the database is down) gets a 503, so the platform delivers it again later.
 */
export async function startServer(
    app: ServerParts,
    adapter: CloudAdapter,
    port: number,
    channels: ChannelRoute[] = [],
    options: ServerOptions = {}
): Promise<BotServer> {
    const web = express();
    web.disable('x-powered-by');
    // The client's address (for the console's sign-in throttle) from X-Forwarded-For only behind a trusted proxy.
    if (app.config.trustProxy !== null) web.set('trust proxy', app.config.trustProxy);
    web.use(securityHeaders());
    const logic = (context: TurnContext) => app.bot.run(context);
    let draining = false;
    let active = 0;
    const drained: Array<() => void> = [];
    web.use((_req, res, next) => {
        active += 1;
        res.once('close', () => {
            active -= 1;
            if (active === 0) for (const resolve of drained.splice(0)) resolve();
        });
        next();
    });
    const refuseWhileDraining = (_req: Request, res: Response, next: NextFunction) => {
        if (!draining) return next();
        res.status(503).set('Retry-After', RETRY_AFTER_SECONDS).set('Connection', 'close').type('text/plain').send('shutting down');
    };
    for (const { route, adapter: channel } of channels) {
        web.get(`/webhooks/${route}`, (req: Request, res: Response) => {
            const answer = channel.handshake(req.query as Record<string, unknown>);
            res.status(answer.status)
                .type(answer.contentType ?? 'text/plain')
                .send(answer.body ?? '');
        });
        // The raw bytes are what the platform signed: parse only after the signature check, inside the adapter.
        web.post(
            `/webhooks/${route}`,
            refuseWhileDraining,
            express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
            async (req: Request, res: Response) => {
                const started = process.hrtime.bigint();
                const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
                let answer: { status: number; body?: string; contentType?: string };
                try {
                    answer = await channel.handleWebhook(raw, req.headers, logic);
                } catch (error) {
                    // Nothing was acknowledged: the platform keeps the message and delivers it again.
                    app.logger.error('webhook not recorded; answered 503 for a later redelivery', { channel: channel.channelId, error: error as Error });
                    answer = { status: 503, body: 'temporarily unavailable' };
                    res.set('Retry-After', RETRY_AFTER_SECONDS);
                }
                res.status(answer.status)
                    .type(answer.contentType ?? 'text/plain')
                    .send(answer.body ?? '');
                app.metrics.webhookAnswered(channel.channelId, answer.status, Number(process.hrtime.bigint() - started) / 1e9);
            }
        );
    }
    if (options.console !== false) {
        web.use('/console', createConsoleRouter(app, options.console ?? { secureCookies: app.config.consoleSecureCookies }));
    }
    web.get('/', (_req, res) => {
        const t = app.translator.forLanguage('en');
        res.type('html').send(
            homePage((key, vars) => t(`console:${key}`, vars), { channels: channels.map((c) => c.route), console: options.console !== false })
        );
    });
    const statusPage = new StatusPage({
        incidents: app.incidents,
        shutdowns: options.statusPage?.shutdowns ?? app.shutdowns,
        translator: app.translator,
        logger: app.logger,
        now: options.statusPage?.now ?? (() => new Date()),
        restoredHours: app.config.statusPageRestoredHours,
        cacheSeconds: app.config.statusPageCacheSeconds,
    });
    // Public and the same for everyone who asks the same: shared caches may keep it as long as the page does. A
    // reload whose ETag still matches gets 304 here, even with `Cache-Control: no-cache` (which Express's freshness
    // check treats as "send it all"): revalidation is what no-cache asks for, and the answer is the same.
    const sendStatus = (req: Request, res: Response, type: string, answer: StatusAnswer) => {
        res.set('Cache-Control', `public, max-age=${app.config.statusPageCacheSeconds}`).set('ETag', answer.etag);
        const known = String(req.headers['if-none-match'] ?? '')
            .split(',')
            .map((tag) => tag.trim().replace(/^W\//, ''));
        if (known.includes(answer.etag)) {
            res.status(304).end();
            return;
        }
        res.type(type).send(answer.body);
    };
    const statusFilter = (req: Request) => ({ discom: filterValue(req.query.discom), subdivision: filterValue(req.query.subdivision) });
    web.get('/status', async (req, res) => {
        const asked = toLanguage(filterValue(req.query.lang));
        const language = asked ?? requestLanguage(req);
        if (!asked) res.vary('Accept-Language');
        res.set('Content-Security-Policy', STATUS_CSP);
        try {
            sendStatus(req, res, 'html', await statusPage.page(statusFilter(req), language));
        } catch {
            res.status(503).set('Retry-After', '30').set('Cache-Control', 'no-store').type('html').send(statusPage.unavailable(language));
        }
    });
    web.get('/status.json', async (req, res) => {
        try {
            sendStatus(req, res, 'json', await statusPage.json(statusFilter(req)));
        } catch {
            res.status(503).set('Retry-After', '30').set('Cache-Control', 'no-store').json({ error: 'status not available; try again in a minute' });
        }
    });
    // After-repair photos for the consumer's platform (WhatsApp's and Meta's servers fetch them) and chat clients: the
    // unguessable token is the only key, and it expires. Cross-origin embedding is allowed here (Web Chat and the
    // Emulator show it from another origin); everything else keeps the server's headers. Not cached by anyone.
    web.get(`${REPAIR_PHOTO_PATH}/:token`, async (req, res) => {
        res.set('Cache-Control', 'no-store').set('X-Robots-Tag', 'noindex');
        const photo = await app.repairPhotos.readPublic(String(req.params.token));
        if (!photo) {
            res.status(404).type('text/plain').send('not found');
            return;
        }
        res.status(200).type(photo.contentType).set('Cross-Origin-Resource-Policy', 'cross-origin').set('Content-Disposition', 'inline').send(photo.bytes);
    });
    web.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
    });
    web.get('/readyz', async (_req, res) => {
        const problems: string[] = [];
        if (draining) problems.push('shutting down');
        try {
            await app.dataSource.query('SELECT 1');
            if (await app.dataSource.showMigrations()) problems.push('database migrations pending');
        } catch (error) {
            // Which check failed, for the load balancer; the driver's text (hosts, users, schema) goes to the log only.
            problems.push('database unreachable');
            app.logger.warn('readiness check: database unreachable', { error: error as Error });
        }
        // A rejected access token is a warning, not unreadiness: every instance shares the token, and taking them all
        // out of the balancer would stop the webhooks (and their durable record) too.
        const warnings = app.metrics.warnings();
        res.status(problems.length ? 503 : 200).json({
            status: problems.length ? 'unavailable' : 'ready',
            ...(problems.length ? { problems } : {}),
            ...(warnings.length ? { warnings } : {}),
        });
    });
    web.get('/metrics', async (req, res) => {
        // With METRICS_TOKEN set, Prometheus must present it (a scrape config's bearer token); compared in constant time.
        if (app.config.metricsToken && !bearerMatches(req.headers.authorization, app.config.metricsToken)) {
            res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('a bearer token is required');
            return;
        }
        try {
            const { contentType, body } = await app.metrics.render();
            res.type(contentType).send(body);
        } catch (error) {
            app.logger.error('metrics not readable', { error: error as Error });
            res.status(503).type('text/plain').send('metrics unavailable');
        }
    });
    const authenticated = app.config.microsoftAppId !== '';
    // Without an app id, activities are taken only where nobody else can send them: on loopback, with no channel
    // (whose users a forged activity could impersonate) and not in production. Anything public needs the app id.
    const open = acceptsUnauthenticated(app.config, options.host);
    web.post('/api/messages', refuseWhileDraining, express.json({ limit: BODY_LIMIT }), async (req: Request, res: Response) => {
        if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body) || typeof req.body.type !== 'string') {
            res.status(400).json({ error: 'expected a Bot Framework activity (JSON object with a "type")' });
            return;
        }
        // Users of a platform adapter arrive only through its signed webhook: on this (possibly unauthenticated)
        // endpoint an activity claiming such a channel would impersonate them.
        if (channels.some((c) => c.adapter.channelId === req.body.channelId)) {
            res.status(403).json({ error: `channel "${req.body.channelId}" is served by its webhook, not by /api/messages` });
            return;
        }
        // CloudAdapter checks only the type: a wrongly typed field would fail mid-turn as a 500, after state was written;
        // checked before the rate limit, which keys on channelId and from.id.
        const problem = activityProblem(req.body);
        if (problem) {
            res.status(400).json({ error: `not a valid Bot Framework activity: ${problem}` });
            return;
        }
        if (!authenticated && !open) {
            res.status(401).json({ error: 'this server takes /api/messages only with Bot Framework authentication: set MicrosoftAppId (see .env.example)' });
            return;
        }
        // (CloudAdapter checks the token itself; a request with none is refused before its serviceUrl is looked at.)
        if (authenticated && !req.headers.authorization) {
            res.status(401).json({ error: 'a Bot Framework token is required' });
            return;
        }
        if (!serviceUrlAllowed(req.body.serviceUrl, open ? 'loopback' : app.config.serviceUrlHosts)) {
            res.status(400).json({ error: 'serviceUrl is not an address this server replies to (BOT_SERVICE_URL_HOSTS)' });
            return;
        }
        const sender = typeof req.body.from?.id === 'string' ? `${req.body.channelId}/${req.body.from.id}` : undefined;
        const limited = async (): Promise<number> => (sender && req.body.type === 'message' ? ((await app.rateLimiter?.take(sender)) ?? 0) : 0);
        if (!authenticated) {
            // Without an app id anyone may post anything here anyway: answer a flood with 429 before any work.
            const wait = await limited();
            if (wait > 0) {
                app.metrics.rateLimited('api');
                res.status(429)
                    .set('Retry-After', String(Math.ceil(wait / 1000)))
                    .json({ error: 'too many messages from this sender; retry later' });
                return;
            }
            await adapter.process(req, res, logic);
            return;
        }
        // With an app id the sender is known only once CloudAdapter has checked the token: an unauthenticated caller
        // must not spend a real user's allowance. A flood past the limit is then acknowledged and not run.
        await adapter.process(req, res, async (context) => {
            if ((await limited()) > 0) {
                app.metrics.rateLimited('api');
                return;
            }
            await logic(context);
        });
    });
    web.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
        const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
        if (status === 500) app.logger.error('request failed', { error });
        if (!res.headersSent) res.status(status).json({ error: status === 500 ? 'internal error' : (error.type ?? error.message) });
    });
    const server = http.createServer(web);
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, options.host ?? app.config.host, () => resolve());
    });
    const address = server.address();
    return {
        server,
        port: typeof address === 'object' && address ? address.port : port,
        drain: async () => {
            draining = true;
            // `active` counts this process's open requests; idle keep-alive connections hold none.
            if (active > 0) await new Promise<void>((resolve) => drained.push(resolve));
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}
