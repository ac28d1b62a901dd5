import { strict as assert } from 'assert';
import { WhatsAppSettings } from '../../adapters/whatsapp/whatsAppChannel';
import { CHANNELS } from '../../src/channels';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, loadConfig } from '../../src/config';
import { openDatabase } from '../../src/data/createDataSource';
import { Database } from '../../src/data/Database';
import { datasyncFile, FileSyncer } from '../../src/data/FileSyncer';
import { WalCheckpointer } from '../../src/data/WalCheckpointer';
import { Logger, maskNumbers } from '../../src/logger';
import { checkLocales } from '../../src/cli/localesCheck';
import { LOCALES_DIR } from '../../src/paths';
import { ComplaintCategories } from '../../src/services/ComplaintCategories';
import { Translator } from '../../src/i18n/Translator';
import { ReferenceNumbers } from '../../src/services/ReferenceNumbers';
import { freshPostgresSchema } from '../support/postgres';

describe('configuration', () => {
    it('has working defaults with an empty environment', () => {
        const config = loadConfig({}, null);
        assert.equal(config.port, 3978);
        assert.equal(config.databaseUrl, 'sqlite:./data/bijli-mitra.sqlite');
        assert.equal(config.smsSender, 'log');
        assert.equal(config.microsoftAppId, '');
    });

    it('names every bad variable at once', () => {
        try {
            loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMS_SENDER: 'http', OTP_TTL_SECONDS: '5' }, null);
            assert.fail('expected a ConfigError');
        } catch (error) {
            assert.ok(error instanceof ConfigError);
            const text = (error as ConfigError).message;
            for (const name of ['PORT', 'DATABASE_URL', 'SMS_HTTP_URL', 'OTP_TTL_SECONDS']) assert.match(text, new RegExp(name));
        }
    });

    it('times honest closure from its own variables, and refuses AUTO_CLOSE_HOURS, whose promise (silence closes) no longer holds', () => {
        const config = loadConfig({}, null);
        assert.deepEqual([config.confirmReminderHours, config.unconfirmedAfterHours, config.recheckHours], [24, 72, 24]);
        assert.throws(
            () => loadConfig({ AUTO_CLOSE_HOURS: '72' }, null),
            /AUTO_CLOSE_HOURS is no longer used: silence never closes a complaint\. Set UNCONFIRMED_AFTER_HOURS/
        );
        assert.throws(
            () => loadConfig({ CONFIRM_REMINDER_HOURS: '72', UNCONFIRMED_AFTER_HOURS: '48' }, null),
            /CONFIRM_REMINDER_HOURS \(72\) must be less than UNCONFIRMED_AFTER_HOURS \(48\)/
        );
    });

    it('reads the re-contact share and delay, and names a share that is not between 0 and 1', () => {
        const config = loadConfig({}, null);
        assert.deepEqual([config.recontactShare, config.recontactAfterDays], [0.1, 3]);
        assert.deepEqual([loadConfig({ RECONTACT_SHARE: '0.25', RECONTACT_AFTER_DAYS: '7' }, null).recontactShare], [0.25]);
        assert.equal(loadConfig({ RECONTACT_SHARE: '0' }, null).recontactShare, 0, 'zero turns the re-contact off');
        for (const bad of ['1.5', '-0.1', '10%', 'abc']) {
            assert.throws(() => loadConfig({ RECONTACT_SHARE: bad }, null), /RECONTACT_SHARE must be a share from 0 to 1/, bad);
        }
        assert.throws(() => loadConfig({ RECONTACT_AFTER_DAYS: '0' }, null), /RECONTACT_AFTER_DAYS must be a whole number from 1 to 60/);
    });

    it('turns a channel on only when all its secrets are set, and names what is missing', () => {
        const sms = { SMS_SENDER: 'http', SMS_HTTP_URL: 'https://sms.example/send' };
        const on = loadConfig(
            { WHATSAPP_APP_SECRET: 's', WHATSAPP_VERIFY_TOKEN: 'v', WHATSAPP_ACCESS_TOKEN: 't', WHATSAPP_PHONE_NUMBER_ID: '1', ...sms },
            null
        );
        assert.equal((on.channels.whatsapp as WhatsAppSettings | undefined)?.apiUrl, 'https://graph.facebook.com/v25.0');
        assert.deepEqual(Object.keys(on.channels), ['whatsapp'], 'Messenger and X stay off');
        assert.throws(
            () => loadConfig({ TWITTER_CONSUMER_SECRET: 's', ...sms }, null),
            /X \(Twitter\) is half configured: set TWITTER_USER_ID, TWITTER_CLIENT_ID, TWITTER_REFRESH_TOKEN/
        );
    });

    it('reads a .env file, with the real environment taking precedence', () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bm-env-')), '.env');
        fs.writeFileSync(file, 'PORT=4000\nLOG_LEVEL=debug\n');
        const config = loadConfig({ PORT: '5000' }, file);
        assert.equal(config.port, 5000);
        assert.equal(config.logLevel, 'debug');
    });

    it('documents every variable it reads in .env.example', () => {
        const example = fs.readFileSync(path.join(LOCALES_DIR, '..', '.env.example'), 'utf8');
        // The core's variables, and each registered channel's (read by its descriptor in adapters/<channel>/).
        const root = path.join(LOCALES_DIR, '..');
        const channelFiles = fs
            .readdirSync(path.join(root, 'adapters'))
            .flatMap((dir) =>
                fs.statSync(path.join(root, 'adapters', dir)).isDirectory()
                    ? fs.readdirSync(path.join(root, 'adapters', dir)).map((f) => path.join('adapters', dir, f))
                    : []
            )
            .filter((file) => /Channel\.ts$/.test(file) && !/ChannelDescriptor/.test(file));
        assert.equal(channelFiles.length, CHANNELS.length, `one descriptor file per registered channel: ${channelFiles.join(', ')}`);
        const source = [path.join('src', 'config.ts'), ...channelFiles].map((file) => fs.readFileSync(path.join(root, file), 'utf8')).join('\n');
        const names = [
            ...source.matchAll(/(?:str|int|oneOf|url|text|integer)\('([A-Za-z_]+)'/g),
            ...CHANNELS.flatMap((c) => c.secretNames.map((name) => [name, name])),
        ].map((m) => m[1]);
        assert.ok(names.length >= 10);
        for (const name of names) assert.match(example, new RegExp(`^#?\\s*${name}=`, 'm'), `${name} missing from .env.example`);
    });
});

