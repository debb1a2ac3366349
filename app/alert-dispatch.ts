/**
 * Where alerts meet drones (issue #4 "From an alert"): the rules-engine's Dispatcher and ResourceFinder
 * ports implemented over DroneOpsService. rules-engine and drone-ops never import each other; this
 * composition-root file is the only place that knows both.
 */
import type { DockRanking, DroneOpsService } from '../drone-ops/service/index.js';
import type { Dispatcher, DockResource, ResourceFinder } from '../rules-engine/service/index.js';
import { missionView, refusal } from './drone-ops-http.js';

/** What the adapters need of drone-ops (DroneOpsService satisfies it). */
export type DroneOpsForAlerts = Pick<DroneOpsService, 'dispatchInspection' | 'rankDocks'>;

/** Docks listed per alert: enough to choose from, bounded so a city of 100 docks does not bloat every alert. */
const MAX_DOCKS = 10;

/** The Dispatcher port over `dispatchInspection`: refusals become `{ ok: false, code, details }` values. */
export function droneDispatcher(ops: DroneOpsForAlerts): Dispatcher {
  return {
    async dispatch(order) {
      const r = await ops.dispatchInspection({ lon: order.location.lon, lat: order.location.lat, alertId: order.alertId, priority: order.priority }, order.by ?? 'system');
      if (!r.ok) {
        const e = refusal(r);
        return { ok: false, code: e.code, message: e.message, details: e.details };
      }
      return { ok: true, missionId: r.mission.id, dockId: r.dock.dockId, etaS: r.dock.etaS, mission: { ...missionView(r.mission), preempted: r.preempted } };
    },
  };
}

/** A dock ranking as alert resources: available docks by ETA first, then the others by distance with their reasons. */
export function dockResources(ranking: DockRanking, limit = MAX_DOCKS): { available: 'yes' | 'no'; items: DockResource[] } {
  const round = (x: number): number => Math.round(x * 10) / 10;
  const items: DockResource[] = [
    ...ranking.ranked.map((d) => ({ dockId: d.dockId, distanceM: Math.round(d.distanceM), available: true, etaS: round(d.etaS), flightTimeS: round(d.etaS), reasons: [] })),
    ...ranking.rejected.map((d) => ({ dockId: d.dockId, distanceM: Math.round(d.distanceM), available: false, reasons: d.reasons })),
  ];
  return { available: ranking.ranked.length > 0 ? 'yes' : 'no', items: items.slice(0, limit) };
}

/**
 * Nearest resources with docks (domain.md must-have 10): the sensors `base` finds, plus every dock
 * ranked by flight time to the impact center with its availability. When drone-ops cannot answer, the
 * docks stay `unknown` rather than failing the alert.
 */
export function droneResourceFinder(base: ResourceFinder, ops: DroneOpsForAlerts, onError?: (err: unknown) => void): ResourceFinder {
  return {
    async find(alert, impact) {
      const found = await base.find(alert, impact);
      const at = impact?.center ?? alert.labels.location;
      if (!at) return found;
      try {
        return { ...found, docks: dockResources(await ops.rankDocks({ lon: at.lon, lat: at.lat })) };
      } catch (err) {
        onError?.(err);
        return found;
      }
    },
  };
}
