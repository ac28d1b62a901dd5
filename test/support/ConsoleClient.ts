import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { BijliMitra } from '../../src/createBijliMitra';
import { BotServer, startServer } from '../../src/server';
import { strict as assert } from 'assert';

/** One answer of the console. */
export interface ConsoleAnswer {
    status: number;
    text: string;
    location: string | null;
}

/** The CSRF token of the first form of `page`. */
export function csrfOf(page: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    assert.ok(match, 'the page has a form with a CSRF token');
    return match[1];
}

/** A browser stand-in over fetch for the console: keeps cookies, follows no redirect by itself. */
export class ConsoleClient {
    readonly cookies = new Map<string, string>();

    constructor(readonly base: string) {}

    async get(path: string): Promise<ConsoleAnswer> {
        return this.request('GET', path, undefined, {});
    }

    async post(path: string, form: Record<string, string>): Promise<ConsoleAnswer> {
        return this.request('POST', path, new URLSearchParams(form).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    }

    /** GET a page and return the CSRF token of its forms. */
    async csrf(path = '/console'): Promise<string> {
        const page = await this.get(path);
        assert.equal(page.status, 200, `GET ${path} → ${page.status}`);
        return csrfOf(page.text);
    }

    /** POSTs `form` with the CSRF token of the page at `from`, then follows the redirect; the page it lands on. */
    async submit(from: string, action: string, form: Record<string, string> = {}): Promise<ConsoleAnswer> {
        const page = await this.get(from);
        assert.equal(page.status, 200, `GET ${from} → ${page.status}`);
        const answer = await this.post(action, { _csrf: csrfOf(page.text), ...form });
        if (answer.status !== 303 || !answer.location) return answer;
        return this.get(answer.location);
    }

    async signIn(username: string, password: string): Promise<void> {
        const page = await this.get('/console/sign-in');
        assert.equal(page.status, 200);
        const answer = await this.post('/console/sign-in', { _csrf: csrfOf(page.text), username, password, next: '/console' });
        assert.equal(answer.status, 303, `signed in as ${username}`);
    }

    private async request(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<ConsoleAnswer> {
        const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
        for (const line of res.headers.getSetCookie()) {
            const [pair, ...attributes] = line.split(';').map((s) => s.trim());
            const eq = pair.indexOf('=');
            const name = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            if (value === '' || attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
            else this.cookies.set(name, value);
        }
        return { status: res.status, text: await res.text(), location: res.headers.get('location') };
    }
}

/** The flash message of a page, if any. */
export function flashOf(page: string): string | null {
    return /<div class="flash [a-z]+" role="status" id="flash">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
}

/** The bot's server with its console on loopback (cookies without Secure), reading the clock `now` where given. */
export function startConsoleServer(app: BijliMitra, now?: () => Date): Promise<BotServer> {
    return startServer(app, app.prepareAdapter(createEmulatorAdapter(app.config)), 0, [], { console: { secureCookies: false, ...(now ? { now } : {}) } });
}
