/**
 * MediaStore on the relational store (Kysely: SQLite embedded, PostgreSQL at scale) with the bytes in a
 * content-addressed blob directory. The type is checked by content and the size by the configured limit
 * before anything is written.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../kernel/clock.js';
import type { Database } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import { type FileBlobs, isMediaId } from './blobs.js';
import { describeBytes, detectImage } from './image-type.js';
import type { MediaFilter, MediaInput, MediaMeta, MediaSource, MediaStore } from './port.js';

interface BlobsTable {
  id: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  created_at: number;
}
interface AttachmentsTable {
  id: string;
  media_id: string;
  source: string;
  uploaded_by: string;
  filename: string | null;
  taken_at: number;
  lon: number | null;
  lat: number | null;
  alt_m: number | null;
  alert_id: string | null;
  task_id: string | null;
  mission_id: string | null;
  note: string | null;
  created_at: number;
}
interface Tables {
  media_blobs: BlobsTable;
  media_attachments: AttachmentsTable;
}

export interface MediaStoreOptions {
  /** Largest accepted picture, bytes (CITYBRAIN_MEDIA_MAX_BYTES). */
  maxBytes: number;
  clock: Clock;
}

type Row = Selectable<AttachmentsTable> & Pick<BlobsTable, 'content_type' | 'size' | 'width' | 'height'>;

const iso = (ms: number): string => new Date(Number(ms)).toISOString();
const opt = <K extends string, V>(k: K, v: V | null | undefined): Partial<Record<K, V>> => (v === null || v === undefined ? {} : ({ [k]: v } as Record<K, V>));

function toMeta(r: Row): MediaMeta {
  const position = r.lon !== null && r.lat !== null ? { lon: Number(r.lon), lat: Number(r.lat), ...opt('altM', r.alt_m === null ? null : Number(r.alt_m)) } : undefined;
  return {
    id: r.media_id, contentType: r.content_type, size: Number(r.size), ...opt('width', r.width), ...opt('height', r.height),
    source: r.source as MediaSource, uploadedBy: r.uploaded_by, ...opt('filename', r.filename), takenAt: iso(r.taken_at),
    ...opt('position', position), ...opt('alertId', r.alert_id), ...opt('taskId', r.task_id), ...opt('missionId', r.mission_id),
    ...opt('note', r.note), createdAt: iso(r.created_at),
  };
}

/** Refusal of a picture by size, before any byte is stored. */
export function tooLarge(size: number, maxBytes: number): AppError {
  return new AppError('MEDIA_TOO_LARGE', { message: `The picture is ${size} bytes; the limit is ${maxBytes}`, details: { size, maxBytes } });
}

export class KyselyMediaStore implements MediaStore {
  private readonly db: Kysely<Tables>;
  private seq = 0;

  constructor(database: Database, private readonly blobs: FileBlobs, private readonly opts: MediaStoreOptions) {
    this.db = database.db as Kysely<Tables>;
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  async put(bytes: Buffer, input: MediaInput): Promise<MediaMeta> {
    if (bytes.length > this.opts.maxBytes) throw tooLarge(bytes.length, this.opts.maxBytes);
    const info = detectImage(bytes);
    if (!info) {
      throw new AppError('MEDIA_TYPE_REFUSED', { message: 'Only JPEG, PNG and WebP pictures are accepted (checked by content)', details: { detected: describeBytes(bytes) } });
    }
    const takenAt = input.takenAt === undefined ? this.opts.clock.now() : Date.parse(input.takenAt);
    if (!Number.isFinite(takenAt)) throw new AppError('VALIDATION_FAILED', { message: 'takenAt must be an ISO 8601 time', details: { takenAt: input.takenAt } });
    const id = await this.blobs.write(bytes);
    const now = this.opts.clock.now();
    await this.db.insertInto('media_blobs')
      .values({ id, content_type: info.contentType, size: bytes.length, width: info.width, height: info.height, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return this.insertAttachment(id, { ...input, takenAt: iso(takenAt) }, now);
  }

  async get(id: string): Promise<MediaMeta | null> {
    if (!isMediaId(id)) return null;
    const r = await this.rows().where('a.media_id', '=', id).orderBy('a.created_at').orderBy('a.id').limit(1).executeTakeFirst();
    return r ? toMeta(r) : null;
  }

  async read(id: string): Promise<Buffer | null> {
    if (!isMediaId(id)) return null;
    const known = await this.db.selectFrom('media_blobs').select('id').where('id', '=', id).executeTakeFirst();
    return known ? this.blobs.read(id) : null;
  }

  async attach(id: string, to: Omit<MediaFilter, 'mediaId'> & { uploadedBy: string; note?: string }): Promise<MediaMeta> {
    const first = await this.get(id);
    if (!first) throw new AppError('MEDIA_NOT_FOUND', { details: { id } });
    const input: MediaInput & { takenAt: string } = {
      source: first.source, uploadedBy: to.uploadedBy, takenAt: first.takenAt, ...opt('filename', first.filename), ...opt('position', first.position),
      ...opt('alertId', to.alertId), ...opt('taskId', to.taskId), ...opt('missionId', to.missionId), ...opt('note', to.note),
    };
    return this.insertAttachment(id, input, this.opts.clock.now());
  }

  async list(filter: MediaFilter): Promise<MediaMeta[]> {
    let q = this.rows();
    if (filter.mediaId !== undefined) q = q.where('a.media_id', '=', filter.mediaId);
    if (filter.alertId !== undefined) q = q.where('a.alert_id', '=', filter.alertId);
    if (filter.taskId !== undefined) q = q.where('a.task_id', '=', filter.taskId);
    if (filter.missionId !== undefined) q = q.where('a.mission_id', '=', filter.missionId);
    return (await q.orderBy('a.created_at').orderBy('a.id').execute()).map(toMeta);
  }

  async close(): Promise<void> {
    // The database belongs to the composition root; blobs hold no open handle.
  }

  private rows() {
    return this.db.selectFrom('media_attachments as a')
      .innerJoin('media_blobs as b', 'b.id', 'a.media_id')
      .selectAll('a')
      .select(['b.content_type', 'b.size', 'b.width', 'b.height']);
  }

  private async insertAttachment(mediaId: string, m: MediaInput & { takenAt: string }, now: number): Promise<MediaMeta> {
    // Sortable ids: creation time, then a per-process sequence, then randomness for several nodes.
    const id = `${String(now).padStart(14, '0')}-${String(this.seq++ % 1e6).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
    const row: AttachmentsTable = {
      id, media_id: mediaId, source: m.source, uploaded_by: m.uploadedBy, filename: m.filename ?? null, taken_at: Date.parse(m.takenAt),
      lon: m.position?.lon ?? null, lat: m.position?.lat ?? null, alt_m: m.position?.altM ?? null,
      alert_id: m.alertId ?? null, task_id: m.taskId ?? null, mission_id: m.missionId ?? null, note: m.note ?? null, created_at: now,
    };
    await this.db.insertInto('media_attachments').values(row).execute();
    const r = await this.rows().where('a.id', '=', id).executeTakeFirstOrThrow();
    return toMeta(r);
  }
}
