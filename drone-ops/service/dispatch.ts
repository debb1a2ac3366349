/**
 * Alert-triggered inspection with fallbacks (drone-ops.md "Dock choice"): the ranked docks are tried in
 * ETA order; a dock whose flight conflicts with reserved airspace of equal or higher priority (another
 * emergency) gives way to the next one, and when none can fly now the earliest next free slot is taken.
 * Only when nothing works is the dispatch refused (409), naming every dock and slot tried. The ETA
 * returned is the planner's: climb plus transit at the speed the mission commands.
 */
import { commandedSpeedMps, estimateFlight, type DroneType } from '../energy.js';
import type { MissionPlan, MissionRecord } from '../store/types.js';
import type { DispatchOutcome, DispatchRequest, DockRanking, PlanRequest, ScheduleOutcome, ScheduleWhen } from './types.js';

/** Docks tried before falling back to a later slot (an emergency wants the nearest ones). */
export const MAX_DOCKS_TRIED = 5;
/** Pictures an alert inspection takes over the target (MAV_CMD_IMAGE_START_CAPTURE). */
export const INSPECTION_IMAGES = 3;

export interface DispatchAttempt {
  dockId: string;
  /** `now`, or the ISO time of the free slot tried. */
  at: string;
  reason: string;
  nextFreeSlot?: number;
}

export interface DispatchDeps {
  planAndSchedule(req: PlanRequest, when?: ScheduleWhen): Promise<{ ok: true; missions: MissionRecord[]; preempted: string[] } | Exclude<ScheduleOutcome, { ok: true }>>;
  typeOf(dockId: string): Promise<DroneType>;
  now(): number;
}

/** Seconds from launch to arrival over the first route point (take-off climb, transit at the commanded speed). */
export function plannedEtaS(plan: MissionPlan, type: DroneType): number {
  const speedMps = commandedSpeedMps(plan.items);
  // Arrival, not departure: the hover over the target is not part of the ETA.
  const toTarget = plan.path.slice(0, 3).map(({ lon, lat, altM }) => ({ lon, lat, altM }));
  return estimateFlight(toTarget, type, speedMps === undefined ? {} : { speedMps }).durationS;
}

export async function dispatchWithFallback(d: DispatchDeps, req: DispatchRequest, ranking: DockRanking): Promise<DispatchOutcome> {
  const altM = req.altM ?? 60;
  const rejected = ranking.rejected.map(({ dockId, reasons }) => ({ dockId, reasons }));
  if (!ranking.chosen) return { ok: false, reason: 'no_dock', message: 'no dock is available for this inspection', rejected };
  const pattern = { kind: 'point' as const, target: { type: 'Point' as const, coordinates: [req.lon, req.lat] }, altM, hoverS: req.hoverS ?? 60, captureImages: req.captureImages ?? INSPECTION_IMAGES };
  const tried: DispatchAttempt[] = [];
  const attempt = async (dockId: string, at?: number): Promise<DispatchOutcome | undefined> => {
    const r = await d.planAndSchedule({ dockId, pattern, priority: req.priority, ...(req.alertId === undefined ? {} : { alertId: req.alertId }), ...(at === undefined ? {} : { startAt: at }) }, at === undefined ? {} : { at });
    if (r.ok) {
      const mission = r.missions[0] as MissionRecord;
      const base = ranking.ranked.find((c) => c.dockId === dockId) ?? ranking.chosen!;
      const dock = { ...base, etaS: plannedEtaS(mission.plan, await d.typeOf(dockId)) };
      return { ok: true, mission, dock, rejected, preempted: r.preempted, ...(tried.length > 0 ? { tried } : {}), ...(at === undefined ? {} : { delayedUntil: at }) };
    }
    tried.push({ dockId, at: at === undefined ? 'now' : new Date(at).toISOString(), reason: r.message, ...(r.reason === 'conflict' && r.nextFreeSlot !== undefined ? { nextFreeSlot: r.nextFreeSlot } : {}) });
    return undefined;
  };
  for (const c of ranking.ranked.slice(0, MAX_DOCKS_TRIED)) {
    const ok = await attempt(c.dockId);
    if (ok) return ok;
  }
  // None can fly now: the soonest arrival among the free slots offered.
  const slots = tried
    .filter((t): t is DispatchAttempt & { nextFreeSlot: number } => t.nextFreeSlot !== undefined)
    .map((t) => ({ dockId: t.dockId, at: Math.max(d.now(), t.nextFreeSlot), etaS: ranking.ranked.find((c) => c.dockId === t.dockId)?.etaS ?? 0 }))
    .sort((a, b) => a.at + a.etaS * 1000 - (b.at + b.etaS * 1000));
  for (const s of slots.slice(0, 2)) {
    const ok = await attempt(s.dockId, s.at);
    if (ok) return ok;
  }
  return {
    ok: false,
    reason: 'conflict',
    message: `no dock could take the inspection: ${tried.map((t) => `${t.dockId} at ${t.at}: ${t.reason}`).join('; ')}`,
    conflictsWith: [],
    tried,
  };
}
