import { common } from 'node-mavlink';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../kernel/errors.js';
import type { OnboardSafety } from '../link/drone-link.js';
import { encodeFrame } from './codec.js';
import { CMD, commandLong, commandParams } from './commands.js';
import { fitRing } from './fence-fit.js';
import { onboardItems, onboardParams, RALLY_POINT } from './onboard.js';
import { encodeParam } from './param-runner.js';

type P = { x: number; y: number };

// Independent geometry for the checks (not the drone-ops/geo code the fitter uses): ray casting and
// point-to-segment distance, written out here.
function inside(p: P, ring: P[]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as P;
    const b = ring[j] as P;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) c = !c;
  }
  return c;
}
function segDist(p: P, a: P, b: P): number {
  const l2 = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * (b.x - a.x) + (p.y - a.y) * (b.y - a.y)) / l2));
  return Math.hypot(p.x - (a.x + t * (b.x - a.x)), p.y - (a.y + t * (b.y - a.y)));
}
function boundaryDist(p: P, ring: P[]): number {
  return Math.min(...ring.map((a, i) => segDist(p, a, ring[(i + 1) % ring.length] as P)));
}
/** Points every metre along a ring's edges. */
function samples(ring: P[]): P[] {
  const out: P[] = [];
  ring.forEach((a, i) => {
    const b = ring[(i + 1) % ring.length] as P;
    const n = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y)));
    for (let k = 0; k < n; k++) out.push({ x: a.x + ((b.x - a.x) * k) / n, y: a.y + ((b.y - a.y) * k) / n });
  });
  return out;
}
/** A wobbly, non-convex ring of n vertices (a zone drawn by hand, a district boundary). */
function wobbly(n: number, r: number): P[] {
  return Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    const rr = r * (1 + 0.15 * Math.sin(7 * a) + 0.05 * Math.sin(31 * a));
    return { x: rr * Math.cos(a), y: rr * Math.sin(a) };
  });
}

describe('fitting fence polygons into the autopilot limit (70 points) without losing safety', () => {
  it('keeps a polygon that already fits unchanged', () => {
    const ring = wobbly(40, 300);
    expect(fitRing(ring, 70, 'grow', 10)).toEqual(ring);
  });

  it('grows an exclusion zone of 400 vertices: ≤ 70 vertices, the whole zone inside, at least the buffer away', () => {
    const zone = wobbly(400, 300);
    const out = fitRing(zone, 70, 'grow', 10);
    if (!out) throw new Error('no fit');
    expect(out.length).toBeLessThanOrEqual(70);
    for (const p of samples(zone)) {
      expect(inside(p, out)).toBe(true);
      expect(boundaryDist(p, out)).toBeGreaterThanOrEqual(9.5);
    }
  });

  it('shrinks an inclusion area of 400 vertices: ≤ 70 vertices, the whole fence inside the area, at least the buffer in', () => {
    const area = wobbly(400, 3000);
    const out = fitRing(area, 70, 'shrink', 10);
    if (!out) throw new Error('no fit');
    expect(out.length).toBeLessThanOrEqual(70);
    for (const p of samples(out)) {
      expect(inside(p, area)).toBe(true);
      expect(boundaryDist(p, area)).toBeGreaterThanOrEqual(9.5);
    }
  });

  it('gives up on an inclusion that cannot shrink by the buffer (a 6 m wide zig-zag strip)', () => {
    const top = Array.from({ length: 100 }, (_, i) => ({ x: i * 20, y: (i % 2) * 15 + 6 }));
    const bottom = Array.from({ length: 100 }, (_, i) => ({ x: (99 - i) * 20, y: ((99 - i) % 2) * 15 }));
    expect(fitRing([...top, ...bottom], 70, 'shrink', 10)).toBeUndefined();
  });
});

