import * as fs from 'fs';
import { Browser, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser; `.ci/run` installs it when missing. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags for a quiet, sandbox-free headless run that never reaches the network by itself. */
export const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

/**
 * The Chromium to drive: `CHROMIUM_PATH` when set, else Debian's. Throws a clear error (so the browser tests FAIL,
 * never skip) when there is none: playwright-core downloads no browser, by design.
 */
export function chromiumPath(): string {
    const candidate = process.env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
    try {
        fs.accessSync(candidate, fs.constants.X_OK);
    } catch {
        throw new Error(
            `Chromium was not found at ${candidate}${process.env.CHROMIUM_PATH ? ' (CHROMIUM_PATH)' : ''}. The browser tests need it: ` +
                "install Debian's package with `apt-get update && apt-get install -y chromium` (.ci/run does this), " +
                'or set CHROMIUM_PATH to a Chromium or Chrome executable.'
        );
    }
    return candidate;
}

/** Launches headless Chromium through playwright-core. */
export async function launchChromium(): Promise<Browser> {
    return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}
