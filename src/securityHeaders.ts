import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The response headers every page and answer of the server carries (helmet, with the console's policy: no scripts at
 * all, styles only from the server's own stylesheet (no inline styles), no framing, no referrer). Used by the server and by the console router, so the
 * console is as safe mounted alone as behind the server.
 */
export function securityHeaders(): RequestHandler {
    return helmet({
        contentSecurityPolicy: {
            useDefaults: false,
            directives: {
                defaultSrc: ["'self'"],
                scriptSrc: ["'none'"],
                styleSrc: ["'self'"],
                imgSrc: ["'self'", 'data:'],
                objectSrc: ["'none'"],
                baseUri: ["'none'"],
                formAction: ["'self'"],
                frameAncestors: ["'none'"],
            },
        },
        frameguard: { action: 'deny' },
        referrerPolicy: { policy: 'no-referrer' },
        crossOriginOpenerPolicy: { policy: 'same-origin' },
        crossOriginResourcePolicy: { policy: 'same-origin' },
    });
}
