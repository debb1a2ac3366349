/** The sample city the simulators place devices in (read from the registry's shipped data file, not its code). */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection } from 'geojson';

/** Qingdao's 10 districts (domain.md), the file the platform itself loads. */
export const QINGDAO_DISTRICTS = fileURLToPath(new URL('../device-registry/city/qingdao-districts.geojson', import.meta.url));

export async function loadDistrictsGeoJson(file: string = QINGDAO_DISTRICTS): Promise<FeatureCollection> {
  return JSON.parse(await readFile(file, 'utf8')) as FeatureCollection;
}
