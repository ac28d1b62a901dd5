/** An image format the project keeps. */
export interface ImageFormat {
    type: 'image/jpeg' | 'image/png' | 'image/webp';
    extension: 'jpg' | 'png' | 'webp';
}

/** The image formats kept, recognised by their first bytes (never by the type a platform or a user declares). */
const SIGNATURES: Array<ImageFormat & { matches(bytes: Buffer): boolean }> = [
    { type: 'image/jpeg', extension: 'jpg', matches: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
    { type: 'image/png', extension: 'png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
    {
        type: 'image/webp',
        extension: 'webp',
        matches: (b) => b.length > 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
    },
];

/** The format of `bytes` by their signature (JPEG, PNG, WebP), or null for anything else. */
export function imageFormatOf(bytes: Buffer): ImageFormat | null {
    const found = SIGNATURES.find((s) => s.matches(bytes));
    return found ? { type: found.type, extension: found.extension } : null;
}
