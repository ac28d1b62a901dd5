/**
 * Preloaded into the bot processes of scale.bench (`node --expose-gc -r scaleProbe.js dist/src/main.js`). It does
 * nothing to the bot: it only answers memory questions on the IPC channel the benchmark opened, and stops the bot
 * gracefully (SIGTERM, as a deploy would) when the benchmark goes away, so no bot outlives a crashed or killed run.
 */
interface MemoryQuestion {
    probe: 'memory';
    id: number;
    gc?: boolean;
}

if (process.send && process.env.BENCH_PROBE === '1') {
    process.on('message', (message: MemoryQuestion) => {
        if (message?.probe !== 'memory') return;
        // A full collection first, when asked, so that heapUsed is what is really retained.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (message.gc && gc) gc();
        process.send!({ probe: 'memory', id: message.id, gcDone: Boolean(message.gc && gc), ...process.memoryUsage() });
    });
    process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    // The channel must not keep the process alive on its own: main.ts decides when the bot exits.
    (process.channel as unknown as { unref?: () => void } | undefined)?.unref?.();
}
