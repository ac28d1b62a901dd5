import * as http from 'node:http';
import * as https from 'node:https';
import { MediaFetchError } from './MediaFetchError';
import { platformAgent } from './PlatformHttpClient';
import { FetchedMedia } from './ports';

/**
 * GETs a file a platform holds (a photo a user sent), stopping as soon as it exceeds `maxBytes` so a huge file never
 * sits in memory. Answers with the bytes and the declared content type; failures are {@link MediaFetchError}s that
 * say whether a later try may help (5xx, 429, network, timeout) or not (other 4xx, too large).
 */
export function fetchBinary(url: string, options: { headers?: Record<string, string>; maxBytes: number; timeoutMs: number }): Promise<FetchedMedia> {
    return new Promise<FetchedMedia>((resolve, reject) => {
        let target: URL;
        try {
            target = new URL(url);
        } catch {
            return reject(new MediaFetchError('refused', 'the media address is not a URL', false));
        }
        const secure = target.protocol === 'https:';
        if (!secure && target.protocol !== 'http:') return reject(new MediaFetchError('refused', `unsupported media address scheme ${target.protocol}`, false));
        let settled = false;
        const fail = (error: MediaFetchError) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            request.destroy();
            reject(error);
        };
        const request = (secure ? https : http).request(
            target,
            { method: 'GET', headers: { 'user-agent': 'bijli-mitra', ...options.headers }, agent: platformAgent(secure) },
            (response) => {
                const status = response.statusCode ?? 0;
                if (status < 200 || status >= 300) {
                    response.resume();
                    const retryable = status === 429 || status >= 500;
                    return fail(new MediaFetchError(status === 404 ? 'not_found' : retryable ? 'unavailable' : 'refused', `HTTP ${status}`, retryable));
                }
                const declared = Number(response.headers['content-length']);
                if (Number.isFinite(declared) && declared > options.maxBytes) {
                    response.resume();
                    return fail(new MediaFetchError('too_large', `${declared} bytes, more than ${options.maxBytes}`, false));
                }
                const chunks: Buffer[] = [];
                let size = 0;
                response.on('data', (chunk: Buffer) => {
                    size += chunk.length;
                    if (size > options.maxBytes) return fail(new MediaFetchError('too_large', `more than ${options.maxBytes} bytes`, false));
                    chunks.push(chunk);
                });
                response.on('error', () => fail(new MediaFetchError('unavailable', 'the connection failed', true)));
                response.on('end', () => {
                    if (settled) return;
                    settled = true;
                    clearTimeout(timer);
                    resolve({
                        bytes: Buffer.concat(chunks),
                        contentType: String(response.headers['content-type'] ?? '')
                            .split(';')[0]
                            .trim(),
                    });
                });
            }
        );
        const timer = setTimeout(() => fail(new MediaFetchError('unavailable', `timed out after ${options.timeoutMs} ms`, true)), options.timeoutMs);
        request.on('error', () => fail(new MediaFetchError('unavailable', 'the connection failed', true)));
        request.end();
    });
}
