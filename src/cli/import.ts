import { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { CsvImporter, ImportReport } from '../data/CsvImporter';
import { openDatabase } from '../data/createDataSource';
import { seedDemoData } from '../data/demoData';
import { ProgressBar } from '../data/ProgressBar';
import { maskDigits } from '../i18n/format';
import { BroadcastService } from '../broadcast/BroadcastService';
import { Database } from '../data/Database';
import { Translator } from '../i18n/Translator';
import { OfficialDirectory } from '../services/OfficialDirectory';
import { PlannedShutdowns } from '../services/PlannedShutdowns';

const MAX_REJECTIONS_SHOWN = 50;

const IMPORTS: Record<string, (importer: CsvImporter, file: string, dataSource: DataSource, noticeHours: number) => Promise<ImportReport>> = {
    consumers: (importer, file) => importer.importConsumers(file),
    bills: (importer, file) => importer.importBills(file),
    officials: (importer, file) => importer.importOfficials(file),
    'org-units': (importer, file) => importer.importOrgUnits(file),
    // Checked as the console checks them (known subdivision, times), without an official's scope.
    shutdowns: (_importer, file, dataSource, noticeHours) => {
        const db = new Database(dataSource);
        const directory = new OfficialDirectory(db);
        const translator = new Translator();
        return new PlannedShutdowns(db, directory, new BroadcastService(db, translator, directory), translator, { noticeHours }).importCsv(file);
    },
};

/** `bijli-mitra import consumers|bills|officials|org-units|shutdowns FILE`, `migrate` and `seed`, against DATABASE_URL. */
export async function runImport(args: string[]): Promise<number> {
    const [kind, file] = args;
    const config = loadConfig();
    const importFile = Object.hasOwn(IMPORTS, kind ?? '') ? IMPORTS[kind] : undefined;
    if (kind !== 'migrate' && kind !== 'seed' && kind !== 'quarantine' && (!importFile || !file)) {
        process.stderr.write('Usage: bijli-mitra import consumers|bills|officials|org-units|shutdowns <file.csv>, or import quarantine\n');
        return 2;
    }
    const dataSource = await openDatabase(config.databaseUrl, { runMigrations: kind !== 'migrate' });
    try {
        if (kind === 'migrate') {
            const applied = await dataSource.runMigrations({ transaction: 'each' });
            const where = maskedDatabase(config.databaseUrl);
            process.stdout.write(
                applied.length === 0
                    ? `Database schema at ${where} was already up to date (${dataSource.migrations.length} migrations); nothing to do.\n`
                    : `Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} to ${where}:\n${applied.map((m) => `  ${m.name}\n`).join('')}Database schema is up to date.\n`
            );
            return 0;
        }
        if (kind === 'seed') {
            const counts = await seedDemoData(dataSource);
            process.stdout.write(
                `Demo data loaded: ${counts.consumers} consumers, ${counts.meters} meters, ${counts.bills} bills, ` +
                    `${counts.orgUnits} org units, ${counts.officials} officials.\n`
            );
            return 0;
        }
        if (kind === 'quarantine') {
            // Releases what the hierarchy now places and lists what still waits (account numbers masked as in import reports).
            const { released, waiting } = await new CsvImporter(dataSource).releaseQuarantined();
            process.stdout.write(`${released} quarantined consumers released, ${waiting.length} still waiting for their subdivision.\n`);
            for (const q of waiting.slice(0, MAX_REJECTIONS_SHOWN)) {
                process.stdout.write(
                    `  ${q.file} line ${q.line}: account ${maskDigits(q.accountNumber, 3)}, ${q.discom} subdivision "${q.subdivision}" is not in org_units\n`
                );
            }
            if (waiting.length > MAX_REJECTIONS_SHOWN) process.stdout.write(`  … and ${waiting.length - MAX_REJECTIONS_SHOWN} more\n`);
            return waiting.length > 0 ? 1 : 0;
        }
        const bar = new ProgressBar();
        const importer = new CsvImporter(dataSource, { onProgress: (done, total) => bar.update(done, total) });
        const started = Date.now();
        const report = await importFile!(importer, file, dataSource, config.shutdownNoticeHours);
        bar.finish();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
            `${report.file}: ${report.imported} of ${report.total} ${report.kind} rows imported in ${seconds} s, ${report.rejected.length} rejected.\n`
        );
        if (report.skipped) {
            const rows = report.skipped === 1 ? '1 row was' : `${report.skipped} rows were`;
            process.stdout.write(`${rows} already imported before and not added again.\n`);
        }
        for (const rejection of report.rejected.slice(0, MAX_REJECTIONS_SHOWN)) {
            process.stdout.write(`  line ${rejection.line}: ${rejection.reason}\n`);
        }
        if (report.rejected.length > MAX_REJECTIONS_SHOWN) {
            process.stdout.write(`  … and ${report.rejected.length - MAX_REJECTIONS_SHOWN} more rejected rows\n`);
        }
        if (report.quarantined.length > 0) {
            process.stdout.write(
                `${report.quarantined.length} consumers quarantined: their subdivision is not in the hierarchy. Import it with ` +
                    '"import org-units" (they are released then), or correct the rows and import again:\n'
            );
            for (const q of report.quarantined.slice(0, MAX_REJECTIONS_SHOWN)) {
                process.stdout.write(`  line ${q.line}: account ${q.account}, ${q.discom} subdivision "${q.subdivision}" is not in org_units\n`);
            }
            if (report.quarantined.length > MAX_REJECTIONS_SHOWN) process.stdout.write(`  … and ${report.quarantined.length - MAX_REJECTIONS_SHOWN} more\n`);
        }
        if (report.released > 0) process.stdout.write(`${report.released} quarantined consumers released: their subdivision is now known.\n`);
        return report.rejected.length > 0 || report.quarantined.length > 0 ? 1 : 0;
    } finally {
        await dataSource.destroy();
    }
}

/** The database named without its password ("postgres://user:***@host/db"), for messages. */
function maskedDatabase(url: string): string {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
