/**
 * Wires the media store (response/media) into the platform: blobs and upload state in the data directory,
 * metadata in the relational store, the HTTP port, the sweep of expired uploads, and `media.attached` on
 * the alert's timeline whenever a picture is attached to an alert.
 */
import { Counter, type Registry } from 'prom-client';
import type { MediaPort, MediaView } from '../http/index.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { Database } from '../kernel/db/index.js';
import type { Logger } from '../kernel/logger.js';
import { openMedia, type MediaMeta, type MediaStore, type Uploads } from '../response/index.js';
import type { NoteDetail } from '../rules-engine/index.js';
import { pictureNote } from './timeline-notes.js';

/** Adds an event to an alert's timeline (the alert service's `record`): the English note and the structured one. */
export type Timeline = (alertId: string, event: 'drone.arrived' | 'media.attached', by: string, note: string, detail: NoteDetail) => Promise<unknown>;

export interface MediaWiring {
  /** The store with `media.attached` on the timeline: what response/ and drone evidence use. */
  store: MediaStore;
  uploads: Uploads;
  http: MediaPort;
  stop(): void;
}

const view = (m: MediaMeta): MediaView => ({ ...m });

/** The store, counting and logging each attachment and announcing it on the alert's timeline (a failure there is logged). */
function announcing(store: MediaStore, timeline: Timeline | undefined, log: Logger, stored: Counter<'source'>): MediaStore {
  const announce = async (m: MediaMeta): Promise<MediaMeta> => {
    stored.inc({ source: m.source });
    log.info({ mediaId: m.id, source: m.source, alertId: m.alertId, taskId: m.taskId, missionId: m.missionId, size: m.size }, 'picture attached');
    const { note, detail } = pictureNote(m);
    if (m.alertId && timeline) await timeline(m.alertId, 'media.attached', m.uploadedBy, note, detail).catch((err: unknown) => log.warn({ err, alertId: m.alertId, mediaId: m.id }, 'media.attached not recorded on the alert'));
    return m;
  };
  return {
    put: async (bytes, input) => announce(await store.put(bytes, input)),
    attach: async (id, to) => announce(await store.attach(id, to)),
    get: (id) => store.get(id),
    read: (id) => store.read(id),
    list: (f) => store.list(f),
    close: () => store.close(),
  };
}

export async function startMedia(o: { config: Config; database: Database; dataDir: string; clock: Clock; log: Logger; metrics: Registry; timeline?: Timeline }): Promise<MediaWiring> {
  const log = o.log.child({ module: 'media' });
  const metric = <T>(name: string, make: () => T): T => (o.metrics.getSingleMetric(name) as T | undefined) ?? make();
  const stored = metric('citybrain_media_stored_total', () => new Counter({ name: 'citybrain_media_stored_total', help: 'Pictures attached, by source (responder, operator, drone)', labelNames: ['source'] as const, registers: [o.metrics] }));
  const expired = metric('citybrain_uploads_expired_total', () => new Counter({ name: 'citybrain_uploads_expired_total', help: 'Unfinished resumable uploads removed after CITYBRAIN_UPLOAD_EXPIRY', registers: [o.metrics] }));
  const { store, uploads } = await openMedia({
    database: o.database, dataDir: o.dataDir, maxBytes: o.config.mediaMaxBytes, uploadExpiryMs: o.config.uploadExpiryMs, clock: o.clock,
    decorate: (s) => announcing(s, o.timeline, log, stored),
  });
  const sweep = async () => {
    const n = await uploads.sweep();
    if (n > 0) {
      expired.inc(n);
      log.info({ removed: n }, 'expired uploads removed');
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep().catch((err: unknown) => log.warn({ err }, 'upload sweep failed')), Math.min(o.config.uploadExpiryMs / 4, 10 * 60_000));
  timer.unref();
  const http: MediaPort = {
    maxBytes: o.config.mediaMaxBytes,
    uploadExpiryMs: o.config.uploadExpiryMs,
    put: async (bytes, input) => view(await store.put(bytes, input)),
    list: async (f) => (await store.list(f)).map(view),
    read: (id) => store.read(id),
    uploads: {
      create: (length, input, owner) => uploads.create(length, input, owner),
      status: (id, owner) => uploads.status(id, owner),
      append: async (id, owner, offset, body) => {
        const r = await uploads.append(id, owner, offset, body);
        return { upload: r.upload, media: r.media ? view(r.media) : null };
      },
    },
  };
  return { store, uploads, http, stop: () => clearInterval(timer) };
}
