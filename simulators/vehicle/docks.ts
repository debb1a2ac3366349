import type { LonLatAlt } from '../../drone-ops/index.js';
import { SimVehicle, type VehicleOptions } from './vehicle.js';

/**
 * Simulated docked vehicles at given homes (the platform demo and `citybrain sim docks`), each on its
 * own loopback UDP port, all driven by one timer (fleet.ts does the same on a grid of homes).
 */
export async function startSimDocks(homes: LonLatAlt[], opts: Partial<Omit<VehicleOptions, 'home' | 'sysid'>> & { tickMs?: number } = {}): Promise<{ vehicles: SimVehicle[]; ports: number[]; close(): Promise<void> }> {
  const vehicles: SimVehicle[] = [];
  for (const [i, home] of homes.entries()) vehicles.push(await SimVehicle.start({ ...opts, home, seed: (opts.seed ?? 1) + i }));
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const v of vehicles) v.tick(now - last);
    last = now;
  }, opts.tickMs ?? 200);
  return {
    vehicles,
    ports: vehicles.map((v) => v.port),
    async close() {
      clearInterval(timer);
      await Promise.all(vehicles.map((v) => v.close()));
    },
  };
}
