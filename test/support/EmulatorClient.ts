import * as http from 'http';
import { randomUUID } from 'crypto';
import { AddressInfo } from 'net';

/** One call the bot made to the channel's REST API. */
export interface SinkRecord {
    method: string;
    conversationId: string;
    replyToId: string | null;
    body: { type?: string; text?: string; suggestedActions?: { actions: Array<{ title: string }> }; [key: string]: unknown };
}

/**
 * A headless stand-in for the Bot Framework Emulator: POSTs Emulator-shaped activities to the
 * bot's /api/messages and serves, on loopback, the `serviceUrl` routes the bot replies to, recording every call.
 */
export class EmulatorClient {
    readonly records: SinkRecord[] = [];
    private sink?: http.Server;
    private sinkUrl = '';
    readonly conversationId = `${randomUUID()}|livechat`;
    readonly user = { id: randomUUID(), name: 'User', role: 'user' };
    readonly botAccount = { id: 'bot-1', name: 'Bot', role: 'bot' };

    constructor(
        private readonly botUrl: string,
        private readonly locale = 'en-US'
    ) {}

    /** Starts the reply sink on an ephemeral loopback port. */
    async listen(): Promise<void> {
        let next = 0;
        this.sink = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
                if (req.method !== 'POST' || !match) {
                    res.writeHead(404).end();
                    return;
                }
                this.records.push({
                    method: req.method,
                    conversationId: decodeURIComponent(match[1]),
                    replyToId: match[2] ? decodeURIComponent(match[2]) : null,
                    body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
                });
                res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: String(++next) }));
            });
        });
        await new Promise<void>((resolve) => this.sink!.listen(0, '127.0.0.1', resolve));
        this.sinkUrl = `http://127.0.0.1:${(this.sink.address() as AddressInfo).port}`;
    }

    /** Opens the conversation: the Emulator's first POST, a conversationUpdate adding bot and user. */
    async start(): Promise<SinkRecord[]> {
        return this.post({ type: 'conversationUpdate', membersAdded: [this.botAccount, this.user], membersRemoved: [] });
    }

    /** Sends `text` and returns the replies to it; they are complete when the POST resolves. */
    async say(text: string): Promise<string[]> {
        return (await this.post({ type: 'message', text, textFormat: 'plain' })).map((r) => r.body.text ?? '');
    }

    /** POSTs raw JSON to /api/messages and returns the HTTP status. */
    async postRaw(body: string, contentType = 'application/json'): Promise<number> {
        const response = await fetch(this.botUrl, { method: 'POST', headers: { 'content-type': contentType }, body });
        await response.text();
        return response.status;
    }

    /** An Emulator-shaped activity of this conversation, replying to this client's sink. */
    build(partial: Record<string, unknown>): Record<string, unknown> {
        return {
            id: randomUUID(),
            channelId: 'emulator',
            timestamp: new Date().toISOString(),
            localTimestamp: new Date().toISOString(),
            serviceUrl: this.sinkUrl,
            conversation: { id: this.conversationId },
            from: this.user,
            recipient: this.botAccount,
            locale: this.locale,
            ...partial,
        };
    }

    private async post(partial: Record<string, unknown>): Promise<SinkRecord[]> {
        const activity = this.build(partial);
        const id = activity.id;
        const before = this.records.length;
        const response = await fetch(this.botUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        await response.text();
        if (response.status >= 300) throw new Error(`bot answered HTTP ${response.status}`);
        return this.records.slice(before).filter((r) => r.replyToId === id || partial.type === 'conversationUpdate');
    }

    async close(): Promise<void> {
        await new Promise<void>((resolve) => (this.sink ? this.sink.close(() => resolve()) : resolve()));
    }
}
