/**
 * QGroundControl `.plan` files (QGC developer guide, "Plan File Format"): a JSON object with
 * `fileType: "Plan"`, `version: 1`, a `mission` (items, planned home, speeds, firmware and vehicle type),
 * an optional `geoFence` (polygons and circles, each inclusion or exclusion) and optional `rallyPoints`.
 * Coordinates are [lat, lon] or [lat, lon, alt] — the reverse of GeoJSON.
 */
import type { LonLat, LonLatAlt } from '../geo/types.js';
import { openRing } from '../link/mission-items.js';
import { fromDegE7, MAV_FRAME, type MissionItem } from '../planner/mission.js';

/** One `SimpleItem`: a MAVLink mission item with its seven params (NaN is written as null). */
export interface QgcSimpleItem {
  type: 'SimpleItem';
  autoContinue: boolean;
  command: number;
  doJumpId: number;
  frame: number;
  params: (number | null)[];
  /** Written for items with a position (QGC 4): the altitude and how it is meant. */
  AMSLAltAboveTerrain?: number | null;
  Altitude?: number;
  AltitudeMode?: number;
}

export interface QgcPolygonFence {
  inclusion: boolean;
  polygon: [number, number][];
  version: 1;
}

export interface QgcCircleFence {
  inclusion: boolean;
  circle: { center: [number, number]; radius: number };
  version: 1;
}

export interface QgcPlan {
  fileType: 'Plan';
  version: 1;
  groundStation: string;
  mission: {
    version: 2;
    firmwareType: number;
    vehicleType: number;
    cruiseSpeed: number;
    hoverSpeed: number;
    globalPlanAltitudeMode: number;
    plannedHomePosition: [number, number, number];
    items: QgcSimpleItem[];
  };
  geoFence: { version: 2; polygons: QgcPolygonFence[]; circles: QgcCircleFence[] };
  rallyPoints: { version: 2; points: [number, number, number][] };
}

/** MAV_AUTOPILOT (common.xml): what QGC stores as `firmwareType`. */
export const QGC_FIRMWARE = { ardupilot: 3, px4: 12, generic: 0 } as const;
/** MAV_TYPE_QUADROTOR (common.xml): the dock drones are multirotors. */
export const QGC_VEHICLE_QUADROTOR = 2;
/** QGC's altitude modes (QGroundControlQmlGlobal::AltMode): 1 = relative to launch. */
export const QGC_ALT_RELATIVE = 1;

/** Frames whose x/y/z are a position (MAV_FRAME common.xml: global and relative, float and int, terrain). */
export const POSITION_FRAMES: ReadonlySet<number> = new Set([0, 3, 5, 6, 10, 11]);

/** What an export needs: the stored items, where home is, and the fence the launch would send. */
export interface PlanExportInput {
  items: MissionItem[];
  home: LonLat;
  speedMps: number;
  autopilot: keyof typeof QGC_FIRMWARE;
  fence?: { inclusion: [number, number][][]; exclusions: [number, number][][]; rally: LonLatAlt[]; maxAltM?: number };
}

const nullable = (v: number): number | null => (Number.isFinite(v) ? v : null);
/** GeoJSON-order ring [lon, lat] → QGC polygon [lat, lon], without GeoJSON's closing vertex. */
const qgcRing = (ring: [number, number][]): [number, number][] => openRing(ring).map(([lon, lat]) => [lat, lon]);

function simpleItem(i: MissionItem): QgcSimpleItem {
  const positioned = POSITION_FRAMES.has(i.frame);
  const lat = positioned ? fromDegE7(i.x) : i.x;
  const lon = positioned ? fromDegE7(i.y) : i.y;
  return {
    type: 'SimpleItem',
    autoContinue: i.autocontinue === 1,
    command: i.command,
    doJumpId: i.seq + 1,
    frame: i.frame,
    params: [i.param1, i.param2, i.param3, i.param4, lat, lon, i.z].map(nullable),
    ...(positioned ? { AMSLAltAboveTerrain: null, Altitude: i.z, AltitudeMode: i.frame === MAV_FRAME.GLOBAL_RELATIVE_ALT || i.frame === 6 ? QGC_ALT_RELATIVE : 2 } : {}),
  };
}

/**
 * A planned mission as a `.plan` file. The stored items carry no home placeholder (the link adds
 * ArduPilot's item 0), which is also how QGC keeps them: home goes in `plannedHomePosition`. The home's
 * height above sea level is not known to the platform; 0 is written and every item is relative to launch.
 */
export function toQgcPlan(p: PlanExportInput): QgcPlan {
  return {
    fileType: 'Plan',
    version: 1,
    groundStation: 'citybrain',
    mission: {
      version: 2,
      firmwareType: QGC_FIRMWARE[p.autopilot],
      vehicleType: QGC_VEHICLE_QUADROTOR,
      cruiseSpeed: p.speedMps,
      hoverSpeed: p.speedMps,
      globalPlanAltitudeMode: QGC_ALT_RELATIVE,
      plannedHomePosition: [p.home.lat, p.home.lon, 0],
      items: p.items.map(simpleItem),
    },
    geoFence: {
      version: 2,
      polygons: [...(p.fence?.inclusion ?? []).map((r) => ({ inclusion: true, polygon: qgcRing(r), version: 1 as const })), ...(p.fence?.exclusions ?? []).map((r) => ({ inclusion: false, polygon: qgcRing(r), version: 1 as const }))],
      circles: [],
    },
    rallyPoints: { version: 2, points: (p.fence?.rally ?? []).map((r) => [r.lat, r.lon, r.altM]) },
  };
}
