import { Readable } from 'stream';
import { loadConfig } from '../config';
import { openDatabase } from '../data/createDataSource';
import { DEMO_OFFICIALS } from '../data/demoData';
import { deactivateOfficial, setOfficialPassword } from '../console/officialAccounts';
import { Database } from '../data/Database';
import { Official } from '../data/entities/Official';

/** Shorter passwords are refused: the console faces the internet. */
const MIN_PASSWORD_LENGTH = 12;

const USAGE = `Usage: bijli-mitra officials set-password <username>   (the new password on the first line of standard input)
       bijli-mitra officials deactivate <username>
`;

/**
 * `bijli-mitra officials set-password USERNAME` and `officials deactivate USERNAME`, against DATABASE_URL. The
 * password is read from standard input, never from the command line, where shell history and process lists keep it.
 */
export async function runOfficials(args: string[], input: Readable = process.stdin): Promise<number> {
    const [action, username] = args;
    if ((action !== 'set-password' && action !== 'deactivate') || !username) {
        process.stderr.write(USAGE);
        return 2;
    }
    let password = '';
    if (action === 'set-password') {
        password = (await firstLine(input)).trim();
        const problem =
            password.length < MIN_PASSWORD_LENGTH
                ? `a password needs at least ${MIN_PASSWORD_LENGTH} characters`
                : DEMO_OFFICIALS.some((o) => o.password === password)
                  ? 'that is a published demo password'
                  : null;
        if (problem) {
            process.stderr.write(`Password not changed: ${problem}.\n`);
            return 1;
        }
    }
    const dataSource = await openDatabase(loadConfig().databaseUrl);
    try {
        const officials = dataSource.getRepository(Official);
        const official = await officials.findOneBy({ username });
        if (!official) {
            process.stderr.write(`No official "${username}".\n`);
            return 1;
        }
        const db = new Database(dataSource);
        if (action === 'deactivate') await deactivateOfficial(db, official.id);
        else await setOfficialPassword(db, official.id, password);
        process.stdout.write(
            action === 'deactivate'
                ? `${username} can no longer sign in to the console.\n`
                : `Password of ${username} changed; their console sessions have ended.\n`
        );
        return 0;
    } finally {
        await dataSource.destroy();
    }
}

async function firstLine(input: Readable): Promise<string> {
    let text = '';
    for await (const chunk of input) {
        text += String(chunk);
        if (text.includes('\n')) break;
    }
    return text.split('\n')[0];
}
