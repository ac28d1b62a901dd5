import { createEmulatorAdapter } from '../adapters/emulator/createEmulatorAdapter';
import { acceptsUnauthenticated, ConfigError, loadConfig } from './config';
import { createBijliMitra } from './createBijliMitra';
import { CHANNELS } from './channels';
import { createChannelAdapters } from './createChannelAdapters';
import { Scheduler } from './Scheduler';
import { startServer } from './server';

/** `npm start`: configuration, database (migrated, demo data on first start), bot, HTTP server. */
async function main(): Promise<void> {
    let config;
    let app;
    try {
        config = loadConfig();
        app = await createBijliMitra(config);
    } catch (error) {
        // A bad variable, or a public deployment with demo credentials: say what to do, and do not start.
        if (error instanceof ConfigError) {
            console.error(error.message);
            process.exit(2);
        }
        throw error;
    }
    const adapter = app.prepareAdapter(createEmulatorAdapter(config));
    const channels = createChannelAdapters(app);
    // Deliveries acknowledged before a crash or deploy but never processed are run first.
    for (const { adapter: channel } of channels) await channel.resumeUnprocessed((context) => app.bot.run(context));
    const server = await startServer(app, adapter, config.port, channels);
    app.logger.info('Bijli Mitra is listening', {
        port: server.port,
        messages: `http://localhost:${server.port}/api/messages`,
        console: `http://localhost:${server.port}/console`,
        database: config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'postgres',
        host: config.host,
        auth: config.microsoftAppId ? 'Bot Framework app id configured' : 'none: /api/messages serves the Emulator on loopback only',
        channels: ['emulator/webchat (/api/messages)', ...channels.map((c) => `${c.route} (/webhooks/${c.route})`)],
        channelsOff: CHANNELS.filter((c) => !channels.some((route) => route.route === c.id)).map((c) => c.label),
    });
    if (!config.microsoftAppId && !acceptsUnauthenticated(config)) {
        app.logger.info('/api/messages answers 401 until MicrosoftAppId is set (the Emulator works on loopback with no channel configured)');
    }
    // The SLA clock and the queue live in the database; the timers only ask it what is due, so a restart loses nothing.
    await app.outboundQueue.recoverAfterRestart();
    app.outboundQueue.start(1000);
    const scheduler = new Scheduler(
        app,
        channels.map((c) => c.adapter),
        (context) => app.bot.run(context),
        { intervalSeconds: config.schedulerIntervalSeconds, billReminderDaysBefore: config.billReminderDaysBefore }
    );
    scheduler.start();
    // Translators see their edits without a restart while developing.
    const stopWatching = config.production
        ? () => undefined
        : app.translator.watch((file, error) => {
              if (error) app.logger.warn('locale file not reloaded: not valid JSON', { file, reason: error.message });
              else app.logger.info('locale file reloaded', { file });
          });
    let stopping = false;
    const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        app.logger.info('shutting down', { signal });
        // Whatever is still running then is replayed by the next instance to start: acknowledged rows stay unprocessed.
        const deadline = setTimeout(() => {
            app.logger.warn('shutdown timed out; exiting with work left for the next start', { seconds: config.shutdownTimeoutSeconds });
            process.exit(1);
        }, config.shutdownTimeoutSeconds * 1000);
        deadline.unref();
        scheduler.stop();
        stopWatching();
        // New webhooks get 503 (the platform delivers them again, to this or another instance); answers under way finish.
        await server.drain();
        await app.outboundQueue.stop();
        // Webhooks were acknowledged before their turns ran: let those turns and their replies finish (a flooder's
        // postponed turns stay stored for the next start).
        app.inbox.stop();
        await app.inbox.idle();
        await server.close();
        await app.close();
        app.logger.info('stopped cleanly');
        process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
    console.error('Bijli Mitra could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
});
