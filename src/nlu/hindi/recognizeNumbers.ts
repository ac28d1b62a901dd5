/**
 * Hindi / Hinglish / English number, ordinal and currency recognition with offsets into the ORIGINAL input.
 * Matching runs on a folded copy (Devanagari digits → ASCII, nukta dropped, candrabindu → anusvara, zero-width
 * characters dropped, Latin lower-cased) that maps every folded code unit back to its original index.
 */

export interface NumberResult {
    text: string;
    start: number;
    end: number;
    value: number;
    typeName: 'number';
}
export interface OrdinalResult {
    text: string;
    start: number;
    end: number;
    typeName: 'ordinal' | 'ordinal.relative';
    resolution: { offset: string; relativeTo: 'start' | 'end' | 'current'; value: string };
}
export interface CurrencyResult {
    text: string;
    start: number;
    end: number;
    typeName: 'currency';
    value: number | null;
    unit: string;
    isoCurrency?: string;
}

// ---------------------------------------------------------------- folding with an offset map
interface Folded {
    f: string;
    map: number[];
    src: string;
}

function foldChar(ch: string): string {
    const c = ch.charCodeAt(0);
    if (c >= 0x0966 && c <= 0x096f) return String(c - 0x0966);
    if (c === 0x093c || c === 0x200b || c === 0x200c || c === 0x200d || c === 0xfeff) return '';
    if (c === 0x0901) return '\u0902';
    if (c >= 0x0958 && c <= 0x095f) return 'कखगजडढफय'[c - 0x0958];
    const l = ch.toLowerCase();
    return l.length === 1 ? l : ch;
}

function foldText(text: string): Folded {
    let f = '';
    const map: number[] = [];
    for (let i = 0; i < text.length; i++) {
        const r = foldChar(text[i]);
        if (r) {
            f += r;
            map.push(i);
        }
    }
    map.push(text.length);
    return { f, map, src: text };
}

/** Folds a lexicon word the same way as input text. */
function fw(word: string): string {
    return foldText(word.normalize('NFC')).f;
}

function span(fd: Folded, fs: number, fe: number): { text: string; start: number; end: number } {
    const start = fd.map[fs];
    const endExcl = fd.map[fe];
    return { text: fd.src.slice(start, endExcl), start, end: endExcl - 1 };
}

