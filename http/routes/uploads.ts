/**
 * `/api/v1/uploads`: resumable picture uploads, tus 1.0.0 core + creation + expiration
 * (tus.io/protocols/resumable-upload). A client creates an upload with its length and metadata (POST),
 * sends bytes at the server's offset (PATCH), and after a broken connection asks where to resume (HEAD).
 * When the last byte lands the picture is stored and the answer carries `Media-Id`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import type { Registry } from 'prom-client';
import { AppError } from '../../kernel/errors.js';
import { errorResponses } from '../schemas.js';
import { accountMediaErrors, rawBody } from './media.js';
import { attachmentTarget, holds, personOf, type MediaDeps } from './media-access.js';
import type { MediaUploadInput, UploadView } from './media.port.js';

const TUS_VERSION = '1.0.0';
const base = { tags: ['media'], security: [{ bearerAuth: [] }] };
const UploadId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ACCESS = 'tasks:self|alerts:write';
const NON_NEGATIVE = /^\d{1,15}$/;

/** tus `Upload-Metadata`: comma-separated `key base64value` pairs (value optional). */
export function parseUploadMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key) continue;
    if (extra !== undefined || (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value))) {
      throw new AppError('VALIDATION_FAILED', { message: 'Upload-Metadata must be comma-separated "key base64value" pairs', details: { key } });
    }
    out[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return out;
}

function headerInt(req: FastifyRequest, name: string): number {
  const v = req.headers[name];
  if (typeof v !== 'string' || !NON_NEGATIVE.test(v)) throw new AppError('VALIDATION_FAILED', { message: `${name} must be a non-negative integer`, details: { header: name } });
  return Number(v);
}

function number(meta: Record<string, string>, key: string, min: number, max: number): number | undefined {
  if (meta[key] === undefined) return undefined;
  const n = Number(meta[key]);
  if (meta[key] === '' || !Number.isFinite(n) || n < min || n > max) throw new AppError('VALIDATION_FAILED', { message: `Upload-Metadata ${key} must be a number from ${min} to ${max}`, details: { key } });
  return n;
}

/** The picture's description from tus metadata (`filename`, `taskId`, `alertId`, `takenAt`, `lon`, `lat`, `note`). */
function describe(meta: Record<string, string>): Omit<MediaUploadInput, 'source' | 'uploadedBy'> {
  const lon = number(meta, 'lon', -180, 180);
  const lat = number(meta, 'lat', -90, 90);
  const takenAt = meta.takenAt;
  if (takenAt !== undefined && !Number.isFinite(Date.parse(takenAt))) throw new AppError('VALIDATION_FAILED', { message: 'Upload-Metadata takenAt must be an ISO 8601 time', details: { key: 'takenAt' } });
  const filename = (meta.filename ?? meta.name)?.slice(0, 255);
  return {
    ...(filename ? { filename } : {}), ...(meta.taskId ? { taskId: meta.taskId } : {}), ...(meta.alertId ? { alertId: meta.alertId } : {}),
    ...(takenAt ? { takenAt: new Date(takenAt).toISOString() } : {}), ...(meta.note ? { note: meta.note.slice(0, 2000) } : {}),
    ...(lon !== undefined && lat !== undefined ? { position: { lon, lat } } : {}),
  };
}

/** tus: every request but OPTIONS names the protocol version; another one is 412 with the versions we speak. */
function requireVersion(req: FastifyRequest, reply: FastifyReply): void {
  if (req.headers['tus-resumable'] === TUS_VERSION) return;
  void reply.header('tus-version', TUS_VERSION);
  throw new AppError('UPLOAD_VERSION_UNSUPPORTED', { details: { tusResumable: req.headers['tus-resumable'] ?? null } });
}

const expires = (u: UploadView): string => new Date(u.expiresAt).toUTCString();

export function uploadRoutes(deps: MediaDeps & { metrics: Registry }) {
  const { media } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    accountMediaErrors(app, deps.metrics);
    rawBody(app, ['application/offset+octet-stream']);
    app.addHook('onSend', async (_req, reply) => {
      void reply.header('tus-resumable', TUS_VERSION);
    });

    app.options('/uploads', { config: { access: 'public' }, schema: { ...base, security: [], summary: 'tus discovery: version, extensions, size limit' } }, async (_req, reply) =>
      reply.code(204).header('tus-version', TUS_VERSION).header('tus-extension', 'creation,expiration').header('tus-max-size', String(media.maxBytes)).send(),
    );

    app.post('/uploads', { config: { access: ACCESS }, schema: { ...base, summary: 'tus creation: Upload-Length and Upload-Metadata (base64 filename, taskId, alertId, takenAt, lon, lat) → 201 Location', response: { ...errorResponses } } }, async (req, reply) => {
      requireVersion(req, reply);
      const length = headerInt(req, 'upload-length');
      const described = describe(parseUploadMetadata(req.headers['upload-metadata'] as string | undefined));
      const target = await attachmentTarget(req, deps, described);
      const source = holds(req, deps, 'alerts:write') ? 'operator' : 'responder';
      const u = await media.uploads.create(length, { ...described, ...target, source, uploadedBy: personOf(req) }, personOf(req));
      return reply.code(201).header('location', `${req.routeOptions.url ?? '/api/v1/uploads'}/${u.id}`).header('upload-expires', expires(u)).send();
    });

    app.head<{ Params: Static<typeof UploadId> }>('/uploads/:id', { config: { access: ACCESS }, schema: { ...base, summary: 'tus: where to resume (Upload-Offset, Upload-Length)', params: UploadId } }, async (req, reply) => {
      requireVersion(req, reply);
      const u = await media.uploads.status(req.params.id, personOf(req));
      void reply.header('upload-offset', String(u.offset)).header('upload-length', String(u.length)).header('cache-control', 'no-store').header('upload-expires', expires(u));
      if (u.mediaId) void reply.header('media-id', u.mediaId);
      return reply.code(200).send();
    });

    app.patch<{ Params: Static<typeof UploadId> }>('/uploads/:id', { config: { access: ACCESS }, schema: { ...base, summary: 'tus: bytes at Upload-Offset (Content-Type application/offset+octet-stream) → 204 with the new Upload-Offset; Media-Id once complete', params: UploadId } }, async (req, reply) => {
      requireVersion(req, reply);
      if (req.headers['content-type'] !== 'application/offset+octet-stream') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'PATCH needs Content-Type: application/offset+octet-stream (tus 1.0.0)' });
      }
      const offset = headerInt(req, 'upload-offset');
      const { upload, media: stored } = await media.uploads.append(req.params.id, personOf(req), offset, req.body as Readable);
      void reply.header('upload-offset', String(upload.offset)).header('upload-expires', expires(upload));
      if (stored) void reply.header('media-id', stored.id);
      return reply.code(204).send();
    });

    app.get<{ Params: Static<typeof UploadId> }>(
      '/uploads/:id',
      {
        config: { access: ACCESS },
        exposeHeadRoute: false,
        schema: { ...base, summary: 'An upload\'s progress as JSON', params: UploadId, response: { 200: Type.Object({ offset: Type.Integer(), length: Type.Integer(), mediaId: Type.Union([Type.String(), Type.Null()]), expiresAt: Type.String() }), ...errorResponses } },
      },
      async (req) => {
        const u = await media.uploads.status(req.params.id, personOf(req));
        return { offset: u.offset, length: u.length, mediaId: u.mediaId, expiresAt: new Date(u.expiresAt).toISOString() };
      },
    );
  };
}
