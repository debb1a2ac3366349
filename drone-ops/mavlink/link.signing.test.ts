import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import { encodeFrame, signingNow } from './codec.js';
import { commandLong } from './commands.js';
import { startVehicleFleet } from '../../simulators/vehicle/index.js';
import { MavlinkLink } from './link.js';
import { FAST, HOME, startRig, squareMission } from './testing.js';
import type { Rig } from './testing.js';

const KEY = Buffer.alloc(32, 0x5a);
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('MAVLink 2 signing over loopback UDP', () => {
  it('uploads a signed 50-item mission with no frame rejected as a replay', async () => {
    rig = await startRig({ ...FAST, signingKey: KEY }, { signing: { key: KEY, linkId: 1 } });
    const items = squareMission(47);
    expect(items).toHaveLength(50);
    const up = await rig.link.uploadMission(items);
    expect(up.resends).toBe(0);
    expect(rig.vehicle.flight.mission).toHaveLength(50);
    expect(rig.vehicle.counters.rejected).toBe(0);
    expect(rig.link.counters.rejected).toBe(0);
    await rig.link.arm();
  });

  it('the vehicle rejects a replayed signed frame, an unsigned one and a wrongly signed one', async () => {
    rig = await startRig({ ...FAST, signingKey: KEY }, { signing: { key: KEY, linkId: 1 } });
    const v = rig.vehicle;
    const attacker = createSocket('udp4');
    attacker.bind(0, '127.0.0.1');
    await once(attacker, 'listening');
    const disarm = commandLong({ sysid: 1, compid: 1 }, 400, [0]);
    const frame = encodeFrame(disarm, { sysid: 255, compid: 190, seq: 0, sign: { key: KEY, linkId: 9, timestamp: signingNow(Date.now()) } });
    const before = { ...v.counters };
    attacker.send(frame, v.port, '127.0.0.1');
    await vi.waitFor(() => expect(v.counters.commands).toBe(before.commands + 1));
    attacker.send(frame, v.port, '127.0.0.1'); // verbatim replay
    attacker.send(encodeFrame(disarm, { sysid: 255, compid: 190, seq: 1 }), v.port, '127.0.0.1');
    const forged = encodeFrame(disarm, { sysid: 255, compid: 190, seq: 2, sign: { key: Buffer.alloc(32, 1), linkId: 9, timestamp: signingNow(Date.now()) + 10 } });
    attacker.send(forged, v.port, '127.0.0.1');
    await vi.waitFor(() => expect(v.counters.rejected).toBe(before.rejected + 3));
    expect(v.counters.commands).toBe(before.commands + 1);
    attacker.close();
  });

  it('the controller drops vehicle frames signed with another key and never connects', async () => {
    const err = await startRig({ ...FAST, signingKey: Buffer.alloc(32, 1) }, { signing: { key: KEY, linkId: 1 }, connectTimeoutMs: 400 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('MAVLINK_TIMEOUT');
  });

  it('the controller rejects unsigned vehicle frames when signing is on (and says so)', async () => {
    const fleet = await startVehicleFleet(1, { ...FAST, origin: HOME });
    const port = fleet.vehicles[0]?.port ?? 0;
    const link = new MavlinkLink({ endpoint: { kind: 'udp', host: '127.0.0.1', port }, heartbeatMs: 50, signing: { key: KEY, linkId: 1 }, connectTimeoutMs: 500 });
    const rejected = link.events.once('rejected');
    const connecting = link.connect().catch((e: unknown) => e);
    expect(await rejected).toMatchObject({ verdict: 'unsigned' });
    await link.close();
    await connecting;
    await fleet.close();
    expect(link.state.health).toBe('connecting');
  });
});