describe('what prepare() sends', () => {
  const home = { lon: 121.4737, lat: 31.2304 };
  const ring = (n: number, rDeg: number): [number, number][] => Array.from({ length: n }, (_, i) => [home.lon + rDeg * Math.cos((2 * Math.PI * i) / n), home.lat + rDeg * Math.sin((2 * Math.PI * i) / n)]);
  const safety: OnboardSafety = { inclusion: [ring(300, 0.05)], exclusions: [ring(4, 0.002), ring(150, 0.01)], rally: [{ ...home, altM: 20 }, { lon: home.lon + 0.01, lat: home.lat, altM: 25 }], maxAltM: 120, lostLinkAction: 'rtl' };

  it('fence items: 5001/5002 vertices with the vertex count in param1, every polygon within 70 points; rally 5100', () => {
    const { fence, rally } = onboardItems(safety);
    const polygons: { cmd: number; n: number }[] = [];
    for (let i = 0; i < fence.length; ) {
      const first = fence[i];
      if (!first) break;
      const n = first.param1;
      expect(fence.slice(i, i + n).every((f) => f.command === first.command && f.param1 === n && f.missionType === 1)).toBe(true);
      polygons.push({ cmd: first.command, n });
      i += n;
    }
    expect(polygons.map((p) => p.cmd)).toEqual([5001, 5002, 5002]);
    expect(polygons[1]?.n).toBe(4);
    for (const p of polygons) expect(p.n).toBeLessThanOrEqual(70);
    expect(fence.map((f) => f.seq)).toEqual(fence.map((_, i) => i));
    expect(rally.map((r) => [r.command, r.missionType, r.z])).toEqual([[RALLY_POINT, 2, 20], [RALLY_POINT, 2, 25]]);
  });

  it('refuses with FENCE_REFUSED naming the polygon it cannot fit', () => {
    const strip: [number, number][] = [...Array.from({ length: 100 }, (_, i): [number, number] => [home.lon + i * 2e-4, home.lat + (i % 2) * 1.5e-4 + 6e-5]), ...Array.from({ length: 100 }, (_, i): [number, number] => [home.lon + (99 - i) * 2e-4, home.lat + ((99 - i) % 2) * 1.5e-4])];
    let err: unknown;
    try {
      onboardItems({ ...safety, inclusion: [strip] });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err) && err.code).toBe('FENCE_REFUSED');
    expect(String((err as Error).message)).toMatch(/inclusion polygon 0 \(200 vertices\)/);
  });

  it('parameters per autopilot: ArduPilot fence on, RTL on breach and on GCS loss; PX4 GF_ACTION return, NAV_DLL_ACT', () => {
    expect(onboardParams('ardupilot', safety)).toEqual([
      { name: 'FENCE_TYPE', value: 5, integer: true },
      { name: 'FENCE_ALT_MAX', value: 120, integer: false },
      { name: 'FENCE_ACTION', value: 1, integer: true },
      { name: 'FENCE_ENABLE', value: 1, integer: true },
      { name: 'FS_GCS_ENABLE', value: 1, integer: true },
    ]);
    expect(onboardParams('px4', { ...safety, lostLinkAction: 'land' })).toEqual([
      { name: 'GF_ACTION', value: 3, integer: true },
      { name: 'GF_MAX_VER_DIST', value: 120, integer: false },
      { name: 'NAV_DLL_ACT', value: 3, integer: true },
    ]);
  });
});

describe('bytes on the wire', () => {
  /** PARAM_SET payload: param_value float at 0, target system/component at 4/5, param_id char[16] at 6, param_type at 22. */
  function paramSetBytes(ap: 'ardupilot' | 'px4', name: string, value: number, integer: boolean): Buffer {
    const { value: wire, type } = encodeParam(ap, { name, value, integer });
    const m = new common.ParamSet();
    m.targetSystem = 1;
    m.targetComponent = 1;
    m.paramId = name;
    m.paramValue = wire;
    m.paramType = type as common.ParamSet['paramType'];
    const frame = encodeFrame(m, { sysid: 255, compid: 190, seq: 0 });
    const payload = Buffer.alloc(23);
    frame.copy(payload, 0, 10, 10 + (frame[1] ?? 0));
    return payload;
  }

  it('PX4 integer parameters travel bytewise as INT32 (NAV_DLL_ACT 2 is the bytes 02 00 00 00)', () => {
    const b = paramSetBytes('px4', 'NAV_DLL_ACT', 2, true);
    expect(b.subarray(0, 4)).toEqual(Buffer.from([2, 0, 0, 0]));
    expect(b.subarray(6, 17).toString('latin1')).toBe('NAV_DLL_ACT');
    expect(b[22]).toBe(6); // MAV_PARAM_TYPE_INT32
  });

  it('ArduPilot parameters travel as a float cast (FS_GCS_ENABLE 1 is 1.0f), REAL32', () => {
    const b = paramSetBytes('ardupilot', 'FS_GCS_ENABLE', 1, true);
    expect(b.readFloatLE(0)).toBe(1);
    expect(b[22]).toBe(9); // MAV_PARAM_TYPE_REAL32
  });

  it('SET_MESSAGE_INTERVAL asks for EXTENDED_SYS_STATE (245) every 1 000 000 µs in param1/param2', () => {
    const f = encodeFrame(commandLong({ sysid: 1, compid: 1 }, CMD.SET_MESSAGE_INTERVAL, commandParams.messageInterval(245, 1_000_000)), { sysid: 255, compid: 190, seq: 0 });
    const payload = Buffer.alloc(33);
    f.copy(payload, 0, 10, 10 + (f[1] ?? 0));
    expect(payload.readFloatLE(0)).toBe(245);
    expect(payload.readFloatLE(4)).toBe(1_000_000);
    expect(payload.readUInt16LE(28)).toBe(511);
  });
});
