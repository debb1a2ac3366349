import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Device secrets are 32 random bytes, so a keyed fast hash is as strong as a slow KDF here and
 * ~10^5× cheaper (constraints.md: scrypt at OWASP's minimum cost took 0.8 s per check).
 * A leaked table is useless without the key, which lives outside the store (the data dir).
 */
export const SECRET_BYTES = 32;
const KEY_BYTES = 32;

/** A new device secret, base64url (43 characters): shown once, never stored. */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Hex HMAC-SHA256(key, secret): what the store keeps. */
export function hashSecret(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/**
 * Index of the stored hash that `secret` matches, or -1. Compares against every hash in constant
 * time (no early exit), so timing tells neither which nor whether one matched.
 */
export function matchSecret(key: Buffer, secret: string, hashes: readonly string[]): number {
  const presented = createHmac('sha256', key).update(secret, 'utf8').digest();
  let found = -1;
  for (let i = 0; i < hashes.length; i++) {
    const stored = Buffer.from(hashes[i] ?? '', 'hex');
    const same = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (same && found === -1) found = i;
  }
  return found;
}

/** Reads `<dataDir>/credential.key`, creating it (0600) on first start. */
export async function loadOrCreateCredentialKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'credential.key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
    if (key.length >= KEY_BYTES) return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // 'wx' fails if another process created it meanwhile: then read theirs, so one key wins.
  try {
    await writeFile(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
  }
}
