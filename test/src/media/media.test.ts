import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { Complaint } from '../../../src/data/entities/Complaint';
import { ApiStandIn, RecordedRequest, StandInResponse } from '../../support/ApiStandIn';
import { ChannelsTestServer } from '../../support/ChannelsTestServer';
import { metaHeaders, metaWireJson, whatsAppMessages } from '../../support/metaPayloads';
import { TestBot } from '../../support/TestBot';

const WA_SECRET = 'wa-secret';
const FB_SECRET = 'fb-secret';
const PHONE_ID = '106540352242922';
const PAGE_ID = '100200300';
/** A valid 1×1 PNG (what a browser can draw), and a photo-sized JPEG-looking file. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);

/**
 * The Graph API's media endpoints as strictly as the real ones: `GET /{media-id}` needs the access token and answers
 * an unknown id with Graph's error; the download link it gives needs the token too (Meta's lookaside host does).
 */
function serveWhatsAppMedia(api: ApiStandIn, files: Map<string, { bytes: Buffer; mimeType: string; cdn?: () => StandInResponse | null }>): void {
    const oauthError = { status: 401, body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'A1' } } };
    api.respondWith('GET', /^\/wa-cdn\/[A-Za-z0-9]+$/, (request) => {
        if (request.headers.authorization !== 'Bearer WA-TOKEN') return oauthError;
        const file = files.get(request.path.split('/').pop()!);
        if (!file) return { status: 404, body: 'Not Found' };
        return file.cdn?.() ?? { status: 200, body: file.bytes, headers: { 'content-type': file.mimeType } };
    });
    api.respondWith('GET', /^\/[0-9]{6,}$/, (request) => {
        if (request.headers.authorization !== 'Bearer WA-TOKEN') return oauthError;
        const id = request.path.slice(1);
        const file = files.get(id);
        if (!file) {
            return {
                status: 400,
                body: {
                    error: {
                        message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
                        type: 'GraphMethodException',
                        code: 100,
                        error_subcode: 33,
                        fbtrace_id: 'A2',
                    },
                },
            };
        }
        return {
            status: 200,
            body: {
                messaging_product: 'whatsapp',
                url: `${api.url}/wa-cdn/${id}`,
                mime_type: file.mimeType,
                sha256: createHash('sha256').update(file.bytes).digest('hex'),
                file_size: String(file.bytes.length),
                id,
            },
        };
    });
}

