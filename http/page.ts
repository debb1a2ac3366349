/**
 * One paging convention for every list (as `/devices` and `/alerts` have it): `?limit` (1–1000, default
 * 100) and `?offset` (default 0) in, `{items, total, limit, offset}` out, newest or by id as each list says.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { FormatParam } from './geojson.js';

export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 100 });
export const Offset = Type.Integer({ minimum: 0, default: 0 });
export const PageQuery = Type.Object({ limit: Limit, offset: Offset });
/** A page of a list a map can show: also `format`. */
export const GeoPageQuery = Type.Object({ limit: Limit, offset: Offset, format: FormatParam });
export type PageQueryT = Static<typeof PageQuery>;

export const pageOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** A page of a list held whole (docks, drones, types, patrols: tens to a few hundred). */
export function slicePage<T>(all: readonly T[], q: { limit?: number; offset?: number }): Page<T> {
  const limit = q.limit ?? 100;
  const offset = q.offset ?? 0;
  return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
}
