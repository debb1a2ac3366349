import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { startVehicleFleet } from '../../simulators/vehicle/index.js';
import { MavlinkLink } from './link.js';
import { FAST, HOME, startRig, squareMission } from './testing.js';
import type { Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MavlinkLink ↔ simulated vehicle over loopback UDP', () => {
  it('flies the full lifecycle: upload → arm → takeoff → mission → waypoints → RTL → land → disarmed', async () => {
    rig = await startRig();
    const { link, vehicle } = rig;
    expect(link.state.health).toBe('ok');
    expect(link.state.autopilot).toBe('ardupilot');
    const items = squareMission(4);
    const up = await link.uploadMission(items);
    expect(up.opaqueId).toBeGreaterThan(0);
    expect(vehicle.flight.mission).toHaveLength(items.length);

    await link.setMode('guided'); // ArduCopter arms and takes off in GUIDED, not in AUTO
    await link.arm(); // the dock opens its cover first: IN_PROGRESS, then ACCEPTED
    await link.events.once('state', (s) => s.armed);
    expect(vehicle.flight.dock.cover).toBe('open');
    await link.takeoff(20);
    await link.events.once('state', (s) => (s.position?.altM ?? 0) > 19);
    const reached: number[] = [];
    const modes: string[] = [];
    link.events.on('reached', (r) => reached.push(r.seq));
    link.events.on('state', (s) => {
      if (s.mode && modes[modes.length - 1] !== s.mode) modes.push(s.mode);
    });
    await link.startMission();
    await link.events.once('state', (s) => s.landed === 'on-ground' && !s.armed);
    expect(reached).toEqual([1, 2, 3, 4, 5]);
    // ArduCopter flies the mission's RTL item and lands in AUTO: no mode change after MISSION_START.
    expect(modes.slice(modes.indexOf('mission'))).toEqual(['mission']);
    const pos = link.state.position;
    expect(Math.abs((pos?.lat ?? 0) - 31.2304)).toBeLessThan(2e-5);
    expect(link.state.batteryPct).toBeLessThan(100);
    expect(link.state.missionId).toBe(up.opaqueId);
    expect(vehicle.flight.dock.droneInDock).toBe(true);
  });

  it('flies a PX4 vehicle with PX4 custom modes (set mode mission, then RTL mid-mission)', async () => {
    rig = await startRig({ ...FAST, autopilot: 'px4' });
    const { link, vehicle } = rig;
    expect(link.state.autopilot).toBe('px4');
    await link.uploadMission(squareMission(8, 150));
    vehicle.flight.dock.droneInDock = false;
    await link.arm();
    await link.takeoff(15);
    await link.events.once('state', (s) => s.mode === 'hold');
    await link.setMode('mission');
    await link.events.once('reached', (r) => r.seq === 3);
    await link.setMode('rtl');
    expect(vehicle.flight.phase).toBe('rtl');
    await link.events.once('state', (s) => s.landed === 'on-ground' && !s.armed);
    expect(vehicle.flight.current).toBeLessThan(6);
  });

  it('works over TCP too (a TCP↔UDP bridge in front of the vehicle; frames split across chunks)', async () => {
    const fleet = await startVehicleFleet(1, { ...FAST, origin: HOME });
    const vport = fleet.vehicles[0]?.port ?? 0;
    const sockets: Socket[] = [];
    const server = createServer((tcp) => {
      sockets.push(tcp);
      const udp = createSocket('udp4');
      udp.bind(0, '127.0.0.1');
      // Deliver vehicle datagrams one byte at a time on odd frames to exercise reassembly.
      udp.on('message', (m) => (m.length % 2 ? [...m].forEach((b) => tcp.write(Buffer.from([b]))) : tcp.write(m)));
      tcp.on('data', (d) => udp.send(d, vport, '127.0.0.1'));
      tcp.on('close', () => udp.close());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const link = new MavlinkLink({ endpoint: { kind: 'tcp', host: '127.0.0.1', port: (server.address() as AddressInfo).port }, heartbeatMs: 100 });
    await link.connect();
    await link.uploadMission(squareMission(10));
    expect(fleet.vehicles[0]?.flight.mission).toHaveLength(13);
    expect(link.counters.crcErrors).toBe(0);
    await link.close();
    for (const s of sockets) s.destroy();
    server.close();
    await fleet.close();
  });
});
