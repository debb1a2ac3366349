/**
 * Adapts DroneOpsService to the HTTP port: GeoJSON views out, GeoJSON/ISO times in, refusals (values
 * in the service) turned into AppErrors with their details at this boundary.
 */
import type { DroneOpsService } from '../drone-ops/service/index.js';
import type { DispatchOutcome, DockReport, PatrolPatch, PlanRefusal, PlanRequest, ScheduleOutcome, ScheduleWhen } from '../drone-ops/service/index.js';
import type { NoFlyZone } from '../drone-ops/index.js';
import type { DroneRecord, MissionRecord } from '../drone-ops/store/index.js';
import type { DroneOpsPort, View } from '../http/routes/drone-ops.port.js';
import type { PlanBodyT, ScheduleBodyT, ZoneFeatureInT } from '../http/routes/drone-ops.schemas.js';
import { AppError } from '../kernel/errors.js';
import { exportQgcPlan, importQgcPlan } from './qgc-plan.js';
import { nextFire } from '../drone-ops/scheduler/index.js';
import type { MissionStatus } from '../kernel/events.js';

const ms = (v: number | string | undefined): number | undefined => (v === undefined ? undefined : typeof v === 'number' ? v : Date.parse(v));

export function zoneToFeature(z: NoFlyZone): View {
  const props = { id: z.id, name: z.name ?? null, kind: 'no_fly_zone', floorM: z.floorM, ceilingM: z.ceilingM, windows: (z.windows ?? []).map((w) => ({ start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString() })), ...z.properties };
  if (z.footprint.type === 'Circle') {
    return { type: 'Feature', id: z.id, geometry: { type: 'Point', coordinates: [z.footprint.center.lon, z.footprint.center.lat] }, properties: { ...props, radiusM: z.footprint.radiusM } };
  }
  return { type: 'Feature', id: z.id, geometry: z.footprint, properties: props };
}

function featureToZone(f: ZoneFeatureInT): NoFlyZone {
  const { id: pid, name, floorM, ceilingM, radiusM, windows, ...rest } = f.properties;
  const id = f.id ?? pid;
  if (id === undefined) throw new AppError('VALIDATION_FAILED', { message: 'a zone needs an id (feature id or properties.id)' });
  let footprint: NoFlyZone['footprint'];
  if (f.geometry.type === 'Point') {
    if (radiusM === undefined) throw new AppError('VALIDATION_FAILED', { message: 'a Point zone needs properties.radiusM' });
    footprint = { type: 'Circle', center: { lon: f.geometry.coordinates[0] ?? NaN, lat: f.geometry.coordinates[1] ?? NaN }, radiusM };
  } else footprint = f.geometry;
  const { kind: _kind, ...extra } = rest as Record<string, unknown>;
  return {
    id,
    ...(name === undefined ? {} : { name }),
    footprint,
    floorM,
    ceilingM,
    ...(windows ? { windows: windows.map((w) => ({ startMs: ms(w.start) ?? 0, endMs: ms(w.end) ?? 0 })) } : {}),
    ...(Object.keys(extra).length > 0 ? { properties: extra } : {}),
  };
}

export function missionView(m: MissionRecord, history?: { seq: number; from: MissionStatus | null; to: MissionStatus; at: number; note: string | null; actor: string }[]): View {
  const { plan, request: _request, ...rest } = m;
  return {
    ...rest,
    lengthM: plan.lengthM,
    durationS: plan.durationS,
    batteryPct: plan.batteryPct,
    ...(plan.energyWh === undefined ? {} : { energyWh: plan.energyWh }),
    waypointCount: plan.items.length,
    route: { type: 'Feature', geometry: { type: 'LineString', coordinates: plan.path.map((p) => [p.lon, p.lat, p.altM]) }, properties: { missionId: m.id, sortie: m.sortie, sorties: m.sorties } },
    ...(history ? { history } : {}),
  };
}