// ---------------------------------------------------------------- lexicon
const SMALL = new Map<string, number>();
const ENG_TENS = new Set<string>();
const ENG_UNITS = new Set<string>();
function addSmall(v: number, words: string, eng?: 'tens' | 'unit'): void {
    for (const w of words.split(/\s+/).filter(Boolean)) {
        SMALL.set(fw(w), v);
        if (eng === 'tens') ENG_TENS.add(fw(w));
        if (eng === 'unit') ENG_UNITS.add(fw(w));
    }
}
const HINDI_0_99 = [
    'शून्य',
    'एक',
    'दो',
    'तीन',
    'चार',
    'पांच पाँच पाच',
    'छह छः छै छे छ',
    'सात',
    'आठ',
    'नौ',
    'दस',
    'ग्यारह',
    'बारह',
    'तेरह',
    'चौदह',
    'पंद्रह पन्द्रह',
    'सोलह',
    'सत्रह',
    'अठारह अट्ठारह',
    'उन्नीस',
    'बीस',
    'इक्कीस',
    'बाईस बाइस',
    'तेईस तेइस',
    'चौबीस',
    'पच्चीस',
    'छब्बीस',
    'सत्ताईस सत्ताइस',
    'अट्ठाईस अट्ठाइस अठ्ठाईस अठाईस',
    'उनतीस उन्तीस',
    'तीस',
    'इकत्तीस इकतीस',
    'बत्तीस',
    'तैंतीस तेंतीस तैतीस',
    'चौंतीस चौतीस',
    'पैंतीस पैतीस',
    'छत्तीस',
    'सैंतीस सैतीस',
    'अड़तीस अडतीस',
    'उनतालीस उनचालीस',
    'चालीस',
    'इकतालीस',
    'बयालीस बियालीस',
    'तैंतालीस तेतालीस',
    'चवालीस चौवालीस',
    'पैंतालीस पैतालीस',
    'छियालीस',
    'सैंतालीस',
    'अड़तालीस',
    'उनचास',
    'पचास',
    'इक्यावन',
    'बावन',
    'तिरेपन तिरपन',
    'चौवन चौव्वन',
    'पचपन',
    'छप्पन',
    'सत्तावन',
    'अट्ठावन अठावन',
    'उनसठ',
    'साठ',
    'इकसठ एकसठ',
    'बासठ',
    'तिरेसठ तिरसठ',
    'चौंसठ',
    'पैंसठ',
    'छियासठ',
    'सड़सठ सरसठ',
    'अड़सठ',
    'उनहत्तर',
    'सत्तर',
    'इकहत्तर',
    'बहत्तर',
    'तिहत्तर',
    'चौहत्तर',
    'पचहत्तर',
    'छिहत्तर',
    'सतहत्तर',
    'अठहत्तर',
    'उन्यासी उनासी',
    'अस्सी',
    'इक्यासी',
    'बयासी',
    'तिरासी',
    'चौरासी',
    'पचासी',
    'छियासी',
    'सत्तासी',
    'अट्ठासी',
    'नवासी',
    'नब्बे',
    'इक्यानबे इक्यानवे',
    'बानबे बानवे',
    'तिरानबे तिरानवे',
    'चौरानबे चौरानवे',
    'पंचानबे पचानबे पंचानवे पचानवे',
    'छियानबे छियानवे',
    'सत्तानबे सत्तानवे',
    'अट्ठानबे अट्ठानवे',
    'निन्यानबे निन्यानवे',
];
HINDI_0_99.forEach((w, v) => addSmall(v, w));
// romanised Hindi
const ROMAN: Array<[number, string]> = [
    [0, 'shunya shoonya'],
    [1, 'ek'],
    [2, 'do'],
    [3, 'teen tin'],
    [4, 'char chaar'],
    [5, 'paanch panch panc'],
    [6, 'chhe chhah chah che'],
    [7, 'saat sat'],
    [8, 'aath ath'],
    [9, 'nau'],
    [10, 'das'],
    [11, 'gyarah gyara'],
    [12, 'barah bara'],
    [13, 'terah tera'],
    [14, 'chaudah chauda'],
    [15, 'pandrah pandra'],
    [16, 'solah sola'],
    [17, 'satrah satra'],
    [18, 'atharah athara'],
    [19, 'unnees unnis'],
    [20, 'bees bis'],
    [21, 'ikkees ikkis'],
    [22, 'baees bais'],
    [23, 'teis teees'],
    [24, 'chaubees chaubis'],
    [25, 'pachchees pachchis pachis'],
    [30, 'tees tis'],
    [40, 'chalees chalis chaalis'],
    [50, 'pachaas pachas'],
    [70, 'sattar'],
    [80, 'assi'],
    [90, 'nabbe'],
];
for (const [v, w] of ROMAN) addSmall(v, w);
// English in Latin and Devanagari
addSmall(0, 'zero');
addSmall(10, 'ten टेन');
const EN_UNITS = ['', 'one वन', 'two टू', 'three थ्री', 'four फोर फ़ोर', 'five फाइव फ़ाइव', 'six सिक्स', 'seven सेवन', 'eight एट', 'nine नाइन'];
EN_UNITS.forEach((w, v) => {
    if (v) addSmall(v, w, 'unit');
});
const EN_TEENS: Array<[number, string]> = [
    [11, 'eleven इलेवन'],
    [12, 'twelve ट्वेल्व'],
    [13, 'thirteen थर्टीन'],
    [14, 'fourteen फोर्टीन'],
    [15, 'fifteen फिफ्टीन'],
    [16, 'sixteen सिक्सटीन'],
    [17, 'seventeen सेवेनटीन सेवनटीन'],
    [18, 'eighteen एटीन'],
    [19, 'nineteen नाइनटीन'],
];
for (const [v, w] of EN_TEENS) addSmall(v, w);
const EN_TENS: Array<[number, string]> = [
    [20, 'twenty ट्वेंटी'],
    [30, 'thirty थर्टी'],
    [40, 'forty fourty फोर्टी'],
    [50, 'fifty फिफ्टी फ़िफ़्टी'],
    [60, 'sixty सिक्सटी'],
    [70, 'seventy सेवेंटी सेवेनटी'],
    [80, 'eighty एटी'],
    [90, 'ninety नाइंटी'],
];
for (const [v, w] of EN_TENS) addSmall(v, w, 'tens');

const STANDALONE_FRACTION = new Map<string, number>();
for (const [w, v] of [
    ['डेढ़', 1.5],
    ['डेढ', 1.5],
    ['ढाई', 2.5],
    ['सवा', 1.25],
    ['सावा', 1.25],
    ['आधा', 0.5],
    ['आधे', 0.5],
    ['आधी', 0.5],
    ['dedh', 1.5],
    ['derh', 1.5],
    ['dhai', 2.5],
    ['dhaai', 2.5],
    ['sawa', 1.25],
    ['sava', 1.25],
    ['adha', 0.5],
    ['aadha', 0.5],
    ['half', 0.5],
] as Array<[string, number]>) {
    STANDALONE_FRACTION.set(fw(w), v);
}
const MODIFIER = new Map<string, number>();
for (const [w, v] of [
    ['साढ़े', 0.5],
    ['साढे', 0.5],
    ['sadhe', 0.5],
    ['saadhe', 0.5],
    ['saade', 0.5],
    ['पौने', -0.25],
    ['paune', -0.25],
    ['pone', -0.25],
] as Array<[string, number]>) {
    MODIFIER.set(fw(w), v);
}
const HUNDRED = new Set(['सौ', 'sau', 'so', 'hundred', 'हंड्रेड', 'हन्ड्रेड'].map(fw));
const SCALE = new Map<string, number>();
for (const [w, v] of [
    ['हज़ार', 1e3],
    ['हजार', 1e3],
    ['hazaar', 1e3],
    ['hazar', 1e3],
    ['hajar', 1e3],
    ['hajaar', 1e3],
    ['thousand', 1e3],
    ['थाउजेंड', 1e3],
    ['थाउज़ेंड', 1e3],
    ['लाख', 1e5],
    ['lakh', 1e5],
    ['lac', 1e5],
    ['lakhs', 1e5],
    ['करोड़', 1e7],
    ['करोड', 1e7],
    ['crore', 1e7],
    ['crores', 1e7],
    ['karod', 1e7],
    ['karor', 1e7],
    ['अरब', 1e9],
    ['arab', 1e9],
    ['खरब', 1e11],
    ['kharab', 1e11],
    ['मिलियन', 1e6],
    ['million', 1e6],
    ['बिलियन', 1e9],
    ['billion', 1e9],
    ['ट्रिलियन', 1e12],
    ['trillion', 1e12],
] as Array<[string, number]>) {
    SCALE.set(fw(w), v);
}
const DOZEN = new Set(['दर्जन', 'डज़न', 'डजन', 'dozen', 'darjan'].map(fw));
const AND = new Set(['और', 'aur', 'and', 'एवं'].map(fw));
const NEGATIVE = new Set(['माइनस', 'निगेटिव', 'नेगेटिव', 'ऋण', 'minus', 'negative'].map(fw));
const DECIMAL_POINT = new Set(['दशमलव', 'पॉइंट', 'पॉइन्ट', 'प्वाइंट', 'point'].map(fw));
const BATA = new Set(['बटा', 'बटे', 'by'].map(fw));
const OF = new Set(['का', 'के', 'की'].map(fw));
const DENOM_WORD = new Map<string, number>([
    [fw('तिहाई'), 3],
    [fw('चौथाई'), 4],
]);

