/**
 * The URL switches that bring back a renderer's "before" (docs/console.md "Test hook"), so bench:console
 * can measure a cut and what it replaced in the same run. Nothing else sets them.
 */
const param = (name: string): string | null => new URLSearchParams(location.search).get(name);

/**
 * The fleet is drawn at most this often (drones report at 1 Hz). `?fleetMs=0` draws on every change, as
 * before that cut.
 */
export function fleetIntervalFromUrl(): number {
  const v = Number(param('fleetMs') ?? 1000);
  return Number.isFinite(v) && v >= 0 ? v : 1000;
}

/**
 * Symbol fade after each placement. MapLibre's default (300 ms) repaints every frame for 300 ms after
 * each drone report: with 56 drones at 1 Hz under SwiftShader that is a third of all frames. Off here;
 * `?fade=300` restores it.
 */
export function fadeFromUrl(): number {
  const v = Number(param('fade'));
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** `?devices=dom` selects the naive device renderer (bench:console's baseline). */
export function deviceRendererFromUrl(): 'layer' | 'dom' | undefined {
  return param('devices') === 'dom' ? 'dom' : undefined;
}

/** `?fleet=layer` draws live drones and tracks inside the WebGL map on every view (before that cut). */
export function fleetRendererFromUrl(): 'layer' | 'markers' | undefined {
  const v = param('fleet');
  return v === 'layer' || v === 'markers' ? v : undefined;
}
