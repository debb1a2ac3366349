/**
 * The MAVLink camera protocol, ground side (common.xml; mavlink.io "Camera Protocol v2"): a camera reports
 * each picture with CAMERA_IMAGE_CAPTURED — where (lat/lon degE7, alt and relative_alt in mm), when
 * (time_utc in µs since the Unix epoch, 0 = unknown), its index, whether it worked (capture_result) and
 * where to fetch it (file_url, up to 205 characters, NUL-padded). Pure: message in, value out.
 */
import type { common } from 'node-mavlink';
import type { DroneImageReport } from '../link/drone-link.js';

/** image_index, camera, time_utc as ISO (null = unknown), position, capture_result = 1, file_url ('' = none). */
export type CapturedImage = Omit<DroneImageReport, 'linkHost'>;

export function parseImageCaptured(m: common.CameraImageCaptured): CapturedImage {
  const us = typeof m.timeUtc === 'bigint' ? Number(m.timeUtc) : Number(m.timeUtc ?? 0);
  return {
    index: m.imageIndex,
    cameraId: m.cameraId,
    takenAt: us > 0 ? new Date(Math.floor(us / 1000)).toISOString() : null,
    position: { lon: m.lon / 1e7, lat: m.lat / 1e7, altM: m.relativeAlt / 1000 },
    ok: Number(m.captureResult) === 1,
    url: String(m.fileUrl ?? '').replace(/\0+$/, '').trim(),
  };
}
