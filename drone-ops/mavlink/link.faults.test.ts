import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import { fenceItems } from './fence.js';
import { FAST, HOME, startRig, squareMission } from './testing.js';
import type { Rig } from './testing.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  const e: unknown = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe('MavlinkLink fault handling against the simulator', () => {
  it('completes an upload through packet loss and duplication by re-sending', async () => {
    rig = await startRig({ ...FAST, seed: 7 }, { upload: { itemTimeoutMs: 60, countTimeoutMs: 150 } });
    rig.vehicle.faults.loss = 0.15;
    rig.vehicle.faults.duplicate = 0.3;
    const items = squareMission(30);
    const up = await rig.link.uploadMission(items);
    expect(up.resends).toBeGreaterThan(0);
    expect(rig.vehicle.counters.dropped).toBeGreaterThan(0);
    const stored = rig.vehicle.flight.mission;
    expect(stored).toHaveLength(items.length);
    expect(stored.map((s) => s.command)).toEqual(items.map((i) => i.command));
  }, 60_000); // 60 ms item timeouts re-send often on a loaded machine: the upload completes, only later

  it('re-sends a command whose ACK never comes, then fails with MAVLINK_TIMEOUT', async () => {
    rig = await startRig(FAST, { command: { timeoutMs: 80, retries: 3 } });
    rig.vehicle.faults.dropCommands = true;
    const before = rig.vehicle.counters.commands;
    const t0 = performance.now();
    const e = await failure(rig.link.arm());
    expect(e.code).toBe('MAVLINK_TIMEOUT');
    expect(e.details).toMatchObject({ command: 400, attempts: 4 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(4 * 80 - 5);
    expect(rig.vehicle.flight.armed).toBe(false);
    expect(rig.vehicle.counters.commands - before).toBe(4);
  });

  it('succeeds when the ACK is only late: the re-sent command is acknowledged', async () => {
    rig = await startRig(FAST, { command: { timeoutMs: 80, retries: 3 } });
    rig.vehicle.faults.ackDelayMs = 120;
    rig.vehicle.flight.dock.droneInDock = false; // no cover to open: ARM is answered ACCEPTED, late
    await rig.link.arm();
    expect(rig.vehicle.counters.commands).toBeGreaterThanOrEqual(2);
    await rig.link.events.once('state', (s) => s.armed);
  });

  it('fails cleanly with the reason when the vehicle refuses a command', async () => {
    rig = await startRig();
    rig.vehicle.faults.commandNack = { 400: 2 };
    const e = await failure(rig.link.arm());
    expect(e.code).toBe('MAVLINK_NACK');
    expect(e.details).toMatchObject({ command: 400, reason: 'DENIED' });
  });

  it('fails cleanly with the reason when the vehicle NACKs an upload', async () => {
    rig = await startRig();
    rig.vehicle.faults.missionNack = 4;
    const e = await failure(rig.link.uploadMission(squareMission(4)));
    expect(e.code).toBe('MAVLINK_NACK');
    expect(e.details).toMatchObject({ missionType: 0, reason: 'NO_SPACE' });
    expect(rig.vehicle.flight.mission).toHaveLength(0);
    // The link stays usable after a NACK.
    rig.vehicle.faults.missionNack = undefined;
    await rig.link.uploadMission(squareMission(4));
  });

  it('fails an upload with MAVLINK_TIMEOUT when the vehicle never requests items', async () => {
    rig = await startRig(FAST, { upload: { countTimeoutMs: 40, retries: 2 } });
    rig.vehicle.faults.loss = 1;
    const e = await failure(rig.link.uploadMission(squareMission(2)));
    expect(e.code).toBe('MAVLINK_TIMEOUT');
    expect(e.details).toMatchObject({ stage: 'count' });
  });

  it('reports stale, then lost, when the link goes down, and refuses commands while lost', async () => {
    rig = await startRig();
    const seen: string[] = [];
    rig.link.events.on('health', (h) => seen.push(h.to));
    rig.vehicle.faults.linkDown = true;
    await rig.link.events.once('health', (h) => h.to === 'lost');
    expect(seen).toEqual(['stale', 'lost']);
    expect((await failure(rig.link.arm())).code).toBe('MAVLINK_LINK_LOST');
    rig.vehicle.faults.linkDown = false;
    await rig.link.events.once('health', (h) => h.to === 'ok');
  });

  it('does not call the link lost for a stall of its own process: the silence counts from when it listens again', async () => {
    rig = await startRig(); // stale after 500 ms, lost after 1000 ms
    const seen: string[] = [];
    rig.link.events.on('health', (h) => seen.push(h.to));
    // This process stalls past the lost time (a loaded machine, a long GC pause); what the vehicle sent meanwhile waits unread.
    const stallEnd = Date.now() + 1500;
    while (Date.now() < stallEnd) {
      // busy: no timer, no socket read
    }
    await rig.link.events.once('state', (s) => (s.lastHeartbeatMs ?? 0) >= stallEnd);
    expect(seen).toEqual([]);
    expect(rig.link.state.health).toBe('ok');
  });

  it('returns home when the fence is breached (fence uploaded with mission_type 1)', async () => {
    rig = await startRig();
    await rig.link.uploadFence(fenceItems([{ kind: 'circle', inclusion: true, center: HOME, radiusM: 30 }]));
    expect(rig.vehicle.flight.fence).toHaveLength(1);
    await rig.link.setParam({ name: 'FENCE_ENABLE', value: 1, integer: true }); // ArduPilot's default is off
    await rig.link.uploadMission(squareMission(4, 80));
    await rig.link.arm();
    await rig.link.startMission();
    const text = await rig.link.events.once('statustext', (t) => t.text.includes('Fence'));
    expect(text.text).toBe('Fence breach: RTL');
    await rig.link.events.once('state', (s) => s.landed === 'on-ground' && !s.armed);
  });

  it('returns home on low battery and on wind above the limit', async () => {
    rig = await startRig();
    await rig.link.uploadMission(squareMission(8, 200));
    await rig.link.arm();
    await rig.link.startMission();
    await rig.link.events.once('state', (s) => s.landed === 'in-air');
    rig.vehicle.flight.battery = 21;
    expect((await rig.link.events.once('statustext', (t) => t.text.startsWith('Battery'))).text).toBe('Battery low: RTL');
    await rig.link.events.once('state', (s) => s.mode === 'rtl' || s.mode === 'land');
    await rig.link.events.once('state', (s) => s.landed === 'on-ground');
    // Wind: the vehicle refuses to arm (TEMPORARILY_REJECTED), and an airborne vehicle turns back.
    rig.vehicle.windMs = 15;
    expect((await failure(rig.link.arm())).details).toMatchObject({ reason: 'TEMPORARILY_REJECTED' });
  });
});
