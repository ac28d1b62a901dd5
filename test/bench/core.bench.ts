/**
 * `npm run bench`: speed of the dialog core's own work, each beside a reference run in the same process on the same
 * data, reported as ratios (the machine is shared and noisy; absolute numbers are for orientation only).
 *
 * - CSV import of 1 lakh consumers through CsvImporter vs. raw better-sqlite3 prepared inserts of the same rows.
 * - Intent recognition vs. a bare pass that only folds and tokenizes the same texts.
 * - Full dialog turns (a complaint conversation through the real bot on SQLite) vs. a TestAdapter echo bot.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Sqlite from 'better-sqlite3';
import { ActivityTypes, TestAdapter } from 'botbuilder';
import { CsvImporter } from '../../src/data/CsvImporter';
import { Consumer } from '../../src/data/entities/Consumer';
import { openDatabase } from '../../src/data/createDataSource';
import { IntentRecognizer } from '../../src/nlu/IntentRecognizer';
import { foldForMatching, tokenize } from '../../src/nlu/normalizeText';
import { PACKAGE_ROOT } from '../../src/paths';
import { TestBot } from '../support/TestBot';

const results: Record<string, unknown> = {};

function seconds(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e9;
}

async function benchImport(rows: number): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-bench-'));
    const csv = path.join(dir, 'consumers.csv');
    const header =
        'account_number,name,registered_mobile,address,discom,division,subdivision,tariff_category,area_class,meter_number,meter_type,last_reading,last_reading_date,prepaid_balance';
    const lines = [header];
    for (let i = 0; i < rows; i++) {
        const account = String(1_000_000_000 + i * 7);
        lines.push(
            `${account},Consumer ${i},9${String(i).padStart(9, '0')},"House ${i}, Gomti Nagar, Lucknow",MVVNL,EUDD Gomti Nagar,Vibhuti Khand,LMV-1,city,UPM${String(i).padStart(8, '0')},postpaid,${1000 + (i % 5000)},2026-10-28,`
        );
    }
    fs.writeFileSync(csv, lines.join('\n'));

    const dataSource = await openDatabase(`sqlite:${path.join(dir, 'import.sqlite')}`);
    let start = process.hrtime.bigint();
    const report = await new CsvImporter(dataSource).importConsumers(csv);
    const ours = seconds(start);
    await dataSource.destroy();

    // Reference: the same rows straight into the same two tables with prepared statements in one transaction.
    const reference = new Sqlite(path.join(dir, 'reference.sqlite'));
    reference.pragma('journal_mode = WAL');
    reference.exec(`CREATE TABLE consumers (accountNumber varchar PRIMARY KEY, name varchar, registeredMobile varchar, address varchar, discom varchar,
        division varchar, subdivision varchar, tariffCategory varchar, areaClass varchar);
        CREATE TABLE meters (meterNumber varchar PRIMARY KEY, accountNumber varchar, meterType varchar, lastReading integer, lastReadingDate varchar, prepaidBalancePaise integer)`);
    const insertConsumer = reference.prepare('INSERT OR REPLACE INTO consumers VALUES (?,?,?,?,?,?,?,?,?)');
    const insertMeter = reference.prepare('INSERT OR REPLACE INTO meters VALUES (?,?,?,?,?,?)');
    start = process.hrtime.bigint();
    reference.transaction(() => {
        for (const line of lines.slice(1)) {
            const f = line.split(',');
            insertConsumer.run(f[0], f[1], f[2], 'House, Gomti Nagar, Lucknow', f[6], f[7], f[8], f[9], f[10]);
            insertMeter.run(f[11], f[0], f[12], Number(f[13]), f[14], null);
        }
    })();
    const bare = seconds(start);
    reference.close();
    fs.rmSync(dir, { recursive: true, force: true });
    results.import = {
        rows,
        imported: report.imported,
        seconds: ours,
        referenceSeconds: bare,
        ratioToReference: ours / bare,
        rowsPerSecond: Math.round(rows / ours),
    };
}

function benchRecognizer(): void {
    const texts = fs
        .readFileSync(path.join(PACKAGE_ROOT, 'src', 'nlu', 'corpus', 'examples.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text);
    const recognizer = new IntentRecognizer();
    const rounds = 40;
    // Unseen variants each round, so the recognizer's token cache does not make later rounds free.
    const inputs = Array.from({ length: rounds }, (_, r) => texts.map((t) => `${t} ${r}x${r}`)).flat();
    let start = process.hrtime.bigint();
    let sink = 0;
    for (const text of inputs) sink += tokenize(foldForMatching(text)).length;
    const bare = seconds(start);
    start = process.hrtime.bigint();
    for (const text of inputs) sink += recognizer.recognize(text).score;
    const ours = seconds(start);
    results.recognizer = {
        utterances: inputs.length,
        perSecond: Math.round(inputs.length / ours),
        referencePerSecond: Math.round(inputs.length / bare),
        ratioToReference: ours / bare,
        sink: sink > 0,
    };
}

async function benchTurns(conversations: number): Promise<void> {
    const bot = await TestBot.create();
    const script = ['English', 'no power since morning in our street', '{account}', 'yes', 'status', 'My complaints'];
    // Each conversation on its own account, copied from the first demo consumer: the same outage on one account from
    // many users would join one complaint and measure a shorter flow.
    const template = await bot.dataSource.getRepository(Consumer).findOneByOrFail({ accountNumber: '1234567890' });
    const accounts = Array.from({ length: conversations }, (_, i) => String(5_200_000_000 + i));
    await bot.dataSource.getRepository(Consumer).insert(accounts.map((accountNumber) => ({ ...template, accountNumber, registeredMobile: null })));
    let start = process.hrtime.bigint();
    for (let i = 0; i < conversations; i++) {
        const user = bot.conversation({ userId: `bench-${i}` });
        for (const line of script) await user.say(line.replace('{account}', accounts[i]));
    }
    const ours = seconds(start);
    await bot.close();

    const echo = new TestAdapter(async (context) => {
        await context.sendActivity(`Echo: ${context.activity.text}`);
    });
    start = process.hrtime.bigint();
    for (let i = 0; i < conversations * script.length; i++) {
        await echo.receiveActivity({ type: ActivityTypes.Message, text: script[i % script.length] });
        echo.activeQueue.splice(0);
    }
    const bare = seconds(start);
    const turns = conversations * script.length;
    results.turns = {
        turns,
        perSecond: Math.round(turns / ours),
        meanMs: (ours / turns) * 1000,
        echoPerSecond: Math.round(turns / bare),
        ratioToEcho: ours / bare,
    };
}

async function main(): Promise<void> {
    await benchImport(Number(process.env.BENCH_IMPORT_ROWS ?? 100_000));
    benchRecognizer();
    await benchTurns(Number(process.env.BENCH_CONVERSATIONS ?? 200));
    results.node = process.version;
    results.cpus = os.cpus().length;
    const out = path.join(PACKAGE_ROOT, 'bench-results-core.json');
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
    process.stdout.write(`${JSON.stringify(results, null, 2)}\nwritten to ${out}\n`);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
