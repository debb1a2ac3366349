/** Media and resumable uploads over HTTP with the real access and media modules (SQLite :memory:, a temp data dir). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertsPort, AlertView, HttpDeps, MediaPort } from '../http/index.js';
import { loadConfig } from '../kernel/config.js';
import { createDatabase } from '../kernel/db/index.js';
import { AppError } from '../kernel/errors.js';
import { silentLogger } from '../kernel/logger.js';
import { samplePng } from '../response/media/testing.js';
import { sha256Hex } from '../response/index.js';
import { startMedia } from './media.js';
import { ADMIN, useAccessServer, type AccessServer } from './test/access-harness.js';

const server = useAccessServer();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const ALERTS: Record<string, AlertView> = {
  'a-1': { id: 'a-1', ruleId: 'gas', subject: 'g1', status: 'open', severity: 'red', labels: { district: '370202' } },
  'a-2': { id: 'a-2', ruleId: 'gas', subject: 'g2', status: 'open', severity: 'red', labels: { district: '370203' } },
};
const TASKS = { 't-fire': { id: 't-fire', alertId: 'a-1', unitId: 'fire-3' }, 't-gas': { id: 't-gas', alertId: 'a-1', unitId: 'gas-1' } };

function alertsPort(): AlertsPort {
  const get = async (id: string) => ALERTS[id] ?? Promise.reject(new AppError('ALERT_NOT_FOUND', { details: { id } }));
  return { get, list: async () => ({ items: Object.values(ALERTS), total: 2 }), act: get, kpis: async () => ({}) };
}

/** The response module's task lookup as the media routes see it: own unit only for responders. */
const tasks: NonNullable<MediaPort['tasks']> = {
  visible: async (id, viewer) => {
    const t = TASKS[id as keyof typeof TASKS];
    if (!t || (viewer.ownUnitOnly && t.unitId !== viewer.unit)) throw new AppError('VALIDATION_FAILED', { status: 404, message: 'Task not found' });
    return t;
  },
};

interface Setup { s: AccessServer; timeline: string[]; responder: Record<string, string>; operator: Record<string, string>; viewer: Record<string, string> }

async function setup(maxBytes = 64 * 1024): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'cb-media-http-'));
  const database = await createDatabase({ sqliteFile: ':memory:' });
  const timeline: string[] = [];
  const wired: { media?: Awaited<ReturnType<typeof startMedia>> } = {};
  const s = await server({
    extra: () => ({ alerts: alertsPort(), media: lazy(() => wired.media!.http) }) as Partial<HttpDeps>,
  });
  const media = await startMedia({
    config: loadConfig({ CITYBRAIN_MEDIA_MAX_BYTES: String(maxBytes), CITYBRAIN_UPLOAD_EXPIRY: '1h' }), database, dataDir: dir, clock: s.deps.clock, log: silentLogger(), metrics: s.deps.metrics,
    timeline: async (alertId, event, by) => void timeline.push(`${alertId} ${event} ${by}`),
  });
  wired.media = media;
  cleanups.push(() => media.stop(), () => database.close(), () => rmSync(dir, { recursive: true, force: true }));
  const bearer = async (name: string, role: string, districts: string[] | null, extra = {}) => {
    await s.createUser(name, role, districts, extra);
    const { cookie, csrf } = await s.login(name);
    return { cookie, 'x-csrf-token': csrf };
  };
  return {
    s, timeline,
    responder: await bearer('rita', 'responder', ['370202'], { unit: 'fire-3' }),
    operator: await bearer('otto', 'operator', ['370202']),
    viewer: await bearer('vic', 'viewer', null),
  };
}

/** The port is built after the server (it needs the server's clock and metrics); routes reach it per request. */
function lazy(get: () => MediaPort): MediaPort {
  return {
    get maxBytes() { return get().maxBytes; },
    get uploadExpiryMs() { return get().uploadExpiryMs; },
    put: (b, i) => get().put(b, i),
    list: (f) => get().list(f),
    read: (id) => get().read(id),
    uploads: { create: (...a) => get().uploads.create(...a), status: (...a) => get().uploads.status(...a), append: (...a) => get().uploads.append(...a) },
    tasks,
  };
}

