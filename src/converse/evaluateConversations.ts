import { loadConfig } from '../config';
import { createBijliMitra } from '../createBijliMitra';
import { openDatabase } from '../data/createDataSource';
import { seedDemoData } from '../data/demoData';
import { Logger } from '../logger';
import { LogSmsSender } from '../services/LogSmsSender';
import { ConversationScript } from './ConversationScript';
import { ConversationOutcome, ConversationRunner, FailureClass } from './ConversationRunner';

/** Success counts for one group of conversations. */
export interface SuccessRate {
    total: number;
    succeeded: number;
    rate: number;
}

export interface ConversationEvaluation {
    overall: SuccessRate;
    byLanguage: Record<string, SuccessRate>;
    byTopic: Record<string, SuccessRate>;
    /** Conversations with at least one failure of each class. */
    byFailureClass: Partial<Record<FailureClass, number>>;
    outcomes: ConversationOutcome[];
}

/**
 * Plays every script against a fresh bot: in-memory SQLite with the demo data, development SMS, real dialogs and
 * services. Nothing is written outside the process.
 */
export async function evaluateConversations(scripts: ConversationScript[]): Promise<ConversationEvaluation> {
    const logger = new Logger('error', () => undefined);
    const dataSource = await openDatabase('sqlite::memory:');
    await seedDemoData(dataSource);
    const sms = new LogSmsSender(logger);
    const app = await createBijliMitra(
        { ...loadConfig({}, null), databaseUrl: 'sqlite::memory:', demoData: 'off', smsSender: 'log' },
        { dataSource, logger, sms }
    );
    try {
        const runner = new ConversationRunner(app, sms);
        const outcomes: ConversationOutcome[] = [];
        for (const script of scripts) outcomes.push(await runner.run(script));
        return summarise(outcomes);
    } finally {
        await app.close();
        if (dataSource.isInitialized) await dataSource.destroy();
    }
}

export function summarise(outcomes: ConversationOutcome[]): ConversationEvaluation {
    const rate = (list: ConversationOutcome[]): SuccessRate => {
        const succeeded = list.filter((o) => o.success).length;
        return { total: list.length, succeeded, rate: list.length ? succeeded / list.length : 0 };
    };
    const groupBy = (key: (o: ConversationOutcome) => string) => {
        const groups: Record<string, ConversationOutcome[]> = {};
        for (const o of outcomes) (groups[key(o)] ??= []).push(o);
        return Object.fromEntries(
            Object.entries(groups)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, list]) => [k, rate(list)])
        );
    };
    const byFailureClass: Partial<Record<FailureClass, number>> = {};
    for (const o of outcomes) {
        for (const c of new Set(o.failures.map((f) => f.class))) byFailureClass[c] = (byFailureClass[c] ?? 0) + 1;
    }
    return { overall: rate(outcomes), byLanguage: groupBy((o) => o.lang), byTopic: groupBy((o) => o.topic), byFailureClass, outcomes };
}

const percent = (r: SuccessRate) => `${(r.rate * 100).toFixed(1)} % (${r.succeeded}/${r.total})`;

/** A readable report; with `transcripts`, every failed conversation's transcript too (`all`: every conversation's). */
export function formatConversationEvaluation(e: ConversationEvaluation, transcripts: boolean | 'all' = false): string {
    const lines = [`Conversations that succeeded: ${percent(e.overall)}`, '', 'By language:'];
    for (const [lang, r] of Object.entries(e.byLanguage)) lines.push(`  ${lang.padEnd(8)} ${percent(r)}`);
    lines.push('', 'By topic:');
    for (const [topic, r] of Object.entries(e.byTopic)) lines.push(`  ${topic.padEnd(12)} ${percent(r)}`);
    lines.push('', 'Failure classes (conversations with at least one):');
    const classes = Object.entries(e.byFailureClass).sort(([, a], [, b]) => (b ?? 0) - (a ?? 0));
    if (classes.length === 0) lines.push('  none');
    for (const [name, n] of classes) lines.push(`  ${name.padEnd(20)} ${n}`);
    const shown = e.outcomes.filter((o) => !o.success || transcripts === 'all');
    if (shown.length > 0) lines.push('', transcripts === 'all' ? 'Conversations:' : 'Failed conversations:');
    for (const o of shown) {
        lines.push(`  ${o.id} [${o.lang}, ${o.topic}]${o.success ? ' succeeded' : ''}`);
        for (const f of o.failures) lines.push(`    ${f.class}: ${f.detail.split('\n')[0]}`);
        if (transcripts) {
            for (const l of o.transcript)
                lines.push(`      ${l.from === 'user' ? 'USER' : 'BOT '}${l.asks ? ` (${l.asks})` : ''}: ${l.text.replace(/\n+/g, ' ⏎ ')}`);
        }
    }
    return lines.join('\n') + '\n';
}
