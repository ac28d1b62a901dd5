import { SmsSender } from './SmsSender';

/**
 * Generic HTTP gateway sender: `POST <url>` with JSON `{"to": "91XXXXXXXXXX", "text": "…"}` and, when a token is
 * configured, `Authorization: Bearer <token>`. Any non-2xx answer or a timeout is an error the dialog reports.
 */
export class HttpSmsSender implements SmsSender {
    constructor(
        private readonly url: string,
        private readonly token = '',
        private readonly timeoutMs = 10_000
    ) {}

    async send(mobile: string, text: string): Promise<void> {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (this.token) headers.authorization = `Bearer ${this.token}`;
        const response = await fetch(this.url, {
            method: 'POST',
            headers,
            body: JSON.stringify({ to: `91${mobile}`, text }),
            signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
    }
}
