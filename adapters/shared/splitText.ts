/**
 * Splitting long replies into platform-sized messages.
 *
 * Limits are counted in code points: peers validate WhatsApp/Messenger limits with JS `.length`, and for Devanagari
 * (all BMP) that equals the code-point count, while emoji outside the BMP count 2 units but 1 code point. Cuts happen
 * only at grapheme boundaries so a conjunct such as क्ष or an emoji with skin-tone/ZWJ modifiers is never torn apart.
 */

// One segmenter for the process: construction loads ICU data and is comparatively slow.
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const WHITESPACE = /^\s+$/u;

/** Number of Unicode code points in `s` (not UTF-16 units): `codePointLength('📄 बिल') === 5`. */
export function codePointLength(s: string): number {
    let count = 0;
    // for..of iterates by code point without allocating the array that `[...s]` would.
    for (const _ of s) count++;
    return count;
}

/** Break quality of a whitespace run; a higher value is preferred. */
const enum BreakKind {
    Space = 0,
    Newline = 1,
    Paragraph = 2,
}

/**
 * Splits `text` into chunks of at most `limit` code points each, breaking at the last paragraph break ("\n\n")
 * in the second half of the window, else such a newline, else the last space. A word longer than the limit is cut at the last
 * grapheme boundary that fits. Chunks are trimmed and never empty; joining them with whitespace loses no
 * non-whitespace character.
 *
 * Text within the limit comes back as `[text]` (trimmed, like every chunk); empty or whitespace-only text returns `[]`.
 * Only if a single grapheme cluster is itself longer than `limit` code points (absurdly small limits, or "zalgo"
 * text with hundreds of combining marks) is that cluster cut by code point, because a platform rejects an
 * over-limit message outright whereas a split cluster merely renders oddly.
 *
 * @throws RangeError when `limit` is not a positive integer.
 */
export function splitText(text: string, limit: number): string[] {
    if (!Number.isInteger(limit) || limit < 1) {
        throw new RangeError(`splitText: limit must be a positive integer, got ${limit}`);
    }
    const trimmed = text.trim();
    if (trimmed === '') return [];
    if (codePointLength(trimmed) <= limit) return [trimmed];

    const graphemes: string[] = [];
    const sizes: number[] = [];
    const blank: boolean[] = [];
    const newlines: number[] = [];
    for (const { segment } of GRAPHEMES.segment(trimmed)) {
        graphemes.push(segment);
        sizes.push(codePointLength(segment));
        const isBlank = WHITESPACE.test(segment);
        blank.push(isBlank);
        // "\r\n" is a single grapheme, so counting "\n" treats CRLF and LF text alike.
        newlines.push(isBlank ? segment.split('\n').length - 1 : 0);
    }
    const n = graphemes.length;
    const chunks: string[] = [];

    let start = 0;
    while (start < n) {
        while (start < n && blank[start]) start++;
        if (start >= n) break;

        // `end` is the first grapheme that no longer fits.
        let end = start;
        let used = 0;
        while (end < n && used + sizes[end] <= limit) used += sizes[end++];

        if (end === n) {
            const rest = graphemes.slice(start).join('').trimEnd();
            if (rest !== '') chunks.push(rest);
            break;
        }

        if (end === start) {
            // A single cluster longer than the limit: see the TSDoc for why code points win here.
            const points = [...graphemes[start]];
            for (let i = 0; i < points.length; i += limit) chunks.push(points.slice(i, i + limit).join(''));
            start++;
            continue;
        }

        // Find the last break of each kind; a whitespace run starting exactly at `end` still leaves a fitting chunk.
        const lastBreak: Array<number | undefined> = [undefined, undefined, undefined];
        let i = start + 1;
        while (i <= end) {
            if (!blank[i]) {
                i++;
                continue;
            }
            const runStart = i;
            let runNewlines = 0;
            while (i < n && blank[i]) runNewlines += newlines[i++];
            const kind = runNewlines >= 2 ? BreakKind.Paragraph : runNewlines === 1 ? BreakKind.Newline : BreakKind.Space;
            lastBreak[kind] = runStart;
        }
        // A paragraph or line break is preferred only in the second half of the window, so "Hi.\n\n<long text>"
        // does not become a three-character chunk followed by full ones.
        const half = start + Math.floor((end - start) / 2);
        const late = (at: number | undefined) => (at !== undefined && at >= half ? at : undefined);
        const cut =
            late(lastBreak[BreakKind.Paragraph]) ??
            late(lastBreak[BreakKind.Newline]) ??
            lastBreak[BreakKind.Space] ??
            lastBreak[BreakKind.Newline] ??
            lastBreak[BreakKind.Paragraph] ??
            end;

        chunks.push(graphemes.slice(start, cut).join(''));
        start = cut;
    }
    return chunks;
}
