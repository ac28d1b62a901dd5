/**
 * Hindi (Devanagari and romanised) date recognition for "since when" questions and for reading dates.
 *
 * - `extractDates(text)` finds date expressions ({text, start, length, type: 'date'}), offsets into the original text.
 * - `parseDates(text, reference)` also resolves them the way Recognizers-Text does (Timex, future and past resolution).
 * - `sinceWhen(text, reference)` resolves "since when" phrases (कल से, 2 दिन से, सुबह से, kal raat se …) to a start time.
 *
 * कल / परसों / नरसों are resolved by the tense of the sentence (past: था/थी/थे/गया/गई/हुआ…, future: -गा/-गी/-गे,
 * होगा…); "कल से …" without a future verb means "since yesterday". Numeric dates are read as DD/MM/YYYY (Indian
 * order) unless the first number cannot be a month-day pair that way (9-18-15 → 18 Sep 2015); YYYY/MM/DD is also read.
 * Matching works on a length-tracked normalisation (nukta, ZWJ/ZWNJ dropped, candrabindu → anusvara, Devanagari
 * digits → ASCII, Latin lower-cased) with Unicode-aware word boundaries; offsets are mapped back to the input.
 */

export interface ExtractedDate {
    text: string;
    start: number;
    length: number;
    type: 'date';
}

export interface ParsedDate extends ExtractedDate {
    timex: string;
    future: { date: string };
    past: { date: string };
}

interface YMD {
    y: number;
    m: number;
    d: number;
}

interface Val {
    timex: string;
    future: string;
    past: string;
}

interface Tok {
    t: string;
    s: number;
    e: number;
}

type Tense = 'past' | 'future' | null;

interface Ctx {
    toks: Tok[];
    ref: YMD;
    tenseAt: (i: number) => Tense;
}

interface Cand {
    i: number;
    end: number; // token index, exclusive
    val: Val;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation with an offset map

interface Norm {
    s: string;
    map: number[]; // map[k] = index in the original of normalised char k
    orig: string;
}

const NUKTA_BASE = 'कखगजडढफय'; // U+0958..U+095F without nukta

export function normaliseForDates(text: string): Norm {
    let s = '';
    const map: number[] = [];
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        const cp = ch.charCodeAt(0);
        if (cp === 0x093c || (cp >= 0x200b && cp <= 0x200d) || cp === 0xfeff) continue;
        let r = ch;
        if (cp >= 0x0966 && cp <= 0x096f) r = String.fromCharCode(48 + cp - 0x0966);
        else if (cp >= 0x0958 && cp <= 0x095f) r = NUKTA_BASE[cp - 0x0958];
        else if (cp === 0x0901) r = '\u0902';
        else if (cp === 0x0964) r = '.';
        else if (cp >= 65 && cp <= 90) r = String.fromCharCode(cp + 32);
        s += r;
        map.push(i);
    }
    return { s, map, orig: text };
}

function n(word: string): string {
    return normaliseForDates(word.normalize('NFD').normalize('NFC')).s;
}

function set(...words: string[]): Set<string> {
    return new Set(words.map(n));
}

function table(entries: Array<[number, string]>): Map<string, number> {
    const m = new Map<string, number>();
    for (const [v, words] of entries) for (const w of words.split(/\s+/)) if (w) m.set(n(w), v);
    return m;
}

function tokenize(s: string): Tok[] {
    const out: Tok[] = [];
    const re = /[\p{L}\p{M}]+|[0-9]+|\S/gu;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s))) out.push({ t: m[0], s: m.index, e: m.index + m[0].length });
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const UNIT_WORDS: string[] = [
    '',
    'एक ek',
    'दो do',
    'तीन teen tin',
    'चार char chaar',
    'पांच पाँच panch paanch',
    'छह छः छै छ chhe che chah',
    'सात saat sat',
    'आठ aath',
    'नौ nau',
    'दस das',
    'ग्यारह gyarah',
    'बारह barah',
    'तेरह terah',
    'चौदह chaudah',
    'पंद्रह पन्द्रह pandrah',
    'सोलह solah',
    'सत्रह satrah',
    'अठारह atharah',
    'उन्नीस unnis',
    'बीस bees bis',
    'इक्कीस ikkis',
    'बाईस बाइस baees bais',
    'तेईस तेइस teis',
    'चौबीस chaubis',
    'पच्चीस pachchis pachis',
    'छब्बीस chhabbis',
    'सत्ताईस sattais',
    'अट्ठाईस अठाईस atthais',
    'उनतीस untis',
    'तीस tees tis',
    'इकतीस इकत्तीस iktis',
    'बत्तीस',
    'तैंतीस',
    'चौंतीस',
    'पैंतीस',
    'छत्तीस',
    'सैंतीस',
    'अड़तीस',
    'उनतालीस',
    'चालीस',
    'इकतालीस',
    'बयालीस',
    'तैंतालीस',
    'चौवालीस',
    'पैंतालीस',
    'छियालीस',
    'सैंतालीस',
    'अड़तालीस',
    'उनचास',
    'पचास',
    'इक्यावन',
    'बावन',
    'तिरेपन',
    'चौवन',
    'पचपन',
    'छप्पन',
    'सत्तावन',
    'अट्ठावन',
    'उनसठ',
    'साठ',
    'इकसठ',
    'बासठ',
    'तिरसठ',
    'चौंसठ',
    'पैंसठ',
    'छियासठ',
    'सड़सठ',
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
    'अठहत्तर अठत्तर',
    'उनासी उन्यासी',
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
    'इक्यानवे',
    'बानवे',
    'तिरानवे',
    'चौरानवे',
    'पचानवे',
    'छियानवे',
    'सत्तानवे',
    'अट्ठानवे',
    'निन्यानवे',
];
const UNITS = table(UNIT_WORDS.map((w, i) => [i, w] as [number, string]).slice(1));
const SAU = set('सौ', 'sau', 'so');
const HAZAR = set('हजार', 'हज़ार', 'hazar', 'hazaar', 'hajar');
const SAN = set('सन', 'सन्', 'san');

