import { startConsoleServer } from '../../support/ConsoleClient';
import { strict as assert } from 'assert';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Complaint } from '../../../src/data/entities/Complaint';
import { DirectoryMediaStore } from '../../../src/media/DirectoryMediaStore';
import { BotServer } from '../../../src/server';
import { EmulatorClient, SinkRecord } from '../../support/EmulatorClient';
import { ManualClock } from '../../support/ManualClock';
import { TestBot } from '../../support/TestBot';
import type { AppConfig } from '../../../src/config';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PUBLIC = 'https://bot.example.in';

/** Keeps cookies, follows no redirect, finds the CSRF token in pages; posts forms urlencoded or multipart. */
class ConsoleClient {
    private readonly cookies = new Map<string, string>();
    constructor(private readonly base: string) {}

    async get(path: string) {
        return this.request('GET', path);
    }

    async csrf(path = '/console'): Promise<string> {
        const page = await this.get(path);
        assert.equal(page.status, 200, `GET ${path}`);
        const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
        assert.ok(match, 'the page has a CSRF token');
        return match[1];
    }

    async signIn(username: string, password: string): Promise<void> {
        const form = new URLSearchParams({ _csrf: await this.csrf('/console/sign-in'), username, password, next: '/console' });
        const answer = await this.request('POST', '/console/sign-in', form.toString(), 'application/x-www-form-urlencoded');
        assert.equal(answer.status, 303, `sign-in of ${username}`);
    }

    /** Posts the resolve form as a browser does: the CSRF token first, the note, then the file (if any). */
    async resolve(ticket: string, fields: { csrf?: string; note: string; file?: { bytes: Buffer; name: string; type: string } }) {
        const form = new FormData();
        if (fields.csrf !== undefined) form.append('_csrf', fields.csrf);
        form.append('note', fields.note);
        if (fields.file) form.append('photo', new Blob([fields.file.bytes], { type: fields.file.type }), fields.file.name);
        return this.request('POST', `/console/complaints/${ticket}/resolve`, form);
    }

    /** Posts `form` as it is, in its own field order. */
    async send(path: string, form: FormData) {
        return this.request('POST', path, form);
    }

    private async request(method: string, path: string, body?: string | FormData, contentType?: string) {
        const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const headers: Record<string, string> = cookie ? { cookie } : {};
        if (contentType) headers['content-type'] = contentType;
        const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers });
        for (const line of res.headers.getSetCookie()) {
            const [pair] = line.split(';');
            const eq = pair.indexOf('=');
            if (pair.slice(eq + 1) === '') this.cookies.delete(pair.slice(0, eq));
            else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const bytes = Buffer.from(await res.arrayBuffer());
        return { status: res.status, text: bytes.toString('utf8'), bytes, location: res.headers.get('location'), headers: res.headers };
    }
}

function flashOf(page: string): string | null {
    return /<div class="flash [a-z]+" role="status" id="flash">([^<]*)<\/div>/.exec(page)?.[1] ?? null;
}

/** The image attachments of a reply the Emulator received. */
function attachmentsOf(body: SinkRecord['body']): Array<{ contentType: string; contentUrl: string }> {
    return (body.attachments as Array<{ contentType: string; contentUrl: string }> | undefined) ?? [];
}

/** Every file under `directory`. */
async function filesUnder(directory: string): Promise<string[]> {
    try {
        const entries = await fs.readdir(directory, { recursive: true, withFileTypes: true });
        return entries.filter((e) => e.isFile()).map((e) => e.name);
    } catch {
        return [];
    }
}

/** A bot with the Emulator adapter and the console on loopback, a clock of its own and a media directory of its own. */
export class PhotoWorld {
    private constructor(
        readonly bot: TestBot,
        readonly server: BotServer,
        readonly clock: ManualClock,
        readonly mediaDir: string
    ) {}

    get base(): string {
        return `http://127.0.0.1:${this.server.port}`;
    }

