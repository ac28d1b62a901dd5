import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PACKAGE_ROOT } from '../../src/paths';

const CLI = path.join(PACKAGE_ROOT, 'bin', 'bijli-mitra.js');

function tempDatabase(): string {
    return `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bm-proc-')), 'bot.sqlite')}`;
}

/** Environment for a child process: no .env file influence beyond these variables. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

describe('the bot as a process (what `npm start` runs)', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
        child?.kill('SIGKILL');
    });

    it('creates, migrates and fills a new SQLite database, serves /healthz and /api/messages, and stops on SIGTERM', async () => {
        const databaseUrl = tempDatabase();
        child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'src', 'main.js')], {
            env: env({ PORT: '0', DATABASE_URL: databaseUrl }),
            cwd: os.tmpdir(),
        });
        let output = '';
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no "listening" line in:\n${output}`)), 15_000);
            child!.stdout!.on('data', (chunk: Buffer) => {
                output += chunk.toString();
                const match = output.match(/"port":([0-9]+)/);
                if (match && /listening/.test(output)) {
                    clearTimeout(timer);
                    resolve(Number(match[1]));
                }
            });
            child!.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
        });
        assert.match(output, /demo data loaded/);
        assert.doesNotMatch(output, /[0-9]{10}/, 'no unmasked number in the log');
        assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
        // With no reply sink the turn's replies fail to send, but the endpoint must still answer and stay up.
        const status = (
            await fetch(`http://127.0.0.1:${port}/api/messages`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({
                    type: 'typing',
                    channelId: 'emulator',
                    conversation: { id: 'c1' },
                    from: { id: 'u1' },
                    recipient: { id: 'b' },
                    serviceUrl: 'http://127.0.0.1:9',
                }),
            })
        ).status;
        assert.ok(status < 500, `status ${status}`);
        const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        assert.equal(await exited, 0);
        child = undefined;
    });

    it('refuses to start with a clear message when the configuration is wrong', () => {
        const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'src', 'main.js')], {
            env: env({ PORT: 'abc', DATABASE_URL: 'mysql://nope' }),
            cwd: os.tmpdir(),
            encoding: 'utf8',
        });
        assert.equal(result.status, 2);
        assert.match(result.stderr, /PORT must be a whole number/);
        assert.match(result.stderr, /DATABASE_URL must be/);
    });
});

describe('the command without a command', () => {
    it('prints the commands on stderr and exits non-zero; help prints them on stdout and exits 0', () => {
        const bare = spawnSync(process.execPath, [CLI], { env: env({}), cwd: os.tmpdir(), encoding: 'utf8' });
        assert.equal(bare.status, 2);
        assert.match(bare.stderr, /Usage: bijli-mitra <command>/);
        assert.match(bare.stderr, /converse evaluate FILE/);
        const help = spawnSync(process.execPath, [CLI, 'help'], { env: env({}), cwd: os.tmpdir(), encoding: 'utf8' });
        assert.equal(help.status, 0);
        assert.match(help.stdout, /Usage: bijli-mitra <command>/);
    });
});

describe('`bijli-mitra migrate`', () => {
    it('says which migrations it applied to a new database, and that there was nothing to do the second time', () => {
        const databaseUrl = tempDatabase();
        const first = spawnSync(process.execPath, [CLI, 'migrate'], { env: env({ DATABASE_URL: databaseUrl }), cwd: os.tmpdir(), encoding: 'utf8' });
        assert.equal(first.status, 0, first.stderr);
        assert.match(first.stdout, /^Applied [0-9]+ migrations to sqlite:/);
        assert.match(first.stdout, /ConsumerMobileIndex1764700000000/);
        const second = spawnSync(process.execPath, [CLI, 'migrate'], { env: env({ DATABASE_URL: databaseUrl }), cwd: os.tmpdir(), encoding: 'utf8' });
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stdout, /already up to date \([0-9]+ migrations\); nothing to do/);
    });
});

describe('terminal chat (`bijli-mitra chat`)', () => {
    it('runs the dialogs with no configuration, numbered buttons answered by number, codes shown inline', () => {
        const input = ['2', 'my bill', '1234567890', ''].join('\n');
        const result = spawnSync(process.execPath, [CLI, 'chat'], {
            env: env({ DATABASE_URL: tempDatabase() }),
            cwd: os.tmpdir(),
            input,
            encoding: 'utf8',
            timeout: 30_000,
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /1\. हिंदी\n\s+2\. English/);
        assert.match(result.stdout, /What would you like to do\?/, 'answering "2" chose English');
        assert.match(result.stdout, /10-digit account number/);
        assert.match(result.stdout, /\[SMS to the registered mobile.*code: [0-9]{6}/);
        assert.match(result.stdout, /6-digit code by SMS to the registered mobile \*{8}45/);
    });

    it('verifies at once when --phone matches the registered mobile', () => {
        const result = spawnSync(process.execPath, [CLI, 'chat', '--phone', '9415012345'], {
            env: env({ DATABASE_URL: tempDatabase() }),
            cwd: os.tmpdir(),
            input: ['English', 'meter details', '1234567890', ''].join('\n'),
            encoding: 'utf8',
            timeout: 30_000,
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /Your number matches the mobile registered/);
        assert.match(result.stdout, /Meter UPM10234567/);
    });
});
