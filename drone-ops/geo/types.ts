/** Shared value types of the drone-ops geometry. Positions are WGS84 degrees; altitudes are metres. */

export interface LonLat {
  lon: number;
  lat: number;
}

export interface LonLatAlt extends LonLat {
  /** Metres above the take-off point (MAVLink GLOBAL_RELATIVE_ALT), unless a field says otherwise. */
  altM: number;
}

/** A point in a local tangent plane: east and north of the plane's origin, in metres. */
export interface XY {
  x: number;
  y: number;
}

/** A closed ring in the plane; the first vertex is not repeated at the end. */
export type Ring = XY[];

/** A polygon in the plane: rings[0] is the outer ring, the rest are holes (even-odd rule). */
export interface PlanePolygon {
  rings: Ring[];
}

export interface BBox {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** GeoJSON geometry values the core accepts (RFC 7946 positions: [lon, lat]). */
export interface GeoPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}
export interface GeoMultiPolygon {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}
export type GeoArea = GeoPolygon | GeoMultiPolygon;

/** A footprint in lon/lat: a GeoJSON area or a circle. */
export type Footprint = GeoArea | { type: 'Circle'; center: LonLat; radiusM: number };
