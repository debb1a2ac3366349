/**
 * Drone inspection evidence: arrival over the target (MISSION_ITEM_REACHED of the inspection point) is
 * `drone.arrived` on the alert's timeline, and each picture the vehicle's camera reports
 * (CAMERA_IMAGE_CAPTURED) is fetched from its `file_url` into the media store, attached to the alert and
 * the mission with where and when it was taken (`media.attached` follows from the store).
 *
 * The URL comes from the vehicle, so it is not trusted: only http(s) to the vehicle's own MAVLink host or
 * a configured camera host (CITYBRAIN_CAMERA_HOSTS), no redirects, a timeout and the media size limit.
 * A refused or failed fetch is a named error, a log line and a counter; the mission goes on.
 */
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Counter, type Registry } from 'prom-client';
import { FIRST_ROUTE_SEQ } from '../drone-ops/index.js';
import type { EventBus } from '../kernel/bus.js';
import { AppError, isAppError } from '../kernel/errors.js';
import type { DroneImage } from '../kernel/events.js';
import type { Logger } from '../kernel/logger.js';
import { readLimited } from '../http/index.js';
import type { MediaMeta, MediaStore } from '../response/index.js';
import type { Timeline } from './media.js';
import { droneArrivedNote } from './timeline-notes.js';

export interface DroneEvidenceOptions {
  bus: EventBus;
  media: MediaStore;
  timeline: Timeline;
  log: Logger;
  metrics: Registry;
  /** Extra hosts allowed besides each vehicle's own link host (CITYBRAIN_CAMERA_HOSTS, comma-separated). */
  cameraHosts?: string;
  fetchTimeoutMs: number;
  maxBytes: number;
  /** Each picture stored for an alert (the platform attaches it to the alert's tasks too). */
  onStored?: (m: MediaMeta) => void;
}

/** Where a picture may be fetched from: its vehicle's link host or a configured camera host, over http(s). */
export function cameraUrlAllowed(raw: string, linkHost: string, extraHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('CAMERA_FETCH_REFUSED', { message: 'The camera reported no usable image URL', details: { url: raw.slice(0, 300) } });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = [linkHost, ...extraHosts].map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  if (!['http:', 'https:'].includes(url.protocol) || url.username !== '' || url.password !== '' || !allowed.includes(host)) {
    throw new AppError('CAMERA_FETCH_REFUSED', { details: { url: raw.slice(0, 300), host, allowed } });
  }
  return url;
}

/** GET with a timeout, no redirects and a size limit. @throws CAMERA_FETCH_FAILED */
export async function fetchImage(url: URL, timeoutMs: number, maxBytes: number): Promise<Buffer> {
  const fail = (why: string, cause?: unknown) => new AppError('CAMERA_FETCH_FAILED', { message: `Camera image ${url.href} not fetched: ${why}`, details: { url: url.href, reason: why }, cause });
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw fail(err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'connection failed', err);
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw fail(`HTTP ${res.status}`);
  }
  const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  const declared = res.headers.get('content-length');
  try {
    return await readLimited(body, declared === null ? undefined : Number(declared), maxBytes);
  } catch (err) {
    body.destroy();
    throw isAppError(err) && err.code === 'MEDIA_TOO_LARGE' ? fail(`larger than the media limit of ${maxBytes} bytes`) : fail('the transfer broke off', err);
  }
}

export function wireDroneEvidence(o: DroneEvidenceOptions): () => void {
  const log = o.log.child({ module: 'drone-evidence' });
  const name = 'citybrain_drone_images_total';
  const images = (o.metrics.getSingleMetric(name) as Counter<'outcome' | 'code'> | undefined)
    ?? new Counter({ name, help: 'Drone camera pictures by outcome (stored, refused, failed) and error code', labelNames: ['outcome', 'code'] as const, registers: [o.metrics] });
  const extra = (o.cameraHosts ?? '').split(',').filter((h) => h.trim() !== '');
  /** Inspection missions of alerts, from their status changes: the point item is where they arrive. */
  const missions = new Map<string, { alertId: string; kind: string }>();
  const arrived = new Set<string>();

  const store = async (img: DroneImage): Promise<void> => {
    const mission = img.missionId ? missions.get(img.missionId) : undefined;
    try {
      if (!img.ok) throw new AppError('CAMERA_FETCH_FAILED', { message: `Camera ${img.cameraId} of drone ${img.droneId} reported a failed capture`, details: { index: img.index } });
      const url = cameraUrlAllowed(img.url, img.linkHost, img.cameraHost ? [...extra, img.cameraHost] : extra);
      const bytes = await fetchImage(url, o.fetchTimeoutMs, o.maxBytes);
      const m = await o.media.put(bytes, {
        source: 'drone', uploadedBy: `drone:${img.droneId}`, filename: basename(url.pathname) || `image-${img.index}`,
        ...(img.takenAt ? { takenAt: img.takenAt } : {}), position: img.position,
        ...(mission ? { alertId: mission.alertId } : {}), ...(img.missionId ? { missionId: img.missionId } : {}),
      });
      images.inc({ outcome: 'stored', code: '' });
      o.onStored?.(m);
      log.info({ droneId: img.droneId, missionId: img.missionId, alertId: mission?.alertId, mediaId: m.id, index: img.index }, 'drone picture stored');
    } catch (err) {
      const code = isAppError(err) ? err.code : 'INTERNAL';
      images.inc({ outcome: code === 'CAMERA_FETCH_REFUSED' ? 'refused' : 'failed', code });
      log.warn({ err, code, droneId: img.droneId, missionId: img.missionId, index: img.index, url: img.url.slice(0, 300) }, 'drone picture not stored; the mission goes on');
    }
  };

  const offs = [
    o.bus.on('missionChanged', (c) => {
      if (c.alertId) missions.set(c.missionId, { alertId: c.alertId, kind: c.kind });
      if (['completed', 'aborted', 'failed', 'refused'].includes(c.to)) setTimeout(() => {
        missions.delete(c.missionId);
        arrived.delete(c.missionId);
      }, 600_000).unref();
    }),
    o.bus.on('droneState', (s) => {
      const m = s.missionId ? missions.get(s.missionId) : undefined;
      if (!m || m.kind !== 'point' || s.missionSeq !== FIRST_ROUTE_SEQ || arrived.has(s.missionId!)) return;
      arrived.add(s.missionId!);
      const { note, detail } = droneArrivedNote(s.droneId, s.missionId!, s.position);
      o.timeline(m.alertId, 'drone.arrived', `drone:${s.droneId}`, note, detail)
        .catch((err: unknown) => log.warn({ err, alertId: m.alertId, missionId: s.missionId }, 'drone.arrived not recorded on the alert'));
    }),
    o.bus.on('droneImage', (img) => void store(img)),
  ];
  return () => offs.forEach((off) => off());
}
