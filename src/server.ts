import * as http from 'http';
import express, { NextFunction, Request, Response } from 'express';
import { CloudAdapter } from 'botbuilder';
import { BijliMitra } from './createBijliMitra';

/** The HTTP face of the bot. */
export interface BotServer {
    server: http.Server;
    /** The port actually bound (useful with port 0). */
    port: number;
    close(): Promise<void>;
}

/** Largest request body accepted; a WhatsApp batch is far smaller. */
const BODY_LIMIT = '256kb';

/**
 * Serves `POST /api/messages` (Bot Framework Emulator, Web Chat, Azure Bot Service through `CloudAdapter`) and
 * `GET /healthz` on `port`. Malformed JSON and oversized bodies get a 4xx without reaching the bot.
 */
export async function startServer(app: BijliMitra, adapter: CloudAdapter, port: number): Promise<BotServer> {
    const web = express();
    web.disable('x-powered-by');
    web.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
    });
    web.post('/api/messages', express.json({ limit: BODY_LIMIT }), async (req: Request, res: Response) => {
        if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body) || typeof req.body.type !== 'string') {
            res.status(400).json({ error: 'expected a Bot Framework activity (JSON object with a "type")' });
            return;
        }
        await adapter.process(req, res, (context) => app.bot.run(context));
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
