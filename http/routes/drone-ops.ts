/**
 * `/api/v1/airspace`, `/docks`, `/drone-types`, `/drones`, `/missions`, `/patrols` (issue #4 part 7),
 * behind the bearer token. GeoJSON in and out; refusals are AppErrors from the port.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { errorResponses } from '../schemas.js';
import { actorOf } from '../scope.js';
import type { DroneOpsPort } from './drone-ops.port.js';
import { qgcPlanRoutes } from './qgc-plan.js';
import { MISSION_COLUMNS } from '../csv-columns.js';
import { pagesOf, sendCsv, wantsCsv } from '../csv.js';
import { missionFeature, pointFeature, sendGeoJson } from '../geojson.js';
import { GeoPageQuery, pageOf, PageQuery, slicePage, type PageQueryT } from '../page.js';
import {
  AirspaceOut,
  AnyObject,
  DispatchBody,
  DockBody,
  DockReportBody,
  DroneBody,
  DroneTypeBody,
  FerryBody,
  FeatureOut,
  IdParam,
  MissionOut,
  MissionQuery,
  TelemetryQuery,
  PatrolBody,
  PatrolPatchBody,
  PlanBody,
  ScheduleBody,
  ZoneFeatureIn,
  type DispatchBodyT,
  type DockBodyT,
  type DockReportBodyT,
  type DroneBodyT,
  type TelemetryQueryT,
  type DroneTypeBodyT,
  type FerryBodyT,
  type MissionQueryT,
  type PatrolBodyT,
  type PatrolPatchBodyT,
  type PlanBodyT,
  type ScheduleBodyT,
  type ZoneFeatureInT,
} from './drone-ops.schemas.js';

const base = { tags: ['drone-ops'], security: [{ bearerAuth: [] }] };
type Id = { Params: { id: string } };
const list = <T extends object>(t: T) => Type.Array(t as never);

export function droneOpsRoutes(ops: DroneOpsPort) {
  return async (app: FastifyInstance): Promise<void> => {
    airspace(app, ops);
    fleet(app, ops);
    missions(app, ops);
    qgcPlanRoutes(app, ops);
    patrols(app, ops);
  };
}

function airspace(app: FastifyInstance, ops: DroneOpsPort): void {
  app.get('/airspace', { schema: { ...base, summary: 'Operation areas, no-fly zones and the ceiling (GeoJSON)', response: { 200: AirspaceOut, ...errorResponses } } }, () => ops.airspace());
  app.post<{ Body: ZoneFeatureInT }>(
    '/airspace/zones',
    { schema: { ...base, summary: 'Create or replace a no-fly zone (Polygon, MultiPolygon, or Point + radiusM)', body: ZoneFeatureIn, response: { 201: FeatureOut, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(await ops.putZone(req.body)),
  );
  app.delete<Id>('/airspace/zones/:id', { schema: { ...base, summary: 'Delete a no-fly zone', params: IdParam, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await ops.deleteZone(req.params.id);
    return reply.code(204).send();
  });
  app.put<{ Body: { ceilingM: number } }>(
    '/airspace/ceiling',
    { schema: { ...base, summary: 'Set the ceiling (default 120 m)', body: Type.Object({ ceilingM: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }), response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await ops.setCeiling(req.body.ceilingM);
      return reply.code(204).send();
    },
  );
}

function fleet(app: FastifyInstance, ops: DroneOpsPort): void {
  app.get<{ Querystring: PageQueryT }>('/drone-types', { schema: { ...base, summary: 'Drone types, paged', querystring: PageQuery, response: { 200: pageOf(AnyObject), ...errorResponses } } }, async (req) => slicePage(await ops.listDroneTypes(), req.query));
  app.post<{ Body: DroneTypeBodyT }>('/drone-types', { schema: { ...base, summary: 'Create or replace a drone type', body: DroneTypeBody, response: { 201: AnyObject, ...errorResponses } } }, async (req, reply) =>
    reply.code(201).send(await ops.putDroneType(req.body)),
  );
  app.get<{ Querystring: PageQueryT }>('/docks', { schema: { ...base, summary: 'Docks with their state, paged (GeoJSON points with ?format=geojson)', querystring: GeoPageQuery, response: { 200: pageOf(AnyObject), ...errorResponses } } }, async (req, reply) => {
    const page = slicePage(await ops.listDocks(), req.query);
    return sendGeoJson(req, reply, page.items, (d) => pointFeature(d, 'location'), page) ? reply : page;
  });
  app.post<{ Body: DockBodyT }>('/docks', { schema: { ...base, summary: 'Register a dock', body: DockBody, response: { 201: AnyObject, ...errorResponses } } }, async (req, reply) =>
    reply.code(201).send(await ops.createDock(req.body)),
  );
  app.get<Id>('/docks/:id', { schema: { ...base, summary: 'One dock', params: IdParam, response: { 200: AnyObject, ...errorResponses } } }, (req) => ops.getDock(req.params.id));
  app.put<Id & { Body: DockReportBodyT }>('/docks/:id/state', { schema: { ...base, summary: "A dock's state report (status, wind, rain)", params: IdParam, body: DockReportBody, response: { 200: AnyObject, ...errorResponses } } }, (req) =>
    ops.reportDock(req.params.id, req.body),
  );
  app.get<{ Querystring: PageQueryT }>('/drones', { schema: { ...base, summary: 'Drones, paged (GeoJSON points at the last position with ?format=geojson)', querystring: GeoPageQuery, response: { 200: pageOf(AnyObject), ...errorResponses } } }, async (req, reply) => {
    const page = slicePage(await ops.listDrones(), req.query);
    return sendGeoJson(req, reply, page.items, (d) => pointFeature(d, 'position'), page) ? reply : page;
  });
  app.post<{ Body: DroneBodyT }>('/drones', { schema: { ...base, summary: 'Register a drone in a dock', body: DroneBody, response: { 201: AnyObject, ...errorResponses } } }, async (req, reply) =>
    reply.code(201).send(await ops.createDrone(req.body)),
  );
  app.get<Id>('/drones/:id', { schema: { ...base, summary: 'One drone', params: IdParam, response: { 200: AnyObject, ...errorResponses } } }, (req) => ops.getDrone(req.params.id));
  app.get<Id & { Querystring: TelemetryQueryT }>(
    '/drones/:id/telemetry',
    { schema: { ...base, summary: "A drone's telemetry history (lon, lat, altM, batteryPct, missionSeq per second of flight)", params: IdParam, querystring: TelemetryQuery, response: { 200: AnyObject, ...errorResponses } } },
    (req) => ops.droneTelemetry(req.params.id, req.query),
  );
  app.post<Id & { Body: FerryBodyT | undefined }>(
    '/drones/:id/ferry',
    { schema: { ...base, summary: 'Fly a drone that landed away from its dock home to it (a checked ferry mission ending in NAV_LAND on the dock)', params: IdParam, body: FerryBody, response: { 201: MissionOut, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(await ops.ferry(req.params.id, req.body ?? {}, actorOf(req))),
  );
}

function missions(app: FastifyInstance, ops: DroneOpsPort): void {
  app.post<{ Body: PlanBodyT }>('/missions/validate', { schema: { ...base, summary: 'Plan without storing: the mission(s) or the refusal as a value', body: PlanBody, response: { 200: AnyObject, ...errorResponses } } }, (req) =>
    ops.validate(req.body),
  );
  app.post<{ Body: PlanBodyT }>(
    '/missions',
    { schema: { ...base, summary: 'Plan (and, with `schedule`, schedule) a mission; long routes become sorties', body: PlanBody, response: { 201: Type.Object({ missions: list(MissionOut) }), ...errorResponses } } },
    async (req, reply) => reply.code(201).send({ missions: await ops.plan(req.body, actorOf(req)) }),
  );
  app.get<{ Querystring: MissionQueryT }>('/missions', { schema: { ...base, summary: 'Missions, newest first, paged (GeoJSON routes with ?format=geojson)', querystring: MissionQuery, response: { 200: pageOf(MissionOut), ...errorResponses } } }, async (req, reply) => {
    if (wantsCsv(req)) return sendCsv(req, reply, 'missions.csv', MISSION_COLUMNS, pagesOf((limit, offset) => ops.listMissions({ ...req.query, limit, offset })));
    const q = { ...req.query, limit: req.query.limit ?? 100, offset: req.query.offset ?? 0 };
    const page = { ...(await ops.listMissions(q)), limit: q.limit, offset: q.offset };
    return sendGeoJson(req, reply, page.items, missionFeature, page) ? reply : page;
  });
  app.get<Id>('/missions/:id', { schema: { ...base, summary: 'One mission with its history', params: IdParam, response: { 200: MissionOut, ...errorResponses } } }, (req) => ops.getMission(req.params.id));
  app.post<Id & { Body: ScheduleBodyT | undefined }>(
    '/missions/:id/schedule',
    { schema: { ...base, summary: 'Reserve the airspace and schedule the launch (now, at a time, or on conditions)', params: IdParam, body: ScheduleBody, response: { 200: MissionOut, ...errorResponses } } },
    (req) => ops.schedule(req.params.id, req.body ?? {}, actorOf(req)),
  );
  app.post<Id>('/missions/:id/cancel', { schema: { ...base, summary: 'Cancel before launch, or abort in flight (return to launch)', params: IdParam, response: { 200: MissionOut, ...errorResponses } } }, (req) =>
    ops.cancel(req.params.id, actorOf(req)),
  );
  app.post<Id>('/missions/:id/resume', { schema: { ...base, summary: 'Breakpoint resume: fly the rest of an aborted or failed mission from its last reached item', params: IdParam, response: { 201: MissionOut, ...errorResponses } } }, async (req, reply) =>
    reply.code(201).send(await ops.resume(req.params.id, actorOf(req))),
  );
  app.post<{ Body: DispatchBodyT }>(
    '/missions/dispatch',
    { schema: { ...base, summary: 'Emergency point inspection from the nearest available dock', body: DispatchBody, response: { 201: AnyObject, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(await ops.dispatch(req.body, actorOf(req))),
  );
}

function patrols(app: FastifyInstance, ops: DroneOpsPort): void {
  app.get<{ Querystring: PageQueryT }>('/patrols', { schema: { ...base, summary: 'Recurring patrols, paged', querystring: PageQuery, response: { 200: pageOf(AnyObject), ...errorResponses } } }, async (req) => slicePage(await ops.listPatrols(), req.query));
  app.post<{ Body: PatrolBodyT }>('/patrols', { schema: { ...base, summary: 'Create a recurring patrol (cron with a time zone, Asia/Shanghai by default)', body: PatrolBody, response: { 201: AnyObject, ...errorResponses } } }, async (req, reply) =>
    reply.code(201).send(await ops.createPatrol(req.body)),
  );
  app.patch<Id & { Body: PatrolPatchBodyT }>('/patrols/:id', { schema: { ...base, summary: 'Pause or resume a patrol, or change its name, cron, zone or area (a new area is checked as on create)', params: IdParam, body: PatrolPatchBody, response: { 200: AnyObject, ...errorResponses } } }, async (req) =>
    ops.updatePatrol(req.params.id, req.body),
  );
  app.delete<Id>('/patrols/:id', { schema: { ...base, summary: 'Delete a patrol and its schedule', params: IdParam, response: { 204: Type.Null(), ...errorResponses } } }, async (req, reply) => {
    await ops.deletePatrol(req.params.id);
    return reply.code(204).send();
  });
}
