/**
 * Every list as a GeoJSON FeatureCollection (RFC 7946) for a map: asked for with `Accept:
 * application/geo+json` or `?format=geojson` (for a link or a tool that cannot set headers). The same
 * filters, paging and district scope apply; the page fields (`total`, `limit`, `offset`) ride along as
 * foreign members (RFC 7946 §6.1). Properties are the JSON view without the geometry it came from.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';

export const GEOJSON_TYPE = 'application/geo+json';

/** The `format` query parameter every list takes. */
export const FormatParam = Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('geojson'), Type.Literal('csv')], { description: `\`geojson\`: a FeatureCollection (same as \`Accept: ${GEOJSON_TYPE}\`); \`csv\`: every match as CSV (same as \`Accept: text/csv\`)` }));

type View = Record<string, unknown>;
type Geometry = { type: string; coordinates: unknown } | null;
export interface Feature {
  type: 'Feature';
  id?: string;
  geometry: Geometry;
  properties: View;
}

export function wantsGeoJson(req: FastifyRequest): boolean {
  const format = (req.query as { format?: unknown } | undefined)?.format;
  if (format !== undefined) return format === 'geojson';
  const accept = req.headers.accept ?? '';
  return accept.includes(GEOJSON_TYPE);
}

const isLonLat = (v: unknown): v is { lon: number; lat: number } => typeof v === 'object' && v !== null && typeof (v as { lon?: unknown }).lon === 'number' && typeof (v as { lat?: unknown }).lat === 'number';

/** A Point from a `{lon, lat, altM?}` field (null geometry when absent: RFC 7946 §3.2 allows it). */
export function pointFeature(view: View, field: string): Feature {
  const { [field]: at, ...properties } = view;
  const alt = isLonLat(at) ? (at as { altM?: unknown }).altM : undefined;
  const geometry = isLonLat(at) ? { type: 'Point', coordinates: typeof alt === 'number' ? [at.lon, at.lat, alt] : [at.lon, at.lat] } : null;
  return { type: 'Feature', ...(typeof view.id === 'string' ? { id: view.id } : {}), geometry, properties: { ...properties, ...(isLonLat(at) ? {} : { [field]: at ?? null }) } };
}

/** An alert: its point (impact centre, else the subject's location) and, when it has one, its impact area. */
export function alertFeatures(a: View): Feature[] {
  const impact = a.impact as { center?: unknown; area?: { geometry?: Geometry } } | null | undefined;
  const labels = a.labels as { location?: unknown } | undefined;
  const at = isLonLat(impact?.center) ? impact.center : labels?.location;
  const { impact: _impact, ...rest } = a;
  const point: Feature = { type: 'Feature', id: String(a.id), geometry: isLonLat(at) ? { type: 'Point', coordinates: [at.lon, at.lat] } : null, properties: { ...rest, feature: 'alert' } };
  if (!impact?.area?.geometry) return [point];
  const { area: _area, ...impactProps } = impact as View;
  return [point, { type: 'Feature', id: `${String(a.id)}.impact`, geometry: impact.area.geometry, properties: { alertId: a.id, severity: a.severity, status: a.status, feature: 'impact', ...impactProps } }];
}

/** A mission: its planned route (a LineString Feature in the view); the flown track is the drone's telemetry. */
export function missionFeature(m: View): Feature {
  const { route, ...properties } = m;
  const geometry = (route as { geometry?: Geometry } | undefined)?.geometry ?? null;
  return { type: 'Feature', id: String(m.id), geometry, properties };
}

/** Sends the FeatureCollection when asked for one and returns true; otherwise false (answer JSON as usual). */
export function sendGeoJson(req: FastifyRequest, reply: FastifyReply, items: readonly View[], toFeatures: (v: View) => Feature | Feature[], page: object = {}): boolean {
  if (!wantsGeoJson(req)) return false;
  const features = items.flatMap((v) => toFeatures(v));
  const { items: _items, ...meta } = page as View;
  void reply.type(GEOJSON_TYPE).serializer(JSON.stringify).send({ type: 'FeatureCollection', features, ...meta });
  return true;
}
