import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { runConverse } from '../../../src/cli/converse';
import { parseConversationScripts } from '../../../src/converse/ConversationScript';
import { evaluateConversations, formatConversationEvaluation } from '../../../src/converse/evaluateConversations';
import { PACKAGE_ROOT } from '../../../src/paths';

const SETS = path.join(PACKAGE_ROOT, 'test', 'conversations');

/**
 * Floors for whole-conversation success per set and language, a few points below the figures of the final code
 * (README, "Conversations"), so that a real regression fails the suite. Each set was measured once, blind, before
 * it was used for tuning; the blind figures are in the README.
 */
const FLOORS: Record<string, Record<string, number>> = {
    a: { en: 0.95, hi: 0.95, 'hi-Latn': 0.95 },
    b: { en: 0.95, hi: 0.97, 'hi-Latn': 0.92 },
    c: { en: 0.92, hi: 0.93, 'hi-Latn': 0.93 },
    d: { en: 0.95, hi: 0.95, 'hi-Latn': 0.9 },
    e: { en: 0.93, hi: 0.92, 'hi-Latn': 0.9 },
    f: { en: 0.95, hi: 0.97, 'hi-Latn': 0.95 },
    g: { en: 0.93, hi: 0.9, 'hi-Latn': 0.9 },
    h: { en: 0.93, hi: 0.92, 'hi-Latn': 0.85 },
    i: { en: 0.93, hi: 0.9, 'hi-Latn': 0.85 },
    j: { en: 0.95, hi: 0.93, 'hi-Latn': 0.95 },
    // Blind, measured once on 7842416 (tuned on J): 87.2 % (en 81.7, hi 90.0, hi-Latn 90.0); these floors are after tuning on it.
    k: { en: 0.95, hi: 0.95, 'hi-Latn': 0.93 },
    // Blind, measured once on fa68c22 (tuned on J, K): 87.8 % (en 93.3, hi 86.7, hi-Latn 83.3); floors after tuning on it.
    l: { en: 0.97, hi: 0.95, 'hi-Latn': 0.95 },
    // Blind, measured once on ad59131 (tuned on J–L): 86.1 % (en 85.0, hi 86.7, hi-Latn 86.7); floors after tuning on it.
    m: { en: 0.93, hi: 0.93, 'hi-Latn': 0.92 },
    // Blind, measured once on 6557d37 (tuned on J–M): 91.1 % (en 95.0, hi 85.0, hi-Latn 93.3); floors after a little tuning on it.
    n: { en: 0.95, hi: 0.9, 'hi-Latn': 0.92 },
    // Blind, both measured once on 3bac695 (tuned on J–N): O 93.9 % (en 96.7, hi 93.3, hi-Latn 91.7), P 92.8 % (en 91.7,
    // hi 93.3, hi-Latn 93.3); floors after a little tuning on them.
    o: { en: 0.95, hi: 0.95, 'hi-Latn': 0.95 },
    p: { en: 0.93, hi: 0.95, 'hi-Latn': 0.97 },
    // After the complaint (confirming a fix, claims, call-back status, mobile update). Blind, measured once on d7e2995
    // once every part was built: 58.3 % (en 61.7, hi 58.3, hi-Latn 55.0); floors after tuning on it (85.6 %).
    q: { en: 0.88, hi: 0.8, 'hi-Latn': 0.78 },
    // Outages and planned shutdowns. Blind, measured once on 7661237 once every part was built: 42.0 % (en 40.0, hi 48.0,
    // hi-Latn 38.0); floors after tuning on it (76.7 %; the restoration-time check was also corrected, see the README).
    r: { en: 0.78, hi: 0.76, 'hi-Latn': 0.64 },
};

function capture(): { stream: Writable; text: () => string } {
    const chunks: string[] = [];
    return {
        stream: new Writable({
            write(chunk, _enc, done) {
                chunks.push(String(chunk));
                done();
            },
        }),
        text: () => chunks.join(''),
    };
}

function tempFile(content: string): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'converse-')), 'set.jsonl');
    fs.writeFileSync(file, content);
    return file;
}