    static async create(config: Partial<AppConfig> = {}): Promise<PhotoWorld> {
        const clock = new ManualClock();
        const mediaDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bm-repair-'));
        const bot = await TestBot.create({
            config: { publicBaseUrl: PUBLIC, repairPhotoLinkHours: 24, ...config },
            overrides: { now: clock.now, mediaStore: new DirectoryMediaStore(mediaDir) },
        });
        const server = await startConsoleServer(bot.app, clock.now);
        return new PhotoWorld(bot, server, clock, mediaDir);
    }

    async close(): Promise<void> {
        await this.server.close();
        await this.bot.close();
        await fs.rm(this.mediaDir, { recursive: true, force: true });
    }

    /** Rows and files of after-repair photos: nothing may be kept of a refused upload. */
    async stored(): Promise<{ rows: number; files: number }> {
        const { rows } = await this.bot.app.db.sql<{ n: number | string }>('SELECT COUNT(*) AS "n" FROM "repair_photos"');
        return { rows: Number(rows[0].n), files: (await filesUnder(this.mediaDir)).length };
    }

    reload(ticket: string): Promise<Complaint> {
        return this.bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
    }

    /** The public address as the bot serves it on loopback. */
    local(url: string): string {
        assert.ok(url.startsWith(`${PUBLIC}/photos/`), url);
        return this.base + url.slice(PUBLIC.length);
    }
}

/** Registers a low-voltage complaint on the Vibhuti Khand demo account from the Emulator; returns its ticket. */
async function register(emulator: EmulatorClient): Promise<string> {
    await emulator.start();
    await emulator.say('English');
    await emulator.say('low voltage since morning in our street');
    await emulator.say('1234567890');
    const saved = (await emulator.say('yes')).join('\n');
    const ticket = /C[0-9]{4}-[0-9]{4,}/.exec(saved)?.[0];
    assert.ok(ticket, saved);
    return ticket;
}

/**
 * The after-repair photo through the console over HTTP (multipart, CSRF, magic bytes, size, scope), its public
 * expiring address, and the Emulator's "is it fixed?" carrying it as an attachment. SQLite, and PostgreSQL under
 * TEST_DATABASE=postgres.
 */
