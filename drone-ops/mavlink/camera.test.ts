import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { parseImageCaptured } from './camera.js';
import { decodeFrames, encodeFrame } from './codec.js';

function roundTrip(fill: (m: common.CameraImageCaptured) => void): common.CameraImageCaptured {
  const m = new common.CameraImageCaptured();
  m.q = [1, 0, 0, 0];
  fill(m);
  const frame = decodeFrames(encodeFrame(m, { sysid: 1, compid: 100, seq: 3 })).frames[0]!;
  expect(frame.msgid).toBe(263);
  return frame.data as common.CameraImageCaptured;
}

describe('CAMERA_IMAGE_CAPTURED (camera protocol)', () => {
  it('reads position, time, index, result and URL from the encoded bytes', () => {
    const m = roundTrip((x) => {
      x.timeUtc = BigInt(Date.UTC(2025, 5, 1, 12, 0, 3, 250)) * 1000n;
      x.cameraId = 1;
      x.lat = 360_712_345;
      x.lon = 1_203_812_345;
      x.alt = 120_500;
      x.relativeAlt = 60_250;
      x.imageIndex = 42;
      x.captureResult = 1 as common.CameraImageCaptured['captureResult'];
      x.fileUrl = 'http://127.0.0.1:8042/images/42.png';
    });
    expect(parseImageCaptured(m)).toEqual({
      index: 42, cameraId: 1, takenAt: '2025-06-01T12:00:03.250Z', position: { lat: 36.0712345, lon: 120.3812345, altM: 60.25 }, ok: true,
      url: 'http://127.0.0.1:8042/images/42.png',
    });
  });

  it('tells an unknown time, a failed capture and a missing URL', () => {
    const m = roundTrip((x) => {
      x.timeUtc = 0n;
      x.captureResult = 0 as common.CameraImageCaptured['captureResult'];
      x.fileUrl = '';
    });
    expect(parseImageCaptured(m)).toMatchObject({ takenAt: null, ok: false, url: '' });
  });
});
