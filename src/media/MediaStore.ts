/** Where downloaded media is kept: a directory by default; an S3-compatible bucket can implement the same two calls. */
export interface MediaStore {
    /** Keeps `bytes` under `key` (a content hash with an extension); writing the same key again is harmless. */
    put(key: string, bytes: Buffer): Promise<void>;
    /** The bytes kept under `key`, or null. */
    get(key: string): Promise<Buffer | null>;
}
