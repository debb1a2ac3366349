/** `/api/v1/devices`: provisioning, lookup, change, credentials (behind the bearer token). */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { DevicesPort, DeviceView, HttpDeps, RawPoint, ReadingsPort } from '../deps.js';
import { DEVICE_COLUMNS } from '../csv-columns.js';
import { pagesOf, sendCsv, wantsCsv } from '../csv.js';
import { pointFeature, sendGeoJson } from '../geojson.js';
import { devicesIn, scopeOf } from '../scope.js';
import { parseTime } from '../query.js';
import { cityIso } from '../enrich.js';
import { AppError } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/clock.js';
import {
  Credentials,
  DeviceCreate,
  DeviceDetail,
  DeviceList,
  DeviceListQuery,
  DevicePatch,
  DeviceView as DeviceViewSchema,
  IdParams,
  PresenceQuery,
  PresenceResult,
  RotateBody,
  RotateResult,
  errorResponses,
} from '../schemas.js';

const base = { tags: ['devices'], security: [{ bearerAuth: [] }] };
type Id = { Params: Static<typeof IdParams> };

export function deviceRoutes(deps: Pick<HttpDeps, 'devices' | 'readings' | 'clock'>) {
  return async (app: FastifyInstance): Promise<void> => {
    createAndList(app, deps.devices);
    getOne(app, deps.devices, deps.readings);
    presence(app, deps.devices, deps.clock);
    change(app, deps.devices);
    credentials(app, deps.devices);
  };
}

function createAndList(app: FastifyInstance, devices: DevicesPort): void {
  app.post<{ Body: Static<typeof DeviceCreate> }>(
    '/devices',
    {
      schema: {
        ...base,
        summary: 'Provision a device; the secret is returned once',
        body: DeviceCreate,
        response: { 201: Type.Object({ device: DeviceViewSchema, credentials: Credentials }), ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send(await devicesIn(devices, scopeOf(req)).create(req.body)),
  );

  app.get<{ Querystring: Static<typeof DeviceListQuery> }>(
    '/devices',
    {
      schema: {
        ...base,
        summary: 'List devices, filtered by kind, district and presence, paged (GeoJSON points with ?format=geojson)',
        querystring: DeviceListQuery,
        response: { 200: DeviceList, ...errorResponses },
      },
    },
    async (req, reply) => {
      const scoped = devicesIn(devices, scopeOf(req));
      if (wantsCsv(req)) return sendCsv(req, reply, 'devices.csv', DEVICE_COLUMNS, pagesOf((limit, offset) => scoped.list({ ...req.query, limit, offset })));
      const page = { ...(await scoped.list(req.query)), limit: req.query.limit, offset: req.query.offset };
      return sendGeoJson(req, reply, page.items as unknown as Record<string, unknown>[], (d) => pointFeature(d, 'location'), page) ? reply : page;
    },
  );
}

function getOne(app: FastifyInstance, devices: DevicesPort, readings: ReadingsPort): void {
  // The device view stays useful while the telemetry store is down: latest is null, not a 503.
  async function latestOrNull(log: FastifyBaseLogger, device: DeviceView): Promise<Record<string, RawPoint> | null> {
    try {
      return await readings.latest(device.id);
    } catch (err) {
      log.warn({ err, deviceId: device.id }, 'latest readings unavailable');
      return null;
    }
  }

  app.get<Id>(
    '/devices/:id',
    {
      schema: {
        ...base,
        summary: 'One device with presence, last violation and latest metrics',
        params: IdParams,
        response: { 200: DeviceDetail, ...errorResponses },
      },
    },
    async (req) => {
      const device = await devicesIn(devices, scopeOf(req)).get(req.params.id);
      return { ...device, latest: await latestOrNull(req.log, device) };
    },
  );
}

const DAY_MS = 86_400_000;

function presence(app: FastifyInstance, devices: DevicesPort, clock: Clock): void {
  app.get<Id & { Querystring: Static<typeof PresenceQuery> }>(
    '/devices/:id/presence',
    {
      schema: {
        ...base,
        summary: 'Presence timeline: online/offline intervals over a range (default the last 24 hours)',
        params: IdParams,
        querystring: PresenceQuery,
        response: { 200: PresenceResult, ...errorResponses },
      },
    },
    async (req) => {
      const to = req.query.to === undefined ? clock.now() : parseTime(req.query.to, 'to');
      const from = req.query.from === undefined ? to - DAY_MS : parseTime(req.query.from, 'from');
      if (from >= to) throw new AppError('QUERY_INVALID', { message: 'from must be before to', details: { param: 'from' } });
      const intervals = await devicesIn(devices, scopeOf(req)).presenceHistory(req.params.id, from, to);
      return { deviceId: req.params.id, from, to, intervals: intervals.map((i) => ({ ...i, startAtIso: cityIso(i.startAt), endAtIso: cityIso(i.endAt) })) };
    },
  );
}

function change(app: FastifyInstance, devices: DevicesPort): void {
  app.patch<Id & { Body: Static<typeof DevicePatch> }>(
    '/devices/:id',
    {
      schema: {
        ...base,
        summary: 'Change name, asset, location or tags (null clears name and asset)',
        params: IdParams,
        body: DevicePatch,
        response: { 200: DeviceViewSchema, ...errorResponses },
      },
    },
    async (req) => devicesIn(devices, scopeOf(req)).update(req.params.id, req.body),
  );

  app.delete<Id>(
    '/devices/:id',
    { schema: { ...base, summary: 'Delete a device', params: IdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      await devicesIn(devices, scopeOf(req)).delete(req.params.id);
      return reply.code(204).send();
    },
  );
}

function credentials(app: FastifyInstance, devices: DevicesPort): void {
  app.post<Id & { Body: Static<typeof RotateBody> | undefined }>(
    '/devices/:id/credentials/rotate',
    {
      config: { access: 'credentials:write' },
      schema: {
        ...base,
        summary: 'Issue a new secret; the old one stays valid for overlapMs (default: stops at once)',
        params: IdParams,
        body: RotateBody,
        response: { 200: RotateResult, ...errorResponses },
      },
      // The body is optional: `POST .../rotate` with none means "no overlap".
      preValidation: async (req) => {
        req.body ??= {};
      },
    },
    async (req) => devicesIn(devices, scopeOf(req)).rotateCredentials(req.params.id, req.body?.overlapMs),
  );

  app.post<Id>(
    '/devices/:id/revoke',
    {
      config: { access: 'credentials:write' },
      schema: {
        ...base,
        summary: 'Revoke the credentials and disconnect the device',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await devicesIn(devices, scopeOf(req)).revoke(req.params.id);
      return reply.code(204).send();
    },
  );
}
