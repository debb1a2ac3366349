/**
 * Opaque credentials: session cookies and personal API tokens. Both carry 32 random bytes, so a plain
 * SHA-256 of them is what the store keeps (constraints.md: a slow KDF buys nothing for random secrets).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `cbt_<24 hex id>.<43 base64url secret>`: the id finds the row, the secret proves it. */
const TOKEN = /^cbt_([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export const randomId = (prefix: string): string => `${prefix}${randomBytes(12).toString('hex')}`;

export function newSessionValue(): { value: string; idHash: string; csrf: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, idHash: sha256(value), csrf: randomBytes(24).toString('base64url') };
}

export function newPersonalToken(): { id: string; value: string; hash: string } {
  const id = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, value: `cbt_${id}.${secret}`, hash: sha256(secret) };
}

export function parsePersonalToken(value: string): { id: string; secret: string } | undefined {
  const m = TOKEN.exec(value);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
