#!/usr/bin/env node
'use strict';
// Runs the compiled CLI; builds first if this checkout has not been built yet.
const path = require('path');
const fs = require('fs');
const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'src', 'cli', 'main.js');
if (!fs.existsSync(cli)) {
    require('child_process').execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
}
require(cli).main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code ?? 0; },
    (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; }
);
