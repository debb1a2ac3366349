/**
 * The national four-level warning scale (architecture.md "Severity"): blue (IV, general) < yellow (III)
 * < orange (II) < red (I, most severe). Ranks are array indices so comparisons are integer compares.
 */

export const SEVERITIES = ['blue', 'yellow', 'orange', 'red'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** National emergency response level for a severity: red → I … blue → IV (domain.md "five automatics"). */
export type ResponseLevel = 'I' | 'II' | 'III' | 'IV';

const RESPONSE: Readonly<Record<Severity, ResponseLevel>> = { red: 'I', orange: 'II', yellow: 'III', blue: 'IV' };

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Severity at a rank (0 = blue … 3 = red). */
export function severityAt(rank: number): Severity {
  const s = SEVERITIES[rank];
  if (s === undefined) throw new RangeError(`no severity at rank ${rank}`);
  return s;
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function responseLevel(s: Severity): ResponseLevel {
  return RESPONSE[s];
}

/** Great-circle distance in metres (haversine, mean Earth radius 6,371,008.8 m — IUGG). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
