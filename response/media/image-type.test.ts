import { describe, expect, it } from 'vitest';
import { describeBytes, detectImage } from './image-type.js';
import { sampleJpegHeader, samplePng, sampleWebpHeader } from './testing.js';

describe('detectImage', () => {
  it('reads PNG type and size from IHDR', () => {
    expect(detectImage(samplePng(640, 480))).toEqual({ contentType: 'image/png', width: 640, height: 480 });
  });

  it('reads JPEG size from the first start-of-frame segment, baseline or progressive, past fill bytes', () => {
    expect(detectImage(sampleJpegHeader(4000, 3000))).toEqual({ contentType: 'image/jpeg', width: 4000, height: 3000 });
    expect(detectImage(sampleJpegHeader(17, 9, 0xc2))).toEqual({ contentType: 'image/jpeg', width: 17, height: 9 });
    const h = sampleJpegHeader(8, 8);
    const filled = Buffer.concat([h.subarray(0, 2), Buffer.from([0xff, 0xff]), h.subarray(2)]);
    expect(detectImage(filled)?.width).toBe(8);
  });

  it('reads WebP size from VP8X, VP8L and VP8 headers', () => {
    expect(detectImage(sampleWebpHeader(1920, 1080))).toEqual({ contentType: 'image/webp', width: 1920, height: 1080 });
    const l = Buffer.alloc(25);
    l.write('RIFF', 0, 'latin1'); l.write('WEBP', 8, 'latin1'); l.write('VP8L', 12, 'latin1'); l[20] = 0x2f;
    l.writeUInt32LE((100 - 1) | ((50 - 1) << 14), 21);
    expect(detectImage(l)).toEqual({ contentType: 'image/webp', width: 100, height: 50 });
    const v = Buffer.alloc(30);
    v.write('RIFF', 0, 'latin1'); v.write('WEBP', 8, 'latin1'); v.write('VP8 ', 12, 'latin1');
    v.set([0x9d, 0x01, 0x2a], 23); v.writeUInt16LE(320, 26); v.writeUInt16LE(240, 28);
    expect(detectImage(v)).toEqual({ contentType: 'image/webp', width: 320, height: 240 });
  });

  it('refuses what is not a picture, whatever it is named: PE, ZIP, HTML, GIF, truncated headers', () => {
    const pe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    const html = Buffer.from('<!DOCTYPE html><html><body>x</body></html>');
    for (const b of [pe, zip, html, Buffer.from('GIF89a....'), Buffer.alloc(0), samplePng().subarray(0, 20), sampleJpegHeader(8, 8).subarray(0, 12)]) {
      expect(detectImage(b)).toBeNull();
    }
    expect([pe, zip, html].map(describeBytes)).toEqual(['pe', 'zip', 'markup']);
    expect(describeBytes(samplePng().subarray(0, 20))).toBe('truncated-image');
  });

  it('refuses zero sizes and a scan before any frame header', () => {
    expect(detectImage(sampleJpegHeader(0, 10))).toBeNull();
    expect(detectImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x00, 0x00]))).toBeNull();
  });
});