describe('logging', () => {
    it('masks account and mobile numbers in every form, keeping the last three digits', () => {
        assert.equal(maskNumbers('account 1234567890'), 'account *******890');
        assert.equal(maskNumbers('call +91 98765 43210 now'), 'call *********210 now');
        assert.equal(maskNumbers('खाता १२३४५६७८९०'), 'खाता *******८९०');
        assert.equal(maskNumbers('ticket C2611-0042 on 2026-11-26'), 'ticket C2611-0042 on 2026-11-26');
    });

    it('writes JSON lines with no unmasked number anywhere, errors included', () => {
        const lines: string[] = [];
        const logger = new Logger('info', (l) => lines.push(l)).child({ user: '9876543210' });
        logger.debug('hidden');
        logger.info('lookup', { account: '1234567890', nested: { mobile: '9123456789' } });
        logger.error('failed', { error: new Error('no consumer 1234567890') });
        assert.equal(lines.length, 2);
        for (const line of lines) {
            assert.doesNotThrow(() => JSON.parse(line));
            assert.doesNotMatch(line, /[0-9]{10}/);
        }
        assert.match(JSON.parse(lines[1]).error.message, /no consumer \*+890/);
    });

    it("keeps its own level, time and message when a field has the same name (an official's rank is not a log level)", () => {
        const lines: string[] = [];
        const logger = new Logger('info', (l) => lines.push(l));
        logger.info('console sign-in', { level: 'JE', time: 'later', msg: 'other' });
        logger.child({ level: 'XEN' }).warn('child');
        const [first, second] = lines.map((line) => JSON.parse(line));
        assert.equal(first.level, 'info');
        assert.equal(first.msg, 'console sign-in');
        assert.match(first.time, /^\d{4}-\d\d-\d\dT/);
        assert.equal(first['field.level'], 'JE');
        assert.equal(first['field.msg'], 'other');
        assert.equal(second.level, 'warn');
        assert.equal(second['field.level'], 'XEN');
        assert.equal(lines.filter((l) => (l.match(/"level":/g) ?? []).length !== 1).length, 0, 'one "level" key a line');
    });
});

