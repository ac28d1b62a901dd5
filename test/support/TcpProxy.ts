import * as net from 'net';

/**
 * A TCP relay on loopback in front of a server (PostgreSQL in the fault tests) that can drop every connection and
 * refuse new ones, then take them again on the same port: a database connection lost and restored.
 */
export class TcpProxy {
    private server?: net.Server;
    private readonly sockets = new Set<net.Socket>();
    port = 0;

    constructor(
        private readonly targetHost: string,
        private readonly targetPort: number
    ) {}

    /** Starts relaying, on a new port the first time and on the same port after {@link drop}. */
    async start(): Promise<void> {
        const server = net.createServer((client) => {
            const upstream = net.connect(this.targetPort, this.targetHost);
            for (const socket of [client, upstream]) {
                this.sockets.add(socket);
                socket.on('close', () => this.sockets.delete(socket));
                socket.on('error', () => undefined);
            }
            client.pipe(upstream).pipe(client);
            client.on('close', () => upstream.destroy());
            upstream.on('close', () => client.destroy());
        });
        this.server = server;
        await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(this.port, '127.0.0.1', () => resolve());
        });
        this.port = (server.address() as net.AddressInfo).port;
    }

    /** Cuts every relayed connection and stops accepting new ones. */
    async drop(): Promise<void> {
        for (const socket of this.sockets) socket.destroy();
        this.sockets.clear();
        const server = this.server;
        this.server = undefined;
        if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
}
