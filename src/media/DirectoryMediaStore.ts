import { randomBytes } from 'crypto';
import * as fs from 'fs/promises';
import * as path from 'path';
import { MediaStore } from './MediaStore';

/** Keys are content hashes with an extension; anything else is refused, so a key can never leave the directory. */
const KEY = /^[0-9a-f]{64}\.[a-z]{3,4}$/;

/** Media kept as files under one directory (two-character fan-out), written whole or not at all. */
export class DirectoryMediaStore implements MediaStore {
    constructor(private readonly directory: string) {}

    async put(key: string, bytes: Buffer): Promise<void> {
        const file = this.fileOf(key);
        await fs.mkdir(path.dirname(file), { recursive: true });
        // A temporary name and a rename: a crash never leaves half a photo under the real name.
        const temporary = `${file}.${randomBytes(6).toString('hex')}.part`;
        await fs.writeFile(temporary, bytes);
        await fs.rename(temporary, file);
    }

    async get(key: string): Promise<Buffer | null> {
        try {
            return await fs.readFile(this.fileOf(key));
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
            throw error;
        }
    }

    private fileOf(key: string): string {
        if (!KEY.test(key)) throw new Error(`DirectoryMediaStore: not a media key: "${key.slice(0, 80)}"`);
        return path.join(this.directory, key.slice(0, 2), key);
    }
}
