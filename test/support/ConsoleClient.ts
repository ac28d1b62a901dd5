import { strict as assert } from 'assert';

/** One answer of the console. */
export interface ConsoleAnswer {
    status: number;
    text: string;
    location: string | null;
}

/** A browser stand-in over fetch for console tests: keeps cookies, follows no redirect, finds CSRF tokens in pages. */
export class ConsoleClient {
    private readonly cookies = new Map<string, string>();

    constructor(private readonly base: string) {}

    async get(path: string): Promise<ConsoleAnswer> {
        return this.request('GET', path);
    }

    async post(path: string, form: Record<string, string>): Promise<ConsoleAnswer> {
        return this.request('POST', path, new URLSearchParams(form).toString());
    }

    /** GET a page and return the CSRF token of its forms. */
    async csrf(path = '/console'): Promise<string> {
        const page = await this.get(path);
        assert.equal(page.status, 200, `GET ${path} → ${page.status}`);
        return csrfOf(page.text);
    }

    /** Signs in and asserts it worked. */
    async signIn(username: string, password: string): Promise<void> {
        const answer = await this.post('/console/sign-in', { _csrf: await this.csrf('/console/sign-in'), username, password, next: '/console' });
        assert.equal(answer.status, 303, `sign-in of ${username}`);
    }

    private async request(method: string, path: string, body?: string): Promise<ConsoleAnswer> {
        const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const headers: Record<string, string> = cookie ? { cookie } : {};
        if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
        const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers });
        for (const line of res.headers.getSetCookie()) {
            const [pair] = line.split(';');
            const eq = pair.indexOf('=');
            if (pair.slice(eq + 1) === '') this.cookies.delete(pair.slice(0, eq));
            else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        return { status: res.status, text: await res.text(), location: res.headers.get('location') };
    }
}

/** The CSRF token of the first form of `page`. */
export function csrfOf(page: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(page);
    assert.ok(match, 'the page has a form with a CSRF token');
    return match[1];
}

/** The flash message of a page, if any. */
export function flashOf(page: string): string | null {
    return /<div class="flash [a-z]+" role="status" id="flash">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
}
