import { createHmac, timingSafeEqual } from 'crypto';

/** `sha256=` + the HMAC-SHA256 of `data` keyed with `secret`, hex (Meta) or base64 (X). */
export function signSha256(secret: string, data: Buffer | string, encoding: 'hex' | 'base64'): string {
    return `sha256=${createHmac('sha256', secret).update(data).digest(encoding)}`;
}

/**
 * Checks a `sha256=…` signature header against the HMAC of the raw request bytes, in constant time. The raw bytes
 * matter: Meta signs the escaped form it sends (`\u092c…` for Hindi), so re-serialised JSON would never match.
 * Missing, malformed or wrong → false.
 */
export function verifySha256Signature(raw: Buffer, header: string | string[] | undefined, secret: string, encoding: 'hex' | 'base64'): boolean {
    if (typeof header !== 'string' || !secret) return false;
    const expected = Buffer.from(signSha256(secret, raw, encoding));
    const given = Buffer.from(header.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Constant-time comparison of two short secrets (verify tokens). */
export function sameSecret(given: unknown, expected: string): boolean {
    if (typeof given !== 'string' || !expected) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
}
