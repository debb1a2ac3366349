/**
 * Child-process entry for benches: `node --import tsx simulators/vehicle/fleet-child.ts N [tickMs]`.
 * Starts N simulated vehicles, prints one JSON line `{"ports":[...]}` and runs until stdin closes.
 */
import { startVehicleFleet } from './fleet.js';

const n = Number(process.argv[2] ?? 1);
const tickMs = Number(process.argv[3] ?? 200);
const fleet = await startVehicleFleet(n, { tickMs });
for (const v of fleet.vehicles) v.flight.dock.droneInDock = false;
process.stdout.write(`${JSON.stringify({ ports: fleet.vehicles.map((v) => v.port) })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void fleet.close().then(() => process.exit(0));
});
