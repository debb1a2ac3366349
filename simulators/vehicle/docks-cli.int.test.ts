/**
 * `citybrain sim docks --register` against a running platform: the simulated vehicles are registered over
 * HTTP with their MAVLink addresses, and a patrol scheduled on one of them is flown over loopback UDP.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../app/platform.js';
import type { MissionChange } from '../../kernel/events.js';
import { api, bootPlatform, TOKEN } from '../../test/e2e/helpers.js';
import { runSimCli } from '../cli.js';

let p: Platform;
const ac = new AbortController();
let exit: Promise<number> | undefined;
const lines: string[] = [];

beforeAll(async () => {
  p = await bootPlatform();
});
afterAll(async () => {
  ac.abort();
  await exit;
  await p?.stop();
});

describe('citybrain sim docks', () => {
  it('prints its help', async () => {
    const out: string[] = [];
    expect(await runSimCli(['docks', '--help'], { out: (s) => out.push(s), err: (s) => out.push(s) })).toBe(0);
    expect(out.join('\n')).toMatch(/--register/);
    expect(await runSimCli(['docks', '--count', '0'], { out: () => {}, err: (s) => out.push(s) })).toBe(2);
  });

  it('registers simulated docks with the platform, and a patrol on one of them is flown over MAVLink', async () => {
    const changes: MissionChange[] = [];
    p.bus.on('missionChanged', (c) => changes.push(c));
    exit = runSimCli(['docks', '--count', '4', '--speedup', '25', '--register', '--http', p.http.url, '--token', TOKEN, '--prefix', 't'], {
      out: (s) => lines.push(s),
      err: (s) => lines.push(s),
      signal: ac.signal,
    });
    await vi.waitFor(() => expect(lines.join('\n')).toMatch(/registered with the platform/), { timeout: 15_000, interval: 50 });
    const docks = lines.filter((l) => /udp:\/\/127\.0\.0\.1:\d+/.test(l)).map((l) => l.trim().split(/\s+/)[0]!);
    expect(docks).toHaveLength(4);
    const dockId = docks.find((d) => d.includes('shinan'))!;
    // The link comes up in the background: wait for the drone to report from its dock.
    await vi.waitFor(() => expect([...p.droneOps.vehicles.values()].filter((v) => v.state.health === 'ok').length).toBe(4), { timeout: 10_000, interval: 50 });

    const dock = (await api<{ location: { lon: number; lat: number } }>(p, 'GET', `/api/v1/docks/${dockId}`)).body.location;
    const pattern = { kind: 'corridor', line: { type: 'LineString', coordinates: [[dock.lon + 0.0005, dock.lat], [dock.lon + 0.003, dock.lat]] }, widthM: 30, spacingM: 30, altM: 40 };
    const r = await api<{ missions: { id: string }[] }>(p, 'POST', '/api/v1/missions', { dockId, pattern, schedule: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.missions[0]!.id;
    await vi.waitFor(() => expect(changes.find((c) => c.missionId === id && ['completed', 'aborted', 'failed'].includes(c.to))?.to).toBe('completed'), { timeout: 30_000, interval: 100 });
  });
});