// ordinals
const ORD_SPECIAL = new Map<string, number>();
for (const [w, v] of [
    ['पहला', 1],
    ['पहली', 1],
    ['पहले', 1],
    ['प्रथम', 1],
    ['दूसरा', 2],
    ['दूसरी', 2],
    ['दूसरे', 2],
    ['द्वितीय', 2],
    ['तीसरा', 3],
    ['तीसरी', 3],
    ['तीसरे', 3],
    ['तृतीय', 3],
    ['चौथा', 4],
    ['चौथी', 4],
    ['चौथे', 4],
    ['चतुर्थ', 4],
    ['पंचम', 5],
    ['छठा', 6],
    ['छठी', 6],
    ['छठे', 6],
    ['first', 1],
    ['फर्स्ट', 1],
    ['फ़र्स्ट', 1],
    ['second', 2],
    ['सेकंड', 2],
    ['सेकेंड', 2],
    ['सेकण्ड', 2],
    ['third', 3],
    ['थर्ड', 3],
    ['fourth', 4],
    ['फोर्थ', 4],
    ['fifth', 5],
    ['फिफ्थ', 5],
    ['sixth', 6],
    ['सिक्स्थ', 6],
    ['seventh', 7],
    ['सेवेंथ', 7],
    ['eighth', 8],
    ['एट्थ', 8],
    ['ninth', 9],
    ['नाइंथ', 9],
    ['tenth', 10],
    ['टेन्थ', 10],
    ['टेंथ', 10],
    ['eleventh', 11],
    ['इलेवेन्थ', 11],
    ['इलेवंथ', 11],
    ['twelfth', 12],
    ['ट्वेल्फ्थ', 12],
    ['pehla', 1],
    ['pahla', 1],
    ['pehli', 1],
    ['doosra', 2],
    ['dusra', 2],
    ['dusri', 2],
    ['teesra', 3],
    ['tisra', 3],
] as Array<[string, number]>) {
    ORD_SPECIAL.set(fw(w), v);
}
const ORD_SUFFIXES = ['वां', 'वीं', 'वें', 'वा', 'वी', 'वे', 'th'].map(fw);
/** Returns the cardinal word (folded) hidden in an ordinal word, e.g. पांचवां → पांच, or a special ordinal value. */
function ordinalOf(word: string): { card?: string; special?: number } | null {
    if (ORD_SPECIAL.has(word)) return { special: ORD_SPECIAL.get(word)! };
    if (SMALL.has(word) || SCALE.has(word)) return null;
    for (const s of ORD_SUFFIXES) {
        if (word.length > s.length && word.endsWith(s)) {
            const base = word.slice(0, -s.length);
            if (SMALL.has(base) || HUNDRED.has(base) || SCALE.has(base)) return { card: base };
        }
    }
    if (word.endsWith('tieth')) {
        const b = word.slice(0, -5) + 'ty';
        if (SMALL.has(b)) return { card: b };
    }
    return null;
}

// ---------------------------------------------------------------- tokens
interface Tok {
    fs: number;
    fe: number;
    f: string;
    num?: number;
    glued?: boolean;
    word: boolean;
    ordCard?: string;
    ordSpecial?: number;
}

const LETTER = /[\p{L}\p{M}]/u;
const NUM_CORE = new RegExp(
    [
        '(?<ip>\\d+(?:\\.\\d+){2,})',
        '(?<pow>\\d+(?:\\.\\d+)?\\^[+-]*\\d+)',
        '(?<sci>\\d+(?:\\.\\d+)?e[+-]?\\d+)',
        '(?<mixed>\\d+ +\\d+/\\d+(?![/\\d]))',
        '(?<frac>\\d+/\\d+(?![/\\d-]))',
        '(?<grp>\\d{1,2},(?:\\d{2},)+\\d{3}(?:\\.\\d+)?(?![\\d,]\\d)|\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?(?![\\d]|,\\d)|\\d{1,3}(?: \\d{3}){2,}(?![\\d]))',
        '(?<dec>\\d+\\.\\d+|\\.\\d+|\\d+)',
    ].join('|'),
    'uy'
);

