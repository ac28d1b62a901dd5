import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../paths';

/** The console's one stylesheet, edited as a CSS file and served from `/console/console.css`. */
export const CONSOLE_CSS_FILE = path.join(PACKAGE_ROOT, 'src', 'console', 'console.css');

/**
 * The stylesheet's text and a version from its content: pages link `console.css?v=<version>` and the file is served
 * as immutable, so a browser on a slow connection fetches it once, and again only after it changes.
 */
export const CONSOLE_CSS = (() => {
    const text = fs.readFileSync(CONSOLE_CSS_FILE, 'utf8');
    return { text, version: createHash('sha256').update(text).digest('hex').slice(0, 12) };
})();
