import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.js';
import { createDatabase, type Database } from '../../kernel/db/index.js';
import { isAppError } from '../../kernel/errors.js';
import { sha256Hex } from './blobs.js';
import { openMedia } from './index.js';
import { samplePng } from './testing.js';
import type { MediaStore } from './port.js';
import type { Uploads } from './uploads.js';

const codeOf = (e: unknown): string | undefined => (isAppError(e) ? e.code : undefined);
const body = (b: Buffer): Readable => Readable.from([b]);

describe('Uploads (tus state in the data directory)', () => {
  let dir: string;
  let database: Database;
  let clock: ManualClock;
  let store: MediaStore;
  let uploads: Uploads;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cb-uploads-'));
    database = await createDatabase({ sqliteFile: ':memory:' });
    clock = new ManualClock(1_760_000_000_000);
    ({ store, uploads } = await openMedia({ database, dataDir: dir, maxBytes: 64 * 1024, uploadExpiryMs: 60_000, clock }));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the bytes in pieces at the right offsets and stores the picture when the last one lands', async () => {
    const png = samplePng(30, 20);
    const u = await uploads.create(png.length, { source: 'responder', uploadedBy: 'u1', taskId: 't1' }, 'u1');
    expect(u).toMatchObject({ offset: 0, length: png.length, mediaId: null, expiresAt: clock.now() + 60_000 });
    const first = await uploads.append(u.id, 'u1', 0, body(png.subarray(0, 20)));
    expect(first).toMatchObject({ upload: { offset: 20 }, media: null });
    expect((await uploads.status(u.id, 'u1')).offset).toBe(20);
    const wrong = await uploads.append(u.id, 'u1', 10, body(png.subarray(10))).catch((e: unknown) => e);
    expect(codeOf(wrong)).toBe('UPLOAD_OFFSET_MISMATCH');
    const last = await uploads.append(u.id, 'u1', 20, body(png.subarray(20)));
    expect(last.media).toMatchObject({ id: sha256Hex(png), width: 30, height: 20, taskId: 't1' });
    expect(await uploads.status(u.id, 'u1')).toMatchObject({ offset: png.length, mediaId: sha256Hex(png) });
    expect((await store.read(sha256Hex(png)))?.equals(png)).toBe(true);
  });

  it('hides an upload from anyone but its owner', async () => {
    const u = await uploads.create(10, { source: 'responder', uploadedBy: 'u1' }, 'u1');
    expect(codeOf(await uploads.status(u.id, 'u2').catch((e: unknown) => e))).toBe('UPLOAD_NOT_FOUND');
    expect(codeOf(await uploads.append(u.id, 'u2', 0, body(Buffer.alloc(1))).catch((e: unknown) => e))).toBe('UPLOAD_NOT_FOUND');
    expect(codeOf(await uploads.status('../../x', 'u1').catch((e: unknown) => e))).toBe('UPLOAD_NOT_FOUND');
  });

  it('refuses an executable on its first bytes and removes the upload', async () => {
    const pe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]);
    const u = await uploads.create(pe.length, { source: 'responder', uploadedBy: 'u1' }, 'u1');
    const e = await uploads.append(u.id, 'u1', 0, body(pe.subarray(0, 100))).catch((err: unknown) => err);
    expect(codeOf(e)).toBe('MEDIA_TYPE_REFUSED');
    expect((e as { details: unknown }).details).toMatchObject({ detected: 'pe' });
    expect(codeOf(await uploads.status(u.id, 'u1').catch((err: unknown) => err))).toBe('UPLOAD_NOT_FOUND');
  });

  it('refuses a declared length over the limit and bytes past the declared length', async () => {
    expect(codeOf(await uploads.create(64 * 1024 + 1, { source: 'responder', uploadedBy: 'u1' }, 'u1').catch((e: unknown) => e))).toBe('MEDIA_TOO_LARGE');
    const png = samplePng();
    const u = await uploads.create(png.length - 5, { source: 'responder', uploadedBy: 'u1' }, 'u1');
    expect(codeOf(await uploads.append(u.id, 'u1', 0, body(png)).catch((e: unknown) => e))).toBe('MEDIA_TOO_LARGE');
  });

  it('expires unfinished uploads and removes their files', async () => {
    const u = await uploads.create(100, { source: 'responder', uploadedBy: 'u1' }, 'u1');
    await uploads.append(u.id, 'u1', 0, body(samplePng().subarray(0, 30)));
    clock.advance(59_000);
    expect(await uploads.sweep()).toBe(0);
    clock.advance(2_000);
    expect(codeOf(await uploads.status(u.id, 'u1').catch((e: unknown) => e))).toBe('UPLOAD_NOT_FOUND');
    expect(await uploads.sweep()).toBe(1);
    expect(readdirSync(join(dir, 'media', 'uploads'))).toEqual([]);
  });
});
