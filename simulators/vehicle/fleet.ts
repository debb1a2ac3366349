import type { LonLatAlt } from '../../drone-ops/index.js';
import { SimVehicle } from './vehicle.js';
import type { VehicleOptions } from './vehicle.js';

export interface FleetOptions extends Partial<Omit<VehicleOptions, 'home' | 'sysid'>> {
  /** Home of vehicle 0; the others are spread 500 m apart on a grid. */
  origin?: LonLatAlt;
  /** Real ms between ticks: 200 = 5 Hz position, 1 Hz status (drone-ops.md telemetry rates). */
  tickMs?: number;
}

export interface VehicleFleet {
  vehicles: SimVehicle[];
  close(): Promise<void>;
}

/**
 * `n` simulated vehicles on loopback in this process, each on its own UDP port, all driven by one
 * timer (one timer per vehicle would cost n wake-ups per tick).
 */
export async function startVehicleFleet(n: number, opts: FleetOptions = {}): Promise<VehicleFleet> {
  const origin = opts.origin ?? { lon: 121.4737, lat: 31.2304, altM: 10 };
  const cols = Math.ceil(Math.sqrt(n));
  const vehicles: SimVehicle[] = [];
  for (let i = 0; i < n; i++) {
    const home = { lon: origin.lon + (i % cols) * 0.005, lat: origin.lat + Math.floor(i / cols) * 0.0045, altM: origin.altM };
    vehicles.push(await SimVehicle.start({ ...opts, home, seed: (opts.seed ?? 1) + i }));
  }
  const tickMs = opts.tickMs ?? 200;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const v of vehicles) v.tick(now - last);
    last = now;
  }, tickMs);
  return {
    vehicles,
    async close() {
      clearInterval(timer);
      await Promise.all(vehicles.map((v) => v.close()));
    },
  };
}