describe('converse evaluate: whole scripted conversations against the real dialogs', function () {
    this.timeout(120_000);

    for (const set of Object.keys(FLOORS)) {
        it(`blind set ${set.toUpperCase()} stays at or above its measured success per language and never loses or discloses anything`, async () => {
            const scripts = ['en', 'hi', 'hl'].flatMap((lang) => {
                const parsed = parseConversationScripts(fs.readFileSync(path.join(SETS, `blind-${set}-${lang}.jsonl`), 'utf8'));
                assert.deepEqual(parsed.errors, [], `blind-${set}-${lang}.jsonl reads cleanly`);
                return parsed.scripts;
            });
            assert.ok(scripts.length >= 150, `${scripts.length} conversations`);
            const result = await evaluateConversations(scripts);
            for (const [lang, floor] of Object.entries(FLOORS[set])) {
                const rate = result.byLanguage[lang];
                assert.ok(rate && rate.rate >= floor, `${lang}: ${rate?.succeeded}/${rate?.total} succeeded, floor ${floor}`);
            }
            assert.equal(result.byFailureClass.lost ?? 0, 0, 'no conversation lost what the consumer confirmed');
            assert.equal(result.byFailureClass.disclosure ?? 0, 0, 'nothing disclosed to an unverified user');
            assert.equal(result.byFailureClass.error ?? 0, 0, 'no turn failed');
        });
    }

    it('plays outages (a known fault, "kab aayegi light?", the repair) from examples-outage.jsonl at or above its floor', async () => {
        const parsed = parseConversationScripts(fs.readFileSync(path.join(SETS, 'examples-outage.jsonl'), 'utf8'));
        assert.deepEqual(parsed.errors, []);
        assert.ok(parsed.scripts.length >= 12, `${parsed.scripts.length} conversations`);
        const result = await evaluateConversations(parsed.scripts);
        // Written with the feature (not blind): every one succeeds on the final code; a point of slack for wording.
        assert.ok(result.overall.rate >= 0.9, formatConversationEvaluation(result, true));
        for (const topic of ['outage_report', 'outage_eta', 'outage_restored']) assert.ok(result.byTopic[topic]?.total, `covers ${topic}`);
        assert.equal(result.byFailureClass.disclosure ?? 0, 0, 'nothing disclosed to an unverified user');
        assert.equal(result.byFailureClass.error ?? 0, 0, 'no turn failed');
    });

    it('checks the outage expectations: a wrong "incident", "notify" or "restored" fails with the reason', async () => {
        const lucknow = { account: '1234567890', reports: 3, minutesAgo: 20 };
        const lines = [
            // Fails: asked, not reported: nothing is joined to the incident.
            {
                id: 'o1',
                topic: 'outage_eta',
                given: { incident: lucknow },
                say: ['when will power come back?'],
                answers: { account: '1234567890', yesno: 'no' },
                expect: { incident: 'attached' },
            },
            // Fails: the user said no to the message when power is back.
            {
                id: 'o2',
                topic: 'outage_eta',
                given: { incident: lucknow },
                say: ['when will power come back?'],
                answers: { account: '1234567890', yesno: 'no' },
                expect: { notify: true },
            },
            // Fails: the user said the power is back.
            {
                id: 'o3',
                topic: 'outage_restored',
                given: { incident: { ...lucknow, reported: true, state: 'restored' } },
                say: ['yes'],
                expect: { restored: 'reopened' },
            },
            // Fails: the follow-up's reply names no incident (a greeting).
            { id: 'o4', topic: 'outage_eta', given: { incident: lucknow }, say: ['hello'], then: [{ say: 'thanks', expect: ['incident'] }], expect: {} },
        ].map((script) => JSON.stringify({ lang: 'en', answers: {}, ...script }));
        const { scripts, errors } = parseConversationScripts(lines.join('\n'));
        assert.deepEqual(errors, []);
        const result = await evaluateConversations(scripts);
        const byId = new Map(result.outcomes.map((o) => [o.id, o]));
        for (const [id, detail] of [
            ['o1', /0 complaints, 0 joined to I[0-9]{4}-[0-9]{4}; expected exactly one, joined/],
            ['o2', /told when power is back: false/],
            ['o3', /is closed \(was resolved\), expected reopened/],
            ['o4', /the incident's reference is not in the reply/],
        ] as const) {
            const failures = byId.get(id)!.failures;
            assert.ok(
                failures.some((f) => detail.test(f.detail)),
                `${id}: ${JSON.stringify(failures)}`
            );
        }
        // The repair's question is the first thing the user sees, naming the fault.
        assert.match(byId.get('o3')!.transcript[0].text, /Power should be back after the repair of fault I[0-9]{4}-[0-9]{4}/);
    });

    it('fails a conversation whose outcome is not reached, names the class, and keeps the transcript', async () => {
        const { scripts } = parseConversationScripts(
            [
                // Expects a bill, but the user never proves who they are: the bill must not be shown, so this fails.
                JSON.stringify({
                    id: 'x1',
                    lang: 'en',
                    topic: 'bill',
                    say: ['my bill please'],
                    answers: { account: '1234567890', code: 'no idea' },
                    expect: { bill: 'shown' },
                }),
                // A complaint the bot asks an account for, from a user who has no answer to that question.
                JSON.stringify({
                    id: 'x2',
                    lang: 'hi-Latn',
                    topic: 'complaint',
                    say: ['bijli nahi aa rahi'],
                    answers: {},
                    expect: { complaint: { category: 'no_supply' } },
                }),
                // Succeeds: the complaint registered, in Hindi, with the due time repeated on "kab tak".
                JSON.stringify({
                    id: 'x3',
                    lang: 'hi-Latn',
                    topic: 'complaint',
                    say: ['bijli nahi aa rahi'],
                    answers: { account: '1234567890', confirm: 'ha ji' },
                    then: [{ say: 'kab tak theek hoga', expect: ['dueTime'] }],
                    expect: { complaint: { category: 'no_supply', account: '1234567890' } },
                }),
            ].join('\n')
        );
        const result = await evaluateConversations(scripts);
        const [billy, silent, fine] = result.outcomes;
        assert.equal(billy.success, false);
        assert.ok(
            billy.failures.some((f) => f.class === 'outcome' && /bill was not shown/.test(f.detail)),
            JSON.stringify(billy.failures)
        );
        assert.equal(silent.success, false);
        assert.ok(
            silent.failures.some((f) => f.class === 'unexpectedQuestion' && /account/.test(f.detail)),
            JSON.stringify(silent.failures)
        );
        assert.equal(fine.success, true, JSON.stringify(fine.failures));
        assert.ok(fine.transcript.some((l) => l.from === 'bot' && l.asks === 'account'));
        assert.deepEqual(result.byLanguage.en, { total: 1, succeeded: 0, rate: 0 });
        assert.deepEqual(result.byLanguage['hi-Latn'], { total: 2, succeeded: 1, rate: 0.5 });
    });

    it('plays the state after a complaint (resolved, fixed late, a call back) and checks what became of it', async () => {
        const lucknow = { account: '1234567890', category: 'no_supply' };
        const lines = [
            { id: 'q1', topic: 'confirm_fix', given: { complaint: { ...lucknow, state: 'resolved' } }, say: ['yes'], expect: { fix: 'confirmed' } },
            { id: 'q2', topic: 'confirm_fix', given: { complaint: { ...lucknow, state: 'resolved' } }, say: ['no'], expect: { fix: 'reopened' } },
            // Fails: the user says no, the script expects a confirmation.
            { id: 'q3', topic: 'confirm_fix', given: { complaint: { ...lucknow, state: 'resolved' } }, say: ['no'], expect: { fix: 'confirmed' } },
            {
                id: 'q4',
                topic: 'confirm_fix',
                given: { complaint: { account: null, contactMobile: '9876543210', category: 'line', state: 'resolved' } },
                say: ['yes it is fixed'],
                answers: { code: 'the code is {code}' },
                expect: { fix: 'confirmed' },
            },
            {
                id: 'q5',
                topic: 'claim',
                given: { complaint: { ...lucknow, category: 'transformer', state: 'fixedLate' } },
                say: ['claim {ticket}'],
                expect: { claim: 'made' },
            },
            // Fails: nothing was late, so no claim can be made.
            { id: 'q6', topic: 'claim', given: { complaint: { ...lucknow, category: 'transformer' } }, say: ['claim {ticket}'], expect: { claim: 'made' } },
            {
                id: 'q7',
                topic: 'callback_status',
                given: { callback: { account: '1234567890', hoursAgo: 1 } },
                say: ['status {reference}'],
                expect: { callbackStatus: true },
            },
            { id: 'q8', topic: 'callback_status', given: { callback: { account: '1234567890', called: true } }, say: ['no'], expect: { called: false } },
            // Fails: the user never asked about the call back, so its state was not shown.
            {
                id: 'q9',
                topic: 'callback_status',
                given: { callback: { account: '1234567890' } },
                say: ['thank you'],
                expect: { callbackStatus: true },
            },
        ].map((script) => JSON.stringify({ lang: 'en', answers: {}, ...script }));
        const { scripts, errors } = parseConversationScripts(lines.join('\n'));
        assert.deepEqual(errors, []);
        const result = await evaluateConversations(scripts);
        const byId = new Map(result.outcomes.map((o) => [o.id, o]));
        for (const id of ['q1', 'q2', 'q4', 'q5', 'q7', 'q8']) assert.equal(byId.get(id)!.success, true, `${id}: ${JSON.stringify(byId.get(id)!.failures)}`);
        for (const [id, detail] of [
            ['q3', /is reopened \(was resolved\), expected confirmed/],
            ['q6', /no claim was made/],
            ['q9', /state of R[0-9]{4}-[0-9]{4} was not shown/],
        ] as const) {
            const failures = byId.get(id)!.failures;
            assert.ok(
                failures.some((f) => f.class === 'outcome' && detail.test(f.detail)),
                `${id}: ${JSON.stringify(failures)}`
            );
        }
        // The question the given state leads to is the first thing the user sees.
        assert.match(byId.get('q1')!.transcript[0].text, /C[0-9]{4}-[0-9]{4}/);
        assert.equal(byId.get('q1')!.transcript[0].from, 'bot');
    });

    it('reports every bad line of a script file with its number and reason', () => {
        const { scripts, errors } = parseConversationScripts(
            [
                '{"id":"ok","lang":"hi","topic":"faq","say":"नया कनेक्शन कैसे लें","expect":{"faq":"new_connection"}}',
                'not json',
                '{"id":"ok","lang":"hi","topic":"faq","say":["x"]}',
                '{"id":"y","lang":"fr","topic":"faq","say":["x"]}',
                '{"id":"z","lang":"en","topic":"faq","say":["x"],"answers":{"pin":"1"}}',
                '{"id":"w","lang":"en","topic":"reading","say":["x"],"expect":{"reading":"6150"}}',
            ].join('\n')
        );
        assert.deepEqual(
            scripts.map((s) => s.id),
            ['ok', 'w']
        );
        assert.equal(scripts[1].expect.reading, 6150, 'a reading written as digits is that number');
        assert.deepEqual(
            errors.map((e) => e.line),
            [2, 3, 4, 5]
        );
        assert.match(errors[1].error, /used twice/);
        assert.match(errors[2].error, /"lang"/);
        assert.match(errors[3].error, /not a kind of question/);
    });

    it('reads the outage fields and rejects bad ones with the reason', () => {
        const { scripts, errors } = parseConversationScripts(
            [
                '{"id":"a","lang":"en","topic":"outage_restored","say":["yes"],"given":{"incident":{"account":"1234567890","reported":true,"state":"restored"}},"then":[{"say":"kab aayegi","expect":["incident","etr"]}],"expect":{"restored":"confirmed","notify":true,"incident":"attached"}}',
                '{"id":"b","lang":"en","topic":"shutdown","say":["x"],"given":{"shutdown":{"account":"1234567890","startsInHours":-1,"hours":4}},"then":[{"say":"y","expect":["shutdown"]}]}',
                '{"id":"c","lang":"en","topic":"outage_eta","say":["x"],"given":{"incident":{"reports":3}}}',
                '{"id":"d","lang":"en","topic":"outage_eta","say":["x"],"given":{"incident":{"account":"1234567890","state":"restored"}}}',
                '{"id":"e","lang":"en","topic":"outage_eta","say":["x"],"expect":{"incident":"joined"}}',
                '{"id":"f","lang":"en","topic":"shutdown","say":["x"],"given":{"shutdown":{"account":"1234567890"}}}',
            ].join('\n')
        );
        assert.deepEqual(
            scripts.map((s) => s.id),
            ['a', 'b']
        );
        assert.deepEqual(
            errors.map((e) => e.error),
            [
                '"given.incident" needs an "account"',
                '"given.incident.state": "restored" needs "reported": true',
                '"expect.incident" must be "attached" or "none"',
                '"given.shutdown" needs "account", "startsInHours" and "hours"',
            ]
        );
    });

    it('the command prints the report, or JSON, and exits 2 on bad usage and 1 on a bad line', async () => {
        const file = tempFile(
            [
                JSON.stringify({ id: 'c1', lang: 'en', topic: 'faq', say: ['how do I apply for a new connection'], expect: { faq: 'new_connection' } }),
                'oops',
            ].join('\n')
        );
        const out = capture();
        const err = capture();
        assert.equal(await runConverse(['evaluate', file], out.stream, err.stream), 1);
        assert.match(out.text(), /Conversations that succeeded: 100\.0 % \(1\/1\)/);
        assert.match(err.text(), /set\.jsonl:2: not JSON/);
        const json = capture();
        await runConverse(['evaluate', file, '--json'], json.stream, capture().stream);
        assert.equal(JSON.parse(json.text()).overall.succeeded, 1);
        assert.equal(await runConverse(['evaluate'], capture().stream, capture().stream), 2);
        assert.equal(await runConverse(['judge', file], capture().stream, capture().stream), 2);
        assert.equal(await runConverse(['evaluate', file, '--fast'], capture().stream, capture().stream), 2);
    });
});
