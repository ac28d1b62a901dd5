const DEVANAGARI_ZERO = 0x0966;

/** Replaces Devanagari digits (०-९) with ASCII digits; lengths and offsets are unchanged. */
export function toAsciiDigits(text: string): string {
    return text.replace(/[\u0966-\u096F]/g, (d) => String(d.charCodeAt(0) - DEVANAGARI_ZERO));
}

/**
 * Folds text for matching, never for display: NFC, zero-width characters removed, Devanagari digits to ASCII, nukta
 * dropped (हज़ार = हजार), candrabindu to anusvara (हाँ = हां), danda to a full stop, Latin lower-cased, runs of three or
 * more equal letters cut to two ("nahiiii" → "nahii"), spaces squeezed.
 */
export function foldForMatching(text: string): string {
    if (text.length > FOLD_MEMO_LENGTH) return fold(text);
    // The same cue phrases and button titles are folded on every turn: each is worked out once.
    let folded = foldMemo.get(text);
    if (folded === undefined) {
        folded = fold(text);
        if (foldMemo.size >= FOLD_MEMO_SIZE) foldMemo.clear();
        foldMemo.set(text, folded);
    }
    return folded;
}

const FOLD_MEMO_SIZE = 5_000;
const FOLD_MEMO_LENGTH = 300;
const foldMemo = new Map<string, string>();

function fold(text: string): string {
    return toAsciiDigits(text.normalize('NFC'))
        .replace(/[\u200B-\u200D\uFEFF]/g, '')
        .normalize('NFD')
        .replace(/\u093C/g, '')
        .normalize('NFC')
        .replace(/\u0901/g, '\u0902')
        .replace(/[\u0964\u0965]/g, '.')
        .toLowerCase()
        .replace(/(\p{L})\1{2,}/gu, '$1$1')
        .replace(/\s+/g, ' ')
        .trim();
}

/** Splits folded text into word tokens (letters with their combining marks, or digits). */
export function tokenize(folded: string): string[] {
    return folded.match(/[\p{L}\p{M}]+|[0-9]+/gu) ?? [];
}

/**
 * A spelling-tolerant key for a token: romanised Hindi drops vowels and doubled letters and folds common consonant
 * swaps (bijli/bijlee/bjli → bjl, zyada/jyada → jyd); Devanagari drops vowel signs, anusvara and virama, so missing
 * matras still match (बिजली/बिजलि → बजल).
 */
export function skeleton(token: string): string {
    if (/[\u0900-\u097F]/.test(token)) {
        return token.replace(/[\u093E-\u094D\u0901-\u0903\u0962\u0963]/g, '');
    }
    const folded = token
        .replace(/z/g, 'j')
        .replace(/ph/g, 'f')
        .replace(/w/g, 'v')
        .replace(/q/g, 'k')
        .replace(/(.)\1+/g, '$1');
    return folded[0] + folded.slice(1).replace(/[aeiouyh]/g, '');
}

/** Damerau-Levenshtein (optimal string alignment) distance, capped: returns `max + 1` as soon as it is exceeded. */
export function editDistance(a: string, b: string, max = 2): number {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    const rows: number[][] = [];
    for (let i = 0; i <= a.length; i++) rows.push([i]);
    for (let j = 1; j <= b.length; j++) rows[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        let rowMin = Infinity;
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2][j - 2] + 1);
            rows[i][j] = value;
            rowMin = Math.min(rowMin, value);
        }
        if (rowMin > max) return max + 1;
    }
    return rows[a.length][b.length];
}
