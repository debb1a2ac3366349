/** Small real pictures for tests: a PNG from the PNG writer, and JPEG and WebP headers built by the book. */
import { encodePng } from '../../kernel/png.js';

/** A `width × height` PNG filled with one colour. */
export function samplePng(width = 4, height = 3, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(rgb, i * 3);
  return encodePng({ width, height, pixels });
}

/** SOI, APP0 (JFIF), SOF0 with the size, EOI: the header of a baseline JPEG (ITU-T T.81 B.2.2). */
export function sampleJpegHeader(width: number, height: number, sof = 0xc0): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sofSeg = [0xff, sof, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
  return Buffer.from([0xff, 0xd8, ...app0, ...sofSeg, 0xff, 0xd9]);
}

/** RIFF/WEBP with a VP8X chunk giving the canvas size (RFC 9649 §2.7). */
export function sampleWebpHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(22, 4);
  b.write('WEBP', 8, 'latin1');
  b.write('VP8X', 12, 'latin1');
  b.writeUInt32LE(10, 16);
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}