function numberTokens(f: string): Tok[] {
    const out: Tok[] = [];
    let i = 0;
    while (i < f.length) {
        const ch = f[i];
        const isStart = /[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(f[i + 1] ?? ''));
        if (!isStart || (i > 0 && /[\p{L}\p{M}0-9]/u.test(f[i - 1])) || (ch === '.' && i > 0 && /[0-9]/.test(f[i - 1]))) {
            i++;
            continue;
        }
        NUM_CORE.lastIndex = i;
        const m = NUM_CORE.exec(f);
        if (!m || !m.groups) {
            i++;
            continue;
        }
        const g = m.groups;
        let end = i + m[0].length;
        if (g.ip) {
            const re = /\d+/g;
            let mm: RegExpExecArray | null;
            while ((mm = re.exec(m[0]))) out.push({ fs: i + mm.index, fe: i + mm.index + mm[0].length, f: mm[0], num: Number(mm[0]), word: false });
            i = end;
            continue;
        }
        let value: number;
        if (g.pow) {
            const [b, e] = m[0].split('^');
            const neg = (e.match(/-/g) ?? []).length % 2 === 1;
            value = Math.pow(Number(b), (neg ? -1 : 1) * Number(e.replace(/[+-]/g, '')));
        } else if (g.sci) value = Number(m[0]);
        else if (g.mixed) {
            const [w, fr] = m[0].trim().split(/ +/);
            const [a, b] = fr.split('/');
            value = Number(w) + Number(a) / Number(b);
        } else if (g.frac) {
            if (i > 0 && /[-/]/.test(f[i - 1]) && /\d/.test(f[i - 2] ?? '')) {
                const [a] = m[0].split('/');
                out.push({ fs: i, fe: i + a.length, f: a, num: Number(a), word: false });
                i = i + a.length;
                continue;
            }
            const [a, b] = m[0].split('/');
            value = Number(a) / Number(b);
        } else value = Number(m[0].replace(/[, ]/g, ''));
        const k = /^ *k(?![\p{L}\p{M}])/uy;
        k.lastIndex = 0;
        const km = k.exec(f.slice(end));
        if (km) {
            value *= 1000;
            end += km[0].length;
        }
        const glued = end < f.length && LETTER.test(f[end]);
        out.push({ fs: i, fe: end, f: f.slice(i, end), num: value, glued, word: false });
        i = end;
    }
    return out;
}

function tokenize(f: string): Tok[] {
    const nums = numberTokens(f);
    const toks: Tok[] = [];
    let ni = 0;
    let i = 0;
    while (i < f.length) {
        if (ni < nums.length && nums[ni].fs === i) {
            toks.push(nums[ni]);
            i = nums[ni].fe;
            ni++;
            continue;
        }
        const ch = f[i];
        if (/\s/.test(ch)) {
            i++;
            continue;
        }
        if (LETTER.test(ch)) {
            let j = i;
            while (j < f.length && LETTER.test(f[j]) && !(ni < nums.length && nums[ni].fs === j)) j++;
            const w = f.slice(i, j);
            const t: Tok = { fs: i, fe: j, f: w, word: true };
            const o = ordinalOf(w);
            if (o) {
                t.ordCard = o.card;
                t.ordSpecial = o.special;
            }
            toks.push(t);
            i = j;
            continue;
        }
        toks.push({ fs: i, fe: i + 1, f: ch, word: false });
        i++;
    }
    return toks;
}

// ---------------------------------------------------------------- parser
interface Parse {
    value: number;
    next: number;
    ordinal?: boolean;
}
interface Ctx {
    toks: Tok[];
    allowGlued: boolean;
    ordinalMode: boolean;
}

/** The folded word of token i; in ordinal mode an ordinal word reads as its cardinal. */
function word(c: Ctx, i: number): string | undefined {
    const t = c.toks[i];
    if (!t || !t.word) return undefined;
    if (c.ordinalMode && t.ordCard) return t.ordCard;
    return t.f;
}
const isOrdTok = (c: Ctx, i: number): boolean => c.ordinalMode && !!c.toks[i]?.ordCard;

function parseG0(c: Ctx, i: number): Parse | null {
    const t = c.toks[i];
    if (!t) return null;
    let r: Parse | null = null;
    if (t.num !== undefined) {
        if (t.glued && !c.allowGlued) return null;
        r = { value: t.num, next: i + 1 };
    } else {
        const w = word(c, i);
        if (w === undefined) return null;
        if (MODIFIER.has(w) && !isOrdTok(c, i)) {
            const n = parseG0(c, i + 1);
            if (!n || (n.ordinal && false)) return null;
            return { value: n.value + MODIFIER.get(w)!, next: n.next, ordinal: n.ordinal };
        }
        if (STANDALONE_FRACTION.has(w)) r = { value: STANDALONE_FRACTION.get(w)!, next: i + 1 };
        else if (SMALL.has(w)) {
            r = { value: SMALL.get(w)!, next: i + 1, ordinal: isOrdTok(c, i) };
            if (!r.ordinal && ENG_TENS.has(w)) {
                const w2 = word(c, i + 1);
                if (w2 && ENG_UNITS.has(w2)) r = { value: r.value + SMALL.get(w2)!, next: i + 2, ordinal: isOrdTok(c, i + 1) };
                else if (c.toks[i + 1]?.ordSpecial && c.ordinalMode && c.toks[i + 1].ordSpecial! < 10) {
                    r = { value: r.value + c.toks[i + 1].ordSpecial!, next: i + 2, ordinal: true };
                }
            }
        }
    }
    if (r && !r.ordinal) {
        const w = word(c, r.next);
        if (w && DOZEN.has(w)) r = { value: r.value * 12, next: r.next + 1 };
    }
    return r;
}

