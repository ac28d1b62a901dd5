import { strict as assert } from 'assert';
import { codePointLength, splitText } from '../../../adapters/shared/splitText';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemesOf = (s: string): string[] => [...segmenter.segment(s)].map((g) => g.segment);
const nonWhitespace = (s: string): string => s.replace(/\s+/gu, '');

/** Asserts the invariants every split must keep, whatever the input. */
function assertValidSplit(text: string, limit: number, chunks: string[]): void {
    for (const chunk of chunks) {
        assert.ok(chunk.length > 0, `empty chunk in ${JSON.stringify(chunks)}`);
        assert.equal(chunk, chunk.trim(), `untrimmed chunk ${JSON.stringify(chunk)}`);
        assert.ok(codePointLength(chunk) <= limit, `chunk ${JSON.stringify(chunk)} exceeds ${limit} code points`);
    }
    assert.equal(nonWhitespace(chunks.join(' ')), nonWhitespace(text), 'non-whitespace characters lost or reordered');
}

/** Asserts no chunk boundary falls inside a grapheme cluster of the original text. */
function assertGraphemeBoundaries(chunks: string[]): void {
    const whole = graphemesOf(chunks.join(''));
    const pieces = chunks.flatMap(graphemesOf);
    assert.deepEqual(pieces, whole, 'a chunk boundary split a grapheme cluster');
}

