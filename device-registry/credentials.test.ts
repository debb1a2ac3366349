import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, loadOrCreateCredentialKey, matchSecret } from './credentials.js';
import { SHINAN, T0, openTestRegistry, type TestRegistry } from './testing.js';

describe('credential hashing', () => {
  const key = randomBytes(32);

  it('matches only the right secret under the right key', () => {
    const s = generateSecret();
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(s);
    const h = hashSecret(key, s);
    expect(matchSecret(key, s, ['00'.repeat(32), h])).toBe(1);
    expect(matchSecret(key, `${s}x`, [h])).toBe(-1);
    expect(matchSecret(randomBytes(32), s, [h])).toBe(-1);
    expect(matchSecret(key, s, ['not-hex', ''])).toBe(-1);
    expect(matchSecret(key, s, [])).toBe(-1);
  });

  it('creates the key file once (0600) and reads the same key back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-key-'));
    try {
      const k1 = await loadOrCreateCredentialKey(join(dir, 'data'));
      const k2 = await loadOrCreateCredentialKey(join(dir, 'data'));
      expect(k1.length).toBe(32);
      expect(k2.equals(k1)).toBe(true);
      const file = join(dir, 'data', 'credential.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(k1.toString('base64url'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DeviceRegistry.authenticate', () => {
  let t: TestRegistry;
  afterEach(async () => {
    await t.close();
  });

  it('accepts the secret, refuses a wrong one and an unknown device alike (reason aside)', async () => {
    t = await openTestRegistry();
    const { credentials } = await t.registry.create({ id: 'g1', kind: 'gas', location: SHINAN });
    expect(await t.registry.authenticate('g1', credentials.password)).toEqual({
      ok: true,
      device: { id: 'g1', kind: 'gas', district: '370202', asset: null },
    });
    const wrong = await t.registry.authenticate('g1', generateSecret());
    const unknown = await t.registry.authenticate('nobody', credentials.password);
    expect(wrong).toEqual({ ok: false, reason: 'bad_secret' });
    expect(unknown).toEqual({ ok: false, reason: 'unknown_device' });
    expect(Object.keys(wrong)).toEqual(Object.keys(unknown));
    expect(await t.registry.authenticate('g1', '')).toEqual({ ok: false, reason: 'bad_secret' });
    expect(await t.registry.authenticate('../g1', credentials.password)).toEqual({ ok: false, reason: 'unknown_device' });
  });

  it('rotation: the old secret works until the overlap ends, the new one from now on', async () => {
    t = await openTestRegistry();
    const { credentials: first } = await t.registry.create({ id: 'w1', kind: 'water', location: SHINAN });
    t.clock.advance(1_000);
    const second = await t.registry.rotateCredentials('w1', { overlapMs: 60_000 });
    expect(second.previousValidUntil).toBe(T0 + 61_000);
    expect(second.password).not.toBe(first.password);
    expect((await t.registry.authenticate('w1', first.password)).ok).toBe(true);
    expect((await t.registry.authenticate('w1', second.password)).ok).toBe(true);
    t.clock.advance(59_999);
    expect((await t.registry.authenticate('w1', first.password)).ok).toBe(true);
    t.clock.advance(1);
    expect(await t.registry.authenticate('w1', first.password)).toEqual({ ok: false, reason: 'bad_secret' });
    expect((await t.registry.authenticate('w1', second.password)).ok).toBe(true);
    // a second rotation without overlap cuts the previous secret at once
    const third = await t.registry.rotateCredentials('w1');
    expect(await t.registry.authenticate('w1', second.password)).toEqual({ ok: false, reason: 'bad_secret' });
    expect((await t.registry.authenticate('w1', third.password)).ok).toBe(true);
  });

  it('revoke emits deviceRevoked, fails auth for every secret, and a rotation reinstates', async () => {
    t = await openTestRegistry();
    const { credentials } = await t.registry.create({ id: 'e1', kind: 'elevator', location: SHINAN });
    const rotated = await t.registry.rotateCredentials('e1', { overlapMs: 3_600_000 });
    t.clock.advance(5);
    const event = t.bus.once('deviceRevoked');
    await t.registry.revoke('e1');
    expect(await event).toEqual({ deviceId: 'e1', at: T0 + 5 });
    expect(await t.registry.authenticate('e1', credentials.password)).toEqual({ ok: false, reason: 'revoked' });
    expect(await t.registry.authenticate('e1', rotated.password)).toEqual({ ok: false, reason: 'revoked' });
    // only a holder of a real secret learns "revoked"; a guesser sees bad_secret
    expect(await t.registry.authenticate('e1', generateSecret())).toEqual({ ok: false, reason: 'bad_secret' });
    expect(t.registry.lookup('e1')).toBeUndefined();
    expect((await t.registry.get('e1')).revokedAt).toBe(T0 + 5);

    const fresh = await t.registry.rotateCredentials('e1');
    expect((await t.registry.authenticate('e1', fresh.password)).ok).toBe(true);
    expect(await t.registry.authenticate('e1', rotated.password)).toEqual({ ok: false, reason: 'bad_secret' });
    expect(t.registry.lookup('e1')?.id).toBe('e1');
  });

  it('a secret hashed under another key does not authenticate', async () => {
    t = await openTestRegistry();
    const { credentials } = await t.registry.create({ id: 'k1', kind: 'heat', location: SHINAN });
    const other = await openTestRegistry({ database: t.database, credentialKey: randomBytes(32) });
    expect((await other.registry.authenticate('k1', credentials.password)).ok).toBe(false);
    await other.registry.stop();
  });
});
