/**
 * Content-addressed blobs on the local file system: `<root>/<aa>/<bb>/<sha256>`, where aa and bb are the
 * first two byte pairs of the hex digest (keeps directories small). Written atomically: a temp file in the
 * same directory, fsync, rename, then fsync of the directory, so a crash leaves either the whole blob or
 * none — never a torn one under its final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const HEX64 = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isMediaId(id: string): boolean {
  return HEX64.test(id);
}

export class FileBlobs {
  constructor(readonly root: string) {}

  /** Where a blob lives (the id must be a SHA-256 hex digest). */
  path(id: string): string {
    if (!isMediaId(id)) throw new RangeError(`not a media id: ${id}`);
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async has(id: string): Promise<boolean> {
    if (!isMediaId(id)) return false;
    try {
      return (await stat(this.path(id))).isFile();
    } catch {
      return false;
    }
  }

  /** Stores the bytes under their SHA-256; an existing blob is left as it is (same content). */
  async write(bytes: Buffer): Promise<string> {
    const id = sha256Hex(bytes);
    if (await this.has(id)) return id;
    const dir = join(this.root, id.slice(0, 2), id.slice(2, 4));
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o640);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.path(id));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
    return id;
  }

  /** The bytes, or null when there is no such blob. */
  async read(id: string): Promise<Buffer | null> {
    if (!isMediaId(id)) return null;
    try {
      return await readFile(this.path(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

/** fsync of a directory makes a rename inside it durable (POSIX; a no-op where unsupported). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}