const ORDINALS = table([
    [1, 'पहला पहली पहले pehla pehli pehle pahla pahli pahle'],
    [2, 'दूसरा दूसरी दूसरे dusra dusri dusre doosra doosri doosre'],
    [3, 'तीसरा तीसरी तीसरे tisra tisri tisre teesra teesri teesre'],
    [4, 'चौथा चौथी चौथे chautha chauthi chauthe'],
    [6, 'छठा छठी छठे छठवां छठवें छठवीं chhatha chhathi chhathe'],
]);
const ORD_SUFFIX = ['वां', 'वें', 'वीं', 'वा', 'वे', 'वी', 'वाँ', 'वेँ'].map(n);
const DIGIT_ORD_SUFFIX = set('वां', 'वें', 'वीं', 'वा', 'वे', 'वी', 'th', 'st', 'nd', 'rd', 'va', 've', 'vi', 'wa', 'we', 'wi');

const MONTHS = table([
    [1, 'जनवरी जन january jan janvari janwari'],
    [2, 'फरवरी फ़रवरी फर फ़र february feb farvari farwari'],
    [3, 'मार्च मार march mar'],
    [4, 'अप्रैल अप्रील अप्रेल अप्रिल अप्रै april apr aprail'],
    [5, 'मई may mai'],
    [6, 'जून june jun'],
    [7, 'जुलाई जुला july jul julai'],
    [8, 'अगस्त अग august aug agast'],
    [9, 'सितंबर सितम्बर सितमबर सित september sep sept sitambar sitamber'],
    [10, 'अक्टूबर अक्तूबर अक्टुबर अक्टू अक्तू october oct aktubar october'],
    [11, 'नवंबर नवम्बर नवं नव november nov navambar november'],
    [12, 'दिसंबर दिसम्बर दिसं december dec disambar'],
]);
// Abbreviations and words that are also ordinary words: only months when a number is attached.
const WEEKDAYS = table([
    [1, 'सोमवार सोम somvar somwar somvaar somwaar monday mon'],
    [2, 'मंगलवार मंगल mangalvar mangalwar mangal tuesday tue'],
    [3, 'बुधवार बुध budhvar budhwar budh wednesday wed'],
    [4, 'गुरुवार गुरूवार गुरु बृहस्पतिवार वृहस्पतिवार बृहस्पति guruvar guruwar brihaspativar veervar thursday thu'],
    [5, 'शुक्रवार शुक्र shukravar shukrawar sukravar shukra friday fri'],
    [6, 'शनिवार शनि shanivar shaniwar shani saturday sat'],
    [7, 'रविवार रवि इतवार ravivar raviwar itvar itwar sunday sun'],
]);
const SHORT_WEEKDAY_LATIN = set('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'mangal', 'budh', 'shukra', 'shani');

const THIS = set('इस', 'यह', 'is', 'iss', 'this');
const NEXT = set('अगले', 'अगला', 'अगली', 'आने', 'agle', 'agla', 'agli', 'next');
const PREV = set('पिछले', 'पिछला', 'पिछली', 'गत', 'pichhle', 'pichle', 'pichhla', 'pichla', 'last');
const WEEK = set('हफ्ते', 'हफ़्ते', 'हफ्ता', 'हफ़्ता', 'हफ्तों', 'सप्ताह', 'सप्ताहों', 'hafte', 'hafta', 'hafton', 'saptah', 'week', 'weeks');
const MONTH_W = set('महीने', 'महीना', 'महीनों', 'माह', 'मास', 'mahine', 'mahina', 'mahino', 'month', 'months');
const YEAR_W = set('साल', 'सालों', 'वर्ष', 'वर्षों', 'बरस', 'saal', 'sal', 'varsh', 'year', 'years');
const DAY_W = set('दिन', 'दिनों', 'din', 'dino', 'dinon', 'day', 'days');
const BUSINESS_DAY = set('कार्यदिवस', 'कार्यदिवसों');
const KARYA = set('कार्य');
const DIVAS = set('दिवस', 'दिवसों');
const GEN = set('के', 'का', 'की', 'ke', 'ka', 'ki');
const KO = set('को', 'ko');
const TARIKH = set('तारीख', 'तारीख़', 'तारीक', 'तिथि', 'tarikh', 'tareekh', 'tarik');
const KE_LIYE_A = set('के', 'ke');
const KE_LIYE_B = set('लिए', 'लिये', 'liye', 'liya', 'lie');
const AFTER = set('बाद', 'baad', 'bad', 'later');
const BEFORE = set('पहले', 'pehle', 'pahle', 'pehele', 'ago');
const IN = set('में', 'mein', 'me', 'mei', 'main');
const SE = set('से', 'se', 'since');
const AND = set('और', 'aur', 'and');
const FEW = set('कुछ', 'कुछेक', 'kuch', 'kuchh');
const HI = set('ही', 'hi');
const TODAY = set('आज', 'aaj', 'aj', 'today');
const NOW = set('अब', 'अभी', 'ab', 'abhi', 'now');
const KAL = set('कल', 'kal', 'kall');
const PARSON = set('परसों', 'परसो', 'parso', 'parson', 'parsoon', 'parsun');
const NARSON = set('नरसों', 'नरसो', 'narso', 'narson');
const THAT = set('उस', 'us', 'uss');
const DAYWORD_PREFIX = table([
    [1, 'अगले agle'],
    [-1, 'पिछले pichhle pichle'],
    [0, 'उस इस मेरा आज us is'],
    [100, 'आखिरी आख़िरी अंतिम दूसरे'],
]);
const TIMES_OF_DAY = table([
    [6, 'सुबह सवेरे सुबह-सुबह subah subha subeh savere morning'],
    [12, 'दोपहर dopahar dopehar dophar afternoon'],
    [17, 'शाम sham shaam evening'],
    [21, 'रात रातों raat rat night'],
]);
const HOURS_W = set('घंटे', 'घंटा', 'घंटों', 'ghante', 'ghanta', 'ghanton', 'hour', 'hours', 'hrs');
const MINUTES_W = set('मिनट', 'मिनटों', 'minute', 'minutes', 'min', 'mins');

const PAST_CUES = set(
    'था',
    'थी',
    'थे',
    'थीं',
    'गया',
    'गई',
    'गयी',
    'गए',
    'गये',
    'हुआ',
    'हुई',
    'हुए',
    'आया',
    'आई',
    'आयी',
    'किया',
    'की',
    'थाा',
    'tha',
    'thi',
    'gaya',
    'gayi',
    'gai',
    'gaye',
    'gye',
    'hua',
    'hui',
    'huye',
    'hue',
    'aaya',
    'aya',
    'aayi',
    'ayi',
    'kiya'
);
const FUTURE_WORDS = set('होगा', 'होगी', 'होंगे', 'hoga', 'hogi', 'honge');
const NOT_FUTURE = set('लगा', 'लगी', 'लगे', 'आगे', 'लिए', 'लिये', 'रंगे', 'गा', 'गी', 'गे', 'lagi', 'laga', 'lage', 'aage');
const FUTURE_SUFFIX = /(?:गा|गी|गे|ga|gi|ge)$/;
const LATIN_FUTURE_SUFFIX = /(?:ega|egi|enge|unga|ungi|oge|ogi|ayega|ayegi|aayega|aayegi|jayega|jayegi)$/;

// ---------------------------------------------------------------------------------------------------------------
// Calendar helpers (all calendar arithmetic on UTC dates to avoid time-zone drift)

function mk(y: number, m: number, d: number): Date {
    const dt = new Date(Date.UTC(2000, m - 1, d));
    dt.setUTCFullYear(y, m - 1, d);
    return dt;
}
function toYMD(dt: Date): YMD {
    return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}
function addDays(a: YMD, k: number): YMD {
    const dt = mk(a.y, a.m, a.d);
    dt.setUTCDate(dt.getUTCDate() + k);
    return toYMD(dt);
}
function daysIn(y: number, m: number): number {
    return toYMD(mk(y, m + 1, 0)).d;
}
function addMonths(a: YMD, k: number): YMD {
    const total = a.y * 12 + (a.m - 1) + k;
    const y = Math.floor(total / 12);
    const m = (total % 12) + 1;
    return { y, m, d: Math.min(a.d, daysIn(y, m)) };
}
function isoWd(a: YMD): number {
    return mk(a.y, a.m, a.d).getUTCDay() || 7;
}
function cmp(a: YMD, b: YMD): number {
    return a.y - b.y || a.m - b.m || a.d - b.d;
}
function p2(k: number): string {
    return String(k).padStart(2, '0');
}
function fmt(a: YMD): string {
    return `${String(a.y).padStart(4, '0')}-${p2(a.m)}-${p2(a.d)}`;
}
function valid(y: number, m: number, d: number): boolean {
    return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}
const NONE = '0001-01-01';

function full(a: YMD): Val {
    const f = fmt(a);
    return { timex: f, future: f, past: f };
}
function monthDay(m: number, d: number, ref: YMD): Val {
    let fy = ref.y;
    if (cmp({ y: fy, m, d }, ref) < 0) fy++;
    let py = ref.y;
    if (cmp({ y: py, m, d }, ref) > 0) py--;
    return { timex: `XXXX-${p2(m)}-${p2(d)}`, future: fmt({ y: fy, m, d }), past: fmt({ y: py, m, d }) };
}
function dayOnly(d: number, ref: YMD): Val {
    const here = { y: ref.y, m: ref.m, d };
    const fut = d >= ref.d ? here : { ...addMonths({ ...ref, d: 1 }, 1), d };
    const pst = d <= ref.d ? here : { ...addMonths({ ...ref, d: 1 }, -1), d };
    return { timex: `XXXX-XX-${p2(d)}`, future: fmt(fut), past: fmt(pst) };
}
function weekdayOnly(wd: number, ref: YMD): Val {
    const rw = isoWd(ref);
    const thisWeek = addDays(ref, wd - rw);
    const fut = wd < rw ? addDays(thisWeek, 7) : thisWeek;
    const pst = wd >= rw ? addDays(thisWeek, -7) : thisWeek;
    return { timex: `XXXX-WXX-${wd}`, future: fmt(fut), past: fmt(pst) };
}
function weekdayInWeek(wd: number, ref: YMD, weekOffset: number): YMD {
    return addDays(ref, wd - isoWd(ref) + 7 * weekOffset);
}
/** nth weekday of a month; an overflowing day keeps the raw day in the Timex and resolves to 0001-01-01 (as .NET). */
function nthWeekday(y: number, m: number, wd: number, k: number): { ymd: YMD | null; raw: string } {
    const first = isoWd({ y, m, d: 1 });
    const day = 1 + ((wd - first + 7) % 7) + 7 * (k - 1);
    const raw = `${String(y).padStart(4, '0')}-${p2(m)}-${p2(day)}`;
    return { ymd: day <= daysIn(y, m) ? { y, m, d: day } : null, raw };
}
function fullOrOverflow(y: number, m: number, d: number): Val {
    if (valid(y, m, d)) return full({ y, m, d });
    return { timex: `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`, future: NONE, past: NONE };
}

// ---------------------------------------------------------------------------------------------------------------
// Token-level grammar

function w(c: Ctx, i: number): string {
    return i >= 0 && i < c.toks.length ? c.toks[i].t : '';
}
function adj(c: Ctx, i: number): boolean {
    return i > 0 && i < c.toks.length && c.toks[i].s === c.toks[i - 1].e;
}
function isDigits(s: string): boolean {
    return /^[0-9]+$/.test(s);
}

interface NumR {
    v: number;
    next: number;
}

/** A single number: digits or one Hindi/romanised number word (1–99). */
function num(c: Ctx, i: number): NumR | null {
    const t = w(c, i);
    if (isDigits(t)) return { v: parseInt(t, 10), next: i + 1 };
    const u = UNITS.get(t);
    return u === undefined ? null : { v: u, next: i + 1 };
}

/** A year: four digits or a Hindi number of at least 1000 (उन्नीस सौ अठत्तर, दो हजार अठारह), optionally after सन. */
function year(c: Ctx, i: number): NumR | null {
    let j = i;
    if (SAN.has(w(c, j))) j++;
    const t = w(c, j);
    if (isDigits(t)) return t.length === 4 && !adj(c, j + 1) ? { v: parseInt(t, 10), next: j + 1 } : null;
    const a = UNITS.get(t);
    if (a === undefined) return null;
    j++;
    let v: number;
    if (HAZAR.has(w(c, j))) {
        v = a * 1000;
        j++;
        const h = UNITS.get(w(c, j));
        if (h !== undefined && SAU.has(w(c, j + 1))) {
            v += h * 100;
            j += 2;
        }
    } else if (SAU.has(w(c, j))) {
        v = a * 100;
        j++;
    } else return null;
    const r = UNITS.get(w(c, j));
    if (r !== undefined) {
        v += r;
        j++;
    }
    return v >= 1000 ? { v, next: j } : null;
}

/** An ordinal word or digits + suffix (पहली, दूसरे, ग्यारहवीं, 27वें). */
function ordinal(c: Ctx, i: number): NumR | null {
    const t = w(c, i);
    if (isDigits(t) && DIGIT_ORD_SUFFIX.has(w(c, i + 1)) && adj(c, i + 1)) return { v: parseInt(t, 10), next: i + 2 };
    const o = ORDINALS.get(t);
    if (o !== undefined) return { v: o, next: i + 1 };
    for (const suf of ORD_SUFFIX) {
        if (t.length > suf.length && t.endsWith(suf)) {
            const u = UNITS.get(t.slice(0, -suf.length));
            if (u !== undefined) return { v: u, next: i + 1 };
        }
    }
    return null;
}

interface DayR extends NumR {
    ord: boolean;
}
function dayNum(c: Ctx, i: number): DayR | null {
    const o = ordinal(c, i);
    if (o && o.v >= 1 && o.v <= 31) return { ...o, ord: true };
    const t = w(c, i);
    if (isDigits(t) && t.length > 2) return null;
    const k = num(c, i);
    if (k && k.v >= 1 && k.v <= 31) return { ...k, ord: false };
    return null;
}

function month(c: Ctx, i: number): NumR | null {
    const m = MONTHS.get(w(c, i));
    if (m === undefined) return null;
    let next = i + 1;
    if (w(c, next) === '.' && adj(c, next)) next++;
    return { v: m, next };
}

function weekday(c: Ctx, i: number): NumR | null {
    const d = WEEKDAYS.get(w(c, i));
    if (d === undefined) return null;
    let next = i + 1;
    if (w(c, next) === '.' && adj(c, next) && SHORT_WEEKDAY_LATIN.has(w(c, i))) next++;
    return { v: d, next };
}

function relMod(t: string): number | null {
    if (THIS.has(t)) return 0;
    if (NEXT.has(t)) return 1;
    if (PREV.has(t)) return -1;
    return null;
}

/** DD/MM/YYYY, DD-MM-YY, YYYY/MM/DD, DD.MM.YYYY and (standalone only with '/', or when loose) DD/MM. */
function numeric(c: Ctx, i: number, loose: boolean): Cand | null {
    const a = w(c, i);
    if (!isDigits(a)) return null;
    const sep = w(c, i + 1);
    if (!['/', '-', '.'].includes(sep) || !adj(c, i + 1) || !adj(c, i + 2) || !isDigits(w(c, i + 2))) return null;
    const prev = w(c, i - 1);
    if (adj(c, i) && (isDigits(prev) || ['/', '-', '.', ','].includes(prev))) return null;
    if (isDigits(prev) && !adj(c, i)) return null; // "6 1/4"
    const b = w(c, i + 2);
    const three = w(c, i + 3) === sep && adj(c, i + 3) && adj(c, i + 4) && isDigits(w(c, i + 4));
    const end = three ? i + 5 : i + 3;
    const after = w(c, end);
    if (after === '%' || (adj(c, end) && (isDigits(after) || ['/', '-', ':'].includes(after)))) return null;
    if (after === '.' && adj(c, end) && isDigits(w(c, end + 1))) return null;
    if (three) {
        const z = w(c, i + 4);
        let y: number;
        let m: number;
        let d: number;
        if (a.length === 4) {
            y = +a;
            m = +b;
            d = +z;
        } else {
            if (z.length !== 2 && z.length !== 4) return null;
            if (a.length > 2 || b.length > 2) return null;
            y = z.length === 4 ? +z : +z < 50 ? 2000 + +z : 1900 + +z;
            d = +a;
            m = +b;
            if (m > 12 && d <= 12) [d, m] = [m, d];
        }
        return valid(y, m, d) ? { i, end, val: full({ y, m, d }) } : null;
    }
    if (sep !== '/' && !loose) return null;
    if (a.length > 2 || b.length > 2) return null;
    let d = +a;
    let m = +b;
    if (m > 12 && d <= 12) [d, m] = [m, d];
    return valid(2000, m, d) ? { i, end, val: monthDay(m, d, c.ref) } : null;
}

/** Dates with a month name: 15 जून 2016, जनवरी 12, 2016, जून की बाईस, 2016 के जनवरी 12, सितंबर की दस तारीख, सन दो हजार. */
function monthDate(c: Ctx, i: number): Cand | null {
    const withYear = (j: number, m: number, d: number, allowComma: boolean): Cand | null => {
        let k = j;
        if (allowComma && w(c, k) === ',') k++;
        const yr = year(c, k);
        if (yr && valid(yr.v, m, d)) return { i, end: yr.next, val: full({ y: yr.v, m, d }) };
        if (!valid(2000, m, d)) return null;
        return { i, end: j, val: monthDay(m, d, c.ref) };
    };
    // year के month day
    const t = w(c, i);
    if (isDigits(t) && t.length === 4 && GEN.has(w(c, i + 1))) {
        const mo = month(c, i + 2);
        const dn = mo && dayNum(c, mo.next);
        if (mo && dn && valid(+t, mo.v, dn.v)) return { i, end: dn.next, val: full({ y: +t, m: mo.v, d: dn.v }) };
    }
    // day [-] month [,] [year]
    const dn = dayNum(c, i);
    if (dn) {
        let j = dn.next;
        if (w(c, j) === '-' && adj(c, j) && adj(c, j + 1)) j++;
        const mo = month(c, j);
        if (mo) return withYear(mo.next, mo.v, dn.v, true);
    }
    // month [-|की] day …
    const mo = month(c, i);
    if (mo) {
        let j = mo.next;
        if (w(c, j) === '-' && adj(c, j) && adj(c, j + 1)) j++;
        if (GEN.has(w(c, j))) {
            const d2 = dayNum(c, j + 1);
            if (!d2) return null;
            if (TARIKH.has(w(c, d2.next))) {
                let k = d2.next + 1;
                if (w(c, k) === ',') k++;
                const yr = year(c, k);
                if (yr && valid(yr.v, mo.v, d2.v)) return { i, end: yr.next, val: full({ y: yr.v, m: mo.v, d: d2.v }) };
            }
            return valid(2000, mo.v, d2.v) ? { i, end: d2.next, val: monthDay(mo.v, d2.v, c.ref) } : null;
        }
        const d2 = dayNum(c, j);
        if (d2) return withYear(d2.next, mo.v, d2.v, true);
    }
    return null;
}

/** The date in the month nearest to the reference on which `day` falls on weekday `wd`. */
function dayWithWeekday(day: number, wd: number, ref: YMD): Val {
    for (const off of [0, -1, 1, -2, 2, -3, 3]) {
        const mm = addMonths({ ...ref, d: 1 }, off);
        if (valid(mm.y, mm.m, day) && isoWd({ ...mm, d: day }) === wd) return full({ ...mm, d: day });
    }
    return fullOrOverflow(ref.y, ref.m, day);
}

function weekdayRules(c: Ctx, i: number, out: Cand[]): void {
    let j = i;
    let mod: number | null = null;
    const m0 = relMod(w(c, i));
    if (m0 !== null) {
        mod = m0;
        j++;
        if (WEEK.has(w(c, j))) {
            j++;
            if (GEN.has(w(c, j))) j++;
        }
    }
    const wd = weekday(c, j);
    if (!wd) {
        // "15 तारीख शुक्रवार"
        const dn = dayNum(c, i);
        if (dn && TARIKH.has(w(c, dn.next))) {
            const wd2 = weekday(c, dn.next + 1);
            if (wd2) out.push({ i, end: wd2.next, val: dayWithWeekday(dn.v, wd2.v, c.ref) });
        }
        return;
    }
    j = wd.next;
    if (mod === null) {
        let k = j;
        if (KO.has(w(c, k))) k++;
        const m2 = relMod(w(c, k));
        if (m2 !== null && WEEK.has(w(c, k + 1))) {
            out.push({ i, end: k + 2, val: full(weekdayInWeek(wd.v, c.ref, m2)) });
        }
    }
    const base: Val = mod === null ? weekdayOnly(wd.v, c.ref) : full(weekdayInWeek(wd.v, c.ref, mod));
    out.push({ i, end: j, val: base });
    // weekday followed by a date
    let k = j;
    const opener = w(c, k);
    if ([',', '-', '('].includes(opener)) k++;
    let date = monthDate(c, k) ?? numeric(c, k, true);
    if (!date) {
        const dn = dayNum(c, k);
        if (dn && !MONTHS.has(w(c, dn.next)) && !DAY_W.has(w(c, dn.next)) && !WEEK.has(w(c, dn.next))) {
            date = { i: k, end: dn.next, val: dayWithWeekday(dn.v, wd.v, c.ref) };
        }
    }
    if (!date) return;
    // "इस शुक्रवार जून तेईस": the weekday belongs to its modifier; don't glue the date to the bare weekday
    if (mod === null && (relMod(w(c, i - 1)) !== null || (WEEK.has(w(c, i - 1)) && relMod(w(c, i - 2)) !== null))) return;
    let end = date.end;
    if (opener === '(' && w(c, end) === ')') end++;
    if (mod !== null) {
        const target = fmt(weekdayInWeek(wd.v, c.ref, mod));
        if (date.val.future !== target && date.val.past !== target) return;
        out.push({ i, end, val: full(weekdayInWeek(wd.v, c.ref, mod)) });
        return;
    }
    out.push({ i, end, val: date.val });
}

function monthRelRules(c: Ctx, i: number, out: Cand[]): void {
    // (named month | इस/अगले/पिछले महीने) के/की/का ordinal weekday ; इस/अगले महीने की day
    let j: number;
    let named: number | null = null;
    let rel: number | null = null;
    const mo = MONTHS.get(w(c, i));
    if (mo !== undefined && !/^[a-z]{3}$/.test(w(c, i))) {
        named = mo;
        j = i + 1;
    } else {
        const r = relMod(w(c, i));
        if (r === null || !MONTH_W.has(w(c, i + 1))) return;
        rel = r;
        j = i + 2;
    }
    const hasGen = GEN.has(w(c, j));
    const k = hasGen ? j + 1 : j;
    const o = ordinal(c, k);
    const wd = o && weekday(c, o.next);
    if (o && wd && o.v >= 1 && o.v <= 5 && hasGen) {
        if (named !== null) {
            const fy = named >= c.ref.m ? c.ref.y : c.ref.y + 1;
            const py = named <= c.ref.m ? c.ref.y : c.ref.y - 1;
            const f = nthWeekday(fy, named, wd.v, o.v);
            const p = nthWeekday(py, named, wd.v, o.v);
            out.push({
                i,
                end: wd.next,
                val: {
                    timex: `XXXX-${p2(named)}-WXX-${wd.v}-#${o.v}`,
                    future: f.ymd ? fmt(f.ymd) : NONE,
                    past: p.ymd ? fmt(p.ymd) : NONE,
                },
            });
        } else if (rel !== null) {
            const mm = addMonths({ ...c.ref, d: 1 }, rel);
            const r = nthWeekday(mm.y, mm.m, wd.v, o.v);
            const v = r.ymd ? fmt(r.ymd) : NONE;
            out.push({ i, end: wd.next, val: { timex: `XXXX-${p2(mm.m)}-WXX-${wd.v}-#${o.v}`, future: v, past: v } });
        }
        return;
    }
    if (rel !== null) {
        const dn = dayNum(c, k);
        if (dn && !DAY_W.has(w(c, dn.next))) {
            const mm = addMonths({ ...c.ref, d: 1 }, rel);
            out.push({ i, end: dn.next, val: fullOrOverflow(mm.y, mm.m, dn.v) });
        }
    }
}

/** Sequence of "N unit" parts: 2 वर्ष 1 माह 21 दिन, एक महीने, कुछ ही महीने. */
function duration(c: Ctx, i: number): { y: number; m: number; d: number; next: number; business: boolean } | null {
    let j = i;
    const acc = { y: 0, m: 0, d: 0 };
    let parts = 0;
    let business = false;
    for (;;) {
        let k = j;
        if (parts > 0 && AND.has(w(c, k))) k++;
        let v: number;
        const nr = num(c, k);
        if (nr) {
            v = nr.v;
            k = nr.next;
        } else if (FEW.has(w(c, k))) {
            v = 3;
            k++;
            if (HI.has(w(c, k))) k++;
        } else break;
        const u = w(c, k);
        if (DAY_W.has(u)) acc.d += v;
        else if (WEEK.has(u)) acc.d += 7 * v;
        else if (MONTH_W.has(u)) acc.m += v;
        else if (YEAR_W.has(u)) acc.y += v;
        else if (parts === 0 && BUSINESS_DAY.has(u)) {
            business = true;
            acc.d += v;
        } else if (parts === 0 && KARYA.has(u) && DIVAS.has(w(c, k + 1))) {
            business = true;
            acc.d += v;
            k++;
        } else break;
        j = k + 1;
        parts++;
        if (business) break;
    }
    return parts ? { ...acc, next: j, business } : null;
}

function shift(base: YMD, dur: { y: number; m: number; d: number; business: boolean }, sign: number): YMD {
    if (dur.business) {
        let cur = base;
        let left = dur.d;
        while (left > 0) {
            cur = addDays(cur, sign);
            if (isoWd(cur) <= 5) left--;
        }
        return cur;
    }
    let r = addMonths(base, sign * (dur.y * 12 + dur.m));
    r = addDays(r, sign * dur.d);
    return r;
}

function kalOffset(c: Ctx, i: number, k: number): number {
    const tense = c.tenseAt(i);
    if (tense === 'past') return -k;
    if (tense === 'future') return k;
    // no tense cue: "कल से …" / "kal raat se" means "since yesterday"
    const nxt = w(c, i + 1);
    if (SE.has(nxt) || (TIMES_OF_DAY.has(nxt) && SE.has(w(c, i + 2)))) return -k;
    return k;
}

function relativeDayRules(c: Ctx, i: number, out: Cand[]): void {
    const t = w(c, i);
    let base: YMD | null = null;
    if (TODAY.has(t) || NOW.has(t)) base = c.ref;
    else if (KAL.has(t)) base = addDays(c.ref, kalOffset(c, i, 1));
    else if (PARSON.has(t)) base = addDays(c.ref, kalOffset(c, i, 2));
    else if (NARSON.has(t)) base = addDays(c.ref, kalOffset(c, i, 3));
    if (base) {
        if (!NOW.has(t)) out.push({ i, end: i + 1, val: full(base) });
        // आज से दो दिन बाद, कल से तीन हफ़्ते बाद, अब से दो सप्ताह (बाद)
        if (SE.has(w(c, i + 1))) {
            const du = duration(c, i + 2);
            if (du) {
                const dir = w(c, du.next);
                if (BEFORE.has(dir)) out.push({ i, end: du.next + 1, val: full(shift(base, du, -1)) });
                else if (AFTER.has(dir) || IN.has(dir)) {
                    out.push({ i, end: AFTER.has(dir) ? du.next + 1 : du.next, val: full(shift(base, du, 1)) });
                } else if (NOW.has(t)) out.push({ i, end: du.next, val: full(shift(base, du, 1)) });
            }
            // अभी से अगले दो रविवार
            const nx = nextNWeekdays(c, i + 2);
            if (nx) out.push({ i, end: nx.end, val: nx.val });
        }
        return;
    }
    const nx = nextNWeekdays(c, i);
    if (nx) out.push(nx);
    const du = duration(c, i);
    if (du) {
        const dir = w(c, du.next);
        if (BEFORE.has(dir)) out.push({ i, end: du.next + 1, val: full(shift(c.ref, du, -1)) });
        else if (AFTER.has(dir)) out.push({ i, end: du.next + 1, val: full(shift(c.ref, du, 1)) });
        else if (IN.has(dir)) out.push({ i, end: du.next + 1, val: full(shift(c.ref, du, 1)) });
        else if (SE.has(dir) && !du.business) out.push({ i, end: du.next + 1, val: full(shift(c.ref, du, -1)) });
    }
}

/** अगले दो रविवार (के बाद): the Nth such weekday after the reference. */
function nextNWeekdays(c: Ctx, i: number): Cand | null {
    if (!NEXT.has(w(c, i))) return null;
    const k = num(c, i + 1);
    if (!k || k.v < 2 || k.v > 10) return null;
    const wd = weekday(c, k.next);
    if (!wd) return null;
    let first = addDays(c.ref, (wd.v - isoWd(c.ref) + 7) % 7 || 7);
    first = addDays(first, 7 * (k.v - 1));
    let end = wd.next;
    if (KE_LIYE_A.has(w(c, end)) && AFTER.has(w(c, end + 1))) end += 2;
    return { i, end, val: full(first) };
}

function dayWordRules(c: Ctx, i: number, out: Cand[]): void {
    const pre = DAYWORD_PREFIX.get(w(c, i));
    if (pre !== undefined && DAY_W.has(w(c, i + 1))) {
        const t = w(c, i + 1);
        if (t === 'days' || t === 'dino' || t === 'दिनों' || t === 'dinon') return;
        const off = pre === 100 ? (w(c, i) === n('दूसरे') ? 1 : 0) : pre;
        out.push({ i, end: i + 2, val: full(addDays(c.ref, off)) });
    }
}

/** Day of month alone: "15 को", "उस 27", "बाईस तारीख", "दूसरी तारीख", "27वें दिन", "27 के लिए". */
function dayOnlyRules(c: Ctx, i: number, out: Cand[]): void {
    let j = i;
    const that = THAT.has(w(c, i));
    if (that) j++;
    const dn = dayNum(c, j);
    if (!dn) return;
    if (!dn.ord && isDigits(w(c, j)) && adj(c, j) && !that) return;
    const nx = w(c, dn.next);
    const digitOrd = dn.ord && isDigits(w(c, j));
    let ok = false;
    if (TARIKH.has(nx)) ok = true;
    else if (dn.ord) ok = digitOrd && DAY_W.has(nx);
    else if (KO.has(nx)) ok = true;
    else if (KE_LIYE_A.has(nx) && KE_LIYE_B.has(w(c, dn.next + 1))) ok = true;
    if (that && !dn.ord && (KO.has(nx) || TARIKH.has(nx))) ok = true;
    if (!ok) return;
    if (!isDigits(w(c, j)) && !dn.ord && !that && KO.has(nx)) return; // "दो को" is too ambiguous
    out.push({ i, end: dn.next, val: dayOnly(dn.v, c.ref) });
}

function ordinalWeekdayRule(c: Ctx, i: number, out: Cand[]): void {
    const t = w(c, i);
    if (isDigits(t)) return;
    const o = ordinal(c, i);
    if (!o || o.v < 1 || o.v > 5) return;
    const wd = weekday(c, o.next);
    if (!wd) return;
    const r = nthWeekday(c.ref.y, c.ref.m, wd.v, o.v);
    out.push({ i, end: wd.next, val: r.ymd ? full(r.ymd) : { timex: r.raw, future: NONE, past: NONE } });
}

// ---------------------------------------------------------------------------------------------------------------
// Tense

function tenseFinder(toks: Tok[]): (i: number) => Tense {
    const cues: Array<{ i: number; tense: Tense }> = [];
    toks.forEach((tk, i) => {
        const t = tk.t;
        if (PAST_CUES.has(t)) cues.push({ i, tense: 'past' });
        else if (
            FUTURE_WORDS.has(t) ||
            (!NOT_FUTURE.has(t) && t.length > 2 && /[\u0900-\u097f]/.test(t) && FUTURE_SUFFIX.test(t)) ||
            (/^[a-z]+$/.test(t) && LATIN_FUTURE_SUFFIX.test(t))
        ) {
            cues.push({ i, tense: 'future' });
        }
    });
    return (i: number) => {
        let best: { i: number; tense: Tense } | null = null;
        for (const cue of cues) {
            // prefer the nearest cue after the word (the verb follows in Hindi), then before it
            const dist = cue.i >= i ? cue.i - i : (i - cue.i) * 2;
            const bestDist = best ? (best.i >= i ? best.i - i : (i - best.i) * 2) : Infinity;
            if (dist < bestDist) best = cue;
        }
        return best ? best.tense : null;
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

function refYMD(reference: Date): YMD {
    return { y: reference.getFullYear(), m: reference.getMonth() + 1, d: reference.getDate() };
}

function candidates(c: Ctx): Cand[] {
    const out: Cand[] = [];
    for (let i = 0; i < c.toks.length; i++) {
        const nm = numeric(c, i, false);
        if (nm) out.push(nm);
        const md = monthDate(c, i);
        if (md) out.push(md);
        weekdayRules(c, i, out);
        monthRelRules(c, i, out);
        relativeDayRules(c, i, out);
        dayWordRules(c, i, out);
        dayOnlyRules(c, i, out);
        ordinalWeekdayRule(c, i, out);
    }
    return out;
}

function select(c: Ctx, cands: Cand[]): Cand[] {
    const len = (x: Cand) => c.toks[x.end - 1].e - c.toks[x.i].s;
    const sorted = [...cands].sort((a, b) => len(b) - len(a) || a.i - b.i);
    const taken: Cand[] = [];
    for (const x of sorted) if (!taken.some((y) => x.i < y.end && y.i < x.end)) taken.push(x);
    return taken.sort((a, b) => a.i - b.i);
}

function run(text: string, reference: Date): Array<{ cand: Cand; start: number; end: number }> {
    const norm = normaliseForDates(text);
    const toks = tokenize(norm.s);
    const c: Ctx = { toks, ref: refYMD(reference), tenseAt: tenseFinder(toks) };
    return select(c, candidates(c)).map((cand) => {
        const s = norm.map[toks[cand.i].s];
        let e = norm.map[toks[cand.end - 1].e - 1] + 1;
        while (e < text.length && /[\u093c\u200c\u200d]/.test(text[e])) e++;
        return { cand, start: s, end: e };
    });
}

/** Date expressions in `text` (Devanagari or romanised Hindi), with offsets into the original text. `reference` only
 * matters where a weekday and a date are combined ("इस शुक्रवार जून 15" must agree). */
export function extractDates(text: string, reference: Date = new Date()): ExtractedDate[] {
    return run(text, reference).map(({ start, end }) => ({
        text: text.slice(start, end),
        start,
        length: end - start,
        type: 'date' as const,
    }));
}

/** Date expressions resolved against `reference` (the "now"): Timex plus future and past resolution (yyyy-MM-dd). */
export function parseDates(text: string, reference: Date): ParsedDate[] {
    return run(text, reference).map(({ cand, start, end }) => ({
        text: text.slice(start, end),
        start,
        length: end - start,
        type: 'date' as const,
        timex: cand.val.timex,
        future: { date: cand.val.future },
        past: { date: cand.val.past },
    }));
}

/**
 * Start time of a "since when" phrase: कल से / kal se (start of yesterday), 2 दिन से / 2 din se, सुबह से / subah se
 * (06:00), कल रात से / kal raat se (21:00 yesterday), 3 घंटे से (3 hours ago), सोमवार से, 5 तारीख से, 21/04/2024 से.
 * Returns null when the text has no such phrase. Times are local to `reference`.
 */
export function sinceWhen(text: string, reference: Date): Date | null {
    const norm = normaliseForDates(text);
    const toks = tokenize(norm.s);
    const c: Ctx = { toks, ref: refYMD(reference), tenseAt: () => 'past' };
    const at = (a: YMD, h = 0): Date => new Date(a.y, a.m - 1, a.d, h, 0, 0, 0);
    for (let i = 0; i < toks.length; i++) {
        const t = w(c, i);
        // [आज|कल|परसों] (सुबह|दोपहर|शाम|रात) से
        let j = i;
        let dayOff: number | null = null;
        if (TODAY.has(t)) dayOff = 0;
        else if (KAL.has(t)) dayOff = -1;
        else if (PARSON.has(t)) dayOff = -2;
        if (dayOff !== null) j++;
        const hour = TIMES_OF_DAY.get(w(c, j));
        if (hour !== undefined && SE.has(w(c, j + 1))) {
            if (dayOff !== null) return at(addDays(c.ref, dayOff), hour);
            const today = at(c.ref, hour);
            return today.getTime() <= reference.getTime() ? today : at(addDays(c.ref, -1), hour);
        }
        // N घंटे / मिनट से
        const nr = num(c, i);
        if (nr && SE.has(w(c, nr.next + 1))) {
            const u = w(c, nr.next);
            if (HOURS_W.has(u)) return new Date(reference.getTime() - nr.v * 3600_000);
            if (MINUTES_W.has(u)) return new Date(reference.getTime() - nr.v * 60_000);
        }
    }
    // any date expression followed by से (कल से, 2 दिन से, सोमवार से, 5 तारीख से, 21/04/2024 से)
    const all = candidates(c);
    const chosen = select(c, all);
    for (const cand of chosen) {
        let k = cand.end;
        if (TARIKH.has(w(c, k))) k++;
        const val = cand.val;
        const already = SE.has(w(c, cand.end - 1)); // "2 दिन से" includes से
        if (!already && !SE.has(w(c, k))) continue;
        const d = val.past === NONE ? null : val.past;
        if (!d) continue;
        const [y, m, dd] = d.split('-').map(Number);
        return at({ y, m, d: dd });
    }
    return null;
}
