/**
 * A QGroundControl `.plan` file → a `waypoints` route the planner checks like any other, with a warning
 * for every part that cannot be kept (camera and other DO_ commands, speed changes, orbits, terrain
 * altitudes) and a QGC_PLAN_INVALID error for a file that is not a plan. The platform adds take-off, the
 * speed change and the return itself, so those items are read, not copied.
 */
import { AppError } from '../../kernel/errors.js';
import { distanceM, LocalPlane } from '../geo/enu.js';
import { pointInRings } from '../geo/plane.js';
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { MAV_CMD } from '../planner/mission.js';
import { POSITION_FRAMES } from './plan-file.js';

export interface QgcWarning {
  /** 1-based item number in the file (`doJumpId` when present). */
  item?: number;
  command?: number;
  message: string;
}

export interface QgcFence {
  inclusion: boolean;
  /** A closed ring in GeoJSON order [lon, lat]; or a circle. */
  ring?: [number, number][];
  circle?: { center: LonLat; radiusM: number };
}

export interface QgcImport {
  /** [lon, lat, altM above take-off] per waypoint, in flight order. */
  path: [number, number, number][];
  holdS?: number;
  home?: LonLatAlt;
  fence: QgcFence[];
  rally: LonLatAlt[];
  cruiseSpeed?: number;
  warnings: QgcWarning[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function invalid(reason: string, where: string): never {
  throw new AppError('QGC_PLAN_INVALID', { message: `Not a QGroundControl plan: ${reason}`, details: { reason, path: where } });
}

function latLon(v: unknown, where: string): LonLat {
  if (!Array.isArray(v) || !num(v[0]) || !num(v[1]) || Math.abs(v[0]) > 90 || Math.abs(v[1]) > 180) invalid('a position must be [lat, lon] in degrees', where);
  return { lat: v[0] as number, lon: v[1] as number };
}

/** Position items: where the vehicle flies (MAV_CMD common.xml). */
const NAV = { WAYPOINT: MAV_CMD.NAV_WAYPOINT, LOITER_UNLIM: 17, LOITER_TURNS: MAV_CMD.NAV_LOITER_TURNS, LOITER_TIME: MAV_CMD.NAV_LOITER_TIME } as const;
const ENDS: ReadonlySet<number> = new Set([MAV_CMD.NAV_RETURN_TO_LAUNCH, MAV_CMD.NAV_LAND, 85 /* VTOL_LAND */]);

class Reader {
  readonly points: (LonLatAlt & { holdS: number })[] = [];
  readonly warnings: QgcWarning[] = [];
  ended = false;
  constructor(private readonly home: LonLatAlt | undefined) {}

  warn(item: number, command: number | undefined, message: string): void {
    this.warnings.push({ item, ...(command === undefined ? {} : { command }), message });
  }

  item(raw: unknown, n: number, where: string): void {
    if (!isObj(raw)) invalid('an item must be an object', where);
    if (raw.type === 'ComplexItem') return this.complex(raw, n, where);
    if (raw.type !== 'SimpleItem') invalid(`unknown item type ${JSON.stringify(raw.type)}`, `${where}/type`);
    const { command, frame, params } = raw;
    if (!Number.isInteger(command)) invalid('command must be an integer MAV_CMD', `${where}/command`);
    if (!Number.isInteger(frame)) invalid('frame must be an integer MAV_FRAME', `${where}/frame`);
    if (!Array.isArray(params) || params.length !== 7 || !params.every((p) => p === null || num(p))) invalid('params must be 7 numbers (null for NaN)', `${where}/params`);
    const no = Number.isInteger(raw.doJumpId) ? (raw.doJumpId as number) : n;
    if (this.ended) return this.warn(no, command as number, 'after the return or landing: not kept');
    this.simple(no, command as number, frame as number, params as (number | null)[], raw, where);
  }

  private simple(no: number, cmd: number, frame: number, p: (number | null)[], raw: Json, where: string): void {
    if (cmd === MAV_CMD.NAV_TAKEOFF) return; // the platform takes off to the first waypoint's altitude
    if (ENDS.has(cmd)) {
      this.ended = true;
      if (cmd === MAV_CMD.NAV_RETURN_TO_LAUNCH) return;
      // The platform's own home leg (a waypoint over home, then NAV_LAND there) is its way back, not the route.
      const last = this.points[this.points.length - 1];
      const pos = p[4] !== null && p[5] !== null ? { lat: p[4] ?? NaN, lon: p[5] ?? NaN } : undefined;
      const homeLeg = last && pos && this.home && Math.abs(last.lat - pos.lat) < 1e-7 && Math.abs(last.lon - pos.lon) < 1e-7 && Math.abs(pos.lat - this.home.lat) < 1e-6 && Math.abs(pos.lon - this.home.lon) < 1e-6;
      if (homeLeg) this.points.pop();
      else this.warn(no, cmd, 'landing: the platform always returns to its dock and lands there');
      return;
    }
    if (cmd === MAV_CMD.DO_CHANGE_SPEED) return this.warn(no, cmd, `speed change to ${p[1] ?? '?'} m/s not kept: the drone type's cruise speed is flown`);
    if (!(Object.values(NAV) as number[]).includes(cmd)) return this.warn(no, cmd, `command ${cmd} not kept (only waypoints and loiters are flown)`);
    if (!POSITION_FRAMES.has(frame)) invalid(`a waypoint in frame ${frame} has no global position`, `${where}/frame`);
    const pos = latLon([p[4], p[5]], `${where}/params`);
    const altM = this.altitude(no, cmd, frame, p[6] ?? 0, raw);
    let holdS = 0;
    if (cmd === NAV.WAYPOINT || cmd === NAV.LOITER_TIME) holdS = Math.max(0, p[0] ?? 0);
    if (cmd === NAV.LOITER_TURNS) this.warn(no, cmd, `orbit of ${p[0] ?? '?'} turns (radius ${p[2] ?? '?'} m) flown as a waypoint`);
    if (cmd === NAV.LOITER_UNLIM) this.warn(no, cmd, 'unlimited loiter flown as a waypoint (a platform mission always ends by returning)');
    if (altM <= 0) this.warn(no, cmd, `altitude ${altM} m is not above the take-off point`);
    this.points.push({ ...pos, altM, holdS });
  }

  /** Metres above take-off: relative frames as they are, AMSL through the planned home, terrain as relative. */
  private altitude(no: number, cmd: number, frame: number, z: number, raw: Json): number {
    if (raw.AltitudeMode === 3 && num(raw.Altitude)) {
      this.warn(no, cmd, `altitude ${raw.Altitude} m above terrain flown relative to the take-off point (no terrain following)`);
      return raw.Altitude;
    }
    if (frame === 3 || frame === 6) return z;
    if (frame === 10 || frame === 11) {
      this.warn(no, cmd, `terrain frame: ${z} m flown relative to the take-off point (no terrain following)`);
      return z;
    }
    if (!this.home) {
      this.warn(no, cmd, `AMSL altitude ${z} m kept as relative: the plan has no planned home altitude`);
      return z;
    }
    return z - this.home.altM;
  }

  /** Survey and corridor scans carry the simple items QGC generated for them: those are flown. */
  private complex(raw: Json, n: number, where: string): void {
    const kind = typeof raw.complexItemType === 'string' ? raw.complexItemType : 'complex item';
    const transect = isObj(raw.TransectStyleComplexItem) ? raw.TransectStyleComplexItem : undefined;
    const items = transect && Array.isArray(transect.Items) ? transect.Items : undefined;
    if (!items) return this.warn(n, undefined, `${kind} without generated items: not kept`);
    const before = this.points.length;
    items.forEach((it, i) => this.item(it, n, `${where}/TransectStyleComplexItem/Items/${i}`));
    this.warn(n, undefined, `${kind} imported as its ${this.points.length - before} generated waypoints (camera triggers are not kept)`);
  }
}

function fences(raw: unknown, warnings: QgcWarning[]): QgcFence[] {
  if (raw === undefined) return [];
  if (!isObj(raw)) invalid('geoFence must be an object', '/geoFence');
  const out: QgcFence[] = [];
  const polygons = raw.version === 1 && Array.isArray(raw.polygon) ? [{ inclusion: true, polygon: raw.polygon }] : raw.polygons;
  if (raw.version === 1) warnings.push({ message: 'geofence version 1: its polygon is read as an inclusion fence; the breach return point is not kept' });
  (Array.isArray(polygons) ? polygons : []).forEach((f: unknown, i) => {
    const where = `/geoFence/polygons/${i}`;
    if (!isObj(f) || !Array.isArray(f.polygon) || f.polygon.length < 3) invalid('a fence polygon needs 3 or more [lat, lon] vertices', where);
    const ring = f.polygon.map((v: unknown, j: number) => latLon(v, `${where}/polygon/${j}`)).map((p): [number, number] => [p.lon, p.lat]);
    out.push({ inclusion: f.inclusion !== false, ring: [...ring, ring[0] as [number, number]] });
  });
  (Array.isArray(raw.circles) ? raw.circles : []).forEach((f: unknown, i) => {
    const where = `/geoFence/circles/${i}`;
    if (!isObj(f) || !isObj(f.circle) || !num(f.circle.radius) || f.circle.radius <= 0) invalid('a fence circle needs a center and a positive radius', where);
    out.push({ inclusion: f.inclusion !== false, circle: { center: latLon(f.circle.center, `${where}/circle/center`), radiusM: f.circle.radius } });
  });
  return out;
}

function inside(f: QgcFence, p: LonLat): boolean {
  if (f.circle) return distanceM(f.circle.center, p) <= f.circle.radiusM;
  const plane = new LocalPlane(p);
  return pointInRings({ x: 0, y: 0 }, [(f.ring ?? []).slice(0, -1).map((v) => plane.toXY({ lon: v[0], lat: v[1] }))]);
}

/** The file's own fence, checked at every waypoint (legs are checked by the planner against the airspace). */
function fenceWarnings(points: LonLat[], fence: QgcFence[]): QgcWarning[] {
  const incl = fence.filter((f) => f.inclusion);
  const excl = fence.filter((f) => !f.inclusion);
  const out: QgcWarning[] = [];
  points.forEach((p, i) => {
    if (incl.length > 0 && !incl.some((f) => inside(f, p))) out.push({ message: `waypoint ${i + 1} is outside the plan's inclusion fence` });
    if (excl.some((f) => inside(f, p))) out.push({ message: `waypoint ${i + 1} is inside one of the plan's exclusion fences` });
  });
  return out;
}

function homeOf(mission: Json): LonLatAlt | undefined {
  const h = mission.plannedHomePosition;
  if (h === undefined || h === null) return undefined;
  const pos = latLon(h, '/mission/plannedHomePosition');
  return { ...pos, altM: Array.isArray(h) && num(h[2]) ? h[2] : 0 };
}

/** Reads a `.plan` file. Throws QGC_PLAN_INVALID (details.reason, details.path) for what is not a plan. */
export function fromQgcPlan(file: unknown): QgcImport {
  if (!isObj(file)) invalid('the file must be a JSON object', '/');
  if (file.fileType !== 'Plan') invalid('fileType must be "Plan"', '/fileType');
  if (file.version !== 1) invalid(`plan file version ${JSON.stringify(file.version)} (only version 1 exists)`, '/version');
  const mission = file.mission;
  if (!isObj(mission) || !Array.isArray(mission.items)) invalid('mission.items must be a list', '/mission/items');
  const home = homeOf(mission);
  const reader = new Reader(home);
  mission.items.forEach((it, i) => reader.item(it, i + 1, `/mission/items/${i}`));
  if (reader.points.length === 0) invalid('no waypoint to fly', '/mission/items');
  const warnings = reader.warnings;
  const holds = [...new Set(reader.points.map((p) => p.holdS))];
  const holdS = Math.max(...holds);
  if (holds.length > 1) warnings.push({ message: `hold times differ (${holds.join(', ')} s): ${holdS} s is held at every waypoint` });
  const fence = fences(file.geoFence, warnings);
  warnings.push(...fenceWarnings(reader.points, fence));
  const rally = rallyPoints(file.rallyPoints);
  if (rally.length > 0) warnings.push({ message: `${rally.length} rally point(s) not kept: the platform sends its own (the dock, then the nearest docks)` });
  return {
    path: reader.points.map((p) => [p.lon, p.lat, p.altM]),
    ...(holdS > 0 ? { holdS } : {}),
    ...(home ? { home } : {}),
    fence,
    rally,
    ...(num(mission.cruiseSpeed) ? { cruiseSpeed: mission.cruiseSpeed } : {}),
    warnings,
  };
}

function rallyPoints(raw: unknown): LonLatAlt[] {
  if (!isObj(raw) || !Array.isArray(raw.points)) return [];
  return raw.points.map((p: unknown, i) => ({ ...latLon(p, `/rallyPoints/points/${i}`), altM: Array.isArray(p) && num(p[2]) ? p[2] : 0 }));
}
