import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../paths';
import type { StandardStatus } from './ServiceStandards';

/** One discom's consumer grievance forum, as `src/cgrf-forums.json` names it. */
export interface CgrfForum {
    discom: string;
    en: string;
    hi: string;
    portal: string | null;
    status: StandardStatus;
    source: string;
    comment?: string;
}

/** The default data file, read from the source tree so it can be corrected without a rebuild. */
export const CGRF_FORUMS_FILE = path.join(PACKAGE_ROOT, 'src', 'cgrf-forums.json');

/** The consumer grievance forums (CGRF) per discom; an unknown discom (or an `unknown` row) has no named forum. */
export class CgrfForums {
    private readonly byDiscom = new Map<string, CgrfForum>();

    constructor(forums: CgrfForum[]) {
        for (const forum of forums) {
            if (!forum.discom || !forum.en || !forum.hi) throw new Error(`CGRF forum rows need discom, en and hi: ${JSON.stringify(forum)}`);
            if (!['confirmed', 'uncertain', 'unknown'].includes(forum.status)) throw new Error(`CGRF forum ${forum.discom}: bad status "${forum.status}"`);
            this.byDiscom.set(forum.discom.toLowerCase(), forum);
        }
    }

    /** Reads `file` (default `src/cgrf-forums.json`); a broken file stops the start with its path in the message. */
    static load(file = CGRF_FORUMS_FILE): CgrfForums {
        try {
            return new CgrfForums((JSON.parse(fs.readFileSync(file, 'utf8')) as { forums: CgrfForum[] }).forums);
        } catch (error) {
            throw new Error(`cannot load CGRF forums from ${file}: ${(error as Error).message}`, { cause: error });
        }
    }

    /** The forum to name for `discom`, or null when none can be named. */
    forumFor(discom: string | null): CgrfForum | null {
        const forum = discom ? this.byDiscom.get(discom.toLowerCase()) : undefined;
        return forum && forum.status !== 'unknown' ? forum : null;
    }
}
