import { foldForMatching, skeleton, tokenize } from '../nlu/normalizeText';
import { Districts } from './Districts';

// Words that say what kind of place, not which place: shared by every address, so they group nothing on their own.
// ("sector", "ward", "block" + a number is kept as one word, which does name a place.)
const PLACE_KIND = new Set(
    [
        'house',
        'h',
        'no',
        'flat',
        'tower',
        'block',
        'sector',
        'sec',
        'ward',
        'village',
        'vill',
        'gram',
        'gaon',
        'gaanv',
        'post',
        'po',
        'tehsil',
        'teh',
        'district',
        'distt',
        'dist',
        'zila',
        'road',
        'rd',
        'marg',
        'street',
        'lane',
        'gali',
        'nagar',
        'colony',
        'mohalla',
        'muhalla',
        'near',
        'opp',
        'opposite',
        'behind',
        'main',
        'market',
        'bazar',
        'chowk',
        'phase',
        'extension',
        'ext',
        'city',
        'town',
        'area',
        'shop',
        'the',
        'and',
        'of',
        'in',
        'at',
        'ke',
        'ki',
        'ka',
        'me',
        'mein',
        'pas',
        'paas',
        'wala',
        'wali',
        'hamara',
        'hamare',
        'mera',
        'mere',
        'hai',
        'h',
        'light',
        'bijli',
        'power',
        'supply',
        'nahi',
        'nhi',
        'not',
        'se',
        'all',
        'pura',
        'poora',
        'pure',
        'poore',
        'since',
        'electricity',
        'मकान',
        'गांव',
        'गाँव',
        'ग्राम',
        'पोस्ट',
        'तहसील',
        'जिला',
        'रोड',
        'मार्ग',
        'गली',
        'नगर',
        'कॉलोनी',
        'मोहल्ला',
        'पास',
        'के',
        'की',
        'का',
        'में',
        'मे',
        'है',
        'हमारे',
        'हमारा',
        'मेरे',
        'बिजली',
        'लाइट',
        'नहीं',
        'नही',
        'से',
        'पूरे',
        'पूरा',
        'सेक्टर',
        'वार्ड',
        'ब्लॉक',
    ].map((w) => foldForMatching(w))
);
const NUMBERED_KIND = new Set(['sector', 'sec', 'ward', 'block', 'phase', 'सेक्टर', 'वार्ड', 'ब्लॉक'].map((w) => foldForMatching(w)));

let districtKeys: Set<string> | undefined;

/** The keys of every district's names (Lucknow, लखनऊ, Allahabad…): a whole district is no locality. */
function districtWords(): Set<string> {
    districtKeys ??= new Set(
        Districts.load()
            .all.flatMap((d) => [d.en, d.hi, ...d.aliases])
            .flatMap((name) => tokenize(foldForMatching(name)))
            .map(skeleton)
    );
    return districtKeys;
}

/**
 * The words of an address or description that name a place, as spelling-tolerant keys: "B-2/145, Vibhuti Khand,
 * Gomti Nagar" gives the keys of "vibhuti", "khand", "gomti"; "Sector 26, Noida" gives "sector 26" and "noida".
 * District names, and words in `ignore` (the subdivision's and division's own names, which every address there shares),
 * are left out.
 */
export function localityWords(text: string, ignore: string[] = []): string[] {
    const skip = new Set(ignore.flatMap((name) => tokenize(foldForMatching(name))).map(skeleton));
    const tokens = tokenize(foldForMatching(text));
    const words = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (NUMBERED_KIND.has(token) && /^[0-9]+$/.test(tokens[i + 1] ?? '')) {
            words.add(`${skeleton(token)}${tokens[i + 1]}`);
            i++;
            continue;
        }
        // Numbers alone (house numbers, PIN codes) and single letters name no locality.
        if (/^[0-9]+$/.test(token) || token.length < 3 || PLACE_KIND.has(token)) continue;
        const key = skeleton(token);
        if (key.length >= 2 && !skip.has(key) && !districtWords().has(key)) words.add(key);
    }
    return [...words];
}

/** Whether two localities share a place word. */
export function sameLocality(a: string[], b: string[]): boolean {
    const set = new Set(a);
    return b.some((w) => set.has(w));
}
