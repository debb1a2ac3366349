/**
 * Image type and dimensions detected from the bytes alone (the client's Content-Type and file name are
 * never trusted). Pure: bytes in, a value out.
 *
 * - PNG (ISO/IEC 15948 §5.2, §11.2.2): 8-byte signature, then IHDR with width and height (u32 BE).
 * - JPEG (ITU-T T.81 Annex B): SOI FF D8, then marker segments; a start-of-frame segment (SOF0–SOF15 except
 *   DHT C4, JPG C8, DAC CC) carries height and width (u16 BE) after the sample precision byte.
 * - WebP (RFC 9649): RIFF container with form type WEBP; the first chunk is VP8 (lossy: 14-bit sizes in the
 *   frame header after the start code 9D 01 2A), VP8L (lossless: 14-bit width-1 and height-1 after the
 *   signature byte 2F) or VP8X (extended: 24-bit canvas width-1 and height-1).
 */

export type ImageContentType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ImageInfo {
  contentType: ImageContentType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const startsWith = (b: Buffer, sig: readonly number[], at = 0): boolean => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);
const ascii = (b: Buffer, at: number, len: number): string => (b.length >= at + len ? b.toString('latin1', at, at + len) : '');

function png(b: Buffer): ImageInfo | null {
  if (!startsWith(b, PNG_SIGNATURE) || b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  return width > 0 && height > 0 ? { contentType: 'image/png', width, height } : null;
}

/** SOFn markers: C0–CF except C4 (DHT), C8 (JPG extension) and CC (DAC). */
const isStartOfFrame = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(b: Buffer): ImageInfo | null {
  if (!startsWith(b, [0xff, 0xd8, 0xff])) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    // Fill bytes (FF FF…) may precede a marker; standalone markers (RSTn, TEM) carry no length.
    if (marker === 0xff) { i += 1; continue; }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) { i += 2; continue; }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan before any frame header
    const len = b.readUInt16BE(i + 2);
    if (len < 2) return null;
    if (isStartOfFrame(marker)) {
      if (i + 9 > b.length) return null;
      const height = b.readUInt16BE(i + 5);
      const width = b.readUInt16BE(i + 7);
      return width > 0 && height > 0 ? { contentType: 'image/jpeg', width, height } : null;
    }
    i += 2 + len;
  }
  return null;
}

function webp(b: Buffer): ImageInfo | null {
  if (ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return null;
  const chunk = ascii(b, 12, 4);
  const info = (width: number, height: number): ImageInfo | null => (width > 0 && height > 0 ? { contentType: 'image/webp', width, height } : null);
  if (chunk === 'VP8 ' && b.length >= 30 && startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
    return info(b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L' && b.length >= 25 && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return info((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X' && b.length >= 30) {
    return info(b.readUIntLE(24, 3) + 1, b.readUIntLE(27, 3) + 1);
  }
  return null;
}

/** The image's type and size, or null when the bytes are not a JPEG, PNG or WebP we can read. */
export function detectImage(bytes: Buffer): ImageInfo | null {
  return png(bytes) ?? jpeg(bytes) ?? webp(bytes);
}

/** A short name for what the bytes look like, for refusals in logs (`zip`, `pe`, `html`, `gif`…). */
export function describeBytes(bytes: Buffer): string {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(bytes, [0x4d, 0x5a])) return 'pe';
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'pdf';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'gif';
  if (/^\s*<(!doctype|html|svg|\?xml)/i.test(ascii(bytes, 0, Math.min(bytes.length, 64)))) return 'markup';
  if (startsWith(bytes, PNG_SIGNATURE) || startsWith(bytes, [0xff, 0xd8]) || ascii(bytes, 0, 4) === 'RIFF') return 'truncated-image';
  return bytes.length === 0 ? 'empty' : 'unknown';
}

/**
 * True when the first bytes start like a picture we accept (signatures only): lets a resumable upload
 * refuse an executable or archive named `.jpg` on its first chunk instead of after the last.
 */
export function startsLikeImage(prefix: Buffer): boolean {
  if (prefix.length < 12) return true; // too early to tell
  return startsWith(prefix, PNG_SIGNATURE) || startsWith(prefix, [0xff, 0xd8, 0xff]) || (ascii(prefix, 0, 4) === 'RIFF' && ascii(prefix, 8, 4) === 'WEBP');
}
