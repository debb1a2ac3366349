import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from './errors.js';

/**
 * Secrets (device and integration-client passwords) are 32 random bytes, so a keyed fast hash is as strong as a slow KDF here and
 * ~10^5× cheaper (constraints.md: scrypt at OWASP's minimum cost took 0.8 s per check).
 * A leaked table is useless without the key, which lives outside the store (the data dir).
 */
export const SECRET_BYTES = 32;

/** A new secret (device or integration client), base64url (43 characters): shown once, never stored. */
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

export interface SecretFile {
  /** 32 random bytes as base64url (43 characters). */
  value: string;
  /** True when this call generated it (print it once). */
  created: boolean;
  path: string;
}

/**
 * Reads `<dataDir>/<name>`, or generates 32 random bytes (base64url) into it with mode 0600. Creation uses
 * the exclusive flag, so of two processes starting at once one secret wins and both read it. A file that
 * exists but holds no such secret is an error, never silently replaced: replacing the credential key would
 * invalidate every device secret.
 */
export async function loadOrCreateSecretFile(dataDir: string, name: string): Promise<SecretFile> {
  const path = join(dataDir, name);
  const read = async (): Promise<SecretFile> => {
    const value = (await readFile(path, 'utf8')).trim();
    if (!/^[A-Za-z0-9_-]{43,}$/.test(value)) {
      throw new AppError('CONFIG_INVALID', { message: `${path} does not hold a secret (32+ bytes, base64url); remove it to generate a new one` });
    }
    return { value, created: false, path };
  };
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const value = randomBytes(SECRET_BYTES).toString('base64url');
  try {
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    return { value, created: true, path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return read();
  }
}

const SEALED_PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Secrets the platform must use again (webhook signing secrets, station passwords, signing keys), encrypted
 * at rest: AES-256-GCM under a key derived from the credential key by HKDF-SHA256 with one `purpose` per
 * use, so a leaked table is useless without the key file and one purpose's key opens nothing else. The
 * stored form is versioned, `v1.` + base64url(iv ‖ ciphertext ‖ tag), the purpose bound as associated data.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(
    credentialKey: Buffer,
    private readonly purpose: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', credentialKey, 'citybrain secrets at rest', purpose, 32));
  }

  /** True when `stored` is in the sealed format (anything else is a row from before encryption). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(SEALED_PREFIX);
  }

  /** A SQL LIKE pattern matching sealed values (the prefix has no `%` or `_`), for selecting the others. */
  static readonly sealedLike = `${SEALED_PREFIX}%`;

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(this.purpose, 'utf8'));
    const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
  }

  /** The plaintext; throws AppError SECRET_UNREADABLE for a tampered value or another key's. */
  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) throw new AppError('SECRET_UNREADABLE', { message: `A stored ${this.purpose} is not encrypted (run the start-up migration)` });
    const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      d.setAAD(Buffer.from(this.purpose, 'utf8'));
      d.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([d.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), d.final()]).toString('utf8');
    } catch (cause) {
      throw new AppError('SECRET_UNREADABLE', { message: `A stored ${this.purpose} cannot be decrypted: wrong credential key or tampered value`, cause });
    }
  }
}
