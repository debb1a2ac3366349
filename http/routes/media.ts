/**
 * `/api/v1/media`: a picture in one request, its bytes and metadata, and the pictures of an alert or task
 * (docs/media.md). Uploads that must survive a poor connection use the resumable `/api/v1/uploads`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { Counter, type Registry } from 'prom-client';
import { AppError, isAppError } from '../../kernel/errors.js';
import { metricOnce } from '../../kernel/metrics.js';
import { errorResponses } from '../schemas.js';
import { alertsIn, scopeOf } from '../scope.js';
import { attachmentTarget, holds, personOf, taskMedia, visibleMedia, type MediaDeps } from './media-access.js';
import type { MediaUploadInput } from './media.port.js';

const base = { tags: ['media'], security: [{ bearerAuth: [] }] };
const Position = Type.Object({ lon: Type.Number(), lat: Type.Number(), altM: Type.Optional(Type.Number()) });
const Str = Type.Optional(Type.String());
export const MediaSchema = Type.Object({
  id: Type.String({ description: 'SHA-256 of the bytes (hex)' }),
  contentType: Type.String({ description: 'Detected from the bytes: image/jpeg, image/png or image/webp' }),
  size: Type.Integer(), width: Type.Optional(Type.Integer()), height: Type.Optional(Type.Integer()),
  source: Type.Union([Type.Literal('responder'), Type.Literal('drone'), Type.Literal('operator')]),
  uploadedBy: Type.String(), filename: Str, takenAt: Type.String(), position: Type.Optional(Position),
  alertId: Str, taskId: Str, missionId: Str, note: Str, createdAt: Type.String(),
});
const Items = Type.Object({ items: Type.Array(MediaSchema) });
const MediaId = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
const AnyId = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400 }) });
export const Target = {
  taskId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  alertId: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
};
const OneShotQuery = Type.Object({
  ...Target,
  filename: Type.Optional(Type.String({ maxLength: 255 })),
  takenAt: Type.Optional(Type.String({ format: 'date-time' })),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
}, { additionalProperties: false });

/** Counts and logs every refusal of the media routes (one line and one counter per named error). */
export function accountMediaErrors(app: FastifyInstance, metrics: Registry): void {
  const name = 'citybrain_media_refused_total';
  const refused = metricOnce(metrics, name, () => new Counter({ name, help: 'Media uploads and reads refused, by error code', labelNames: ['code'] as const, registers: [metrics] }));
  app.addHook('onError', async (req, _reply, err) => {
    if (!isAppError(err) || !/^(MEDIA_|UPLOAD_)/.test(err.code)) return;
    refused.inc({ code: err.code });
    req.log.warn({ code: err.code, person: personOf(req), route: req.routeOptions.url, details: err.details }, `media refused: ${err.message}`);
  });
}

/** Reads a raw body up to `max` bytes; one byte more is MEDIA_TOO_LARGE (the rest is not read). */
export async function readLimited(body: Readable | undefined, declared: number | undefined, max: number): Promise<Buffer> {
  if (declared !== undefined && declared > max) throw new AppError('MEDIA_TOO_LARGE', { message: `The picture is ${declared} bytes; the limit is ${max}`, details: { size: declared, maxBytes: max } });
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of body ?? []) {
    n += (chunk as Buffer).length;
    if (n > max) {
      body?.destroy();
      throw new AppError('MEDIA_TOO_LARGE', { message: `The picture is over the limit of ${max} bytes`, details: { maxBytes: max } });
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

function declaredLength(req: FastifyRequest): number | undefined {
  const v = req.headers['content-length'];
  return v === undefined ? undefined : Number(v);
}

/** The raw body as a stream: the routes read it themselves, with the media size limit. */
export function rawBody(app: FastifyInstance, types: (string | RegExp)[]): void {
  for (const t of types) app.addContentTypeParser(t, (_req: FastifyRequest, payload: Readable, done: (err: Error | null, body?: unknown) => void) => done(null, payload));
}

export function mediaRoutes(deps: MediaDeps & { metrics: Registry }) {
  const { media } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    accountMediaErrors(app, deps.metrics);
    rawBody(app, [/^image\//, 'application/octet-stream']);

    app.post<{ Querystring: Static<typeof OneShotQuery> }>(
      '/media',
      {
        config: { access: 'tasks:self|alerts:write' },
        schema: { ...base, summary: 'Upload one picture in one request (raw JPEG, PNG or WebP body; type checked by content)', querystring: OneShotQuery, response: { 201: MediaSchema, ...errorResponses } },
      },
      async (req, reply) => {
        const q = req.query;
        const target = await attachmentTarget(req, deps, q);
        const bytes = await readLimited(req.body as Readable | undefined, declaredLength(req), media.maxBytes);
        const input: MediaUploadInput = {
          source: holds(req, deps, 'alerts:write') ? 'operator' : 'responder',
          uploadedBy: personOf(req), ...target,
          ...(q.filename ? { filename: q.filename } : {}), ...(q.takenAt ? { takenAt: q.takenAt } : {}), ...(q.note ? { note: q.note } : {}),
          ...(q.lon !== undefined && q.lat !== undefined ? { position: { lon: q.lon, lat: q.lat } } : {}),
        };
        return reply.code(201).send(await media.put(bytes, input));
      },
    );

    app.get<{ Params: Static<typeof MediaId> }>(
      '/media/:id',
      {
        config: { access: 'alerts:read|tasks:self' },
        exposeHeadRoute: false,
        schema: { ...base, summary: 'The picture\'s bytes (detected Content-Type; immutable: the id is its SHA-256)', params: MediaId },
      },
      async (req, reply) => {
        const [meta] = await visibleMedia(req, deps, req.params.id);
        const etag = `"${req.params.id}"`;
        void reply.header('etag', etag).header('cache-control', 'private, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'");
        if (req.headers['if-none-match'] === etag) return reply.code(304).send();
        const bytes = await media.read(req.params.id);
        if (!bytes) throw new AppError('MEDIA_NOT_FOUND', { details: { id: req.params.id } });
        return reply.type(meta!.contentType).send(bytes);
      },
    );

    app.get<{ Params: Static<typeof MediaId> }>(
      '/media/:id/meta',
      { config: { access: 'alerts:read|tasks:self' }, schema: { ...base, summary: 'What is known of a picture: type, size, who took it, where and when, what it is attached to', params: MediaId, response: { 200: MediaSchema, ...errorResponses } } },
      async (req) => (await visibleMedia(req, deps, req.params.id))[0]!,
    );

    app.get<{ Params: Static<typeof AnyId> }>(
      '/alerts/:id/media',
      { config: { access: 'alerts:read' }, schema: { ...base, summary: 'Pictures attached to an alert (drone images and responders\' photos), oldest first', params: AnyId, response: { 200: Items, ...errorResponses } } },
      async (req) => {
        if (deps.alerts) await alertsIn(deps.alerts, scopeOf(req)).get(req.params.id);
        return { items: await media.list({ alertId: req.params.id }) };
      },
    );

    app.get<{ Params: Static<typeof AnyId> }>(
      '/tasks/:id/media',
      { config: { access: 'alerts:read|tasks:self' }, schema: { ...base, summary: 'Pictures attached to a task, oldest first', params: AnyId, response: { 200: Items, ...errorResponses } } },
      async (req) => ({ items: await taskMedia(req, deps, req.params.id) }),
    );
  };
}
