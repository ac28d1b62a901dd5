import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals short secrets (rotating OAuth tokens) before a host stores them: AES-256-GCM under a key derived (HKDF-SHA256)
 * from a secret the configuration already holds, so a copy of the database alone gives nobody the tokens. Sealed text is
 * `v1.` + base64url(iv ‖ tag ‖ ciphertext).
 */
export class SecretSeal {
    private readonly key: Buffer;

    /**
     * @param secret the configured secret the key is derived from (changing it makes earlier seals unreadable).
     * @param purpose names what is sealed, so one secret yields a different key per use.
     */
    constructor(secret: string, purpose: string) {
        if (secret === '') throw new Error('SecretSeal needs a non-empty secret');
        this.key = Buffer.from(hkdfSync('sha256', secret, 'bijli-mitra', purpose, 32));
    }

    /** `text` sealed. */
    seal(text: string): string {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.key, iv);
        const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
        return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    }

    /** The text of `sealed`, or null when it was sealed under another key or altered. */
    open(sealed: string): string | null {
        if (!sealed.startsWith('v1.')) return null;
        const raw = Buffer.from(sealed.slice(3), 'base64url');
        if (raw.length < IV_BYTES + TAG_BYTES) return null;
        try {
            const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
            decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
            return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
        } catch {
            return null;
        }
    }
}
