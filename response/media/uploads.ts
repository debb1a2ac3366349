/**
 * Resumable uploads (tus 1.0.0 core + creation + expiration, tus.io/protocols/resumable-upload): an upload
 * is a declared length and metadata; bytes arrive in order through `append` at the offset the server
 * reports; when the last byte lands the whole file goes to the media store. State lives in the data
 * directory beside the blobs: `<dir>/<id>.json` (length, metadata, owner, times, media id once done) and
 * `<dir>/<id>.part` (the bytes so far; its size is the offset), so an upload survives a restart.
 * Unfinished uploads expire `expiryMs` after their last byte and their files are removed.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import { describeBytes, startsLikeImage } from './image-type.js';
import type { MediaInput, MediaMeta, MediaStore } from './port.js';
import { tooLarge } from './store.kysely.js';

export interface UploadState {
  id: string;
  length: number;
  offset: number;
  /** Who created it (only they may continue or read it). */
  owner: string;
  input: MediaInput;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** Set when the last byte landed and the store took the picture. */
  mediaId: string | null;
}

type Saved = Omit<UploadState, 'offset' | 'expiresAt'>;

export interface UploadsOptions {
  dir: string;
  store: MediaStore;
  maxBytes: number;
  expiryMs: number;
  clock: Clock;
}

const ID = /^[0-9a-f]{32}$/;

export class Uploads {
  /** Uploads with a PATCH in progress: a second one at the same time must not interleave bytes. */
  private readonly busy = new Set<string>();

  constructor(private readonly o: UploadsOptions) {}

  get maxBytes(): number {
    return this.o.maxBytes;
  }

  get expiryMs(): number {
    return this.o.expiryMs;
  }

  /** Declares an upload. @throws MEDIA_TOO_LARGE, MEDIA_TYPE_REFUSED (empty) */
  async create(length: number, input: MediaInput, owner: string): Promise<UploadState> {
    if (length > this.o.maxBytes) throw tooLarge(length, this.o.maxBytes);
    if (length === 0) throw new AppError('MEDIA_TYPE_REFUSED', { message: 'An empty file is not a picture', details: { detected: 'empty' } });
    await mkdir(this.o.dir, { recursive: true });
    const id = randomBytes(16).toString('hex');
    const now = this.o.clock.now();
    const saved: Saved = { id, length, owner, input, createdAt: now, updatedAt: now, mediaId: null };
    await writeFile(this.partPath(id), Buffer.alloc(0), { flag: 'wx' });
    await this.save(saved);
    return this.state(saved, 0);
  }

  /** The upload as its owner sees it. @throws UPLOAD_NOT_FOUND (unknown, expired, or someone else's) */
  async status(id: string, owner: string): Promise<UploadState> {
    const saved = await this.load(id, owner);
    return this.state(saved, saved.mediaId ? saved.length : await this.partSize(id));
  }

  /**
   * Appends bytes at `offset`; stores the picture when the last byte lands.
   * @throws UPLOAD_NOT_FOUND, UPLOAD_OFFSET_MISMATCH, MEDIA_TOO_LARGE (more than the declared length),
   * MEDIA_TYPE_REFUSED (the first bytes or the whole file are not a picture: the upload is removed)
   */
  async append(id: string, owner: string, offset: number, body: Readable): Promise<{ upload: UploadState; media: MediaMeta | null }> {
    const saved = await this.load(id, owner);
    if (this.busy.has(id)) throw new AppError('UPLOAD_OFFSET_MISMATCH', { message: 'Another PATCH of this upload is in progress', details: { id } });
    this.busy.add(id);
    try {
      const have = saved.mediaId ? saved.length : await this.partSize(id);
      if (offset !== have) throw new AppError('UPLOAD_OFFSET_MISMATCH', { details: { id, offset, expected: have } });
      let written = have;
      let overflow = false;
      const cap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          const room = saved.length - written;
          if (chunk.length > room) overflow = true;
          const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
          written += part.length;
          cb(null, part);
        },
      });
      try {
        await pipeline(body, cap, createWriteStream(this.partPath(id), { flags: 'a' }));
      } finally {
        // Bytes received before a broken connection count: the client resumes from here (HEAD).
        saved.updatedAt = this.o.clock.now();
        await this.save(saved);
      }
      await this.refuseIfNotImage(id, have, written);
      if (overflow) throw new AppError('MEDIA_TOO_LARGE', { message: `More bytes than the declared Upload-Length ${saved.length}`, details: { length: saved.length } });
      const media = written === saved.length ? await this.finish(saved) : null;
      return { upload: this.state(saved, written), media };
    } finally {
      this.busy.delete(id);
    }
  }

  /** Removes expired uploads (unfinished and finished bookkeeping alike); returns how many. */
  async sweep(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.o.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    const now = this.o.clock.now();
    for (const name of names) {
      const id = name.replace(/\.(json|part)$/, '');
      if (!name.endsWith('.json') || !ID.test(id)) continue;
      const saved = await this.read(id);
      if (saved && saved.updatedAt + this.o.expiryMs > now) continue;
      await this.remove(id);
      if (saved && !saved.mediaId) removed++;
    }
    return removed;
  }

  private async refuseIfNotImage(id: string, before: number, after: number): Promise<void> {
    if (before >= 12 || after < 12) return;
    const head = (await readFile(this.partPath(id))).subarray(0, 64);
    if (startsLikeImage(head)) return;
    await this.remove(id);
    throw new AppError('MEDIA_TYPE_REFUSED', { message: 'Only JPEG, PNG and WebP pictures are accepted (checked by content)', details: { id, detected: describeBytes(head) } });
  }

  private async finish(saved: Saved): Promise<MediaMeta> {
    const bytes = await readFile(this.partPath(saved.id));
    let media: MediaMeta;
    try {
      media = await this.o.store.put(bytes, saved.input);
    } catch (err) {
      await this.remove(saved.id);
      throw err;
    }
    saved.mediaId = media.id;
    await this.save(saved);
    await rm(this.partPath(saved.id), { force: true });
    return media;
  }

  private state(s: Saved, offset: number): UploadState {
    return { ...s, offset, expiresAt: s.updatedAt + this.o.expiryMs };
  }

  private async load(id: string, owner: string): Promise<Saved> {
    const saved = ID.test(id) ? await this.read(id) : null;
    if (!saved || saved.owner !== owner || saved.updatedAt + this.o.expiryMs <= this.o.clock.now()) {
      throw new AppError('UPLOAD_NOT_FOUND', { details: { id } });
    }
    return saved;
  }

  private async read(id: string): Promise<Saved | null> {
    try {
      return JSON.parse(await readFile(this.jsonPath(id), 'utf8')) as Saved;
    } catch {
      return null;
    }
  }

  private async save(s: Saved): Promise<void> {
    const tmp = `${this.jsonPath(s.id)}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(s));
    await rename(tmp, this.jsonPath(s.id));
  }

  private async remove(id: string): Promise<void> {
    await rm(this.partPath(id), { force: true });
    await rm(this.jsonPath(id), { force: true });
  }

  private async partSize(id: string): Promise<number> {
    try {
      return (await stat(this.partPath(id))).size;
    } catch {
      return 0;
    }
  }

  private partPath(id: string): string {
    return join(this.o.dir, `${id}.part`);
  }

  private jsonPath(id: string): string {
    return join(this.o.dir, `${id}.json`);
  }
}