function isFractionMarker(c: Ctx, i: number): boolean {
    const w = word(c, i);
    return !!w && (HUNDRED.has(w) || BATA.has(w) || DENOM_WORD.has(w) || OF.has(w) || w === fw('में'));
}

function parseG1(c: Ctx, i: number): Parse | null {
    const a = parseG0(c, i);
    if (a?.ordinal) return a;
    const hIdx = a ? a.next : i;
    const hw = word(c, hIdx);
    if (hw && HUNDRED.has(hw)) {
        const r: Parse = { value: (a ? a.value : 1) * 100, next: hIdx + 1, ordinal: isOrdTok(c, hIdx) };
        if (r.ordinal) return r;
        let j = r.next;
        const andW = word(c, j);
        const hasAnd = !!andW && AND.has(andW);
        if (hasAnd) j++;
        const b = parseG0(c, j);
        const blocked = hasAnd
            ? isFractionMarker(c, b ? b.next : j)
            : (word(c, b ? b.next : j) !== undefined && HUNDRED.has(word(c, b ? b.next : j)!)) || !Number.isInteger(r.value);
        if (b && b.value < 100 && !blocked && !(hasAnd && b.value === 0)) {
            return { value: r.value + b.value, next: b.next, ordinal: b.ordinal };
        }
        return r;
    }
    return a;
}

/** Cardinal with scales (हजार, लाख, करोड़, …) in descending order. */
function parseBig(c: Ctx, i: number): Parse | null {
    let total = 0;
    let lastScale = Infinity;
    let pos = i;
    let any = false;
    for (;;) {
        const g = parseG1(c, pos);
        if (g?.ordinal) return { value: total + g.value, next: g.next, ordinal: true };
        const sIdx = g ? g.next : pos;
        const sw = word(c, sIdx);
        if (sw && SCALE.has(sw) && SCALE.get(sw)! < lastScale && (g || !any || true)) {
            const s = SCALE.get(sw)!;
            total += (g ? g.value : 1) * s;
            lastScale = s;
            any = true;
            pos = sIdx + 1;
            if (isOrdTok(c, sIdx)) return { value: total, next: pos, ordinal: true };
            // optional "और" before the next group
            const aw = word(c, pos);
            if (aw && AND.has(aw)) {
                const peek = parseG1(c, pos + 1);
                if (peek && !isFractionMarker(c, peek.next) && peek.value !== 0) {
                    pos = pos + 1;
                    continue;
                }
            }
            continue;
        }
        if (g) return { value: total + g.value, next: g.next, ordinal: g.ordinal };
        return any ? { value: total, next: pos } : null;
    }
}

/** Big number with optional decimal-word tail: दो सौ दशमलव शून्य तीन. */
function parseDecimal(c: Ctx, i: number): Parse | null {
    const b = parseBig(c, i);
    if (!b || b.ordinal) return b;
    const pw = word(c, b.next);
    if (pw && DECIMAL_POINT.has(pw)) {
        let j = b.next + 1;
        const digits: number[] = [];
        while (true) {
            const w = word(c, j);
            const t = c.toks[j];
            if (t && t.num !== undefined && Number.isInteger(t.num) && !t.glued) {
                digits.push(...t.f.split('').map(Number));
                j++;
                continue;
            }
            if (w && SMALL.has(w)) {
                const v = SMALL.get(w)!;
                digits.push(...String(v).split('').map(Number));
                j++;
                continue;
            }
            break;
        }
        if (digits.length) return { value: Number(`${Math.trunc(b.value)}.${digits.join('')}`), next: j };
    }
    return b;
}

function parseOrdinalAt(c: Ctx, i: number): Parse | null {
    const oc: Ctx = { ...c, ordinalMode: true };
    const r = parseBig(oc, i);
    return r && r.ordinal ? r : null;
}

/** One term: a cardinal, or a fraction (X बटा Y, X तिहाई, X का Nवां, X में से Y). */
function parseTerm(c: Ctx, i: number): (Parse & { fraction: boolean }) | null {
    const ordDirect = parseOrdinalAt(c, i);
    const a = parseDecimal(c, i);
    if (!a || a.ordinal) {
        return null;
    }
    void ordDirect;
    const w = word(c, a.next);
    if (w && BATA.has(w)) {
        const b = parseDecimal(c, a.next + 1);
        if (b && !b.ordinal && b.value !== 0) return { value: a.value / b.value, next: b.next, fraction: true };
    }
    if (w && DENOM_WORD.has(w)) return { value: a.value / DENOM_WORD.get(w)!, next: a.next + 1, fraction: true };
    if (w && OF.has(w)) {
        const o = parseOrdinalAt(c, a.next + 1);
        if (o && o.value !== 0) return { value: a.value / o.value, next: o.next, fraction: true };
    }
    if (w === fw('में')) {
        const w2 = word(c, a.next + 1);
        if (w2 === fw('से')) {
            const b = parseDecimal(c, a.next + 2);
            if (b && !b.ordinal && a.value !== 0) return { value: b.value / a.value, next: b.next, fraction: true };
        }
        const o = parseOrdinalAt(c, a.next + 1);
        if (o && o.value !== 0) return { value: a.value / o.value, next: o.next, fraction: true };
    }
    return { ...a, fraction: false };
}

