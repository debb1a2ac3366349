/** The airspace editor: no-fly zones drawn on the map, with an altitude band and an optional time window. */
import { useRef, useState } from 'preact/hooks';
import { ApiError, del, post } from '../api.js';
import type { City } from '../city.js';
import { dateTime, metres, num } from '../format.js';
import { t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import { startDrawing, type Coord } from '../map/draw.js';

export function ZoneEditor({ city, map }: { city: City; map: CityMap | undefined }) {
  const [name, setName] = useState('');
  const [floorM, setFloorM] = useState(0);
  const [ceilingM, setCeilingM] = useState(120);
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [coords, setCoords] = useState<Coord[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const stop = useRef<(() => void) | undefined>(undefined);
  const draw = () => {
    if (!map) return;
    stop.current?.();
    stop.current = startDrawing(map, 'polygon', setCoords, setCoords);
  };
  const save = async () => {
    const windows = start && end ? [{ start: new Date(start).toISOString(), end: new Date(end).toISOString() }] : undefined;
    try {
      await post('/api/v1/airspace/zones', {
        type: 'Feature',
        geometry: { type: 'Polygon', coordinates: [[...coords, coords[0]]] },
        properties: { name: name || undefined, floorM, ceilingM, ...(windows ? { windows } : {}) },
      });
      setMessage({ ok: true, text: t('zones.saved') });
      setCoords([]);
      void map?.showDraft([]);
      await city.reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };
  const remove = async (id: string) => {
    try {
      await del(`/api/v1/airspace/zones/${encodeURIComponent(id)}`);
      await city.reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };
  return (
    <section class="zones" data-testid="zone-editor">
      <h3>{t('zones.title')}</h3>
      <ul class="compact">
        {city.zones.map((z) => {
          const id = String(z.id ?? z.properties?.['id']);
          const p = (z.properties ?? {}) as { name?: string; floorM?: number; ceilingM?: number; sample?: boolean; windows?: { start: number | string; end: number | string }[] };
          return (
            <li key={id} data-zone-id={id}>
              <span data-raw>{p.name ?? id}</span> · {num(p.floorM ?? 0)}–{p.ceilingM === undefined ? '∞' : metres(p.ceilingM)}{p.sample ? ` · ${t('zones.sample')}` : ''}
              {p.windows?.map((w, i) => <span key={i} class="muted"> · {dateTime(new Date(w.start).getTime())} → {dateTime(new Date(w.end).getTime())}</span>)}{' '}
              <button class="link" onClick={() => void remove(id)}>{t('zones.delete')}</button>
            </li>
          );
        })}
      </ul>
      <div class="form-grid">
        <label>
          {t('zones.name')}
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          {t('zones.floor')}
          <input type="number" min={0} value={floorM} onInput={(e) => setFloorM(Number(e.currentTarget.value))} />
        </label>
        <label>
          {t('zones.ceiling')}
          <input type="number" min={0} value={ceilingM} onInput={(e) => setCeilingM(Number(e.currentTarget.value))} />
        </label>
        <label>
          {t('zones.windowStart')}
          <input type="datetime-local" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
        </label>
        <label>
          {t('zones.windowEnd')}
          <input type="datetime-local" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
        </label>
      </div>
      <div class="row">
        <button onClick={draw}>{t('zones.draw')}</button>
        <button onClick={() => void save()} disabled={coords.length < 3} data-testid="zone-save">{t('zones.create')}</button>
      </div>
      {message ? <p class={message.ok ? 'notice' : 'error'} role="status">{message.text}</p> : null}
    </section>
  );
}
