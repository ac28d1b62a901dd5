import * as readline from 'readline';
import { TerminalAdapter } from '../../adapters/terminal/TerminalAdapter';
import { loadConfig } from '../config';
import { createBijliMitra } from '../createBijliMitra';
import { Logger } from '../logger';
import { parseMobileNumber } from '../nlu/extractEntities';

const DIM = (text: string) => (process.stdout.isTTY ? `\x1b[2m${text}\x1b[0m` : text);
const BOT = (text: string) => (process.stdout.isTTY ? `\x1b[36m${text}\x1b[0m` : text);

/**
 * `bijli-mitra chat`: the full dialog core in the terminal, on the configured database (SQLite with demo data by
 * default). Development SMS codes are shown inline so verification can be tried without a gateway.
 */
export async function runChat(args: string[]): Promise<number> {
    const phoneIndex = args.indexOf('--phone');
    const phone = phoneIndex >= 0 ? parseMobileNumber(args[phoneIndex + 1] ?? '') : null;
    if (phoneIndex >= 0 && !phone) {
        process.stderr.write('--phone needs a 10-digit Indian mobile number, e.g. --phone 9876543210\n');
        return 2;
    }
    const config = { ...loadConfig(), smsSender: 'log' as const };
    // Logs would interleave with the conversation; only warnings and errors are shown, on stderr.
    const logger = new Logger('warn', (line) => process.stderr.write(DIM(line) + '\n'));
    const app = await createBijliMitra(config, {
        logger,
        onDevelopmentSms: (_mobile, text) => process.stdout.write(DIM(`  [SMS to the registered mobile, shown here because SMS_SENDER=log] ${text}`) + '\n'),
    });
    const adapter = app.prepareAdapter(
        new TerminalAdapter(
            { write: (text) => process.stdout.write(BOT(`Bijli Mitra: ${text}`) + '\n\n') },
            {
                phoneNumber: phone ?? undefined,
                userId: phone ? `terminal-${phone}` : 'terminal-user',
            }
        )
    );
    process.stdout.write(DIM('Bijli Mitra terminal chat. Type your message, a number to pick an option, or /quit to leave.\n\n'));
    const logic = (context: Parameters<typeof app.bot.run>[0]) => app.bot.run(context);
    await adapter.start(logic);
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'You: ', terminal: process.stdin.isTTY });
    rl.prompt();
    for await (const line of rl) {
        if (line.trim() === '/quit' || line.trim() === '/exit') break;
        await adapter.say(line, logic);
        rl.prompt();
    }
    rl.close();
    await app.close();
    return 0;
}
