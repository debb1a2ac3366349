/**
 * District scope applied to the ports (docs/access.md "District scope"): one wrapper per port, built
 * per request from the caller's scope. A city-wide caller gets the port itself. A district-scoped caller
 * sees lists narrowed to their districts, and anything outside them answers the resource's own 404 —
 * a 403 would confirm that the thing exists. Creating something outside the scope is SCOPE_EXCEEDED.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../kernel/errors.js';
import { DistrictScope } from '../kernel/scope.js';
import type { AlertsPort, AlertView, DevicesPort, FeatureCollection, IncidentsPort, IntegrationsPort, LonLat, SilencesPort, WebhooksPort } from './deps.js';

export function scopeOf(req: FastifyRequest): DistrictScope {
  return req.principal?.scope ?? DistrictScope.CITY;
}

/** The name histories record for a request: the authenticated caller, never a body field. */
export function actorOf(req: FastifyRequest): string {
  return req.principal?.username ?? 'anonymous';
}

const outside = (what: string) => new AppError('SCOPE_EXCEEDED', { message: `${what} is outside your districts` });

export function devicesIn(port: DevicesPort, scope: DistrictScope): DevicesPort {
  if (scope.city) return port;
  const visible = async (id: string) => {
    const d = await port.get(id);
    if (!scope.allows(d.district)) throw new AppError('DEVICE_NOT_FOUND', { details: { id } });
    return d;
  };
  const placeable = (loc: LonLat) => {
    if (!scope.allows(port.districtAt(loc))) throw outside('That location');
  };
  return {
    create: async (input) => {
      placeable(input.location);
      return port.create(input);
    },
    get: visible,
    list: (q) => port.list({ ...q, districts: scope.narrow(q.districts) }),
    update: async (id, patch) => {
      await visible(id);
      if (patch.location) placeable(patch.location);
      return port.update(id, patch);
    },
    delete: async (id) => port.delete((await visible(id)).id),
    rotateCredentials: async (id, overlapMs) => port.rotateCredentials((await visible(id)).id, overlapMs),
    revoke: async (id) => port.revoke((await visible(id)).id),
    import: () => Promise.reject(new AppError('SCOPE_EXCEEDED', { message: 'Bulk import needs a city-wide scope; provision devices one by one' })),
    districtAt: (loc) => port.districtAt(loc),
    presenceHistory: async (id, from, to) => port.presenceHistory((await visible(id)).id, from, to),
  };
}

/** An alert's district: top level or in its labels (rules-engine Alert). */
export function alertDistrict(a: AlertView): string | null {
  if (typeof a.district === 'string') return a.district;
  const labels = a.labels as Record<string, unknown> | null | undefined;
  return typeof labels?.district === 'string' ? labels.district : null;
}

export function alertsIn(port: AlertsPort, scope: DistrictScope): AlertsPort {
  if (scope.city) return port;
  const visible = async (id: string) => {
    const a = await port.get(id);
    if (!scope.allows(alertDistrict(a))) throw new AppError('ALERT_NOT_FOUND', { details: { id } });
    return a;
  };
  const dispatch = port.dispatch?.bind(port);
  return {
    list: (q) => port.list({ ...q, districts: scope.narrow(q.districts) }),
    get: visible,
    act: async (id, action, body) => port.act((await visible(id)).id, action, body),
    kpis: (q) => port.kpis({ ...q, districts: scope.narrow(q.districts) }),
    ...(dispatch ? { dispatch: async (id: string, body: { by?: string; note?: string }) => dispatch((await visible(id)).id, body) } : {}),
  };
}

export function incidentsIn(port: IncidentsPort, scope: DistrictScope): IncidentsPort {
  return scope.city ? port : { list: (districts) => port.list(scope.narrow(districts)) };
}

export function silencesIn(port: SilencesPort, scope: DistrictScope): SilencesPort {
  if (scope.city) return port;
  const list = async () => (await port.list()).filter((s) => scope.allows(s.matchers.district));
  return {
    list,
    create: async (input) => {
      if (!scope.allows(input.matchers.district)) throw outside('A silence without matchers.district, or one');
      return port.create(input);
    },
    delete: async (id) => {
      if (!(await list()).some((s) => s.id === id)) throw new AppError('SILENCE_NOT_FOUND', { details: { id } });
      return port.delete(id);
    },
  };
}

/** Webhooks of a district scope carry a district filter inside it (given, or set to the whole scope). */
export function webhooksIn(port: WebhooksPort, scope: DistrictScope): WebhooksPort {
  if (scope.city) return port;
  const list = async () => (await port.list()).filter((w) => (w.filter.districts?.length ?? 0) > 0 && scope.covers(w.filter.districts));
  const visible = async (id: string) => {
    if (!(await list()).some((w) => w.id === id)) throw new AppError('WEBHOOK_NOT_FOUND', { details: { id } });
    return id;
  };
  return {
    create: (input) => {
      const asked = input.filter?.districts;
      if (asked !== undefined && asked.length > 0 && !scope.covers(asked)) return Promise.reject(outside('A district in filter.districts'));
      return port.create({ ...input, filter: { ...input.filter, districts: asked !== undefined && asked.length > 0 ? asked : scope.districts! } });
    },
    list,
    delete: async (id) => port.delete(await visible(id)),
    deliveries: async (id, q) => port.deliveries(await visible(id), q),
  };
}

/** MQTT integration clients of a district scope read only districts inside it (default: the whole scope). */
export function integrationsIn(port: IntegrationsPort, scope: DistrictScope): IntegrationsPort {
  if (scope.city) return port;
  const list = async () => (await port.list()).filter((i) => i.districts !== null && scope.covers(i.districts));
  return {
    create: (name, districts) => {
      if (districts !== undefined && !scope.covers(districts)) return Promise.reject(outside('A district in districts'));
      return port.create(name, districts === undefined || (districts !== null && districts.length === 0) ? scope.districts : districts);
    },
    list,
    delete: async (name) => {
      if (!(await list()).some((i) => i.name === name)) throw new AppError('INTEGRATION_NOT_FOUND', { details: { name } });
      return port.delete(name);
    },
  };
}

/** The district scope's own features of the city's districts. */
export function districtsIn(fc: FeatureCollection, scope: DistrictScope): FeatureCollection {
  if (scope.city) return fc;
  return { ...fc, features: fc.features.filter((f) => scope.allows(String(f.id ?? f.properties?.id ?? ''))) };
}
