import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'crypto';

// OWASP's minimum for scrypt; about 50 ms per hash, slow enough for guessing, fast enough for a sign-in.
const COST = 16384;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

// Bounds on parameters read back from a stored hash, so a corrupted or hostile value cannot make one sign-in
// allocate gigabytes or spin for minutes.
const MAX_MEMORY = 64 * 1024 * 1024;
const MAX_PARALLELISM = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function derive(plain: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        // The same text typed on two keyboards may arrive composed or decomposed (common with Devanagari).
        scrypt(plain.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
    });
}

function memoryFor(cost: number, blockSize: number): number {
    return 128 * cost * blockSize;
}

/**
 * Hashes a console password with scrypt and a fresh random salt, as `scrypt$N$r$p$<salt base64>$<hash base64>`, so
 * the parameters can be raised later without invalidating stored hashes. Rejects an empty password.
 */
export async function hashPassword(plain: string): Promise<string> {
    if (typeof plain !== 'string' || plain.length === 0) throw new Error('a password must not be empty');
    const salt = randomBytes(SALT_BYTES);
    const options = { N: COST, r: BLOCK_SIZE, p: PARALLELISM, maxmem: 2 * memoryFor(COST, BLOCK_SIZE) };
    const key = await derive(plain, salt, KEY_BYTES, options);
    return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Whether `plain` matches a value from {@link hashPassword}, compared in constant time. An empty password, or a stored
 * value that is missing, malformed or has out-of-range parameters, verifies false rather than throwing.
 */
export async function verifyPassword(plain: string, stored: string | null | undefined): Promise<boolean> {
    if (typeof plain !== 'string' || plain.length === 0 || typeof stored !== 'string') return false;
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [cost, blockSize, parallelism] = parts.slice(1, 4).map((part) => (/^[1-9]\d{0,9}$/.test(part) ? Number(part) : NaN));
    const [saltText, hashText] = parts.slice(4);
    if (!Number.isInteger(cost) || cost < 2 || (cost & (cost - 1)) !== 0) return false;
    if (!Number.isInteger(blockSize) || !Number.isInteger(parallelism) || parallelism > MAX_PARALLELISM) return false;
    if (memoryFor(cost, blockSize) > MAX_MEMORY) return false;
    if (!BASE64.test(saltText) || !BASE64.test(hashText)) return false;
    const salt = Buffer.from(saltText, 'base64');
    const expected = Buffer.from(hashText, 'base64');
    // A key shorter than 16 bytes would make guessing by comparison cheap; no hash of ours is that short.
    if (salt.length === 0 || expected.length < 16) return false;
    try {
        const actual = await derive(plain, salt, expected.length, { N: cost, r: blockSize, p: parallelism, maxmem: 2 * memoryFor(cost, blockSize) });
        return timingSafeEqual(actual, expected);
    } catch {
        return false;
    }
}
