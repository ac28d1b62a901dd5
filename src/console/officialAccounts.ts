import type { Database } from '../data/Database';
import { Official } from '../data/entities/Official';
import { hashPassword } from '../data/passwords';
import { ConsoleSessions } from './ConsoleSessions';
import { KnownBrowsers } from './KnownBrowsers';

/**
 * Gives an official a new password and signs them out on every instance: whoever held a session or a trusted browser
 * on the strength of the old password loses it.
 */
export async function setOfficialPassword(db: Database, officialId: number, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await db.run((m) => m.getRepository(Official).update({ id: officialId }, { passwordHash }));
    await signOutEverywhere(db, officialId);
}

/** Stops an official signing in, and ends their sessions on every instance. */
export async function deactivateOfficial(db: Database, officialId: number): Promise<void> {
    await db.run((m) => m.getRepository(Official).update({ id: officialId }, { active: false }));
    await signOutEverywhere(db, officialId);
}

async function signOutEverywhere(db: Database, officialId: number): Promise<void> {
    const now = () => new Date();
    await new ConsoleSessions(db, now).endAllOf(officialId);
    await new KnownBrowsers(db, now).forgetAllOf(officialId);
}
