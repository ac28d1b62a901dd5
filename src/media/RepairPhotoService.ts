import { createHash, randomBytes } from 'crypto';
import type { Database } from '../data/Database';
import { imageFormatOf } from './imageFormat';
import { MediaStore } from './MediaStore';

/** Why an uploaded photo was not taken. */
export type RepairPhotoRefusal = 'not_image' | 'too_large';

/** An after-repair photo as the console lists it. */
export interface RepairPhoto {
    id: number;
    contentType: string;
    size: number;
    createdAt: Date;
}

/** A photo attached to a resolution: its row and, with a public base URL configured, its public expiring address. */
export interface AttachedPhoto {
    id: number;
    contentType: string;
    /** Null without a public base URL: the photo is kept for the console and not sent to the consumer. */
    publicUrl: string | null;
}

/** Options of {@link RepairPhotoService}. */
export interface RepairPhotoOptions {
    /** Largest photo taken (`MEDIA_MAX_BYTES`, as for photos users send). */
    maxBytes: number;
    /** Hours the public address works. */
    linkHours: number;
    /** The bot's public base URL (`PUBLIC_BASE_URL`), without a trailing slash; empty: photos are not sent. */
    publicBaseUrl: string;
    /** Clock, for tests. */
    now?: () => number;
}

/** The path under the public base URL where the photos are served; the token follows. */
export const REPAIR_PHOTO_PATH = '/photos';
/** What a public token looks like: 32 random bytes in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Photos officials attach when they resolve a complaint: checked by their first bytes (JPEG, PNG, WebP) and size, kept
 * in the media store under their content hash like the photos consumers send, linked to the complaint, and reachable
 * by the consumer's platform at a public address with an unguessable token that expires. Only the token's hash is
 * stored, so the database alone cannot rebuild an address; the address names nothing of the complaint or account.
 */
export class RepairPhotoService {
    private readonly now: () => number;

    constructor(
        private readonly db: Database,
        private readonly store: MediaStore,
        private readonly options: RepairPhotoOptions
    ) {
        this.now = options.now ?? Date.now;
    }

    /** Largest photo taken, in bytes. */
    get maxBytes(): number {
        return this.options.maxBytes;
    }

    /** Why `bytes` cannot be taken, or null when they can. */
    check(bytes: Buffer): RepairPhotoRefusal | null {
        if (bytes.length > this.options.maxBytes) return 'too_large';
        return imageFormatOf(bytes) ? null : 'not_image';
    }

    /** Keeps `bytes` (checked first: a refusal throws) as a photo of `complaintId` by `officialId`. */
    async attach(complaintId: number, officialId: number, bytes: Buffer): Promise<AttachedPhoto> {
        const refusal = this.check(bytes);
        const format = imageFormatOf(bytes);
        if (refusal || !format) throw new Error(`RepairPhotoService: photo refused (${refusal ?? 'not_image'})`);
        const storageKey = `${createHash('sha256').update(bytes).digest('hex')}.${format.extension}`;
        await this.store.put(storageKey, bytes);
        const token = randomBytes(32).toString('base64url');
        const at = this.now();
        const { rows } = await this.db.sql<{ id: number }>(
            `INSERT INTO "repair_photos" ("complaintId", "officialId", "storageKey", "contentType", "size", "tokenHash", "expiresAt", "createdAt")
             VALUES (?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT)) RETURNING "id"`,
            [complaintId, officialId, storageKey, format.type, bytes.length, hashOf(token), at + this.options.linkHours * 3600_000, at]
        );
        const base = this.options.publicBaseUrl;
        return { id: Number(rows[0].id), contentType: format.type, publicUrl: base ? `${base}${REPAIR_PHOTO_PATH}/${token}` : null };
    }

    /** Removes a photo whose resolution did not happen (the file stays: others may share its content). */
    async discard(id: number): Promise<void> {
        await this.db.sql('DELETE FROM "repair_photos" WHERE "id" = ?', [id]);
    }

    /** The photos of a complaint, oldest first. */
    async forComplaint(complaintId: number): Promise<RepairPhoto[]> {
        const { rows } = await this.db.sql<{ id: number; contentType: string; size: number; createdAt: string | number }>(
            'SELECT "id", "contentType", "size", "createdAt" FROM "repair_photos" WHERE "complaintId" = ? ORDER BY "id"',
            [complaintId]
        );
        return rows.map((r) => ({ id: Number(r.id), contentType: r.contentType, size: Number(r.size), createdAt: new Date(Number(r.createdAt)) }));
    }

    /** A photo of `complaintId` for the console, or null. */
    async read(complaintId: number, id: number): Promise<{ bytes: Buffer; contentType: string } | null> {
        const { rows } = await this.db.sql<{ storageKey: string; contentType: string }>(
            'SELECT "storageKey", "contentType" FROM "repair_photos" WHERE "id" = ? AND "complaintId" = ?',
            [id, complaintId]
        );
        return this.load(rows[0]);
    }

    /** The photo behind a public token while it has not expired, or null (a guessed, malformed or expired token). */
    async readPublic(token: string): Promise<{ bytes: Buffer; contentType: string } | null> {
        if (!TOKEN.test(token)) return null;
        const { rows } = await this.db.sql<{ storageKey: string; contentType: string }>(
            'SELECT "storageKey", "contentType" FROM "repair_photos" WHERE "tokenHash" = ? AND "expiresAt" > CAST(? AS BIGINT)',
            [hashOf(token), this.now()]
        );
        return this.load(rows[0]);
    }

    private async load(row: { storageKey: string; contentType: string } | undefined): Promise<{ bytes: Buffer; contentType: string } | null> {
        if (!row) return null;
        const bytes = await this.store.get(row.storageKey);
        return bytes ? { bytes, contentType: row.contentType } : null;
    }
}

function hashOf(token: string): string {
    return createHash('sha256').update(`repair-photo:${token}`).digest('hex');
}
