import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecretFile, SecretBox } from './secrets.js';

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

describe('SecretBox (AES-256-GCM under an HKDF-derived key)', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips, never repeats a ciphertext, and binds the purpose', () => {
    const box = new SecretBox(key, 'webhook signing secret');
    const a = box.seal('s3cret');
    expect(a).toMatch(/^v1\./);
    expect(box.seal('s3cret')).not.toBe(a);
    expect(box.open(a)).toBe('s3cret');
    expect(() => new SecretBox(key, 'mavlink signing key').open(a)).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
    const tampered = a.slice(0, -2) + (a.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.open(tampered)).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
    expect(() => box.open('plain')).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }));
  });
});