const meta = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');
const TUS = { 'tus-resumable': '1.0.0' };

describe('resumable uploads (tus 1.0.0)', () => {
  it('lets a responder upload a photo for their unit\'s task in pieces, resume after asking, and read it back', async () => {
    const { s, responder, operator, timeline } = await setup();
    const opts = await s.app.inject({ method: 'OPTIONS', url: '/api/v1/uploads' });
    expect(opts.statusCode).toBe(204);
    expect(opts.headers).toMatchObject({ 'tus-version': '1.0.0', 'tus-extension': 'creation,expiration', 'tus-max-size': String(64 * 1024) });
    const png = samplePng(40, 30);
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...responder, ...TUS, 'upload-length': String(png.length), 'upload-metadata': meta({ filename: 'leak.jpg', taskId: 't-fire', takenAt: '2025-06-01T11:59:00Z', lon: '120.38', lat: '36.07' }) } });
    expect(created.statusCode).toBe(201);
    expect(created.headers['tus-resumable']).toBe('1.0.0');
    const url = String(created.headers.location);
    expect(url).toMatch(/^\/api\/v1\/uploads\/[0-9a-f]{32}$/);
    const patch = (offset: number, body: Buffer) => s.app.inject({ method: 'PATCH', url, headers: { ...responder, ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }, payload: body });
    const first = await patch(0, png.subarray(0, 50));
    expect([first.statusCode, first.headers['upload-offset']]).toEqual([204, '50']);
    const head = await s.app.inject({ method: 'HEAD', url, headers: { ...responder, ...TUS } });
    expect(head.headers).toMatchObject({ 'upload-offset': '50', 'upload-length': String(png.length), 'cache-control': 'no-store' });
    const stale = await patch(0, png);
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'UPLOAD_OFFSET_MISMATCH']);
    const last = await patch(50, png.subarray(50));
    expect([last.statusCode, last.headers['upload-offset'], last.headers['media-id']]).toEqual([204, String(png.length), sha256Hex(png)]);
    expect((await s.app.inject({ url, headers: responder })).json()).toMatchObject({ offset: png.length, length: png.length, mediaId: sha256Hex(png) });

    const id = sha256Hex(png);
    const bytes = await s.app.inject({ url: `/api/v1/media/${id}`, headers: responder });
    expect(bytes.statusCode).toBe(200);
    expect(bytes.headers['content-type']).toBe('image/png');
    expect(bytes.headers['cache-control']).toContain('immutable');
    expect(bytes.rawPayload.equals(png)).toBe(true);
    expect((await s.app.inject({ url: `/api/v1/media/${id}`, headers: { ...responder, 'if-none-match': `"${id}"` } })).statusCode).toBe(304);
    const m = (await s.app.inject({ url: `/api/v1/media/${id}/meta`, headers: responder })).json();
    expect(m).toMatchObject({ id, contentType: 'image/png', width: 40, height: 30, source: 'responder', filename: 'leak.jpg', taskId: 't-fire', alertId: 'a-1', takenAt: '2025-06-01T11:59:00.000Z', position: { lon: 120.38, lat: 36.07 } });
    expect((await s.app.inject({ url: '/api/v1/tasks/t-fire/media', headers: responder })).json().items).toHaveLength(1);
    expect((await s.app.inject({ url: '/api/v1/alerts/a-1/media', headers: operator })).json().items.map((x: { id: string }) => x.id)).toEqual([id]);
    expect(timeline).toEqual([`a-1 media.attached ${m.uploadedBy}`]);
  });

  it('keeps an upload to its owner, refuses an old protocol version and a wrong Content-Type', async () => {
    const { s, responder, operator } = await setup();
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...responder, ...TUS, 'upload-length': '100' } });
    const url = String(created.headers.location);
    const other = await s.app.inject({ method: 'HEAD', url, headers: { ...operator, ...TUS } });
    expect(other.statusCode).toBe(404);
    const old = await s.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...responder, 'tus-resumable': '0.2.2', 'upload-length': '10' } });
    expect([old.statusCode, old.headers['tus-version'], old.json().error.code]).toEqual([412, '1.0.0', 'UPLOAD_VERSION_UNSUPPORTED']);
    const json = await s.app.inject({ method: 'PATCH', url, headers: { ...responder, ...TUS, 'content-type': 'application/json', 'upload-offset': '0' }, payload: '{}' });
    expect(json.statusCode).toBe(415);
    expect((await s.app.inject({ url: `${url}x`, headers: responder })).json().error.code).toBe('UPLOAD_NOT_FOUND');
  });
});

