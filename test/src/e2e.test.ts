import { strict as assert } from 'assert';
import { createEmulatorAdapter } from '../../adapters/emulator/createEmulatorAdapter';
import { Complaint } from '../../src/data/entities/Complaint';
import { BotServer, startServer } from '../../src/server';
import { EmulatorClient } from '../support/EmulatorClient';
import { TestBot, testConfig } from '../support/TestBot';

describe('end to end over HTTP, as the Bot Framework Emulator does', () => {
    let bot: TestBot;
    let server: BotServer;
    let url: string;

    before(async () => {
        bot = await TestBot.create();
        server = await startServer(bot.app, bot.app.prepareAdapter(createEmulatorAdapter(testConfig())), 0);
        url = `http://127.0.0.1:${server.port}`;
    });
    after(async () => {
        await server?.close();
        await bot?.close();
    });

    it('answers /healthz', async () => {
        const response = await fetch(`${url}/healthz`);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { status: 'ok' });
    });

    it('serves a page at / that says what is running and links to the console and the health checks', async () => {
        const response = await fetch(`${url}/`);
        assert.equal(response.status, 200);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
        const page = await response.text();
        assert.match(page, /bot server is running/);
        for (const link of ['/console', '/healthz', '/readyz', '/metrics']) assert.match(page, new RegExp(`href="${link}"`));
        assert.match(page, /none configured/, 'no channel is on in this test');
        assert.match(page, /README\.md/);
    });

    it("sends the security headers on every answer, not only the console's, and does not say what serves it", async () => {
        for (const path of ['/', '/healthz', '/no-such-page']) {
            const response = await fetch(`${url}${path}`);
            // (Express's own 404 page narrows the policy further, to default-src 'none'.)
            assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'none'|^default-src 'none'$/, path);
            assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
            assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
            assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
            assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/, path);
            assert.equal(response.headers.get('x-powered-by'), null, path);
        }
    });

    it('welcomes, registers a complaint in Hindi and reports its status', async () => {
        const emulator = new EmulatorClient(`${url}/api/messages`, 'hi-IN');
        await emulator.listen();
        try {
            const welcome = await emulator.start();
            assert.ok(
                welcome.some((r) => /भाषा चुनें/.test(r.body.text ?? '')),
                'bilingual welcome'
            );
            const buttons = welcome.flatMap((r) => r.body.suggestedActions?.actions ?? []).map((a) => a.title);
            assert.deepEqual(buttons, ['हिंदी', 'English'], 'language buttons as suggested actions on the emulator channel');

            assert.match((await emulator.say('हिंदी')).join('\n'), /आप क्या करना चाहेंगे/);
            assert.match((await emulator.say('कल रात से बिजली नहीं आ रही है पूरे मोहल्ले में')).join('\n'), /खाता नंबर/);
            assert.match((await emulator.say('१२३४५६७८९०')).join('\n'), /क्या मैं इसे दर्ज कर दूँ/);
            const saved = (await emulator.say('हाँ')).join('\n');
            const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)?.[0];
            assert.ok(ticket, saved);

            const rows = await bot.dataSource.getRepository(Complaint).findBy({ ticket });
            assert.equal(rows.length, 1);
            assert.equal(rows[0].channel, 'emulator');
            assert.equal(rows[0].category, 'no_supply');

            const status = (await emulator.say(`status ${ticket}`)).join('\n');
            assert.match(status, new RegExp(`शिकायत ${ticket}`));
            assert.match(status, /स्थिति: अवर अभियंता \(JE\) को सौंपी गई/);
            assert.ok(emulator.records.every((r) => r.conversationId === emulator.conversationId));
            assert.ok(
                emulator.records.every((r) => r.body.type === 'message' && r.body.text),
                'every reply is a non-empty message'
            );
        } finally {
            await emulator.close();
        }
    });

    it('rejects malformed bodies with 400 and does not crash', async () => {
        const emulator = new EmulatorClient(`${url}/api/messages`);
        assert.equal(await emulator.postRaw('{not json'), 400);
        assert.equal(await emulator.postRaw('[1,2,3]'), 400);
        assert.equal(await emulator.postRaw('{"text":"no type"}'), 400);
        assert.equal(await emulator.postRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) })), 413);
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200);
    });

    it('sends the consumer "is it fixed?" proactively when an official resolves the complaint, and takes the answer', async () => {
        const emulator = new EmulatorClient(`${url}/api/messages`, 'en-US');
        await emulator.listen();
        try {
            await emulator.start();
            await emulator.say('English');
            // Another fault than the first test's outage on this account, which would join that open complaint.
            await emulator.say('low voltage since morning in our street');
            await emulator.say('1234567890');
            const saved = (await emulator.say('yes')).join('\n');
            const ticket = saved.match(/C[0-9]{4}-[0-9]{4,}/)![0];
            const complaint = await bot.dataSource.getRepository(Complaint).findOneByOrFail({ ticket });
            const before = emulator.records.length;
            await bot.app.lifecycle.resolve(complaint.id, complaint.assignedOfficialId!, 'fuse replaced');
            const proactive = emulator.records.slice(before);
            assert.ok(
                proactive.some((r) => /Is the problem really solved\?/.test(r.body.text ?? '')),
                JSON.stringify(proactive.map((r) => r.body.text))
            );
            assert.match((await emulator.say('no')).join('\n'), /reopened/);
            assert.equal((await bot.dataSource.getRepository(Complaint).findOneByOrFail({ id: complaint.id })).status, 'reopened');
        } finally {
            await emulator.close();
        }
    });
});
