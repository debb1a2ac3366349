/**
 * QGroundControl `.plan` export and import over the DroneOpsService: an export carries the stored
 * MAVLink items and the fence and rally points the launch would send; an import becomes a `waypoints`
 * plan body for the dock at (or given for) the plan's home, checked by `validate` like any plan.
 */
import { distanceM, fromQgcPlan, MAV_CMD, toQgcPlan, type LonLat, type QgcFence } from '../drone-ops/index.js';
import type { DroneOpsService } from '../drone-ops/service/index.js';
import type { View } from '../http/routes/drone-ops.port.js';
import type { PlanBodyT } from '../http/routes/drone-ops.schemas.js';
import { AppError, isAppError } from '../kernel/errors.js';

/** A plan's home farther than this from every dock names no dock (a dock pad is a few metres; GPS drift ~10 m). */
export const HOME_TO_DOCK_MAX_M = 500;

export async function exportQgcPlan(svc: DroneOpsService, id: string): Promise<View> {
  const m = await svc.mission(id);
  const [fence, link, dock] = await Promise.all([svc.onboardPreview(id), svc.droneLink(m.droneId), svc.dock(m.dockId)]);
  const speed = m.plan.items.find((i) => i.command === MAV_CMD.DO_CHANGE_SPEED)?.param2;
  const first = m.plan.path[0];
  return {
    ...toQgcPlan({
      items: m.plan.items,
      home: first ? { lon: first.lon, lat: first.lat } : dock.location,
      speedMps: speed !== undefined && speed > 0 ? speed : 0,
      autopilot: link?.autopilot ?? 'ardupilot',
      fence,
    }),
  };
}

async function dockFor(svc: DroneOpsService, home: LonLat | undefined, given: string | undefined): Promise<{ id: string; location: LonLat }> {
  if (given !== undefined) return svc.dock(given);
  const docks = await svc.listDocks();
  const ranked = home ? docks.map((d) => ({ d, m: distanceM(d.location, home) })).sort((a, b) => a.m - b.m) : [];
  const best = ranked[0];
  if (best && best.m <= HOME_TO_DOCK_MAX_M) return best.d;
  throw new AppError('QGC_PLAN_NO_DOCK', {
    message: home
      ? `No dock within ${HOME_TO_DOCK_MAX_M} m of the plan's planned home position: name one with ?dockId=`
      : "The plan has no planned home position: name the dock with ?dockId=",
    details: { home: home ?? null, ...(best ? { nearestDockId: best.d.id, nearestDistanceM: Math.round(best.m) } : {}) },
  });
}

function fenceFeature(f: QgcFence): View {
  const props = { inclusion: f.inclusion };
  if (f.circle) return { type: 'Feature', geometry: { type: 'Point', coordinates: [f.circle.center.lon, f.circle.center.lat] }, properties: { ...props, radiusM: f.circle.radiusM } };
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [f.ring ?? []] }, properties: props };
}

/** The check as a value, also when the dock cannot fly at all (DOCK_UNAVAILABLE): the import still shows the plan. */
async function checked(validate: (b: PlanBodyT) => Promise<View>, plan: PlanBodyT): Promise<View> {
  try {
    return await validate(plan);
  } catch (err) {
    if (isAppError(err) && err.status < 500) return { ok: false, ...err.toJSON().error };
    throw err;
  }
}

export async function importQgcPlan(svc: DroneOpsService, file: unknown, opts: { dockId?: string }, validate: (b: PlanBodyT) => Promise<View>): Promise<View> {
  const r = fromQgcPlan(file);
  const dock = await dockFor(svc, r.home, opts.dockId);
  const warnings = [...r.warnings];
  const apart = r.home ? distanceM(r.home, dock.location) : 0;
  if (apart > 25) warnings.push({ message: `the plan's home is ${Math.round(apart)} m from dock ${dock.id}: the flight takes off from the dock` });
  const plan: PlanBodyT = { dockId: dock.id, pattern: { kind: 'waypoints', path: { type: 'LineString', coordinates: r.path }, ...(r.holdS === undefined ? {} : { holdS: r.holdS }) } };
  return {
    plan,
    validation: await checked(validate, plan),
    warnings,
    geoFence: { type: 'FeatureCollection', features: r.fence.map(fenceFeature) },
    rallyPoints: { type: 'FeatureCollection', features: r.rally.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat, p.altM] }, properties: {} })) },
  };
}
