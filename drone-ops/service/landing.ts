/**
 * Where a drone landed (drone-ops.md "Landing"): the vehicle's reported touchdown position, not the plan,
 * says whether it is back in its dock. Away from it (an autopilot's RTL to a rally point, a return to an
 * alternate, a landing in place) the drone is `landed` — not `docked`, so no launch takes it and its dock
 * does not count as usable — and a `landed_away` drone-safety alarm says where it is. It is docked again
 * once it reports, on the ground, a position on its dock (carried, or flown back by a ferry flight:
 * ferry.ts); its `landed_away` alarm is then cleared.
 */
import { distanceM } from '../geo/enu.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import type { DroneLinkEvent } from '../link/drone-link.js';
import type { DroneAlarms } from './alarms.js';
import type { OpsContext } from './context.js';
import { alarmText } from '../alarm-messages.js';

/**
 * Farther than this from its dock, a drone is not in it: well beyond the touchdown error of a dock's
 * precision landing and of GNSS, well under the distance between two docks.
 */
export const AT_DOCK_M = 10;

type Landed = Extract<DroneLinkEvent, { type: 'landed' }>;

export class Landings {
  /** Drones on the ground away from their dock → the dock's location. */
  private readonly away = new Map<string, LonLat>();

  constructor(
    private readonly ctx: Pick<OpsContext, 'store' | 'log'>,
    private readonly alarms: DroneAlarms,
  ) {
    void this.load().catch((err: unknown) => ctx.log.warn({ err }, 'drones landed away not loaded'));
  }

  /**
   * Records a landing: `docked` at its dock, else `landed` where it is with a `landed_away` alarm (on the
   * mission `missionId` when it flew one). Returns the alarm's message when it landed away.
   */
  async landed(e: Landed, missionId?: string): Promise<string | undefined> {
    const { store } = this.ctx;
    const drone = await store.getDrone(e.droneId);
    const dock = drone ? await store.getDock(drone.dockId) : undefined;
    const offM = e.position && dock ? distanceM(e.position, dock.location) : undefined;
    const position = e.position ? { position: { ...e.position, altM: 0 } } : {};
    if (!drone || !dock || offM === undefined || offM <= AT_DOCK_M) {
      await store.updateDrone(e.droneId, { phase: 'docked', batteryPct: e.batteryPct, ...position }, e.at);
      this.back(e.droneId, drone?.dockId ?? '', e.at, 'flown');
      return undefined;
    }
    this.away.set(e.droneId, dock.location);
    await store.updateDrone(e.droneId, { phase: 'landed', batteryPct: e.batteryPct, ...position }, e.at);
    const p = e.position as LonLatAlt;
    const other = (await store.listDocks()).find((d) => d.id !== dock.id && distanceM(d.location, p) <= AT_DOCK_M);
    const messages = alarmText('alarm.landed_away', {
      drone: e.droneId, offM: Math.round(offM), dock: dock.id, lon: p.lon.toFixed(6), lat: p.lat.toFixed(6), other: other ? alarmText('alarm.landed_away.other', { dock: other.id }) : '',
    });
    await this.alarms.raise({ kind: 'landed_away', droneId: e.droneId, dockId: dock.id, missionId: missionId ?? '', at: e.at, messages, position: { ...p, altM: 0 } });
    return messages.en;
  }

  /** Whether the drone is on the ground away from its dock (`landed`). */
  isAway(droneId: string): boolean {
    return this.away.has(droneId);
  }

  /** Telemetry of a drone landed away: docked again once it reports its dock's position on the ground. */
  async telemetry(droneId: string, position: LonLatAlt, at: number): Promise<void> {
    const home = this.away.get(droneId);
    if (!home || position.altM > 1 || distanceM(position, home) > AT_DOCK_M) return;
    await this.ctx.store.updateDrone(droneId, { phase: 'docked', position }, at);
    this.back(droneId, (await this.ctx.store.getDrone(droneId))?.dockId ?? '', at, 'reported');
  }

  /** A drone that was away is docked again: its `landed_away` alarm is over. */
  private back(droneId: string, dockId: string, at: number, how: 'flown' | 'reported'): void {
    if (!this.away.delete(droneId)) return;
    this.alarms.clear({ kind: 'landed_away', droneId, dockId, at, messages: alarmText(`alarm.landed_away.back.${how}`, { drone: droneId, dock: dockId }) });
  }

  private async load(): Promise<void> {
    const { store } = this.ctx;
    for (const d of (await store.listDrones()).filter((x) => x.phase === 'landed')) {
      const dock = await store.getDock(d.dockId);
      if (dock) this.away.set(d.id, dock.location);
    }
  }
}