/** A drone-ops refusal (a value in the service) as the AppError the API answers with. */
export function refusal(r: PlanRefusal | Exclude<ScheduleOutcome, { ok: true }> | Exclude<DispatchOutcome, { ok: true }>): AppError {
  const { ok: _ok, message, ...details } = r;
  switch (r.reason) {
    case 'geofence':
      return new AppError('GEOFENCE_VIOLATION', { message, details });
    case 'energy':
      return new AppError('PLAN_INFEASIBLE', { message, details });
    case 'conflict':
      return new AppError('AIRSPACE_CONFLICT', { message, details: { ...details, ...(r.nextFreeSlot === undefined ? {} : { nextFreeSlotIso: new Date(r.nextFreeSlot).toISOString() }) } });
    case 'no_dock':
      return new AppError('DOCK_UNAVAILABLE', { message, details });
  }
}

function planRequest(b: PlanBodyT): PlanRequest {
  const startAt = ms(b.startAt);
  return { dockId: b.dockId, pattern: b.pattern as PlanRequest['pattern'], ...(startAt === undefined ? {} : { startAt }), ...(b.priority ? { priority: b.priority } : {}), ...(b.fenceId ? { fenceId: b.fenceId } : {}) };
}

function when(b: ScheduleBodyT | undefined): ScheduleWhen {
  const at = ms(b?.at);
  return { ...(at === undefined ? {} : { at }), ...(b?.conditions ? { conditions: b.conditions } : {}) };
}

/**
 * A drone as the API shows it: its stored state (kept live from telemetry) and its link — the MAVLink
 * address (null: the simulated in-memory link), autopilot, whether signed, and connected / lost / unknown.
 */
export async function droneView(svc: DroneOpsService, d: DroneRecord): Promise<View> {
  const spec = await svc.droneLink(d.id);
  return { ...d, link: { address: spec?.address ?? null, ...(spec ? { autopilot: spec.autopilot, signed: spec.signed } : {}), ...svc.live.link(d.id) } };
}

/** A drone's telemetry history in [from, to) (app/drone-telemetry.ts). */
export type DroneHistory = (droneId: string, from: number, to: number) => Promise<View>;

