import { ChildProcess, spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { PACKAGE_ROOT } from '../../src/paths';

/**
 * The bot as `npm start` runs it (`dist/src/main.js`) in a child process, for tests that kill it, stop it or run
 * two of it. Its stdout (JSON log lines) is kept for assertions.
 */
export class BotProcess {
    output = '';
    port = 0;
    private readonly exited: Promise<number | null>;

    private constructor(readonly child: ChildProcess) {
        this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
        child.stdout!.on('data', (chunk: Buffer) => {
            this.output += chunk.toString();
        });
        child.stderr!.on('data', (chunk: Buffer) => {
            this.output += chunk.toString();
        });
    }

    /** Starts the bot with `env` (plus PATH and HOME) on a free port and resolves once it listens. */
    static async start(env: Record<string, string>): Promise<BotProcess> {
        const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'src', 'main.js')], {
            env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', NODE_ENV: 'production', ...env },
            cwd: os.tmpdir(),
        });
        const bot = new BotProcess(child);
        bot.port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => {
                // Never leave a half-started bot behind to hold a port or a database.
                child.kill('SIGKILL');
                reject(new Error(`the bot did not start:\n${bot.output}`));
            }, 30_000);
            const look = () => {
                const match = /listening","port":([0-9]+)/.exec(bot.output) ?? (/listening/.test(bot.output) ? /"port":([0-9]+)/.exec(bot.output) : null);
                if (match) {
                    clearTimeout(timer);
                    resolve(Number(match[1]));
                }
            };
            child.stdout!.on('data', look);
            void bot.exited.then((code) => {
                clearTimeout(timer);
                reject(new Error(`the bot exited with ${code}:\n${bot.output}`));
            });
        });
        return bot;
    }

    /** The bot's base URL. */
    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    /** Sends `signal` and resolves with the exit code (null when killed by the signal). */
    async stop(signal: NodeJS.Signals): Promise<number | null> {
        this.child.kill(signal);
        return this.exited;
    }
}