describe('photos users send: downloaded at receipt, kept, and shown to officials', function () {
    this.timeout(60_000);
    let harness: ChannelsTestServer;
    let bot: TestBot;
    let api: ApiStandIn;
    const files = new Map<string, { bytes: Buffer; mimeType: string; cdn?: () => StandInResponse | null }>();
    let sequence = 0;

    before(async () => {
        harness = await ChannelsTestServer.start({
            whatsapp: { appSecret: WA_SECRET, phoneNumberId: PHONE_ID },
            facebook: { appSecret: FB_SECRET },
            twitter: { consumerSecret: 'x', userId: '3000000001' },
        });
        ({ bot, api } = harness);
        serveWhatsAppMedia(api, files);
        api.respondWith('GET', /^\/fb-cdn\/[a-z0-9]+\.png$/, () => ({ status: 200, body: PNG, headers: { 'content-type': 'image/png' } }));
    });
    after(async () => {
        await harness?.close();
    });

    async function whatsApp(waId: string, message: Record<string, unknown>): Promise<void> {
        const raw = metaWireJson(whatsAppMessages(PHONE_ID, [{ waId, message: { id: `wamid.media${++sequence}`, ...message } }]));
        const response = await fetch(`${harness.url}/webhooks/whatsapp`, { method: 'POST', headers: metaHeaders(raw, WA_SECRET), body: raw });
        assert.equal(response.status, 200);
        await harness.idle();
    }
    const image = (id: string, caption?: string) => ({
        type: 'image',
        image: { id, mime_type: 'image/jpeg', sha256: 'ignored', ...(caption ? { caption } : {}) },
    });
    const mediaRow = async (reference: string) =>
        (await bot.dataSource.query('SELECT "status", "error", "attempts", "contentType", "size" FROM "media" WHERE "sourceUrl" = ?', [reference]))[0] as
            { status: string; error: string | null; attempts: number; contentType: string; size: number } | undefined;
    /** Signs an official in to the console of the harness's server; returns a GET with their session. */
    async function signedIn(username: string, password: string): Promise<(path: string) => Promise<Response>> {
        const cookies = new Map<string, string>();
        const keep = (response: Response) => {
            for (const line of response.headers.getSetCookie()) {
                const [pair] = line.split(';');
                const eq = pair.indexOf('=');
                cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
            }
            return response;
        };
        const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const form = await keep(await fetch(`${harness.url}/console/sign-in`)).text();
        const csrf = /name="_csrf" value="([^"]+)"/.exec(form)![1];
        const answer = keep(
            await fetch(`${harness.url}/console/sign-in`, {
                method: 'POST',
                redirect: 'manual',
                headers: { cookie: header(), 'content-type': 'application/x-www-form-urlencoded' },
                body: new URLSearchParams({ _csrf: csrf, username, password, next: '/console' }).toString(),
            })
        );
        assert.equal(answer.status, 303, `sign-in of ${username}`);
        return (path) => fetch(`${harness.url}${path}`, { redirect: 'manual', headers: { cookie: header() } });
    }
    const mediaRequests = (id: string) => api.requests.filter((r) => r.path === `/${id}` || r.path === `/wa-cdn/${id}`);

    it('keeps the photo of a WhatsApp complaint: fetched with the token, checked against its SHA-256, attached to the complaint', async () => {
        files.set('700000000001', { bytes: PNG, mimeType: 'image/png' });
        const user = '919812300001';
        await whatsApp(user, { type: 'text', text: { body: 'subah se bijli nahi hai, poori gali me' } });
        await whatsApp(user, { type: 'text', text: { body: '1234567890' } });
        await whatsApp(user, image('700000000001'));
        await bot.app.media.idle();
        await whatsApp(user, { type: 'text', text: { body: 'haan' } });
        const complaint = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ channelUserId: user });
        assert.deepEqual(JSON.parse(complaint.attachments!), ['whatsapp-media:700000000001'], 'attached to the complaint');
        const row = await mediaRow('whatsapp-media:700000000001');
        assert.deepEqual({ ...row }, { status: 'stored', error: null, attempts: 1, contentType: 'image/png', size: PNG.length });
        const [info, download] = mediaRequests('700000000001');
        assert.equal(info.headers.authorization, 'Bearer WA-TOKEN');
        assert.equal(download.headers.authorization, 'Bearer WA-TOKEN', "Meta's download link needs the token too");
        const stored = await bot.app.media.read('whatsapp', 'whatsapp-media:700000000001');
        assert.ok(stored && stored.bytes.equals(PNG));
    });

    it("shows the photo in the officials' console to the complaint's JE, and to no official outside its area", async () => {
        const complaint = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ channelUserId: '919812300001' });
        const je = await signedIn('je.vibhutikhand', 'demo-je-1');
        const page = await je(`/console/complaints/${complaint.ticket}`);
        assert.equal(page.status, 200);
        const html = await page.text();
        const src = `/console/complaints/${complaint.ticket}/photos/0`;
        assert.ok(html.includes(`<img src="${src}"`), 'the detail page shows the photo');
        const photo = await je(src);
        assert.equal(photo.status, 200);
        assert.equal(photo.headers.get('content-type'), 'image/png', 'the type the bytes showed');
        assert.equal(photo.headers.get('x-content-type-options'), 'nosniff');
        assert.ok(Buffer.from(await photo.arrayBuffer()).equals(PNG));
        assert.equal((await je(`/console/complaints/${complaint.ticket}/photos/1`)).status, 404);
        const elsewhere = await signedIn('je.rajatalab', 'demo-je-3');
        assert.equal((await elsewhere(src)).status, 404, 'as if the complaint did not exist');
        assert.equal((await fetch(`${harness.url}${src}`, { redirect: 'manual' })).status, 303, 'signed out: to the sign-in page');
    });

    it('answers the user before the photo has arrived: the download never holds the turn up', async () => {
        files.set('700000000002', { bytes: JPEG, mimeType: 'image/jpeg', cdn: () => ({ status: 200, body: JPEG, delayMs: 1500 }) });
        const before = api.requests.length;
        await whatsApp('919812300002', image('700000000002', 'taar toot kar gira hai'));
        // The bot's answer, not the read receipt that goes to the same endpoint.
        const reply = api.requests
            .slice(before)
            .find((r: RecordedRequest) => r.path.endsWith('/messages') && (r.body as { status?: string }).status !== 'read');
        assert.ok(reply, 'the turn answered');
        const download = await api.waitFor((r) => r.path === '/wa-cdn/700000000002');
        assert.ok(reply.receivedAt < download.receivedAt + 1500, 'the reply went out before the download finished');
        await bot.app.media.idle();
        assert.equal((await mediaRow('whatsapp-media:700000000002'))?.status, 'stored');
    });

    it('gives up, and says why, a photo over the size limit (without downloading it) and a file that is not an image', async () => {
        const big = Buffer.concat([JPEG, Buffer.alloc(bot.app.config.mediaMaxBytes)]);
        files.set('700000000003', { bytes: big, mimeType: 'image/jpeg' });
        files.set('700000000004', { bytes: Buffer.from('<html><script>alert(1)</script></html>'), mimeType: 'image/jpeg' });
        await whatsApp('919812300003', image('700000000003'));
        await whatsApp('919812300003', image('700000000004'));
        await bot.app.media.idle();
        assert.deepEqual(
            { ...(await mediaRow('whatsapp-media:700000000003')) },
            { status: 'failed', error: 'too_large', attempts: 1, contentType: null, size: null }
        );
        assert.deepEqual(
            mediaRequests('700000000003').map((r) => r.path),
            ['/700000000003'],
            'the size Graph reports is enough: the file is never fetched'
        );
        const declaredAsPhoto = await mediaRow('whatsapp-media:700000000004');
        assert.deepEqual([declaredAsPhoto?.status, declaredAsPhoto?.error], ['failed', 'not_image'], 'the bytes decide, not the declared type');
        const metrics = await bot.app.metrics.registry.getSingleMetricAsString('bijli_media_downloads_total');
        assert.match(metrics, /channel="whatsapp",result="failed",reason="too_large"\} 1/);
        assert.match(metrics, /channel="whatsapp",result="failed",reason="not_image"\} 1/);
    });

    it('tries a failed download again later (any instance, by the scheduler), and an unknown media id is not retried', async () => {
        let tries = 0;
        files.set('700000000005', { bytes: PNG, mimeType: 'image/png', cdn: () => (++tries === 1 ? { status: 503, body: 'busy' } : null) });
        await whatsApp('919812300005', image('700000000005'));
        await bot.app.media.idle();
        assert.deepEqual(
            [(await mediaRow('whatsapp-media:700000000005'))?.status, (await mediaRow('whatsapp-media:700000000005'))?.error],
            ['pending', 'unavailable']
        );
        assert.equal(await bot.app.media.fetchDue(), 0, 'not before its pause is over');
        await bot.dataSource.query('UPDATE "media" SET "nextAttemptAt" = 0 WHERE "sourceUrl" = ?', ['whatsapp-media:700000000005']);
        assert.equal(await bot.app.media.fetchDue(), 1);
        assert.deepEqual([(await mediaRow('whatsapp-media:700000000005'))?.status, (await mediaRow('whatsapp-media:700000000005'))?.attempts], ['stored', 2]);

        await whatsApp('919812300005', image('799999999999'));
        await bot.app.media.idle();
        const unknown = await mediaRow('whatsapp-media:799999999999');
        assert.deepEqual([unknown?.status, unknown?.error, unknown?.attempts], ['failed', 'not_found', 1]);
    });

    it('keeps a Messenger photo from its CDN link, which needs no token', async () => {
        const link = `${api.url}/fb-cdn/abc123.png`;
        const body = {
            object: 'page',
            entry: [
                {
                    id: PAGE_ID,
                    time: Date.now(),
                    messaging: [
                        {
                            sender: { id: 'psid-photo' },
                            recipient: { id: PAGE_ID },
                            timestamp: Date.now(),
                            message: { mid: `mid.photo${++sequence}`, attachments: [{ type: 'image', payload: { url: link } }] },
                        },
                    ],
                },
            ],
        };
        const raw = metaWireJson(body);
        assert.equal((await fetch(`${harness.url}/webhooks/facebook`, { method: 'POST', headers: metaHeaders(raw, FB_SECRET), body: raw })).status, 200);
        await harness.idle();
        await bot.app.media.idle();
        assert.equal((await mediaRow(link))?.status, 'stored');
        const stored = await bot.app.media.read('facebook', link);
        assert.ok(stored?.bytes.equals(PNG));
    });
});