describe('after-repair photo: console upload, public address and the Emulator', function () {
    this.timeout(60_000);
    let world: PhotoWorld;
    let emulator: EmulatorClient;
    let je: ConsoleClient;
    let ticket: string;

    beforeEach(async () => {
        world = await PhotoWorld.create({ mediaMaxBytes: 100 * 1024 });
        emulator = new EmulatorClient(`${world.base}/api/messages`, 'en-US');
        await emulator.listen();
        ticket = await register(emulator);
        je = new ConsoleClient(world.base);
        await je.signIn('je.vibhutikhand', 'demo-je-1');
    });
    afterEach(async () => {
        await emulator.close();
        await world.close();
    });

    it('takes a photo with the resolution, shows it to officials in scope and sends it to the Emulator as an attachment', async () => {
        const before = emulator.records.length;
        const answer = await je.resolve(ticket, {
            csrf: await je.csrf(`/console/complaints/${ticket}`),
            note: 'fuse replaced',
            file: { bytes: PNG, name: 'IMG_20261120_consumer-house.png', type: 'image/png' },
        });
        assert.equal(answer.status, 303);
        assert.equal((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 1, files: 1 });
        // The name the browser sent is not kept anywhere.
        const { rows } = await world.bot.app.db.sql<Record<string, unknown>>('SELECT * FROM "repair_photos"');
        assert.ok(!JSON.stringify(rows).includes('IMG_2026'), 'no browser file name in the row');

        const page = await je.get(`/console/complaints/${ticket}`);
        assert.match(flashOf(page.text) ?? '', /फ़ोटो के साथ हल के रूप में दर्ज/);
        const src = /<ul class="photos" id="repair-photos"><li><a href="([^"]+)"/.exec(page.text)?.[1];
        assert.ok(src, 'the complaint page shows the photo');
        const image = await je.get(src);
        assert.equal(image.status, 200);
        assert.equal(image.headers.get('content-type'), 'image/png');
        assert.deepEqual(image.bytes, PNG);
        // Another subdivision's JE does not see it (404, as for the complaint).
        const other = new ConsoleClient(world.base);
        await other.signIn('je.virajkhand', 'demo-je-4');
        assert.equal((await other.get(src)).status, 404);

        const proactive = emulator.records.slice(before).map((r) => r.body);
        const photo = proactive.find((b) => attachmentsOf(b).length > 0);
        assert.ok(photo, JSON.stringify(proactive));
        assert.equal(attachmentsOf(photo)[0].contentType, 'image/png');
        assert.match(photo.text ?? '', new RegExp(`Photo of the repair for complaint ${ticket}`));
        const url = String(attachmentsOf(photo)[0].contentUrl);
        assert.match(url, /^https:\/\/bot\.example\.in\/photos\/[A-Za-z0-9_-]{43}$/);
        assert.ok(!url.includes(ticket) && !url.includes('1234567890'), 'nothing of the complaint or account in the address');
        const question = proactive.findIndex((b) => /Is the problem really solved\?/.test(b.text ?? ''));
        assert.ok(question > proactive.indexOf(photo), 'the photo comes before "is it fixed?"');
    });

    it('serves the public address with the security headers, and 404s for a guessed token and after expiry', async () => {
        const before = emulator.records.length;
        await je.resolve(ticket, {
            csrf: await je.csrf(`/console/complaints/${ticket}`),
            note: 'fuse replaced',
            file: { bytes: PNG, name: 'a.png', type: 'image/png' },
        });
        const reply = emulator.records.slice(before).find((r) => attachmentsOf(r.body).length > 0);
        assert.ok(reply, 'the Emulator got the photo');
        const url = attachmentsOf(reply.body)[0].contentUrl;
        const served = await fetch(world.local(url));
        assert.equal(served.status, 200);
        assert.equal(served.headers.get('content-type'), 'image/png');
        assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG);
        assert.equal(served.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(served.headers.get('cache-control'), 'no-store');
        assert.equal(served.headers.get('referrer-policy'), 'no-referrer');
        assert.match(served.headers.get('content-security-policy') ?? '', /default-src 'self'/);
        assert.equal(served.headers.get('cross-origin-resource-policy'), 'cross-origin');
        assert.equal(served.headers.get('x-frame-options'), 'DENY');

        assert.equal((await fetch(`${world.base}/photos/${randomBytes(32).toString('base64url')}`)).status, 404, 'a guessed token');
        assert.equal((await fetch(`${world.base}/photos/..%2F..%2Fetc`)).status, 404, 'not a token');
        world.clock.advance(23.9);
        assert.equal((await fetch(world.local(url))).status, 200, 'still within REPAIR_PHOTO_LINK_HOURS');
        world.clock.advance(0.2);
        assert.equal((await fetch(world.local(url))).status, 404, 'expired');
    });

    it('refuses a file that is not a picture, whatever its name and declared type, and keeps nothing', async () => {
        const fake = Buffer.from('<html><script>alert(1)</script></html>');
        const answer = await je.resolve(ticket, {
            csrf: await je.csrf(`/console/complaints/${ticket}`),
            note: 'fuse replaced',
            file: { bytes: fake, name: 'repair.jpg', type: 'image/jpeg' },
        });
        assert.equal(answer.status, 303);
        const page = await je.get(`/console/complaints/${ticket}`);
        assert.match(flashOf(page.text) ?? '', /JPEG, PNG या WebP तस्वीर नहीं है/);
        assert.notEqual((await world.reload(ticket)).status, 'resolved', 'the resolution waits for a good photo');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
    });

    it('refuses a photo over MEDIA_MAX_BYTES and keeps nothing', async () => {
        const big = Buffer.concat([PNG, Buffer.alloc(150 * 1024)]);
        const answer = await je.resolve(ticket, {
            csrf: await je.csrf(`/console/complaints/${ticket}`),
            note: 'fuse replaced',
            file: { bytes: big, name: 'big.png', type: 'image/png' },
        });
        assert.equal(answer.status, 303);
        const page = await je.get(`/console/complaints/${ticket}`);
        assert.match(flashOf(page.text) ?? '', /0\.1 MB से बड़ी है/);
        assert.notEqual((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
    });

    it('refuses a multipart resolve without the CSRF token, with a wrong one, or without a session, before the photo is kept', async () => {
        const file = { bytes: PNG, name: 'a.png', type: 'image/png' };
        assert.equal((await je.resolve(ticket, { note: 'fuse replaced', file })).status, 403);
        assert.equal((await je.resolve(ticket, { csrf: randomBytes(24).toString('base64url'), note: 'fuse replaced', file })).status, 403);
        const stranger = new ConsoleClient(world.base);
        const anonymous = await stranger.resolve(ticket, { csrf: 'x', note: 'fuse replaced', file });
        assert.equal(anonymous.status, 303);
        assert.match(anonymous.location ?? '', /\/console\/sign-in/);
        assert.notEqual((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
    });

    it('reads no photo sent before the CSRF token (the token must come first, as the form sends it), and resolves nothing', async () => {
        const form = new FormData();
        form.append('note', 'fuse replaced');
        form.append('photo', new Blob([PNG], { type: 'image/png' }), 'a.png');
        form.append('_csrf', await je.csrf(`/console/complaints/${ticket}`));
        assert.equal((await je.send(`/console/complaints/${ticket}/resolve`, form)).status, 303);
        assert.match(flashOf((await je.get(`/console/complaints/${ticket}`)).text) ?? '', /फ़ोटो पढ़ी नहीं जा सकी/);
        assert.notEqual((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
    });

    it("refuses the photo on another JE's complaint (404) and keeps nothing", async () => {
        const other = new ConsoleClient(world.base);
        await other.signIn('je.virajkhand', 'demo-je-4');
        const answer = await other.resolve(ticket, { csrf: await other.csrf(), note: 'fuse replaced', file: { bytes: PNG, name: 'a.png', type: 'image/png' } });
        assert.equal(answer.status, 404);
        assert.notEqual((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
    });

    it('resolves without a photo as before (an empty file input), and the consumer gets no picture', async () => {
        const before = emulator.records.length;
        const answer = await je.resolve(ticket, {
            csrf: await je.csrf(`/console/complaints/${ticket}`),
            note: 'fuse replaced',
            file: { bytes: Buffer.alloc(0), name: '', type: 'application/octet-stream' },
        });
        assert.equal(answer.status, 303);
        assert.equal((await world.reload(ticket)).status, 'resolved');
        assert.deepEqual(await world.stored(), { rows: 0, files: 0 });
        const proactive = emulator.records.slice(before).map((r) => r.body);
        assert.ok(proactive.some((b) => /Is the problem really solved\?/.test(b.text ?? '')));
        assert.ok(!proactive.some((b) => attachmentsOf(b).length > 0 || /Photo of the repair/.test(b.text ?? '')));
    });
});

describe('after-repair photo without PUBLIC_BASE_URL', function () {
    this.timeout(60_000);

    it('keeps the photo for the console, and the consumer is asked without it and without a word about it', async () => {
        const world = await PhotoWorld.create({ publicBaseUrl: '' });
        const emulator = new EmulatorClient(`${world.base}/api/messages`, 'en-US');
        await emulator.listen();
        try {
            const ticket = await register(emulator);
            const je = new ConsoleClient(world.base);
            await je.signIn('je.vibhutikhand', 'demo-je-1');
            const before = emulator.records.length;
            const answer = await je.resolve(ticket, {
                csrf: await je.csrf(`/console/complaints/${ticket}`),
                note: 'fuse replaced',
                file: { bytes: PNG, name: 'a.png', type: 'image/png' },
            });
            assert.equal(answer.status, 303);
            assert.deepEqual(await world.stored(), { rows: 1, files: 1 });
            assert.match((await je.get(`/console/complaints/${ticket}`)).text, /id="repair-photos"/);
            const proactive = emulator.records.slice(before).map((r) => r.body);
            assert.ok(proactive.some((b) => /Is the problem really solved\?/.test(b.text ?? '')));
            assert.ok(!proactive.some((b) => attachmentsOf(b).length > 0 || /photo/i.test(b.text ?? '')), JSON.stringify(proactive));
        } finally {
            await emulator.close();
            await world.close();
        }
    });
});
