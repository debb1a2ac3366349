import { describe, expect, it } from 'vitest';
import { minimal } from 'node-mavlink';
import { ManualClock } from '../../kernel/clock.js';
import { decodeFrames, encodeFrame, signingNow } from './codec.js';
import type { Frame } from './codec.js';
import { SignatureGuard, SigningClock } from './signing.js';

const KEY = Buffer.alloc(32, 7);
const T0 = Date.UTC(2026, 0, 1);

function signed(clock: SigningClock, key = KEY, sysid = 1): Frame {
  const hb = new minimal.Heartbeat();
  const buf = encodeFrame(hb, { sysid, compid: 1, seq: 0, sign: { key, linkId: 3, timestamp: clock.next() } });
  const f = decodeFrames(buf).frames[0];
  if (!f) throw new Error('no frame');
  return f;
}

describe('SigningClock (pitfall 3)', () => {
  it('strictly increases even when many packets share one millisecond', () => {
    const c = new ManualClock(T0);
    const s = new SigningClock(() => c.now());
    const stamps = Array.from({ length: 100 }, () => s.next());
    expect(stamps[0]).toBe(signingNow(T0));
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBe((stamps[i - 1] ?? 0) + 1);
    c.advance(1);
    expect(s.next()).toBe(signingNow(T0 + 1));
  });
});

describe('SignatureGuard acceptance policy', () => {
  it('accepts a valid stream, rejects replays, unsigned, wrong key and streams starting > 60 s off', () => {
    const c = new ManualClock(T0);
    const s = new SigningClock(() => c.now());
    const g = new SignatureGuard(KEY);
    const first = signed(s);
    expect(g.check(first, c.now())).toBe('accepted');
    expect(g.check(signed(s), c.now())).toBe('accepted');
    expect(g.check(first, c.now())).toBe('replay');
    const hb = encodeFrame(new minimal.Heartbeat(), { sysid: 1, compid: 1, seq: 0 });
    expect(g.check(decodeFrames(hb).frames[0] as Frame, c.now())).toBe('unsigned');
    expect(g.check(signed(s, Buffer.alloc(32, 8)), c.now())).toBe('bad-signature');
    // A new stream (sysid 2) whose clock is 61 s behind ours.
    const old = new ManualClock(T0 - 61_000);
    expect(g.check(signed(new SigningClock(() => old.now()), KEY, 2), c.now())).toBe('stale-stream');
    const recent = new ManualClock(T0 - 59_000);
    expect(g.check(signed(new SigningClock(() => recent.now()), KEY, 2), c.now())).toBe('accepted');
  });

  it('the signature covers the header: a changed sysid no longer verifies', () => {
    const f = signed(new SigningClock(() => T0));
    const tampered = Buffer.from(f.raw);
    tampered[5] = 9;
    // The CRC breaks too, so the decoder already drops it; check the signature alone.
    expect(f.signature?.valid(KEY)).toBe(true);
    expect(decodeFrames(tampered).frames).toHaveLength(0);
  });
});