/** Terms joined by "और" that end in a fraction: बीस और तीन बटे पांच = 20.6. */
function parseCompound(c: Ctx, i: number): Parse | null {
    const first = parseTerm(c, i);
    if (!first) return null;
    let best: Parse = first;
    let sum = first.value;
    let pos = first.next;
    for (;;) {
        const w = word(c, pos);
        if (!w || !AND.has(w)) break;
        const t = parseTerm(c, pos + 1);
        if (!t) break;
        sum += t.value;
        pos = t.next;
        if (t.fraction) best = { value: sum, next: pos };
    }
    return best;
}

function parseSigned(c: Ctx, i: number): Parse | null {
    const w = word(c, i);
    if (w && NEGATIVE.has(w)) {
        const r = parseCompound(c, i + 1);
        if (r) return { value: -r.value, next: r.next };
    }
    const t = c.toks[i];
    if (t && t.f === '-' && c.toks[i + 1]?.num !== undefined) {
        const prev = c.toks[i - 1];
        const fPrevChar = i > 0 ? undefined : undefined;
        void fPrevChar;
        if (!prev || prev.fe < t.fs || !(prev.num !== undefined || prev.word)) {
            const r = parseCompound(c, i + 1);
            if (r) return { value: -r.value, next: r.next };
        }
    }
    return parseCompound(c, i);
}

// ---------------------------------------------------------------- public API
export function recognizeNumbers(text: string): NumberResult[] {
    const fd = foldText(text);
    const toks = tokenize(fd.f);
    const c: Ctx = { toks, allowGlued: false, ordinalMode: false };
    const out: NumberResult[] = [];
    let i = 0;
    while (i < toks.length) {
        const r = parseSigned(c, i);
        if (r && r.next > i) {
            const s = span(fd, toks[i].fs, toks[r.next - 1].fe);
            out.push({ ...s, value: clean(r.value), typeName: 'number' });
            i = r.next;
        } else i++;
    }
    return out;
}

function clean(v: number): number {
    return Number.isInteger(v) ? v : Number(v.toPrecision(15));
}

const RELATIVE: Array<[string, number, 'end' | 'current']> = [
    ['आखिरी से दूसरा', -2, 'end'],
    ['पिछला पर केवल एक', -1, 'end'],
    ['आखिरी से पहले का', -1, 'end'],
    ['आखिरी का दूसरा', -1, 'end'],
    ['अंतिम वाले का पिछला', -1, 'end'],
    ['अंतिम से दूसरा', -1, 'end'],
    ['आखिरी के बगल वाला', -1, 'end'],
    ['अंतिम वाले से पहले वाला', -1, 'end'],
    ['आखिरी वाले का पिछला वाला', -1, 'end'],
    ['आखिरी वाले से पहले वाला', -1, 'end'],
    ['पिछला वाला', -1, 'current'],
    ['पिछली वाली', -1, 'current'],
    ['अगला वाला', 1, 'current'],
    ['अगली वाली', 1, 'current'],
    ['आखिरी की', 0, 'end'],
    ['आखिरी वाली', 0, 'end'],
    ['आखिरी वाला', 0, 'end'],
    ['अगली चीज', 1, 'current'],
    ['अभी वाला', 0, 'current'],
    ['second last', -1, 'end'],
    ['last but one', -1, 'end'],
    ['अंतिम', 0, 'end'],
    ['आखिरी', 0, 'end'],
    ['आख़िरी', 0, 'end'],
    ['लास्ट', 0, 'end'],
    ['last', 0, 'end'],
    ['aakhri', 0, 'end'],
    ['akhri', 0, 'end'],
    ['पिछले', -1, 'current'],
    ['पिछला', -1, 'current'],
    ['पिछली', -1, 'current'],
    ['प्रीवियस', -1, 'current'],
    ['previous', -1, 'current'],
    ['अगला', 1, 'current'],
    ['अगली', 1, 'current'],
    ['अगले', 1, 'current'],
    ['नेक्स्ट', 1, 'current'],
    ['next', 1, 'current'],
    ['agla', 1, 'current'],
    ['agli', 1, 'current'],
    ['वर्तमान', 0, 'current'],
    ['करेंट', 0, 'current'],
    ['current', 0, 'current'],
];
const RELATIVE_F = RELATIVE.map(([p, o, r]) => ({ words: p.split(' ').map(fw), offset: o, rel: r })).sort((a, b) => b.words.length - a.words.length);

