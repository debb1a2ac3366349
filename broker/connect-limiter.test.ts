import { describe, expect, it } from 'vitest';
import { ConnectLimiter } from './connect-limiter.js';

function limiter(over: Partial<ConstructorParameters<typeof ConnectLimiter>[0]> = {}) {
  let now = 1_000_000;
  const l = new ConnectLimiter({ failuresPerAddress: 5, failuresPerUsername: 3, banMs: 60_000, maxBanMs: 240_000, ...over }, () => now);
  return { l, advance: (ms: number) => (now += ms), now: () => now };
}

describe('ConnectLimiter', () => {
  it('bans a username after its limit of failures, from any address, for the ban window', () => {
    const { l, advance } = limiter();
    expect(l.failed('10.0.0.1', 'dev1')).toEqual([]);
    expect(l.failed('10.0.0.2', 'dev1')).toEqual([]);
    const bans = l.failed('10.0.0.3', 'dev1');
    expect(bans).toEqual([{ scope: 'username', key: 'dev1', until: expect.any(Number), failures: 3, strike: 1 }]);
    expect(l.banned('10.0.0.9', 'dev1')).toMatchObject({ scope: 'username' });
    expect(l.banned('10.0.0.9', 'dev2')).toBeUndefined();
    advance(59_999);
    expect(l.banned('10.0.0.9', 'dev1')).toBeDefined();
    advance(1);
    expect(l.banned('10.0.0.9', 'dev1')).toBeUndefined();
  });

  it('bans an address whatever usernames it sprays, and reports each ban once', () => {
    const { l } = limiter();
    const bans = [];
    for (let i = 0; i < 20; i++) bans.push(...l.failed('10.0.0.1', `guess-${i}`));
    expect(bans).toEqual([{ scope: 'address', key: '10.0.0.1', until: expect.any(Number), failures: 5, strike: 1 }]);
    expect(l.banned('10.0.0.1', 'dev1')).toMatchObject({ scope: 'address' });
    expect(l.banned('10.0.0.2', 'dev1')).toBeUndefined();
  });

  it('doubles each further ban up to the maximum, and forgets strikes after a quiet maximum ban', () => {
    const { l, advance, now } = limiter();
    const lengths: number[] = [];
    for (let round = 0; round < 4; round++) {
      let ban;
      for (let i = 0; i < 3 && !ban; i++) ban = l.failed(`10.1.0.${round}.${i}`, 'dev1')[0];
      lengths.push(ban!.until - now());
      advance(ban!.until - now());
    }
    expect(lengths).toEqual([60_000, 120_000, 240_000, 240_000]);
    advance(240_000);
    for (let i = 0; i < 2; i++) l.failed(`10.2.0.${i}`, 'dev1');
    expect(l.failed('10.2.0.9', 'dev1')[0]).toMatchObject({ strike: 1 });
  });

  it('forgets failures outside the window and clears a username on success (not its address)', () => {
    const { l, advance } = limiter();
    l.failed('10.0.0.1', 'dev1');
    l.failed('10.0.0.1', 'dev1');
    advance(60_000);
    l.failed('10.0.0.1', 'dev1');
    l.failed('10.0.0.1', 'dev1');
    expect(l.banned('10.0.0.1', 'dev1')).toBeUndefined();
    l.succeeded('dev1');
    l.failed('10.0.0.1', 'dev1');
    l.failed('10.0.0.1', 'dev1');
    expect(l.banned('10.0.0.1', 'dev1')).toBeUndefined();
    // Five failures from the address since its window restarted: banned, although dev1 succeeded in between.
    expect(l.failed('10.0.0.1', 'dev9')).toEqual([expect.objectContaining({ scope: 'address' })]);
  });

  it('keeps memory bounded against sprayed usernames', () => {
    const { l } = limiter({ maxKeys: 100, failuresPerAddress: 1e9 });
    for (let i = 0; i < 10_000; i++) l.failed('10.0.0.1', `u${i}`);
    expect(l.tracked.usernames).toBeLessThanOrEqual(200);
  });
});
