import { loadOrCreateSecretFile } from '../kernel/secrets.js';

// The keyed-hash functions live in the kernel: integration clients' secrets use them too.
export { SECRET_BYTES, generateSecret, hashSecret, matchSecret } from '../kernel/secrets.js';

/** Reads `<dataDir>/credential.key`, creating it (0600) on first start: the key device secrets are hashed with. */
export async function loadOrCreateCredentialKey(dataDir: string): Promise<Buffer> {
  return Buffer.from((await loadOrCreateSecretFile(dataDir, 'credential.key')).value, 'base64url');
}