export function droneOpsPort(svc: DroneOpsService, history?: DroneHistory): DroneOpsPort {
  const asView = <T extends object>(x: T): View => ({ ...x }) as View;
  const port: DroneOpsPort = {
    airspace: async () => {
      const a = await svc.airspace();
      const areas = a.operationAreas.map((o) => ({ type: 'Feature', id: o.id, geometry: o.area, properties: { id: o.id, name: o.name ?? null, kind: 'operation_area' } }));
      return { type: 'FeatureCollection', ceilingM: a.ceilingM, features: [...areas, ...a.noFlyZones.map(zoneToFeature)] };
    },
    putZone: async (f) => zoneToFeature(await svc.putZone(featureToZone(f))),
    deleteZone: (id) => svc.deleteZone(id),
    setCeiling: (m) => svc.setCeiling(m),
    listDroneTypes: async () => (await svc.listDroneTypes()).map(asView),
    putDroneType: async (t) => asView(await svc.putDroneType(t)),
    listDocks: async () => (await svc.listDocks()).map(asView),
    createDock: async (d) => asView(await svc.registerDock(d)),
    getDock: async (id) => asView(await svc.dock(id)),
    reportDock: async (id, r) => asView(await svc.reportDock(id, r as DockReport)),
    listDrones: async () => Promise.all((await svc.listDrones()).map((d) => droneView(svc, d))),
    createDrone: async (d) => asView(await svc.registerDrone(d)),
    getDrone: async (id) => droneView(svc, await svc.drone(id)),
    droneTelemetry: async (id, q) => {
      await svc.drone(id);
      const to = q.to ?? Date.now();
      const from = q.from ?? to - 3_600_000;
      return history ? history(id, from, to) : { droneId: id, from, to, points: [] };
    },
    validate: async (b) => {
      const r = await svc.validate(planRequest(b));
      if (!r.ok) return { ...r };
      return { ok: true, sorties: r.sorties.map((s, i) => ({ sortie: i + 1, offsetMs: s.offsetMs, lengthM: s.plan.lengthM, durationS: s.plan.durationS, batteryPct: s.plan.batteryPct, route: { type: 'Feature', geometry: { type: 'LineString', coordinates: s.plan.path.map((p) => [p.lon, p.lat, p.altM]) }, properties: {} } })) };
    },
    plan: async (b, by) => {
      const r = b.schedule ? await svc.planAndSchedule(planRequest(b), { ...when(b.schedule), actor: by }) : await svc.plan(planRequest(b), by);
      if (!r.ok) throw refusal(r);
      return r.missions.map((m) => missionView(m));
    },
    schedule: async (id, b, by) => {
      const r = await svc.schedule(id, { ...when(b), actor: by });
      if (!r.ok) throw refusal(r);
      return { ...missionView(r.mission), preempted: r.preempted };
    },
    cancel: async (id, by) => missionView(await svc.cancel(id, undefined, by)),
    resume: async (id, by) => {
      const r = await svc.resume(id, by);
      if (!r.ok) throw refusal(r);
      return { ...missionView(r.mission), preempted: r.preempted };
    },
    listMissions: async (q) => {
      const filter = { ...(q.status ? { status: q.status.split(',') as MissionStatus[] } : {}), ...(q.dockId ? { dockId: q.dockId } : {}), ...(q.patrolId ? { patrolId: q.patrolId } : {}) };
      const [items, total] = await Promise.all([svc.listMissions({ ...filter, limit: q.limit ?? 100, offset: q.offset ?? 0 }), svc.countMissions(filter)]);
      return { items: items.map((m) => missionView(m)), total };
    },
    getMission: async (id) => missionView(await svc.mission(id), await svc.history(id)),
    ferry: async (id, b, by) => {
      const at = ms(b.startAt);
      const r = await svc.ferry(id, { ...(b.altM === undefined ? {} : { altM: b.altM }), ...(at === undefined ? {} : { at }) }, by);
      if (!r.ok) throw refusal(r);
      return { ...missionView(r.mission), preempted: r.preempted };
    },
    dispatch: async (b, by) => {
      const r = await svc.dispatchInspection({ ...b, priority: b.priority ?? 'emergency' }, by);
      if (!r.ok) throw refusal(r);
      return { mission: missionView(r.mission), dock: r.dock, rejected: r.rejected, preempted: r.preempted };
    },
    listPatrols: async () => (await svc.listPatrols()).map(patrolView),
    createPatrol: async (b) => {
      const r = await svc.createPatrol({ ...b, pattern: b.pattern as PlanRequest['pattern'] });
      if (!('patrol' in r)) throw refusal(r);
      return { ...r.patrol, ...(r.nextRunAt === undefined ? {} : { nextRunAt: r.nextRunAt }) };
    },
    updatePatrol: async (id, b) => {
      const r = await svc.updatePatrol(id, { ...b, ...(b.pattern === undefined ? {} : { pattern: b.pattern as PlanRequest['pattern'] }) } as PatrolPatch);
      if (!('patrol' in r)) throw refusal(r);
      return patrolView(r.patrol);
    },
    deletePatrol: (id) => svc.deletePatrol(id),
    qgcPlan: (id) => exportQgcPlan(svc, id),
    importQgcPlan: (file, o) => importQgcPlan(svc, file, o, (b) => port.validate(b)),
  };
  return port;
}

/** A patrol as listed and as changed: with its next firings (none while paused). */
function patrolView(p: { cron: string; tz: string; paused: boolean }): View {
  return { ...p, nextFirings: p.paused ? [] : nextFirings(p.cron, p.tz) };
}

/** The next three firings of a patrol's cron in its zone (what a dispatcher checks before a change). */
function nextFirings(cron: string, tz: string, now = Date.now()): number[] {
  const out: number[] = [];
  try {
    for (let at = now; out.length < 3; ) out.push((at = nextFire({ cron, tz }, at)));
  } catch {
    // A stored cron that no longer parses (a newer parser): the list shows none rather than failing.
  }
  return out;
}
