/**
 * The browser tests' and bench:console's window into the map (docs/console.md "Test hook"). Off unless the
 * console's URL carries `?testhook`: then `window.__cityMap` is the map on screen, so a test can ask
 * MapLibre what it drew (`queryRenderedFeatures`) and where a coordinate is (`project`). Nothing in the
 * console reads it back.
 */
import type { CityMap } from './map/city-map.js';

export interface TestHookWindow {
  __cityMap?: CityMap;
}

export const testHookEnabled = (): boolean => new URLSearchParams(location.search).has('testhook');

/** Exposes the map on screen as `window.__cityMap` when the hook is on; a no-op otherwise. */
export function exposeMap(map: CityMap | undefined): void {
  if (!testHookEnabled()) return;
  const w = window as unknown as TestHookWindow;
  if (map) w.__cityMap = map;
  else delete w.__cityMap;
}
