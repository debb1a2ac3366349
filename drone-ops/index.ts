/**
 * drone-ops pure core (issue #4): geometry in a local tangent plane, airspace checks, planners,
 * MAVLink mission items, energy and sorties, dock choice, deconfliction. Values in, values out.
 * See docs/drone-ops.md.
 */
export type { LonLat, LonLatAlt, XY, Ring, PlanePolygon, BBox, GeoPolygon, GeoMultiPolygon, GeoArea, Footprint } from './geo/types.js';
export { LocalPlane, distanceM, normalRadius, meridianRadius } from './geo/enu.js';
export {
  EDGE_EPS_M,
  pointInRings,
  classifyPoint,
  distToSegment,
  distToRings,
  segmentInsideAny,
  insideIntervals,
  circleIntervals,
  circleToRing,
  type Interval,
} from './geo/plane.js';
export { projectArea, projectFootprint, shapeIntervals, areaCentre, type PlaneShape } from './geo/shapes.js';
export { segmentsMeet, polygonsIntersect, shapesIntersect } from './geo/intersect.js';
export {
  DEFAULT_CEILING_M,
  SAMPLE_JIAODONG_AIRPORT_ZONE,
  createAirspace,
  operationAreasFromDistricts,
  zoneActive,
  zonesToAvoid,
  checkPath,
  airspaceNear,
  type Airspace,
  type NoFlyZone,
  type OperationArea,
  type TimeWindow,
  type PathCheck,
  type PathViolation,
  type ViolationKind,
  type CheckOptions,
} from './airspace.js';
export type { Route, RoutePoint, RouteKind } from './planner/types.js';
export { planCoverage, planCoverageParts, type CoverageOptions } from './planner/coverage.js';
export { planCorridor, corridorOffsets, corridorPolygon, offsetLine, type CorridorOptions } from './planner/corridor.js';
export { planPoint, planWaypoints, type PointOptions } from './planner/point.js';
export { buildMission, toDegE7, fromDegE7, MAV_CMD, MAV_FRAME, MAV_MISSION_TYPE, SPEED_ITEM_SEQ, FIRST_ROUTE_SEQ, type Mission, type MissionItem } from './planner/mission.js';
export { estimateFlight, splitIntoSorties, usableS, legS, type DroneType, type FlightEstimate, type Sortie, type SortieSplit } from './energy.js';
export {
  chooseDock,
  type DockState,
  type DockStatus,
  type DockWeather,
  type DockChoice,
  type DockChoiceOptions,
  type DockCandidate,
  type DockRejection,
  type DockRejectCode,
} from './dock-choice.js';
export { airborne, conflicts, IntentBook, PRIORITY, type Intent, type IntentState, type Volume4D, type CommitResult, type IntentBookOptions } from './deconfliction.js';
export { GridIndex } from './intent-index.js';
export { toQgcPlan, QGC_FIRMWARE, type QgcPlan, type QgcSimpleItem, type PlanExportInput } from './qgc/plan-file.js';
export { fromQgcPlan, type QgcImport, type QgcFence, type QgcWarning } from './qgc/plan-import.js';
