/** The media store for evidence photos and drone images (response/media): blobs, metadata, uploads. */
import { join } from 'node:path';
import type { Clock } from '../../kernel/clock.js';
import { migrate, type Database } from '../../kernel/db/index.js';
import { FileBlobs } from './blobs.js';
import { mediaMigrations } from './migrations.js';
import { KyselyMediaStore } from './store.kysely.js';
import { Uploads } from './uploads.js';
import type { MediaStore } from './port.js';

export type { MediaFilter, MediaInput, MediaMeta, MediaPosition, MediaSource, MediaStore } from './port.js';
export { detectImage, type ImageInfo, type ImageContentType } from './image-type.js';
export { isMediaId, sha256Hex } from './blobs.js';
export { mediaMigrations } from './migrations.js';
export { KyselyMediaStore } from './store.kysely.js';
export { Uploads, type UploadState } from './uploads.js';

export interface MediaModuleOptions {
  database: Database;
  /** The platform's data directory: blobs in `<dataDir>/media/blobs`, uploads in `<dataDir>/media/uploads`. */
  dataDir: string;
  maxBytes: number;
  uploadExpiryMs: number;
  clock: Clock;
  /** Wraps the store the uploads and callers use (the platform announces attachments on the alert's timeline). */
  decorate?: (store: MediaStore) => MediaStore;
}

/** Migrates the media tables and builds the store and the resumable uploads over it. */
export async function openMedia(o: MediaModuleOptions): Promise<{ store: MediaStore; uploads: Uploads }> {
  await migrate(o.database, mediaMigrations);
  const raw = new KyselyMediaStore(o.database, new FileBlobs(join(o.dataDir, 'media', 'blobs')), { maxBytes: o.maxBytes, clock: o.clock });
  const store = o.decorate ? o.decorate(raw) : raw;
  const uploads = new Uploads({ dir: join(o.dataDir, 'media', 'uploads'), store, maxBytes: o.maxBytes, expiryMs: o.uploadExpiryMs, clock: o.clock });
  return { store, uploads };
}
