/** Small pieces every view uses: severity as colour and text, the live map, status text. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './api.js';
import type { City } from './city.js';
import { onLang, t, type MessageKey } from './i18n/index.js';
import { CityMap, type CityMapOptions } from './map/city-map.js';
import { exposeMap } from './test-hook.js';
import { LEVEL, SEVERITY_COLOUR, type Severity } from './types.js';

/** Never colour alone (console.md): the level and its name in words beside the colour. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span class={`sev sev-${severity}`} style={{ borderColor: SEVERITY_COLOUR[severity] }} data-level={LEVEL[severity]}>
      <i style={{ background: SEVERITY_COLOUR[severity] }} />
      {t(`severity.${severity}` as MessageKey)}
    </span>
  );
}

export function StatusText({ status }: { status: string }) {
  const key = `status.${status}` as MessageKey;
  return <span class={`status status-${status}`}>{t(key)}</span>;
}

let firstRender: 'waiting' | 'pending' | 'marked' = 'waiting';

/** The city map, redrawn whenever the city changes (`version`). */
export function LiveMap({ city, version, options, onMap }: { city: City; version: number; options?: CityMapOptions; onMap?: (m: CityMap) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<CityMap | undefined>(undefined);
  useEffect(() => {
    const container = el.current;
    if (!container) return;
    // Made in the next task, not in this one: the page's own effects (the city's requests) go out first,
    // and the map's WebGL set-up (hundreds of ms under SwiftShader) runs while they are answered.
    const timer = setTimeout(() => {
      const m = new CityMap(container, city, options);
      map.current = m;
      exposeMap(m);
      onMap?.(m);
      void drawn(m);
    }, 0);
    return () => {
      clearTimeout(timer);
      map.current?.destroy();
      map.current = undefined;
    };
  }, [city]);
  // District labels are in the chosen language: a switch redraws them without waiting for the city to change.
  useEffect(() => onLang(() => void map.current?.update()), []);
  // Draws the city as it is now, and marks the first complete render with its data (bench:console).
  const drawn = async (m: CityMap): Promise<void> => {
    await m.update();
    if (!city.loaded || firstRender !== 'waiting') return;
    firstRender = 'pending';
    await m.idle();
    performance.mark('console-first-render');
    firstRender = 'marked';
  };
  useEffect(() => {
    if (map.current) void drawn(map.current);
  }, [version]);
  return <div class="map" ref={el} data-testid="map" />;
}

export interface Notice {
  ok: boolean;
  text: string;
}

/** The outcome of an action: a success in green, a refusal with the API's code and message in red. */
export function NoticeLine({ notice, testid }: { notice: Notice | null; testid?: string }) {
  return notice ? <p class={notice.ok ? 'notice' : 'error'} role="status" data-testid={testid} data-ok={String(notice.ok)}>{notice.text}</p> : null;
}

/**
 * An action's outcome line: `run(fn, done)` runs the call, then shows `done` (and resolves true), or the
 * API's refusal (and resolves false).
 */
export function useNotice(after?: () => Promise<unknown>) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const run = async (fn: () => Promise<unknown>, done: string): Promise<boolean> => {
    try {
      await fn();
      setNotice({ ok: true, text: done });
      await after?.();
      return true;
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
      return false;
    }
  };
  return { notice, setNotice, run };
}
