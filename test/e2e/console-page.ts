/** What the console's map drew, asked of MapLibre through the console's test hook (`/?testhook`, docs/console.md). */
import type { Page } from 'playwright-core';

/** Features of a map layer currently drawn (MapLibre's own query, i.e. on the canvas, not in our state); -1 before the style has it. */
export async function rendered(page: Page, layer: string): Promise<number> {
  return page.evaluate((l) => {
    const m = (globalThis as unknown as { __cityMap?: { map: { getLayer(id: string): unknown; queryRenderedFeatures(o: { layers: string[] }): unknown[] } } }).__cityMap;
    // A map just created has no style yet: asking for its layers then is an error MapLibre logs.
    return m && m.map.getLayer(l) ? m.map.queryRenderedFeatures({ layers: [l] }).length : -1;
  }, layer);
}