export function recognizeOrdinals(text: string): OrdinalResult[] {
    const fd = foldText(text);
    const toks = tokenize(fd.f);
    const c: Ctx = { toks, allowGlued: true, ordinalMode: true };
    const out: OrdinalResult[] = [];
    let i = 0;
    outer: while (i < toks.length) {
        for (const r of RELATIVE_F) {
            if (r.words.every((w, k) => toks[i + k]?.word && toks[i + k].f === w)) {
                const s = span(fd, toks[i].fs, toks[i + r.words.length - 1].fe);
                const sign = r.offset < 0 ? '-' : '+';
                out.push({
                    ...s,
                    typeName: 'ordinal.relative',
                    resolution: { offset: String(r.offset), relativeTo: r.rel, value: `${r.rel}${sign}${Math.abs(r.offset)}` },
                });
                i += r.words.length;
                continue outer;
            }
        }
        const t = toks[i];
        let val: number | null = null;
        let next = i + 1;
        if (t.num !== undefined && t.glued && Number.isInteger(t.num)) {
            const rest = /^(वां|वीं|वें|वा|वी|वे|रा|री|रे|ला|ली|ले|था|थी|थे|st|nd|rd|th)(?![\p{L}\p{M}])/u.exec(fd.f.slice(t.fe));
            if (rest && toks[i + 1]?.fs === t.fe) {
                val = t.num;
                next = i + 2;
            }
        } else if (t.ordSpecial !== undefined) {
            val = t.ordSpecial;
        } else {
            const p = parseBig(c, i);
            if (p && p.ordinal) {
                val = p.value;
                next = p.next;
            }
        }
        if (val !== null) {
            const s = span(fd, t.fs, toks[next - 1].fe);
            out.push({ ...s, typeName: 'ordinal', resolution: { offset: String(val), relativeTo: 'start', value: String(val) } });
            i = next;
        } else i++;
    }
    return out;
}

// ---------------------------------------------------------------- currency
interface Unit {
    words: string[];
    unit: string;
    iso?: string;
    minor?: { of: string; div: number };
}
const RUPEE = { unit: 'Indian rupee', iso: 'INR' };
const SUFFIX_UNITS: Unit[] = [
    { words: ['अमेरिकी डॉलर', 'यूएस डॉलर', 'us dollars', 'us dollar', 'usd'], unit: 'United States dollar', iso: 'USD' },
    { words: ['ऑस्ट्रेलियाई डॉलर', 'australian dollars'], unit: 'Australian dollar', iso: 'AUD' },
    { words: ['कैनेडियन डॉलर', 'कनाडाई डॉलर'], unit: 'Canadian dollar', iso: 'CAD' },
    { words: ['हांगकांग डॉलर'], unit: 'Hong Kong dollar', iso: 'HKD' },
    { words: ['डॉलर', 'डालर', 'dollars', 'dollar'], unit: 'Dollar' },
    { words: ['सेंट', 'cents', 'cent'], unit: 'Cent', minor: { of: 'Dollar', div: 100 } },
    { words: ['पेंस', 'pence'], unit: 'Pence' },
    { words: ['पेनी', 'penny'], unit: 'Penny' },
    { words: ['पाउंड', 'pounds', 'pound'], unit: 'Pound' },
    { words: ['यूरो', 'euros', 'euro'], unit: 'Euro', iso: 'EUR' },
    { words: ['येन', 'yen'], unit: 'Japanese yen', iso: 'JPY' },
    { words: ['चीनी युआन', 'युआन', 'yuan', '元'], unit: 'Chinese yuan', iso: 'CNY' },
    { words: ['कुआई'], unit: 'Chinese yuan', iso: 'CNY' },
    { words: ['माओ'], unit: 'Jiao', minor: { of: 'Chinese yuan', div: 10 } },
    { words: ['फ़ेन', 'फेन'], unit: 'Fen', minor: { of: 'Chinese yuan', div: 100 } },
    { words: ['स्विस फ्रैंक', 'स्विस फ़्रैंक'], unit: 'Swiss franc', iso: 'CHF' },
    { words: ['फ़्रैंक', 'फ्रैंक', 'फ्रांक', 'francs', 'franc'], unit: 'Franc' },
    { words: ['फ़िन्निश मार्का', 'फिनिश मार्का'], unit: 'Finnish markka' },
    { words: ['पसेटा', 'पेसेटा'], unit: 'Peseta' },
    { words: ['डच गिल्डर'], unit: 'Netherlands guilder' },
    { words: ['₡'], unit: 'Costa Rican colón', iso: 'CRC' },
    { words: ['₾'], unit: 'Georgian lari', iso: 'GEL' },
    { words: ['₭'], unit: 'Lao kip', iso: 'LAK' },
    { words: ['ரூ'], unit: 'Sri Lankan rupee', iso: 'LKR' },
    { words: ['पैसे', 'पैसा', 'paise', 'paisa'], unit: 'Paisa', minor: { of: RUPEE.unit, div: 100 } },
    {
        words: [
            'भारतीय रुपये',
            'भारतीय रुपए',
            'रुपये',
            'रुपए',
            'रुपया',
            'रुपयों',
            'रूपये',
            'रूपए',
            'रूपया',
            'रु',
            'rupees',
            'rupee',
            'rupaye',
            'rupaiye',
            'rupay',
            'rupaiya',
            'rupiya',
            'rs',
            'inr',
            '₹',
        ],
        ...RUPEE,
    },
];
const PREFIXES: Array<{ re: RegExp; unit: string; iso?: string }> = [
    { re: /(?:यू\. ?एस\. ?\$|usd\$|us\$) *$/u, unit: 'United States dollar', iso: 'USD' },
    { re: /mxn\$ *$/u, unit: 'Mexican peso', iso: 'MXN' },
    { re: /aud\$ *$/u, unit: 'Australian dollar', iso: 'AUD' },
    { re: /(?:cad\$|c ?\$) *$/u, unit: 'Canadian dollar', iso: 'CAD' },
    { re: /nzd\$ *$/u, unit: 'New Zealand dollar', iso: 'NZD' },
    { re: /hk ?\$ *$/u, unit: 'Hong Kong dollar', iso: 'HKD' },
    { re: /\$ *$/u, unit: 'Dollar' },
    { re: /£ *$/u, unit: 'Pound' },
    { re: /€ *$/u, unit: 'Euro', iso: 'EUR' },
    { re: /(?:₹|rs\.?|inr|रु\.?|रू\.?) *$/u, ...RUPEE },
    { re: /सेन *$/u, unit: 'Sen' },
];
const SUFFIX_F = SUFFIX_UNITS.flatMap((u) => u.words.map((w) => ({ w: fw(w), u }))).sort((a, b) => b.w.length - a.w.length);

