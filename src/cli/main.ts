import { runChat } from './chat';
import { runConverse } from './converse';
import { runImport } from './import';
import { runLocalesCheck } from './localesCheck';
import { runNlu } from './nlu';
import { runOfficials } from './officials';

const USAGE = `Usage: bijli-mitra <command>

  chat [--phone 98xxxxxxxx]         talk to the bot in this terminal (demo data, no credentials);
                                    --phone pretends the channel reported that number
  nlu                               read JSON lines {"text": ...} on stdin, write what the recognizer understood
  nlu evaluate FILE [--json]        score the recognizer on labelled JSON lines {"text","intent","language"}:
                                    accuracy per language and per intent, confusion matrix, misses
  converse evaluate FILE... [--json] [--transcripts] [--only ID]
                                    play scripted multi-turn conversations against the real dialogs and report
                                    success per language, topic and failure class
  import consumers|bills|officials|org-units|shutdowns <file.csv>
                                    load consumers (with meters), bills, officials or the discom hierarchy from CSV
  migrate                           create or upgrade the database schema at DATABASE_URL
  seed                              load the demo consumers, meters, bills, hierarchy and officials
  officials set-password USERNAME   give an official a password of their own (read from standard input)
  officials deactivate USERNAME     stop an official from signing in to the console
  locales check                     check locales/ for missing keys, bad JSON and {{variables}} that differ
`;

/** Entry point of the `bijli-mitra` command; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case 'chat':
            return runChat(rest);
        case 'nlu':
            return runNlu(rest);
        case 'converse':
            return runConverse(rest);
        case 'import':
            return runImport(rest);
        case 'migrate':
        case 'seed':
            return runImport([command]);
        case 'officials':
            return runOfficials(rest);
        case 'locales':
            if (rest[0] === 'check') return runLocalesCheck(rest.slice(1));
            break;
        case 'help':
        case '--help':
        case '-h':
            process.stdout.write(USAGE);
            return 0;
        case undefined:
            // No command is a mistake in a script: say what there is, and fail.
            process.stderr.write(USAGE);
            return 2;
    }
    process.stderr.write(`Unknown command "${argv.join(' ')}".\n\n${USAGE}`);
    return 2;
}
