import * as fs from 'fs';
import * as path from 'path';
import { foldForMatching } from '../nlu/normalizeText';
import { PACKAGE_ROOT } from '../paths';

/** One complaint category from `src/complaint-categories.json`. */
export interface ComplaintCategory {
    id: string;
    /** Recognizer intent that selects this category from free text. */
    intent?: string;
    /** Extra words (any language) that select it. */
    keywords?: string[];
    /** Danger to life: the consumer is told how to stay safe before anything is asked. */
    hazard?: boolean;
    /** The supply is off (no power, a failed transformer): such reports of one area group into an outage incident. */
    outage?: boolean;
}

/** The default category file. */
export const CATEGORIES_FILE = path.join(PACKAGE_ROOT, 'src', 'complaint-categories.json');

/** Complaint categories as configured; adding one needs only the JSON file and the locales. */
export class ComplaintCategories {
    readonly all: ComplaintCategory[];

    constructor(categories: ComplaintCategory[]) {
        const seen = new Set<string>();
        for (const category of categories) {
            if (!/^[a-z][a-z_]*$/.test(category.id ?? '')) throw new Error(`complaint category id "${category.id}" must be lowercase letters and _`);
            if (seen.has(category.id)) throw new Error(`complaint category "${category.id}" is listed twice`);
            seen.add(category.id);
        }
        if (categories.length === 0) throw new Error('at least one complaint category is needed');
        this.all = categories;
    }

    /** Loads and validates the category file. */
    static load(file: string = CATEGORIES_FILE): ComplaintCategories {
        const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { categories?: ComplaintCategory[] };
        if (!Array.isArray(parsed.categories)) throw new Error(`${file} must have a "categories" array`);
        return new ComplaintCategories(parsed.categories);
    }

    /** The category with this id, or undefined. */
    byId(id: string | undefined): ComplaintCategory | undefined {
        return this.all.find((c) => c.id === id);
    }

    /** Whether complaints of this category endanger life (escalated at once, listed first). */
    isHazard(id: string): boolean {
        return this.byId(id)?.hazard === true;
    }

    /** Whether reports of this category mean the supply is off, and so group into outage incidents. */
    isOutage(id: string): boolean {
        return this.byId(id)?.outage === true;
    }

    /** The category an intent or the text's keywords point to, or undefined. */
    detect(intent: string, text: string): ComplaintCategory | undefined {
        const byIntent = this.all.find((c) => c.intent === intent);
        if (byIntent) return byIntent;
        const folded = ` ${foldForMatching(text)} `;
        return this.all.find((c) => (c.keywords ?? []).some((k) => folded.includes(` ${foldForMatching(k)} `)));
    }
}
