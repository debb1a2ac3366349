import { describe, expect, it } from 'vitest';
import { Admission, type Eviction } from './admission.js';

class Sock {
  destroyed = false;
  constructor(readonly name: string) {}
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(limits = { maxConnections: 10, maxPending: 6, maxPendingPerAddress: 3 }) {
  const evictions: [Eviction, string][] = [];
  const a = new Admission<Sock>(limits, (reason, address) => evictions.push([reason, address]));
  return { a, evictions };
}

describe('Admission: unauthenticated sockets cannot lock devices out', () => {
  it('a new socket over an address\'s share closes that address\'s oldest unauthenticated one', () => {
    const { a, evictions } = setup();
    const socks = Array.from({ length: 5 }, (_, i) => new Sock(`s${i}`));
    for (const s of socks) expect(a.admit(s, '10.0.0.1')).toBe(true);
    expect(socks.map((s) => s.destroyed)).toEqual([true, true, false, false, false]);
    expect(evictions).toEqual([['pending_per_address', '10.0.0.1'], ['pending_per_address', '10.0.0.1']]);
    // Another address is untouched by the first one's flood.
    const other = new Sock('o');
    a.admit(other, '10.0.0.2');
    expect(other.destroyed).toBe(false);
    expect(a.pendingCount).toBe(4);
  });

  it('the pending cap closes the oldest pending socket overall; authenticated ones never count', () => {
    const { a, evictions } = setup();
    const authed = new Sock('authed');
    a.admit(authed, '10.0.0.9');
    a.authenticated(authed);
    const socks = Array.from({ length: 7 }, (_, i) => new Sock(`s${i}`));
    socks.forEach((s, i) => a.admit(s, `10.0.1.${i}`));
    expect(socks[0]!.destroyed).toBe(true);
    expect(authed.destroyed).toBe(false);
    expect(evictions).toEqual([['pending_limit', '10.0.1.0']]);
  });

  it('pending sockets never count against the connection cap: a full table of sessions refuses, pending ones wait apart', () => {
    const { a, evictions } = setup({ maxConnections: 3, maxPending: 3, maxPendingPerAddress: 3 });
    const devices = [new Sock('d1'), new Sock('d2')];
    for (const d of devices) {
      a.admit(d, '10.0.0.1');
      a.authenticated(d);
    }
    const silent = new Sock('silent');
    a.admit(silent, '10.0.0.2');
    const device = new Sock('d3');
    expect(a.admit(device, '10.0.0.3')).toBe(true);
    expect(silent.destroyed).toBe(false);
    a.authenticated(device);
    expect(a.established).toBe(3);
    expect(a.admit(new Sock('d4'), '10.0.0.4')).toBe(false);
    a.closed(devices[0]!);
    expect(a.size).toBe(3);
    expect(a.admit(new Sock('d5'), '10.0.0.5')).toBe(true);
    expect(evictions).toEqual([]);
  });
});
