import * as http from 'http';
import { AddressInfo } from 'net';

/** One request the stand-in gateway received. */
export interface SmsRequest {
    authorization: string | undefined;
    body: { to?: string; text?: string };
}

/** A loopback stand-in for an HTTP SMS gateway: records every request and can be told to fail. */
export class SmsGatewayStandIn {
    readonly requests: SmsRequest[] = [];
    /** HTTP status to answer with; 2xx accepts. */
    status = 202;
    private server?: http.Server;
    url = '';

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                this.requests.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') });
                res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }
}
