import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../paths';
import { foldForMatching } from '../nlu/normalizeText';

/** One district of Uttar Pradesh, as `src/up-districts.json` lists it. */
export interface District {
    id: string;
    en: string;
    hi: string;
    /** Romanised spellings and older or other names (Allahabad, Noida…). */
    aliases: string[];
    /** The discom that supplies it (PVVNL, MVVNL, DVVNL, PuVVNL, KESCo). */
    discom: string;
    /** `likely` or `uncertain`: how sure the district → discom mapping is (see the file's comment). */
    certainty: 'likely' | 'uncertain';
    comment?: string;
}

/** The default data file, read from the source tree so it can be corrected without a rebuild. */
export const DISTRICTS_FILE = path.join(PACKAGE_ROOT, 'src', 'up-districts.json');

const DISCOMS = ['PVVNL', 'MVVNL', 'DVVNL', 'PuVVNL', 'KESCo'];

/** Text folded for matching names: lower case, nukta and chandrabindu folded, anything but letters and digits a space. */
function folded(text: string): string {
    return ` ${foldForMatching(text)
        .replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ')
        .trim()} `;
}

/** The 75 districts of Uttar Pradesh with their names in Hindi and English and the discom of each. */
export class Districts {
    private readonly byId = new Map<string, District>();
    private readonly names: Array<{ name: string; district: District }> = [];

    constructor(districts: District[]) {
        for (const district of districts) {
            if (!district.id || !district.en || !district.hi || !DISCOMS.includes(district.discom))
                throw new Error(`district rows need id, en, hi and a known discom: ${JSON.stringify(district)}`);
            if (!['likely', 'uncertain'].includes(district.certainty)) throw new Error(`district ${district.id}: bad certainty "${district.certainty}"`);
            this.byId.set(district.id, district);
            for (const name of [district.en, district.hi, ...district.aliases]) {
                const key = folded(name);
                if (key.trim().length >= 2) this.names.push({ name: key, district });
            }
        }
    }

    /** Reads `file` (default `src/up-districts.json`); a broken file stops the start with its path in the message. */
    static load(file = DISTRICTS_FILE): Districts {
        try {
            return new Districts((JSON.parse(fs.readFileSync(file, 'utf8')) as { districts: District[] }).districts);
        } catch (error) {
            throw new Error(`cannot load districts from ${file}: ${(error as Error).message}`, { cause: error });
        }
    }

    /** Every district. */
    get all(): District[] {
        return [...this.byId.values()];
    }

    /** The district with this id, or null. */
    byIdOf(id: string | null | undefined): District | null {
        return id ? (this.byId.get(id) ?? null) : null;
    }

    /**
     * The district `text` names ("Rajatalab, Banaras", "जिला वाराणसी"), or null. Addresses end with the town or
     * district, so the name that ends last wins ("Harijan Basti, Lucknow" is Lucknow, not Basti); at the same end the
     * longer name ("Kanpur Dehat" over "Kanpur").
     */
    findIn(text: string): District | null {
        const haystack = folded(text);
        if (haystack.trim() === '') return null;
        let best: { end: number; length: number; district: District } | null = null;
        for (const { name, district } of this.names) {
            for (let at = haystack.indexOf(name); at !== -1; at = haystack.indexOf(name, at + 1)) {
                const end = at + name.length;
                if (!best || end > best.end || (end === best.end && name.length > best.length)) best = { end, length: name.length, district };
            }
        }
        return best?.district ?? null;
    }
}