describe('who may attach and see pictures', () => {
  it('lets a responder attach only to their own unit\'s task; operators to alerts in their districts; viewers not at all', async () => {
    const { s, responder, operator, viewer } = await setup();
    const png = samplePng();
    const put = (headers: Record<string, string>, query: string) => s.app.inject({ method: 'POST', url: `/api/v1/media?${query}`, headers: { ...headers, 'content-type': 'image/jpeg' }, payload: png });
    expect((await put(responder, 'taskId=t-gas')).statusCode).toBe(404);
    expect((await put(responder, 'alertId=a-1')).json().error.code).toBe('SCOPE_EXCEEDED');
    expect((await put(viewer, 'alertId=a-1')).json().error.code).toBe('FORBIDDEN');
    expect((await put(operator, 'alertId=a-2')).json().error.code).toBe('ALERT_NOT_FOUND'); // outside otto's district
    const ok = await put(operator, 'alertId=a-1&lon=120.1&lat=36.1');
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ source: 'operator', alertId: 'a-1', contentType: 'image/png' }); // detected, not the header's image/jpeg
    // The responder sees the operator's picture only through a task of theirs: not attached to one here.
    expect((await s.app.inject({ url: `/api/v1/media/${ok.json().id}/meta`, headers: responder })).json().error.code).toBe('MEDIA_NOT_FOUND');
    expect((await s.app.inject({ url: `/api/v1/media/${ok.json().id}/meta`, headers: viewer })).statusCode).toBe(200);
  });
});

describe('refusals: a named error, a log line and a counter each; nothing stored', () => {
  it('refuses an oversized picture, a PE or ZIP or HTML file named .jpg, and an unknown id', async () => {
    const { s, operator } = await setup(2048);
    const put = (body: Buffer) => s.app.inject({ method: 'POST', url: '/api/v1/media?alertId=a-1&filename=photo.jpg', headers: { ...operator, 'content-type': 'image/jpeg' }, payload: body });
    const big = await put(Buffer.concat([samplePng(), Buffer.alloc(4096)]));
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'MEDIA_TOO_LARGE']);
    for (const bad of [Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), Buffer.from('<!doctype html><p>hi')]) {
      const r = await put(bad);
      expect([r.statusCode, r.json().error.code]).toEqual([415, 'MEDIA_TYPE_REFUSED']);
    }
    const tusBig = await s.app.inject({ method: 'POST', url: '/api/v1/uploads', headers: { ...operator, ...TUS, 'upload-length': '4096' } });
    expect(tusBig.json().error.code).toBe('MEDIA_TOO_LARGE');
    const unknown = await s.app.inject({ url: `/api/v1/media/${'0'.repeat(64)}`, headers: ADMIN });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'MEDIA_NOT_FOUND']);
    expect((await s.app.inject({ url: '/api/v1/alerts/a-1/media', headers: operator })).json().items).toEqual([]);
    const text = await s.deps.metrics.metrics();
    expect(text).toMatch(/citybrain_media_refused_total\{code="MEDIA_TOO_LARGE"\} 2/);
    expect(text).toMatch(/citybrain_media_refused_total\{code="MEDIA_TYPE_REFUSED"\} 3/);
    expect(text).toMatch(/citybrain_media_refused_total\{code="MEDIA_NOT_FOUND"\} 1/);
  });
});
