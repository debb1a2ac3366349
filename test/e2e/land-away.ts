/**
 * Making a demo drone land away from its dock over MAVLink, as an autopilot does (drone-ops.md "Landing";
 * drone-ops/mavlink/landing-home.test.ts): it flies near its neighbour's dock and its mission's
 * NAV_RETURN_TO_LAUNCH takes it to the nearest rally point on board — that dock. The platform then records
 * it `landed` there. Needs a demo platform with two docks per district (CITYBRAIN_DEMO_DOCKS=2).
 */
import { expect, vi } from 'vitest';
import type { DemoDock } from '../../app/demo.js';
import type { Platform } from '../../app/platform.js';
import { MAV_CMD, MAV_FRAME, MAV_MISSION_TYPE, toDegE7, type MissionItem } from '../../drone-ops/index.js';
import { metres } from './city-day-geometry.js';
import { api } from './helpers.js';

export type LL = { lon: number; lat: number };

/** `f` of the way from a to b (straight in lon/lat: fine over a kilometre). */
export const between = (a: LL, b: LL, f: number): LL => ({ lon: a.lon + (b.lon - a.lon) * f, lat: a.lat + (b.lat - a.lat) * f });
export const distM = (a: LL, b: LL): number => Math.hypot(metres(a, b).x, metres(a, b).y);

function item(seq: number, command: number, frame: number, at: LL | undefined, z: number): MissionItem {
  return { seq, frame, command, current: 0, autocontinue: 1, param1: 0, param2: 0, param3: 0, param4: 0, x: at ? toDegE7(at.lat) : 0, y: at ? toDegE7(at.lon) : 0, z, missionType: MAV_MISSION_TYPE.MISSION };
}

export async function droneOf(p: Platform, id: string): Promise<{ phase: string; position: LL | null }> {
  return (await api<{ phase: string; position: LL | null }>(p, 'GET', `/api/v1/drones/${id}`)).body;
}

/** The first district's two docks: the first one's drone lands at the second; where each dock is and where it landed. */
export async function landAtNeighbour(p: Platform): Promise<{ home: DemoDock; neighbour: DemoDock; a: LL; b: LL; landed: LL }> {
  const [home, neighbour] = p.demoDocks.slice(0, 2);
  if (!home || !neighbour || home.district !== neighbour.district) throw new Error('the demo needs two docks per district');
  const a = (await p.droneOps.service.dock(home.dockId)).location;
  const b = (await p.droneOps.service.dock(neighbour.dockId)).location;
  const fence = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([dx, dy]) => [a.lon + dx! * 0.05, a.lat + dy! * 0.04] as [number, number]);
  await p.droneOps.link.prepare(home.droneId, { inclusion: [fence], exclusions: [], rally: [{ ...a, altM: 20 }, { ...b, altM: 20 }], maxAltM: 120, lostLinkAction: 'rtl' });
  const nearB = between(b, a, 150 / distM(a, b));
  await p.droneOps.link.upload(home.droneId, [item(0, MAV_CMD.NAV_TAKEOFF, MAV_FRAME.GLOBAL_RELATIVE_ALT, a, 40), item(1, MAV_CMD.NAV_WAYPOINT, MAV_FRAME.GLOBAL_RELATIVE_ALT, nearB, 40), item(2, MAV_CMD.NAV_RETURN_TO_LAUNCH, MAV_FRAME.MISSION, undefined, 0)]);
  await p.droneOps.link.start(home.droneId);
  await vi.waitFor(async () => expect((await droneOf(p, home.droneId)).phase).toBe('landed'), { timeout: 60_000, interval: 100 });
  const landed = (await droneOf(p, home.droneId)).position!;
  expect(distM(landed, b)).toBeLessThan(10);
  return { home, neighbour, a, b, landed };
}
