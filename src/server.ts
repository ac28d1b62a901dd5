import * as http from 'http';
import express, { NextFunction, Request, Response } from 'express';
import { CloudAdapter, TurnContext } from 'botbuilder';
import { ChannelRoute } from './createChannelAdapters';
import { BijliMitra } from './createBijliMitra';
import { ConsoleOptions, createConsoleRouter } from './console/createConsoleRouter';

/** The HTTP face of the bot. */
export interface BotServer {
    server: http.Server;
    /** The port actually bound (useful with port 0). */
    port: number;
    close(): Promise<void>;
}

/** Optional parts of the server. */
export interface ServerOptions {
    /**
     * The officials' console at `/console`. On by default, with Secure cookies when a Bot Framework app id is
     * configured (a real deployment, served over HTTPS); `false` leaves it out.
     */
    console?: ConsoleOptions | false;
}

/** Largest Bot Framework activity accepted. */
const BODY_LIMIT = '256kb';
/** Largest webhook body accepted; Meta's batches stay under about 3 MB. */
const WEBHOOK_BODY_LIMIT = '4mb';

/**
 * Serves `POST /api/messages` (Bot Framework Emulator, Web Chat, Azure Bot Service through `CloudAdapter`),
 * `GET`/`POST /webhooks/<channel>` for each enabled platform adapter, the officials' console under `/console` (unless
 * `options.console` is false), and `GET /healthz` on `port`. Malformed JSON and oversized bodies get a 4xx without
 * reaching the bot.
 */
export async function startServer(
    app: BijliMitra, adapter: CloudAdapter, port: number, channels: ChannelRoute[] = [], options: ServerOptions = {}
): Promise<BotServer> {
    const web = express();
    web.disable('x-powered-by');
    const logic = (context: TurnContext) => app.bot.run(context);
    for (const { route, adapter: channel } of channels) {
        web.get(`/webhooks/${route}`, (req: Request, res: Response) => {
            const answer = channel.handshake(req.query as Record<string, unknown>);
            res.status(answer.status).type(answer.contentType ?? 'text/plain').send(answer.body ?? '');
        });
        // The raw bytes are what the platform signed: parse only after the signature check, inside the adapter.
        web.post(`/webhooks/${route}`, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req: Request, res: Response) => {
            const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
            const answer = await channel.handleWebhook(raw, req.headers, logic);
            res.status(answer.status).type(answer.contentType ?? 'text/plain').send(answer.body ?? '');
        });
    }
    if (options.console !== false) {
        web.use('/console', createConsoleRouter(app, options.console ?? { secureCookies: app.config.consoleSecureCookies }));
    }
    web.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
    });
    web.post('/api/messages', express.json({ limit: BODY_LIMIT }), async (req: Request, res: Response) => {
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
        await adapter.process(req, res, logic);
    });
    web.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
        const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
        if (status === 500) app.logger.error('request failed', { error });
        if (!res.headersSent) res.status(status).json({ error: status === 500 ? 'internal error' : error.type ?? error.message });
    });
    const server = http.createServer(web);
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => resolve());
    });
    const address = server.address();
    return {
        server,
        port: typeof address === 'object' && address ? address.port : port,
        close: () => new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
}