describe('splitText', () => {
    describe('codePointLength', () => {
        it('counts code points, not UTF-16 units', () => {
            assert.equal(codePointLength(''), 0);
            assert.equal(codePointLength('बिल जानकारी'), 11);
            assert.equal(codePointLength('शिकायत दर्ज करें'), 16);
            assert.equal('📄 बिल'.length, 6);
            assert.equal(codePointLength('📄 बिल'), 5);
            assert.equal(codePointLength('👨‍👩‍👧'), 5);
        });
    });

    it('returns [text] when within the limit, and [] for empty or blank text', () => {
        assert.deepEqual(splitText('नमस्ते, Bijli Mitra', 4096), ['नमस्ते, Bijli Mitra']);
        assert.deepEqual(splitText('📄 बिल', 5), ['📄 बिल'], '6 UTF-16 units but 5 code points fits a limit of 5');
        assert.deepEqual(splitText('', 10), []);
        assert.deepEqual(splitText(' \n\n \t ', 10), []);
        assert.deepEqual(splitText('  hi there \n', 10), ['hi there'], 'edges are trimmed even without a split');
    });

    it('rejects a limit that is not a positive integer', () => {
        assert.throws(() => splitText('abc', 0), RangeError);
        assert.throws(() => splitText('abc', 2.5), RangeError);
        assert.throws(() => splitText('abc', Number.NaN), RangeError);
    });

    it('breaks at the last space before the limit', () => {
        assert.deepEqual(splitText('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps']);
        // A space exactly at the limit is still a valid break.
        assert.deepEqual(splitText('abcde fghij klmno', 11), ['abcde fghij', 'klmno']);
    });

    it('counts Hindi in code points (every matra and virama) and keeps words whole', () => {
        // शिकायत = 6, दर्ज = 4, करें = 4 code points.
        assert.deepEqual(splitText('शिकायत दर्ज करें', 10), ['शिकायत', 'दर्ज करें']);
        const text = 'आपका बिल जमा हो गया है। कृपया रसीद संख्या सुरक्षित रखें। धन्यवाद।';
        for (let limit = 8; limit <= 40; limit++) {
            const chunks = splitText(text, limit);
            assertValidSplit(text, limit, chunks);
            for (const chunk of chunks) {
                for (const word of chunk.split(' ')) assert.ok(text.split(' ').includes(word), `word cut: ${word} (limit ${limit})`);
            }
        }
    });

    it('counts emoji as one code point each, not two UTF-16 units', () => {
        const text = '⚡📄 बिल 📄⚡ 😀😀 😀😀';
        const chunks = splitText(text, 6);
        assertValidSplit(text, 6, chunks);
        assert.deepEqual(chunks, ['⚡📄 बिल', '📄⚡ 😀😀', '😀😀']);
        assert.ok(
            chunks.some((c) => c.length > 6),
            'a chunk over 6 UTF-16 units proves the limit is in code points'
        );
    });

    it('prefers a paragraph break, then a newline, in the second half of the window, then a space', () => {
        assert.deepEqual(splitText('aaa bbb ccc\n\nddd eee fff', 20), ['aaa bbb ccc', 'ddd eee fff']);
        assert.deepEqual(splitText('aaa bbb ccc\nddd eee fff ggg', 20), ['aaa bbb ccc', 'ddd eee fff ggg']);
        assert.deepEqual(splitText('aaa bbb cc\r\n\r\nddd eee', 14), ['aaa bbb cc', 'ddd eee'], 'CRLF paragraphs count too');
        assert.deepEqual(splitText('one two three\n \nfour five', 18), ['one two three', 'four five'], 'blank line with spaces is a paragraph');
        // An early break would leave a tiny first chunk: the last space wins instead.
        assert.deepEqual(splitText('aaa bbb\n\nccc ddd\neee fff ggg', 20), ['aaa bbb\n\nccc ddd', 'eee fff ggg']);
        assert.deepEqual(
            splitText(`Hi.\n\n${'word '.repeat(1200)}`, 4096).map((c) => c.length),
            [4094, 1909]
        );
    });

    it('cuts an overlong word at grapheme boundaries, never inside a conjunct', () => {
        const ksha = 'क्ष'; // क + ् + ष: one grapheme, 3 code points
        assert.equal(graphemesOf(ksha).length, 1);
        const word = ksha.repeat(4);
        const chunks = splitText(word, 7);
        assert.deepEqual(chunks, [ksha + ksha, ksha + ksha]);
        assertGraphemeBoundaries(chunks);
    });

    it('never separates an emoji from its skin-tone or ZWJ sequence', () => {
        const thumbs = '👍🏽'; // 2 code points
        assert.deepEqual(splitText(thumbs.repeat(5), 5), [thumbs.repeat(2), thumbs.repeat(2), thumbs]);
        const family = '👨‍👩‍👧'; // 5 code points
        const chunks = splitText(`ab${family}cd`, 6);
        assert.deepEqual(chunks, ['ab', `${family}c`, 'd']);
        assertGraphemeBoundaries(chunks);
    });

    it('cuts by code point only when one grapheme alone exceeds the limit', () => {
        const family = '👨‍👩‍👧';
        const chunks = splitText(`x ${family} y`, 2);
        assertValidSplit(`x ${family} y`, 2, chunks);
        assert.equal(chunks.join(''), `x${family}y`);
    });

    it('keeps the invariants on mixed text for every limit (no empty chunks, nothing lost)', () => {
        const words = ['बिल', 'शिकायत', 'क्षेत्र', 'मीटर', '📄', '👍🏽', '👨‍👩‍👧', 'UPPCL', 'account', '1234567890', 'ठीक है।', 'supercalifragilistic'];
        const gaps = [' ', '  ', '\n', '\n\n', ' \n \n ', '\t', '\r\n'];
        let seed = 42;
        const next = (n: number): number => {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            return seed % n;
        };
        for (let sample = 0; sample < 40; sample++) {
            let text = next(2) ? '\n ' : '';
            for (let w = 0, count = 5 + next(60); w < count; w++) text += words[next(words.length)] + gaps[next(gaps.length)];
            for (const limit of [1, 2, 3, 5, 7, 11, 20, 64, 4096]) {
                const chunks = splitText(text, limit);
                assertValidSplit(text, limit, chunks);
                if (limit >= 5) assertGraphemeBoundaries(chunks);
            }
        }
    });

    it('splits a long reply into WhatsApp-sized chunks without waste', () => {
        const paragraph = 'आपकी शिकायत दर्ज कर ली गई है और जल्द ही हमारे लाइनमैन आपके क्षेत्र में पहुँचेंगे। ';
        const text = Array.from({ length: 12 }, () => paragraph.repeat(8).trim()).join('\n\n');
        const chunks = splitText(text, 4096);
        assertValidSplit(text, 4096, chunks);
        assert.ok(chunks.length >= 2);
        for (const chunk of chunks.slice(0, -1)) assert.ok(codePointLength(chunk) > 3000, 'chunks should be reasonably full');
    });
});
