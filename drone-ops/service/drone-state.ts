/**
 * A drone's stored state follows its link live (not only at landing): battery, position and heading
 * from telemetry (written at most once per `everyMs` per drone), the flight phase from phase events,
 * and the link's own state (heard, lost, restored). Dock choice and dock ranking read these values, so a
 * drone recharged in its dock is not locked out by the battery it landed with.
 */
import type { DroneLinkEvent } from '../link/drone-link.js';
import type { DroneRecord } from '../store/types.js';
import type { OpsContext } from './runner.js';

/** The link of one drone as the ground sees it. */
export interface LinkState {
  state: 'connected' | 'lost' | 'unknown';
  /** Epoch ms of the last message heard from the vehicle. */
  lastHeardAt?: number;
  /** Epoch ms of the last change of `state`. */
  since?: number;
}


function phaseOf(p: string): DroneRecord['phase'] | undefined {
  switch (p) {
    case 'taking_off':
      return 'taking_off';
    case 'in_flight':
      return 'in_flight';
    case 'returning':
    case 'landing':
      return 'returning';
    default:
      return undefined; // on the ground: the landing (runner) docks the drone
  }
}

export class DroneStateTracker {
  private readonly written = new Map<string, number>();
  /** Latest telemetry per drone, written at once when the phase changes or the drone lands. */
  private readonly latest = new Map<string, Extract<DroneLinkEvent, { type: 'telemetry' }>>();
  private readonly links = new Map<string, LinkState>();
  private readonly dockIds = new Map<string, string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly off: () => void;

  constructor(
    private readonly ctx: OpsContext,
    private readonly everyMs = 1_000,
  ) {
    this.off = ctx.link.on((e) => {
      this.heardFrom(e);
      if (e.type === 'telemetry' || e.type === 'phase' || e.type === 'landed') void this.serial(e.droneId, () => this.onLink(e)).catch((err: unknown) => ctx.log.warn({ err, droneId: e.droneId }, 'drone state not updated'));
    });
  }

  /**
   * Runs `fn` after every write already queued for this drone: its state is written in the order of its
   * events, whatever the store's connections do (a `returning` written after the landing's `docked`
   * would leave a drone in its dock unusable). The landing check (landing.ts) goes through it too.
   */
  serial<T>(droneId: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(droneId) ?? Promise.resolve()).then(fn);
    const tail = next.then(() => undefined, () => undefined);
    this.chains.set(droneId, tail);
    void tail.then(() => {
      if (this.chains.get(droneId) === tail) this.chains.delete(droneId);
    });
    return next;
  }

  close(): void {
    this.off();
  }

  /** Resolves once the state writes already queued are done (at shutdown, before the store closes). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** The dock a drone belongs to (cached; the stream's drone events carry it). */
  dockOf(droneId: string): string | undefined {
    return this.dockIds.get(droneId);
  }

  /** Remembers a drone's dock (at registration and start). */
  know(d: Pick<DroneRecord, 'id' | 'dockId'>): void {
    this.dockIds.set(d.id, d.dockId);
  }

  link(droneId: string): LinkState {
    return this.links.get(droneId) ?? { state: 'unknown' };
  }

  /** Anything from the vehicle means it is heard; a `lost` report keeps the last time it was. */
  private heard(droneId: string, at: number, state: 'connected' | 'lost' = 'connected'): void {
    const prev = this.links.get(droneId);
    const lastHeardAt = state === 'lost' ? (prev?.lastHeardAt ?? at) : at;
    this.links.set(droneId, { state, lastHeardAt, since: prev?.state === state ? (prev.since ?? at) : at });
  }

  /** Stores the latest sample now (battery, position, heading and its time). */
  private async write(droneId: string): Promise<void> {
    const t = this.latest.get(droneId);
    if (!t || this.written.get(droneId) === t.at) return;
    this.written.set(droneId, t.at);
    const headingDeg = t.headingDeg;
    await this.ctx.store.updateDrone(droneId, { batteryPct: t.batteryPct, position: t.position, telemetryAt: t.at, ...(headingDeg === undefined ? {} : { headingDeg }) }, t.at);
  }

  /** What the event says of the link, at once (the ground's view must not wait behind store writes). */
  private heardFrom(e: DroneLinkEvent): void {
    if (e.type === 'failure') return;
    if (e.type === 'link') return this.heard(e.droneId, e.at, e.state === 'lost' ? 'lost' : 'connected');
    this.heard(e.droneId, e.at);
    if (e.type === 'telemetry') this.latest.set(e.droneId, e);
  }

  /** The store writes the event calls for, in the drone's order (serial). */
  private async onLink(e: Extract<DroneLinkEvent, { type: 'telemetry' | 'phase' | 'landed' }>): Promise<void> {
    switch (e.type) {
      case 'telemetry': {
        const last = this.written.get(e.droneId);
        if (last !== undefined && e.at - last < this.everyMs && e.at >= last) return;
        return this.write(e.droneId);
      }
      case 'phase': {
        const phase = phaseOf(e.phase);
        if (phase) await this.ctx.store.updateDrone(e.droneId, { phase }, e.at);
        return this.write(e.droneId);
      }
      case 'landed':
        return this.write(e.droneId);
    }
  }
}
