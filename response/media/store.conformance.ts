import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../kernel/clock.js';
import { migrate } from '../../kernel/db/index.js';
import { isAppError } from '../../kernel/errors.js';
import type { TestDatabase } from '../../test/servers/databases.js';
import { FileBlobs, sha256Hex } from './blobs.js';
import { mediaMigrations } from './migrations.js';
import type { MediaStore } from './port.js';
import { KyselyMediaStore } from './store.kysely.js';
import { sampleJpegHeader, samplePng, sampleWebpHeader } from './testing.js';

export interface MediaStoreHarness {
  store: MediaStore;
  clock: ManualClock;
  /** The store's size limit, bytes. */
  maxBytes: number;
  close(): Promise<void>;
}

/** Past 2^32 ms: BIGINT columns must come back as exact numbers. */
export const MEDIA_T0 = 1_760_000_000_000;

/** The Kysely adapter over a fresh database (test/servers/databases.ts) and a temporary blob directory. */
export function kyselyMediaHarness(fresh: () => Promise<TestDatabase>): () => Promise<MediaStoreHarness> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-media-'));
    const t = await fresh();
    await migrate(t.db, mediaMigrations);
    const clock = new ManualClock(MEDIA_T0);
    const maxBytes = 4096;
    return {
      store: new KyselyMediaStore(t.db, new FileBlobs(dir), { maxBytes, clock }),
      clock,
      maxBytes,
      close: async () => {
        await t.cleanup();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

const codeOf = (e: unknown): string | undefined => (isAppError(e) ? e.code : undefined);

/** The MediaStore conformance suite (style.md): every adapter's test file calls it. */
export function describeMediaStore(name: string, make: () => Promise<MediaStoreHarness>): void {
  describe(`MediaStore: ${name}`, () => {
    let h: MediaStoreHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    it('stores a picture under its SHA-256 with the detected type and size, and reads the bytes back', async () => {
      const png = samplePng(5, 7);
      const meta = await h.store.put(png, { source: 'responder', uploadedBy: 'u1', filename: 'x.jpg', taskId: 't1', alertId: 'a1', position: { lon: 120.38, lat: 36.07 }, takenAt: '2025-10-09T08:00:00.000Z' });
      expect(meta).toMatchObject({ id: sha256Hex(png), contentType: 'image/png', size: png.length, width: 5, height: 7, source: 'responder', uploadedBy: 'u1', filename: 'x.jpg', taskId: 't1', alertId: 'a1', position: { lon: 120.38, lat: 36.07 }, takenAt: '2025-10-09T08:00:00.000Z', createdAt: new Date(MEDIA_T0).toISOString() });
      expect(meta).not.toHaveProperty('missionId');
      expect((await h.store.read(meta.id))?.equals(png)).toBe(true);
      expect(await h.store.get(meta.id)).toEqual(meta);
    });

    it('keeps one blob per content and one attachment per put; lists by alert, task and mission, oldest first', async () => {
      const png = samplePng();
      const a = await h.store.put(png, { source: 'drone', uploadedBy: 'drone:d1', alertId: 'a1', missionId: 'm1', position: { lon: 120, lat: 36, altM: 40.5 } });
      h.clock.advance(1000);
      const b = await h.store.put(png, { source: 'responder', uploadedBy: 'u2', alertId: 'a1', taskId: 't9' });
      const c = await h.store.put(sampleJpegHeader(64, 48), { source: 'operator', uploadedBy: 'op', alertId: 'a2' });
      expect(a.id).toBe(b.id);
      expect(a.takenAt).toBe(new Date(MEDIA_T0).toISOString());
      expect((await h.store.list({ alertId: 'a1' })).map((m) => m.uploadedBy)).toEqual(['drone:d1', 'u2']);
      expect((await h.store.list({ missionId: 'm1' }))[0]?.position).toEqual({ lon: 120, lat: 36, altM: 40.5 });
      expect((await h.store.list({ taskId: 't9' })).map((m) => m.id)).toEqual([a.id]);
      expect((await h.store.list({ alertId: 'a2' }))[0]).toMatchObject({ id: c.id, contentType: 'image/jpeg', width: 64, height: 48 });
      expect(await h.store.list({ alertId: 'none' })).toEqual([]);
      expect((await h.store.list({ mediaId: a.id })).map((m) => m.uploadedBy)).toEqual(['drone:d1', 'u2']);
      expect((await h.store.get(a.id))?.uploadedBy).toBe('drone:d1'); // the earliest attachment
    });

    it('attaches a stored picture to a task (a report citing an upload), keeping where and when it was taken', async () => {
      const webp = sampleWebpHeader(800, 600);
      const m = await h.store.put(webp, { source: 'responder', uploadedBy: 'u1', position: { lon: 1, lat: 2 }, takenAt: '2025-01-01T00:00:00.000Z' });
      h.clock.advance(5);
      const att = await h.store.attach(m.id, { taskId: 't1', alertId: 'a1', uploadedBy: 'u1', note: 'valve closed' });
      expect(att).toMatchObject({ id: m.id, contentType: 'image/webp', taskId: 't1', alertId: 'a1', note: 'valve closed', position: { lon: 1, lat: 2 }, takenAt: '2025-01-01T00:00:00.000Z' });
      expect((await h.store.list({ taskId: 't1' })).length).toBe(1);
      const missing = await h.store.attach('0'.repeat(64), { taskId: 't1', uploadedBy: 'u1' }).catch((e: unknown) => e);
      expect(codeOf(missing)).toBe('MEDIA_NOT_FOUND');
    });

    it('refuses non-images and oversized pictures and stores nothing for them', async () => {
      const html = Buffer.from('<html><script>alert(1)</script></html>');
      const refused = await h.store.put(html, { source: 'responder', uploadedBy: 'u1', filename: 'photo.jpg', alertId: 'bad' }).catch((e: unknown) => e);
      expect(codeOf(refused)).toBe('MEDIA_TYPE_REFUSED');
      const big = Buffer.concat([samplePng(), Buffer.alloc(h.maxBytes)]);
      expect(codeOf(await h.store.put(big, { source: 'responder', uploadedBy: 'u1', alertId: 'bad' }).catch((e: unknown) => e))).toBe('MEDIA_TOO_LARGE');
      expect(await h.store.list({ alertId: 'bad' })).toEqual([]);
      expect(await h.store.read(sha256Hex(html))).toBeNull();
      expect(await h.store.get(sha256Hex(big))).toBeNull();
    });

    it('answers null for unknown and malformed ids', async () => {
      expect(await h.store.get('f'.repeat(64))).toBeNull();
      expect(await h.store.read('f'.repeat(64))).toBeNull();
      expect(await h.store.get('../../etc/passwd')).toBeNull();
      expect(await h.store.read('../../etc/passwd')).toBeNull();
    });
  });
}