function matchSuffix(f: string, pos: number): { u: Unit; end: number } | null {
    const m = /^ *(?:- *)?/.exec(f.slice(pos))!;
    const p = pos + m[0].length;
    for (const { w, u } of SUFFIX_F) {
        if (f.startsWith(w, p)) {
            const after = f[p + w.length];
            if (after && /[\p{L}\p{M}]/u.test(after) && /[\p{L}]/u.test(w[w.length - 1])) continue;
            if (/^[\p{L}]/u.test(w) && m[0].length === 0 && /[0-9.]/.test(f[pos - 1] ?? '') && !/^[\u0B80-\u0BFF元]/u.test(w) && w !== 'rs' && w !== 'inr')
                continue;
            return { u, end: p + w.length };
        }
    }
    return null;
}

function matchPrefix(f: string, pos: number): { unit: string; iso?: string; start: number } | null {
    const before = f.slice(Math.max(0, pos - 12), pos);
    for (const p of PREFIXES) {
        const m = p.re.exec(before);
        if (m) {
            const start = pos - (before.length - m.index);
            const prev = f[start - 1];
            if (prev && /[\p{L}\p{M}0-9]/u.test(prev) && /^[\p{L}]/u.test(m[0])) continue;
            return { unit: p.unit, iso: p.iso, start };
        }
    }
    return null;
}

export function recognizeCurrency(text: string): CurrencyResult[] {
    const fd = foldText(text);
    const f = fd.f;
    const toks = tokenize(f);
    const c: Ctx = { toks, allowGlued: true, ordinalMode: false };
    const out: CurrencyResult[] = [];
    const emit = (fs: number, fe: number, value: number | null, unit: string, iso?: string): void => {
        const s = span(fd, fs, fe);
        const r: CurrencyResult = { ...s, typeName: 'currency', value: value === null ? null : clean(value), unit };
        if (iso) r.isoCurrency = iso;
        out.push(r);
    };
    let i = 0;
    while (i < toks.length) {
        const t = toks[i];
        const amount = parseDecimal(c, i);
        if (amount && !amount.ordinal) {
            const aEnd = toks[amount.next - 1].fe;
            const pre = matchPrefix(f, t.fs);
            if (pre) {
                let value = amount.value;
                let end = aEnd;
                const next = amount.next;
                // c$ 100 और पचास → 100.50
                const aw = word(c, next);
                if (aw && AND.has(aw)) {
                    const minor = parseG0(c, next + 1);
                    if (minor && minor.value < 100 && !matchSuffix(f, toks[minor.next - 1].fe)) {
                        value += minor.value / 100;
                        end = toks[minor.next - 1].fe;
                    }
                }
                const sl = f.slice(end);
                const tail = /^\/-/.exec(sl);
                if (tail) end += 2;
                emit(pre.start, end, value, pre.unit, pre.iso);
                while (i < toks.length && toks[i].fs < end) i++;
                continue;
            }
            const suf = matchSuffix(f, aEnd);
            if (suf) {
                let value = amount.value;
                let end = suf.end;
                const unit = suf.u.unit;
                const iso = suf.u.iso;
                if (suf.u.minor) {
                    /* plain minor amount stays as is */
                }
                // compound: 3 डॉलर 50 सेंट, तेरह डॉलर और पैंतालीस सेंट, एक कुआई और पांच माओ और पांच फ़ेन
                let k = toks.findIndex((x) => x.fs >= end);
                for (let guard = 0; k >= 0 && guard < 3; guard++) {
                    let j = k;
                    const w = word(c, j);
                    if (w && AND.has(w)) j++;
                    const m = parseG0(c, j);
                    if (!m || m.value >= 100) break;
                    const mEnd = toks[m.next - 1].fe;
                    const ms = matchSuffix(f, mEnd);
                    if (ms && ms.u.minor && ms.u.minor.of === unit) {
                        value += m.value / ms.u.minor.div;
                        end = ms.end;
                    } else if (!ms && !suf.u.minor && (unit === 'Dollar' || unit === RUPEE.unit) && guard === 0) {
                        value += m.value / 100;
                        end = mEnd;
                        break;
                    } else break;
                    k = toks.findIndex((x) => x.fs >= end);
                }
                if (suf.u.minor && unit === 'Cent') {
                    /* keep Cent */
                }
                emit(t.fs, end, value, unit, iso);
                while (i < toks.length && toks[i].fs < end) i++;
                continue;
            }
        }
        // bare currency name with no amount
        if (t.word && (t.f === fw('डॉलर') || t.f === 'dollar' || t.f === 'dollars')) {
            emit(t.fs, t.fe, null, 'Dollar');
        }
        i++;
    }
    return out;
}