describe('locales', () => {
    it('are complete: every text in every language with the same placeholders, and every text the code uses exists', () => {
        assert.deepEqual(
            checkLocales().filter((p) => p.severity !== 'warning'),
            []
        );
    });

    it('report plural forms, JSON errors with line and column, texts the code uses but lacks, unused texts and long button titles', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-locales2-'));
        const code = path.join(dir, 'code');
        for (const sub of ['en', 'hi', 'code']) fs.mkdirSync(path.join(dir, sub));
        fs.writeFileSync(
            path.join(dir, 'en', 'x.json'),
            JSON.stringify({ bills_one: '{{count}} bill', bills_other: '{{count}} bills', unused: 'u', btn: 'A very long button title indeed here' })
        );
        fs.writeFileSync(path.join(dir, 'hi', 'x.json'), JSON.stringify({ bills_other: '{{count}} बिल', unused: 'u', btn: 'बटन' }));
        fs.writeFileSync(path.join(dir, 'en', 'y.json'), '{"a": "b"}');
        fs.writeFileSync(path.join(dir, 'hi', 'y.json'), '{\n  "a": "b"\n  "c": "d"\n}');
        fs.writeFileSync(path.join(code, 'dialog.ts'), "t('x:bills', { count }); t('x:missingText'); const c = { label: { key: 'x:btn' } };");
        const problems = checkLocales(dir, { sourceDirs: [code] }).map((p) => `${p.severity ?? 'error'}|${p.file}|${p.key ?? ''}|${p.message}`);
        const has = (pattern: RegExp) =>
            assert.ok(
                problems.some((p) => pattern.test(p)),
                `${pattern} in\n${problems.join('\n')}`
            );
        has(/^error\|locales\/hi\/x\.json\|bills\|plural form\(s\) bills_one missing/);
        has(/^error\|locales\/hi\/y\.json\|\|not valid JSON at line 3, column \d+/);
        has(/^error\|locales\/en\/x\.json\|missingText\|the code uses this text but no file has it/);
        has(/^warning\|locales\/en\/x\.json\|unused\|no code uses this text/);
        has(/^warning\|locales\/en\/x\.json\|btn\|button title of 36 characters/);
        assert.ok(!problems.some((p) => /\|bills\|no code uses/.test(p)), 'plural forms of a used key are used');
    });

    it('tell a maintainer exactly what broke', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-locales-'));
        fs.mkdirSync(path.join(dir, 'en'));
        fs.mkdirSync(path.join(dir, 'hi'));
        fs.writeFileSync(
            path.join(dir, 'en', 'a.json'),
            JSON.stringify({ greet: 'Hello {{name}}', bye: 'Bye', n_one: '{{count}} bill', n_other: '{{count}} bills' })
        );
        fs.writeFileSync(
            path.join(dir, 'hi', 'a.json'),
            JSON.stringify({ greet: 'नमस्ते {{naam}}', extra: 'x', n_one: '{{count}} बिल', n_other: '{{count}} बिल' })
        );
        fs.writeFileSync(path.join(dir, 'en', 'b.json'), '{"x": "y"}');
        fs.writeFileSync(path.join(dir, 'hi', 'b.json'), '{"x": "y",}');
        const problems = checkLocales(dir).map((p) => `${p.file}|${p.key ?? ''}|${p.message}`);
        assert.ok(
            problems.some((p) => /hi\/a\.json\|bye\|missing/.test(p)),
            problems.join('\n')
        );
        assert.ok(problems.some((p) => /hi\/a\.json\|extra\|not in English/.test(p)));
        assert.ok(problems.some((p) => /hi\/a\.json\|greet\|missing \{\{name\}\}/.test(p)));
        assert.ok(problems.some((p) => /hi\/a\.json\|greet\|unknown \{\{naam\}\}/.test(p)));
        assert.ok(problems.some((p) => /hi\/b\.json\|\|not valid JSON/.test(p)));
        assert.ok(!problems.some((p) => /\|n\|/.test(p)), 'plural forms count as one key');
    });

    it('reject an everyday answer whose offer names nothing the bot does', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-locales3-'));
        for (const language of ['en', 'hi']) {
            fs.mkdirSync(path.join(dir, language));
            const topics = { good: { answer: 'a', offer: 'subscribe' }, bad: { answer: 'b', offer: 'subscrib' } };
            fs.writeFileSync(path.join(dir, language, 'faq.json'), JSON.stringify({ topics }));
        }
        const problems = checkLocales(dir, { sourceDirs: [] }).map((p) => `${p.file}|${p.key ?? ''}|${p.message}`);
        assert.ok(
            problems.some((p) => /en\/faq\.json\|topics\.bad\.offer\|unknown offer "subscrib"/.test(p)),
            problems.join('\n')
        );
        assert.ok(!problems.some((p) => /topics\.good\.offer\|unknown offer/.test(p)), problems.join('\n'));
    });
});

