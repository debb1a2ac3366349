import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secret {
  value: string;
  /** True when this call generated it (print it once). */
  created: boolean;
  path: string;
}

/**
 * Reads a secret from `<dataDir>/<name>`, or generates one (32 random bytes, base64url) and stores it
 * with mode 0600. Used for the admin token and the device-credential hashing key.
 */
export function ensureSecret(dataDir: string, name: string): Secret {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, name);
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value.length >= 16) return { value, created: false, path };
  }
  const value = randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { value, created: true, path };
}
