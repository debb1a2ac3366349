import { EventBus } from '../../kernel/bus.js';
import type { LonLatAlt } from '../geo/types.js';
import type { MissionItem } from '../planner/mission.js';
import type { DroneLink, DroneLinkEvent, OnboardSafety } from './drone-link.js';

/**
 * One DroneLink over several: drones routed to a link by id (a MAVLink address was
 * given at registration), every other drone on the fallback (the in-memory fake). A link's events reach
 * listeners only for the drones routed to it, so a fake and a real vehicle of the same id never mix.
 */
export class RoutingDroneLink implements DroneLink {
  private readonly bus = new EventBus<{ e: DroneLinkEvent }>();
  private readonly routes = new Map<string, DroneLink>();
  private readonly offs: (() => void)[] = [];
  private readonly subscribed = new Set<DroneLink>();

  constructor(private readonly fallback: DroneLink) {
    this.subscribe(fallback);
  }

  /** Routes `droneId` to `link` from now on. */
  route(droneId: string, link: DroneLink): void {
    this.routes.set(droneId, link);
    this.subscribe(link);
  }

  unroute(droneId: string): void {
    this.routes.delete(droneId);
  }

  linkOf(droneId: string): DroneLink {
    return this.routes.get(droneId) ?? this.fallback;
  }

  prepare(droneId: string, safety: OnboardSafety): Promise<void> {
    return this.linkOf(droneId).prepare(droneId, safety);
  }

  upload(droneId: string, items: MissionItem[]): Promise<void> {
    return this.linkOf(droneId).upload(droneId, items);
  }

  start(droneId: string): Promise<void> {
    return this.linkOf(droneId).start(droneId);
  }

  returnVia(droneId: string, route: LonLatAlt[], speedMps: number): Promise<void> {
    return this.linkOf(droneId).returnVia(droneId, route, speedMps);
  }


  hold(droneId: string): Promise<void> {
    return this.linkOf(droneId).hold(droneId);
  }

  on(listener: (e: DroneLinkEvent) => void): () => void {
    return this.bus.on('e', listener);
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private subscribe(link: DroneLink): void {
    if (this.subscribed.has(link)) return;
    this.subscribed.add(link);
    this.offs.push(link.on((e) => {
      if (this.linkOf(e.droneId) === link) this.bus.emit('e', e);
    }));
  }
}
