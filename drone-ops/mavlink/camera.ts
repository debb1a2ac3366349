/**
 * The MAVLink camera protocol, ground side (common.xml; mavlink.io "Camera Protocol v2"): a camera reports
 * each picture with CAMERA_IMAGE_CAPTURED — where (lat/lon degE7, alt and relative_alt in mm), when
 * (time_utc in µs since the Unix epoch, 0 = unknown), its index, whether it worked (capture_result) and
 * where to fetch it (file_url, up to 205 characters, NUL-padded). Pure: message in, value out.
 */
import type { common } from 'node-mavlink';
import type { DroneImageReport } from '../link/drone-link.js';

/** image_index, camera, time_utc as ISO (null = unknown), position, capture_result = 1, file_url ('' = none). */
export type CapturedImage = Omit<DroneImageReport, 'linkHost' | 'cameraHost'>;

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

/** CAMERA_INFORMATION's message id: what a ground station asks for with MAV_CMD_REQUEST_MESSAGE (512) param1. */
export const MSG_CAMERA_INFORMATION = 259;

/** CAMERA_CAP_FLAGS bits (common.xml) a ground station acts on. */
export const CAMERA_CAP = { CAPTURE_VIDEO: 1, CAPTURE_IMAGE: 2, HAS_MODES: 4, HAS_VIDEO_STREAM: 256 } as const;

/** What a camera says about itself in CAMERA_INFORMATION (mavlink.io Camera Protocol v2 "Camera Identification"). */
export interface CameraInfo {
  vendor: string;
  model: string;
  /** `major.minor.patch.dev` from firmware_version (0.0.0.0 = unknown). */
  firmware: string;
  /** The raw CAMERA_CAP_FLAGS bitmap. */
  flags: number;
  /** CAMERA_CAP_FLAGS_CAPTURE_IMAGE: it takes still pictures (MAV_CMD_IMAGE_START_CAPTURE works). */
  captureImages: boolean;
  captureVideo: boolean;
  /** Pixels; null when the camera says 0 (unknown). */
  resolution: { h: number; v: number } | null;
  /** The camera definition file (http:// or mavlinkftp://), '' when there is none. */
  definitionUri: string;
  definitionVersion: number;
}

/** vendor_name and model_name are uint8_t[32], NUL-padded. */
const text = (bytes: readonly number[] | string | undefined): string =>
  (typeof bytes === 'string' ? bytes : Buffer.from((bytes ?? []).map(Number)).toString('utf8')).replace(/\0[\s\S]*$/, '').trim();

export function parseCameraInformation(m: common.CameraInformation): CameraInfo {
  const flags = Number(m.flags) >>> 0;
  const fw = Number(m.firmwareVersion) >>> 0;
  return {
    vendor: text(m.vendorName as unknown as number[]),
    model: text(m.modelName as unknown as number[]),
    // (Dev & 0xff) << 24 | (Patch & 0xff) << 16 | (Minor & 0xff) << 8 | (Major & 0xff)
    firmware: [fw & 0xff, (fw >>> 8) & 0xff, (fw >>> 16) & 0xff, (fw >>> 24) & 0xff].join('.'),
    flags,
    captureImages: (flags & CAMERA_CAP.CAPTURE_IMAGE) !== 0,
    captureVideo: (flags & CAMERA_CAP.CAPTURE_VIDEO) !== 0,
    resolution: m.resolutionH > 0 && m.resolutionV > 0 ? { h: m.resolutionH, v: m.resolutionV } : null,
    definitionUri: text(m.camDefinitionUri),
    definitionVersion: m.camDefinitionVersion,
  };
}

/**
 * The host a camera serves its files from, as its definition URI names it (http/https only): a camera on
 * its own network address has its pictures fetched from there as well as from the vehicle's link host.
 */
export function cameraHostOf(info: CameraInfo | null | undefined): string | undefined {
  if (!info?.definitionUri) return undefined;
  try {
    const u = new URL(info.definitionUri);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.replace(/^\[|\]$/g, '').toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
