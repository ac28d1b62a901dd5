/** Writes test/nlu/recognizers-report.md from the current recognizers. Run: node dist/src/nlu/hindi/writeRecognizersReport.js */
import * as fs from 'fs';
import * as path from 'path';
import { renderReport, runFile, SPEC_FILES } from './specRunner';

const outcomes = SPEC_FILES.map((f) => runFile(f));
const root = path.resolve(__dirname, '..', '..', '..', '..');
const target = path.join(root, 'test', 'nlu', 'recognizers-report.md');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, renderReport(outcomes) + '\n');
for (const o of outcomes) console.log(`${o.file}: ${o.passed}/${o.total} (${(o.rate * 100).toFixed(1)}%)`);