describe('translator', () => {
    it('reloads an edited locale file, and keeps the texts in use when the edit is not valid JSON', () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-reload-'));
        for (const language of ['en', 'hi']) fs.mkdirSync(path.join(dir, language));
        fs.writeFileSync(path.join(dir, 'en', 'common.json'), '{"greeting": "Hello"}');
        fs.writeFileSync(path.join(dir, 'hi', 'common.json'), '{"greeting": "नमस्ते"}');
        const translator = new Translator(dir);
        const held = translator.forLanguage('en');
        assert.equal(held('greeting'), 'Hello');
        fs.writeFileSync(path.join(dir, 'en', 'common.json'), '{"greeting": "Hello again"}');
        assert.equal(translator.reload('en', 'common'), null);
        assert.equal(translator.forLanguage('en')('greeting'), 'Hello again');
        assert.equal(held('greeting'), 'Hello again', 'a lookup bound before the reload (a running dialog) sees the edit');
        fs.writeFileSync(path.join(dir, 'en', 'common.json'), '{"greeting": ');
        assert.ok(translator.reload('en', 'common') instanceof Error);
        assert.equal(translator.forLanguage('en')('greeting'), 'Hello again');
    });
});

describe('complaint categories', () => {
    it('load from configuration and detect by intent or keyword', () => {
        const categories = ComplaintCategories.load();
        assert.deepEqual(
            categories.all.map((c) => c.id),
            ['no_supply', 'voltage', 'transformer', 'line', 'meter', 'billing', 'underground_cable']
        );
        assert.equal(categories.byId('line')?.hazard, true);
        assert.equal(categories.detect('none', 'hamari gali ka underground cable jal gaya')?.id, 'underground_cable');
        assert.equal(categories.detect('none', 'मोहल्ले की भूमिगत केबल खराब है')?.id, 'underground_cable');
        const extended = new ComplaintCategories([...categories.all, { id: 'street_light', keywords: ['street light', 'स्ट्रीट लाइट'] }]);
        assert.equal(extended.detect('none', 'gali ki street light kharab')?.id, 'street_light');
        assert.equal(extended.detect('complaint.voltage', 'anything')?.id, 'voltage');
        assert.throws(() => new ComplaintCategories([{ id: 'Bad Id' }]), /lowercase/);
    });

    it('have a label in every language', () => {
        for (const language of ['en', 'hi']) {
            const labels = JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, language, 'complaint.json'), 'utf8')).categories;
            for (const category of ComplaintCategories.load().all) assert.ok(labels[category.id], `${language} label for ${category.id}`);
        }
    });
});

