import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecretFile } from './secrets.js';

describe('loadOrCreateSecretFile', () => {
  it('generates a 0600 secret once and returns the same one afterwards', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cb-sec-')), 'nested');
    const a = await loadOrCreateSecretFile(dir, 'admin-token');
    const b = await loadOrCreateSecretFile(dir, 'admin-token');
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.value).toBe(a.value);
    expect(a.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(a.path).mode & 0o777).toBe(0o600);
  });

  it('lets one of two simultaneous starts win, and both read the winner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-sec-'));
    const [a, b] = await Promise.all([loadOrCreateSecretFile(dir, 'k'), loadOrCreateSecretFile(dir, 'k')]);
    expect(a.value).toBe(b.value);
    expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
  });

  it('refuses a file that holds no secret instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-sec-'));
    writeFileSync(join(dir, 'credential.key'), 'oops\n');
    await expect(loadOrCreateSecretFile(dir, 'credential.key')).rejects.toThrow(/does not hold a secret/);
  });
});
