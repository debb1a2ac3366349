/**
 * `citybrain sim docks`: simulated MAVLink docks with drones in the sample city's four core districts,
 * standalone (the platform's CITYBRAIN_DEMO does the same in-process). Prints each vehicle's UDP address;
 * with `--register` it also registers every dock and drone with a running platform over HTTP.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { LonLatAlt } from '../../drone-ops/index.js';
import { loadDistrictsGeoJson } from '../city.js';
import { startSimDocks } from './docks.js';
import { fetchPlatform } from '../platform-env.js';

export const DOCKS_HELP = `Usage: citybrain sim docks [options]

Simulated MAVLink 2 docks, each with a multicopter on its own loopback UDP port, spread over the sample
city's four core districts (Shinan, Shibei, Licang, Laoshan). Runs until Ctrl-C.

  --count N        docks in all, spread over the four districts (default 4; the city has 56)
  --speedup S      simulated seconds per real second (default 1)
  --autopilot A    ardupilot | px4 (default ardupilot)
  --register       register each dock and drone with the platform (POST /api/v1/docks, /api/v1/drones)
  --http URL       platform HTTP API for --register (default http://127.0.0.1:$CITYBRAIN_HTTP_PORT, 8080)
  --token T        admin token (default $CITYBRAIN_ADMIN_TOKEN, else $CITYBRAIN_DATA_DIR/admin-token, ./data)
  --prefix P       dock id prefix (default sim)`;

export interface SimDockHome {
  district: string;
  name: string;
  home: LonLatAlt;
}

/** Dock sites: a square spiral of ~1.3 km steps around each core district's centre, kept inside it. */
export async function coreDistrictHomes(count: number): Promise<SimDockHome[]> {
  const fc = await loadDistrictsGeoJson();
  const core = fc.features.filter((f) => (f.properties as { urban_core?: boolean } | null)?.urban_core);
  const per = core.map((_, i) => Math.floor(count / core.length) + (i < count % core.length ? 1 : 0));
  const out: SimDockHome[] = [];
  core.forEach((f, k) => {
    const p = f.properties as { id: string; name_en: string; center: [number, number] };
    const [lon0, lat0] = p.center;
    let found = 0;
    for (let ring = 0; found < per[k]! && ring < 20; ring++) {
      for (let i = -ring; i <= ring && found < per[k]!; i++) {
        for (let j = -ring; j <= ring && found < per[k]!; j++) {
          if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
          const home = { lon: lon0 + i * 0.0135, lat: lat0 + j * 0.011, altM: 0 };
          if (!booleanPointInPolygon([home.lon, home.lat], f as Feature<Polygon | MultiPolygon>)) continue;
          out.push({ district: p.id, name: p.name_en.toLowerCase(), home });
          found++;
        }
      }
    }
  });
  return out;
}

export interface DocksRun {
  docks: { dockId: string; droneId: string; district: string; home: LonLatAlt; address: string }[];
  close(): Promise<void>;
}

export async function runSimDocks(o: { count: number; speedup: number; autopilot: 'ardupilot' | 'px4'; prefix: string }): Promise<DocksRun> {
  const homes = await coreDistrictHomes(o.count);
  // Lost-link floor of three ground heartbeats (real time): under --speedup the autopilot's 5 s timeout
  // shrinks below one heartbeat period, and one late heartbeat would trip the failsafe.
  const fleet = await startSimDocks(homes.map((h) => h.home), { timeScale: o.speedup, autopilot: o.autopilot, minLinkLossMs: 3000 });
  const seq = new Map<string, number>();
  const docks = homes.map((h, i) => {
    const n = (seq.get(h.name) ?? 0) + 1;
    seq.set(h.name, n);
    const dockId = `${o.prefix}-${h.name}-${String(n).padStart(2, '0')}`;
    return { dockId, droneId: `${dockId}-uav`, district: h.district, home: h.home, address: `udp://127.0.0.1:${fleet.ports[i]!}` };
  });
  return { docks, close: () => fleet.close() };
}

/** Registers each dock and drone with a running platform; an existing one is reported, not an error. */
export async function registerDocks(run: DocksRun, httpUrl: string, token: string, autopilot: string, out: (s: string) => void): Promise<number> {
  let failed = 0;
  const post = async (path: string, body: unknown) => {
    const res = await fetchPlatform(`${httpUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };
  for (const d of run.docks) {
    const dock = await post('/api/v1/docks', { id: d.dockId, location: { lon: d.home.lon, lat: d.home.lat } });
    const drone = await post('/api/v1/drones', { id: d.droneId, typeId: 'dock-multirotor', dockId: d.dockId, link: d.address, autopilot });
    for (const [what, r] of [['dock', dock], ['drone', drone]] as const) {
      if (r.status === 201) continue;
      if (r.status === 409) out(`  ${what} of ${d.dockId} already registered (${r.text.slice(0, 120)})`);
      else {
        failed++;
        out(`  registering ${what} of ${d.dockId} failed: HTTP ${r.status} ${r.text.slice(0, 200)}`);
      }
    }
  }
  return failed;
}
