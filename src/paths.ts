import * as fs from 'fs';
import * as path from 'path';

/** The package root: the folder holding package.json, whether running from `src/` (ts) or `dist/src/` (js). */
export const PACKAGE_ROOT = (() => {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, 'package.json'))) {
        const parent = path.dirname(dir);
        if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
        dir = parent;
    }
    return dir;
})();

/** Where translators keep `<language>/<namespace>.json`. */
export const LOCALES_DIR = path.join(PACKAGE_ROOT, 'locales');
