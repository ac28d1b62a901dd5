import { strict as assert } from 'assert';
import { runFile, SPEC_FILES } from '../../../src/nlu/hindi/specRunner';

/**
 * Hindi Recognizers-Text spec suite. Floors are the pass rates achieved when test/nlu/recognizers-report.md was last
 * generated (rounded down to a whole percent), so a regression fails. Regenerate the report with
 * `npx tsc -p tsconfig.json && node dist/src/nlu/hindi/writeRecognizersReport.js` and raise the floors when you improve.
 */
const FLOORS: Record<(typeof SPEC_FILES)[number], number> = {
    'Number/Hindi/NumberModel.json': 98,
    'Number/Hindi/OrdinalModel.json': 98,
    'Number/Hindi/PercentModel.json': 100,
    'NumberWithUnit/Hindi/CurrencyModel.json': 100,
    'Sequence/Hindi/PhoneNumberModel.json': 94,
    'Choice/Hindi/BooleanModel.json': 100,
};

describe('Hindi Recognizers-Text specs', () => {
    for (const file of SPEC_FILES) {
        it(`${file} passes at least ${FLOORS[file]}% of cases`, () => {
            const o = runFile(file);
            const pct = (o.passed / o.total) * 100;
            const failing = o.failures
                .slice(0, 10)
                .map((f) => `  ${f.input}`)
                .join('\n');
            assert.ok(pct >= FLOORS[file], `${file}: ${o.passed}/${o.total} = ${pct.toFixed(1)}% < ${FLOORS[file]}%\n${failing}`);
        });
    }
});
