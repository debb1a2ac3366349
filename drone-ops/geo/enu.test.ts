import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalPlane, distanceM } from './enu.js';

/** Vincenty's inverse formula on WGS84: an independent geodesic distance to measure the plane against. */
function vincenty(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const a = 6378137;
  const f = 1 / 298.257223563;
  const b = a * (1 - f);
  const rad = Math.PI / 180;
  const L = (lon2 - lon1) * rad;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
  const [sU1, cU1, sU2, cU2] = [Math.sin(U1), Math.cos(U1), Math.sin(U2), Math.cos(U2)];
  let lambda = L;
  let sinS = 0, cosS = 0, sigma = 0, cos2a = 0, cos2sm = 0;
  for (let i = 0; i < 200; i++) {
    const sl = Math.sin(lambda);
    const cl = Math.cos(lambda);
    sinS = Math.sqrt((cU2 * sl) ** 2 + (cU1 * sU2 - sU1 * cU2 * cl) ** 2);
    if (sinS === 0) return 0;
    cosS = sU1 * sU2 + cU1 * cU2 * cl;
    sigma = Math.atan2(sinS, cosS);
    const sinA = (cU1 * cU2 * sl) / sinS;
    cos2a = 1 - sinA * sinA;
    cos2sm = cosS - (2 * sU1 * sU2) / cos2a;
    const C = (f / 16) * cos2a * (4 + f * (4 - 3 * cos2a));
    const prev = lambda;
    lambda = L + (1 - C) * f * sinA * (sigma + C * sinS * (cos2sm + C * cosS * (-1 + 2 * cos2sm * cos2sm)));
    if (Math.abs(lambda - prev) < 1e-13) break;
  }
  const u2 = (cos2a * (a * a - b * b)) / (b * b);
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
  const dS = B * sinS * (cos2sm + (B / 4) * (cosS * (-1 + 2 * cos2sm ** 2) - (B / 6) * cos2sm * (-3 + 4 * sinS ** 2) * (-3 + 4 * cos2sm ** 2)));
  return b * A * (sigma - dS);
}

const origin = { lon: 120.38, lat: 36.1 };
const plane = new LocalPlane(origin);

describe('LocalPlane (ENU)', () => {
  it('maps the origin to (0, 0) and north/east to +y/+x', () => {
    const o = plane.toXY(origin);
    expect(Math.abs(o.x) + Math.abs(o.y)).toBe(0);
    expect(plane.toXY({ lon: 120.38, lat: 36.11 }).y).toBeGreaterThan(1100);
    expect(plane.toXY({ lon: 120.39, lat: 36.1 }).x).toBeGreaterThan(890);
  });

  it('keeps distances from the origin within 0.5 m of the WGS84 geodesic out to 30 km', () => {
    let worst = 0;
    for (let bearing = 0; bearing < 360; bearing += 15) {
      for (const d of [1_000, 10_000, 20_000, 30_000]) {
        const b = (bearing * Math.PI) / 180;
        const p = plane.toLonLat({ x: d * Math.sin(b), y: d * Math.cos(b) });
        const err = Math.abs(vincenty(origin.lon, origin.lat, p.lon, p.lat) - d);
        worst = Math.max(worst, err);
      }
    }
    expect(worst).toBeLessThan(0.5);
    // The error is the tangent-plane shortening d³/6R² (≈ 0.11 m at 30 km), not a scale error.
    expect(worst).toBeGreaterThan(0.05);
  });

  it('keeps distances between any two points within 15 km of the origin within 0.5 m of the geodesic', () => {
    const coord = fc.double({ min: -15_000, max: 15_000, noNaN: true });
    fc.assert(
      fc.property(coord, coord, coord, coord, (x1, y1, x2, y2) => {
        const p = plane.toLonLat({ x: x1, y: y1 });
        const q = plane.toLonLat({ x: x2, y: y2 });
        const planar = Math.hypot(x1 - x2, y1 - y2);
        return Math.abs(vincenty(p.lon, p.lat, q.lon, q.lat) - planar) < 0.5;
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips lon/lat → plane → lon/lat to under a millimetre', () => {
    fc.assert(
      fc.property(fc.double({ min: -0.4, max: 0.4, noNaN: true }), fc.double({ min: -0.3, max: 0.3, noNaN: true }), (dlon, dlat) => {
        const p = { lon: origin.lon + dlon, lat: origin.lat + dlat };
        const back = plane.toLonLat(plane.toXY(p));
        return Math.abs(back.lon - p.lon) < 1e-8 && Math.abs(back.lat - p.lat) < 1e-8;
      }),
      { numRuns: 300 },
    );
  });

  it('distanceM agrees with Vincenty for short hops', () => {
    const a = { lon: 120.3, lat: 36.05 };
    const b = { lon: 120.45, lat: 36.12 };
    expect(Math.abs(distanceM(a, b) - vincenty(a.lon, a.lat, b.lon, b.lat))).toBeLessThan(0.05);
  });
});
