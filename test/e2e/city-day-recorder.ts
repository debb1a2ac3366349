/**
 * What the city-day test watches, independently of the platform's own checks: every position a drone
 * reports while airborne (against the zones active at that moment and the districts' fence), every pair
 * of drones in the air whose reserved volumes overlap (sampled), every drone-safety alarm.
 */
import { readFileSync } from 'node:fs';
import type { Platform } from '../../app/platform.js';
import { QINGDAO_DISTRICTS_FILE } from '../../device-registry/index.js';
import type { NoFlyZone } from '../../drone-ops/index.js';
import type { DroneAlarm } from '../../drone-ops/service/index.js';
import { insideRings, insideZone, polygonsOverlap, type Ring, type ZoneShape } from './city-day-geometry.js';

export interface Sample {
  droneId: string;
  at: number;
  lon: number;
  lat: number;
  altM: number;
}

interface RecordedZone extends ZoneShape {
  id: string;
  floorM: number;
  ceilingM: number;
  windows?: { startMs: number; endMs: number }[];
  createdAt: number;
}

export interface Violation {
  kind: 'zone' | 'fence';
  sample: Sample;
  zoneId?: string;
}

/** District polygons read from the city file directly (no platform code). */
function districtRings(): Ring[][] {
  const fc = JSON.parse(readFileSync(QINGDAO_DISTRICTS_FILE, 'utf8')) as { features: { geometry: { type: string; coordinates: unknown } }[] };
  return fc.features.flatMap((f) => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : (f.geometry.coordinates as Ring[][])));
}

export class CityDayRecorder {
  readonly samples: Sample[] = [];
  readonly alarms: DroneAlarm[] = [];
  readonly zones: RecordedZone[] = [];
  /** Pairs of drones seen in the air at once with overlapping reserved volumes: "a|b" → when, and what each flew. */
  readonly overlaps = new Map<string, { at: number; flights: string[] }>();
  pairChecks = 0;
  private readonly fence = districtRings();
  private readonly offs: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly p: Platform) {
    this.offs.push(p.droneOps.link.on((e) => {
      if (e.type === 'telemetry' && e.position.altM > 1) this.samples.push({ droneId: e.droneId, at: Date.now(), lon: e.position.lon, lat: e.position.lat, altM: e.position.altM });
    }));
    this.offs.push(p.droneOps.service.safety.onAlarm((a) => this.alarms.push(a)));
    this.timer = setInterval(() => this.checkPairs(), 100);
  }

  close(): void {
    clearInterval(this.timer);
    for (const off of this.offs.splice(0)) off();
  }

  /** Declares a zone on the platform and remembers it (with the time it exists from) for the checks. */
  async putZone(z: NoFlyZone): Promise<void> {
    const createdAt = Date.now();
    await this.p.droneOps.service.putZone(z);
    const fp = z.footprint;
    const shape: ZoneShape = fp.type === 'Circle' ? { circle: { lon: fp.center.lon, lat: fp.center.lat, r: fp.radiusM } } : { rings: fp.type === 'Polygon' ? (fp.coordinates as Ring[]) : (fp.coordinates as Ring[][]).flat() };
    this.zones.push({ id: z.id, floorM: z.floorM, ceilingM: z.ceilingM, ...(z.windows ? { windows: z.windows } : {}), createdAt, ...shape });
  }

  /** Every sample inside a zone active then (and existing by then) or outside every district. */
  violations(): Violation[] {
    const out: Violation[] = [];
    for (const s of this.samples) {
      if (!this.fence.some((rings) => insideRings(s, rings))) out.push({ kind: 'fence', sample: s });
      for (const z of this.zones) {
        if (s.at < z.createdAt || s.altM <= z.floorM || s.altM >= z.ceilingM) continue;
        if (z.windows && !z.windows.some((w) => w.startMs <= s.at && s.at < w.endMs)) continue;
        if (insideZone(s, z)) out.push({ kind: 'zone', sample: s, zoneId: z.id });
      }
    }
    return out;
  }

  /** Two drones in the air whose committed intents overlap now in time, altitude and footprint. */
  private checkPairs(): void {
    const now = Date.now();
    const flights = [...this.p.droneOps.service.runner.flights.values()];
    for (let i = 0; i < flights.length; i++) {
      for (let j = i + 1; j < flights.length; j++) {
        const a = flights[i]!;
        const b = flights[j]!;
        this.pairChecks++;
        const live = (v: { startMs: number; endMs: number }): boolean => v.startMs <= now && now < v.endMs;
        const hit = a.intent.volumes.some((va) =>
          live(va) && b.intent.volumes.some((vb) => live(vb) && va.floorM < vb.ceilingM && vb.floorM < va.ceilingM && footprintsOverlap(va.footprint, vb.footprint)),
        );
        const key = [a.droneId, b.droneId].sort().join('|');
        const what = (f: typeof a) => `${f.missionId} (${f.intent.state ?? '?'}${f.returnPlan ? `, returning ${f.returnPlan.kind}` : ''}${f.abortNote ? `: ${f.abortNote}` : ''})`;
        if (hit && !this.overlaps.has(key)) this.overlaps.set(key, { at: now, flights: [what(a), what(b)] });
      }
    }
  }
}

function footprintsOverlap(a: { type: string; coordinates?: unknown }, b: { type: string; coordinates?: unknown }): boolean {
  if (a.type !== 'Polygon' || b.type !== 'Polygon') throw new Error('intent footprints are boxes (Polygon)');
  return polygonsOverlap((a.coordinates as Ring[])[0]!, (b.coordinates as Ring[])[0]!);
}
