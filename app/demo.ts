/**
 * The demo (CITYBRAIN_DEMO=on, issue #5 "what a user can do"): simulated docks with drones in the four
 * core districts, each drone linked over loopback UDP to its simulated MAVLink vehicle. The vehicles
 * come from a factory the caller passes in (the CLI loads simulators/ lazily; production code never
 * imports it, test/architecture.test.ts).
 */
import type { DistrictIndex } from '../device-registry/index.js';
import type { LonLatAlt } from '../drone-ops/index.js';
import { DEFAULT_DRONE_TYPE, type DroneOpsService } from '../drone-ops/service/index.js';
import { AppError } from '../kernel/errors.js';

/** Simulated vehicles at the given homes, one loopback UDP port each (simulators/vehicle `startSimDocks`). */
export type DemoVehicleFactory = (homes: LonLatAlt[], opts: { timeScale: number }) => Promise<{ ports: number[]; close(): Promise<void> }>;

export interface DemoDock {
  dockId: string;
  droneId: string;
  district: string;
  address: string;
}

/** ~1.2 km grid steps around a district's representative point, kept when inside the district. */
export function demoHomes(districts: DistrictIndex, perDistrict: number): { district: string; name: string; home: LonLatAlt }[] {
  const out: { district: string; name: string; home: LonLatAlt }[] = [];
  for (const d of districts.list().filter((x) => x.urban_core && x.center)) {
    const [lon0, lat0] = d.center as [number, number];
    let found = 0;
    // Square spiral of offsets (0,0), (1,0), (1,1), (0,1), (-1,1)...: the nearest points first.
    for (let ring = 0; found < perDistrict && ring < 12; ring++) {
      for (let i = -ring; i <= ring && found < perDistrict; i++) {
        for (let j = -ring; j <= ring && found < perDistrict; j++) {
          if (Math.max(Math.abs(i), Math.abs(j)) !== ring) continue;
          const home = { lon: lon0 + i * 0.0135, lat: lat0 + j * 0.011, altM: 0 };
          if (districts.locate(home.lon, home.lat)?.id !== d.id) continue;
          out.push({ district: d.id, name: d.name_en.toLowerCase().replace(/[^a-z]+/g, '-'), home });
          found++;
        }
      }
    }
  }
  return out;
}

/** Starts the vehicles and registers (or re-links, on a later start) one dock and drone per home. */
export async function startDemo(opts: { service: DroneOpsService; districts: DistrictIndex; factory: DemoVehicleFactory | undefined; timeScale: number; perDistrict: number }): Promise<{ docks: DemoDock[]; close(): Promise<void> }> {
  if (!opts.factory) throw new AppError('CONFIG_INVALID', { message: 'CITYBRAIN_DEMO=on needs the simulators (run it with `citybrain start` or `npm start`)' });
  const homes = demoHomes(opts.districts, opts.perDistrict);
  const vehicles = await opts.factory(homes.map((h) => h.home), { timeScale: opts.timeScale });
  const docks: DemoDock[] = [];
  try {
    const seen = new Map<string, number>();
    for (const [i, h] of homes.entries()) {
      const n = (seen.get(h.name) ?? 0) + 1;
      seen.set(h.name, n);
      const dockId = `demo-${h.name}-${String(n).padStart(2, '0')}`;
      const droneId = `${dockId}-uav`;
      const address = `udp://127.0.0.1:${vehicles.ports[i] ?? 0}`;
      if (!(await opts.service.listDocks()).some((d) => d.id === dockId)) await opts.service.registerDock({ id: dockId, name: `Demo dock ${h.name} ${n}`, location: { lon: h.home.lon, lat: h.home.lat } });
      if (!(await opts.service.listDrones()).some((d) => d.id === droneId)) await opts.service.registerDrone({ id: droneId, typeId: DEFAULT_DRONE_TYPE.id, dockId, link: address, autopilot: 'ardupilot' });
      else await opts.service.setDroneLink(droneId, { address, autopilot: 'ardupilot' });
      docks.push({ dockId, droneId, district: h.district, address });
    }
  } catch (err) {
    await vehicles.close();
    throw err;
  }
  return { docks, close: () => vehicles.close() };
}
