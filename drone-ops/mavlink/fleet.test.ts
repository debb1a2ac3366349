import { afterAll, describe, expect, it } from 'vitest';
import { startVehicleFleet } from '../../simulators/vehicle/index.js';
import type { VehicleFleet } from '../../simulators/vehicle/index.js';
import { MavlinkLink } from './link.js';

let fleet: VehicleFleet | undefined;
const links: MavlinkLink[] = [];
afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await fleet?.close();
});

describe('startVehicleFleet', () => {
  it('runs 60 vehicles on loopback in one process, each supervised by its own link', async () => {
    fleet = await startVehicleFleet(60, { tickMs: 50 });
    expect(new Set(fleet.vehicles.map((v) => v.port)).size).toBe(60);
    for (const v of fleet.vehicles) links.push(new MavlinkLink({ endpoint: { kind: 'udp', host: '127.0.0.1', port: v.port }, heartbeatMs: 200 }));
    await Promise.all(links.map((l) => l.connect()));
    await Promise.all(links.map((l) => l.events.once('state', (s) => s.position !== undefined && s.batteryPct !== undefined)));
    expect(links.every((l) => l.state.health === 'ok')).toBe(true);
    // Homes are spread out: no two vehicles report the same position.
    expect(new Set(links.map((l) => `${l.state.position?.lat},${l.state.position?.lon}`)).size).toBe(60);
  });
});