for (const [name, url] of [
    ['SQLite', async () => 'sqlite::memory:'],
    ['PostgreSQL', () => freshPostgresSchema('refs_test')],
] as const) {
    describe(`reference numbers on ${name}`, () => {
        it('are unique under concurrency, readable, and restart each month in Indian time', async () => {
            const dataSource = await openDatabase(await url());
            try {
                const db = new Database(dataSource);
                let now = new Date('2026-11-30T18:45:00Z');
                const references = new ReferenceNumbers(db, () => now);
                const first = await Promise.all(Array.from({ length: 50 }, () => references.next('C')));
                assert.equal(new Set(first).size, 50);
                assert.ok(
                    first.every((t) => /^C2612-[0-9]{4}$/.test(t)),
                    `18:45 UTC on 30 Nov is 00:15 on 1 Dec in India: ${first[0]}`
                );
                now = new Date('2026-11-15T10:00:00Z');
                assert.equal(await references.next('C'), 'C2611-0001');
                assert.equal(await references.next('R'), 'R2611-0001');
            } finally {
                await dataSource.destroy();
            }
        });
    });
}

describe('Database.sql', () => {
    let dir: string;
    let file: string;
    let db: Database;
    const flushed: string[] = [];
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-sql-'));
        file = path.join(dir, 'bot.sqlite');
        db = new Database(await openDatabase(`sqlite:${file}`), async (target) => {
            flushed.push(target);
            await datasyncFile(target);
        });
    });
    after(async () => {
        await db.dataSource.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const connection = () => (db.dataSource.driver as unknown as { databaseConnection: import('better-sqlite3').Database }).databaseConnection;

    it('a SQLite file runs in WAL mode and syncs lazily (NORMAL); a durable statement flushes the log before it resolves', async () => {
        assert.equal(connection().pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(connection().pragma('synchronous', { simple: true }), 1);
        await db.sql('INSERT INTO "inbound_messages" ("channel", "messageKey") VALUES (?, ?)', ['test', 'lazy']);
        assert.deepEqual(flushed, []);
        await db.sql('INSERT INTO "inbound_messages" ("channel", "messageKey") VALUES (?, ?)', ['test', 'durable'], { durable: true });
        assert.deepEqual(flushed, [`${file}-wal`]);
    });

    it('binds dates as TypeORM does, so rows written either way compare and read back alike', async () => {
        const at = new Date('2026-11-27T02:05:09.123Z');
        const { rows } = await db.sql<{ id: number }>(
            'INSERT INTO "inbound_messages" ("channel", "messageKey", "conversationKey", "payload", "processedAt") VALUES (?, ?, ?, ?, ?) RETURNING "id"',
            ['test', 'm-1', 'c-1', null, at]
        );
        const row = (await db.dataSource.getRepository('InboundMessage').findOneByOrFail({ id: rows[0].id })) as { processedAt: Date };
        assert.equal(row.processedAt.toISOString(), at.toISOString());
        const update = await db.sql('UPDATE "inbound_messages" SET "payload" = ? WHERE "id" = ?', ['{}', rows[0].id]);
        assert.equal(update.changes, 1);
    });
});

describe('FileSyncer (group commit)', () => {
    it('every caller waits for a flush that started after its call; callers during a flush share the next one', async () => {
        const started: Array<() => void> = [];
        const syncer = new FileSyncer('wal', () => new Promise<void>((resolve) => started.push(resolve)));
        const done: string[] = [];
        const first = syncer.sync().then(() => done.push('first'));
        const second = syncer.sync().then(() => done.push('second'));
        const third = syncer.sync().then(() => done.push('third'));
        await new Promise((resolve) => setImmediate(resolve));
        assert.equal(started.length, 1, 'one flush at a time');
        started[0]();
        await first;
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(done, ['first'], 'the others wrote while the first flush ran: they wait for the next');
        assert.equal(started.length, 2, 'one more flush for both of them');
        started[1]();
        await Promise.all([second, third]);
        assert.deepEqual(done.sort(), ['first', 'second', 'third']);
        assert.equal(started.length, 2);
    });

    it('a failed flush rejects its callers, and the next caller gets a new flush', async () => {
        let fail = true;
        const syncer = new FileSyncer('wal', async () => {
            if (fail) throw new Error('EIO');
        });
        await assert.rejects(syncer.sync(), /EIO/);
        fail = false;
        await syncer.sync();
    });
});

describe('WalCheckpointer', () => {
    /** Writes rounds of upserts, waiting between them; returns the WAL file's size after each round. */
    async function walSizes(file: string, db: Database): Promise<number[]> {
        const sizes: number[] = [];
        for (let round = 0; round < 4; round++) {
            for (let i = 0; i < 600; i++) {
                await db.sql(
                    'INSERT INTO "bot_state" ("key", "data", "etag", "updatedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "data" = EXCLUDED."data"',
                    [`k${i % 100}`, 'x'.repeat(3000) + round, 'e', i]
                );
            }
            await new Promise((resolve) => setTimeout(resolve, 300));
            sizes.push(fs.statSync(`${file}-wal`).size);
        }
        return sizes;
    }

    async function withDatabase(work: (file: string, db: Database, connection: import('better-sqlite3').Database) => Promise<void>): Promise<void> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-wal-'));
        const file = path.join(dir, 'bot.sqlite');
        const dataSource = await openDatabase(`sqlite:${file}`);
        try {
            await work(
                file,
                new Database(dataSource),
                (dataSource.driver as unknown as { databaseConnection: import('better-sqlite3').Database }).databaseConnection
            );
        } finally {
            await dataSource.destroy();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }

    it('checkpoints from a worker thread, so the log is reused while the bot connection checkpoints only as a backstop', async () => {
        await withDatabase(async (file, db, connection) => {
            const checkpointer = WalCheckpointer.start(db.dataSource, new Logger('error', () => undefined), 50);
            assert.ok(checkpointer);
            assert.equal(connection.pragma('wal_autocheckpoint', { simple: true }), 4000);
            const sizes = await walSizes(file, db);
            await checkpointer.stop();
            assert.equal(connection.pragma('wal_autocheckpoint', { simple: true }), 1000, 'stopping gives checkpoints back');
            assert.ok(sizes[3] <= sizes[0], `the log is reused, not grown: ${sizes.join(', ')} bytes`);
        });
    });

    it('under writes without a pause (the worker never catches up) the log stays bounded by the backstop', async () => {
        await withDatabase(async (file, db) => {
            const checkpointer = WalCheckpointer.start(db.dataSource, new Logger('error', () => undefined), 20);
            assert.ok(checkpointer);
            let largest = 0;
            try {
                for (let i = 0; i < 12_000; i++) {
                    await db.sql(
                        'INSERT INTO "bot_state" ("key", "data", "etag", "updatedAt") VALUES (?, ?, ?, ?) ON CONFLICT ("key") DO UPDATE SET "data" = EXCLUDED."data"',
                        [`k${i % 1000}`, 'y'.repeat(4000) + i, 'e', i]
                    );
                    if (i % 500 === 0) largest = Math.max(largest, fs.statSync(`${file}-wal`).size);
                }
            } finally {
                await checkpointer.stop();
            }
            // 12,000 writes of 4 KB pages are about 100 MB of log; the backstop restarts it at 4,000 pages (16 MB).
            assert.ok(largest < 24_000_000, `largest log ${largest} bytes`);
        });
    });

    it('(control) without it and with automatic checkpoints off, the same writes grow the log round after round', async () => {
        await withDatabase(async (file, db, connection) => {
            connection.pragma('wal_autocheckpoint = 0');
            const sizes = await walSizes(file, db);
            assert.ok(sizes[1] > sizes[0] && sizes[2] > sizes[1] && sizes[3] > sizes[2], `grows: ${sizes.join(', ')} bytes`);
        });
    });

    it('does nothing for in-memory SQLite', async () => {
        const dataSource = await openDatabase('sqlite::memory:');
        try {
            assert.equal(WalCheckpointer.start(dataSource, new Logger('error', () => undefined)), null);
        } finally {
            await dataSource.destroy();
        }
    });
});
