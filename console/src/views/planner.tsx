/**
 * The mission planner on the map (QGroundControl's plan view; DJI FlightHub's route drawing): draw an
 * area (coverage), a line (corridor) or a point; Validate shows the sorties and their path, or the
 * refused leg and the zone it enters highlighted; Schedule shows a conflict and the next free slot.
 */
import type { Feature } from 'geojson';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, post } from '../api.js';
import type { City } from '../city.js';
import { duration, num } from '../format.js';
import { t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import { startDrawing, type Coord, type DrawKind } from '../map/draw.js';
import { patrolsChanged, plannerDraft } from './patrols.js';

type Kind = 'coverage' | 'corridor' | 'point';
const SHAPE: Record<Kind, DrawKind> = { coverage: 'polygon', corridor: 'line', point: 'point' };

interface Sortie {
  sortie: number;
  lengthM: number;
  durationS: number;
  batteryPct: number;
  route: Feature;
}
type Validation = { ok: true; sorties: Sortie[] } | { ok: false; reason: string; message?: string; violations?: { sortie: number; segment: string; leg: number; kind: string; zoneId?: string; message: string; from: number[]; to: number[] }[]; shortfallS?: number };

export function Planner({ city, map }: { city: City; map: CityMap | undefined }) {
  const [kind, setKind] = useState<Kind>('corridor');
  const [dockId, setDockId] = useState(() => [...city.docks.keys()][0] ?? '');
  const [altM, setAltM] = useState(60);
  const [spacingM, setSpacingM] = useState(30);
  const [widthM, setWidthM] = useState(40);
  const [priority, setPriority] = useState<'patrol' | 'inspection' | 'emergency'>('inspection');
  const [coords, setCoords] = useState<Coord[]>([]);
  const [cron, setCron] = useState('0 0 9 * * *');
  const [drawing, setDrawing] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; sorties?: Sortie[] } | null>(null);
  const stopDraw = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopDraw.current?.(), []);

  const pattern = (): Record<string, unknown> => {
    if (kind === 'coverage') return { kind, area: { type: 'Polygon', coordinates: [[...coords, coords[0]]] }, spacingM, altM };
    if (kind === 'corridor') return { kind, line: { type: 'LineString', coordinates: coords }, widthM, spacingM, altM };
    return { kind, target: { type: 'Point', coordinates: coords[0] }, altM, hoverS: 30 };
  };
  const draw = () => {
    if (!map) return;
    stopDraw.current?.();
    setResult(null);
    void map.highlight([]);
    void map.showPlan([]);
    setDrawing(true);
    stopDraw.current = startDrawing(map, SHAPE[kind], setCoords, (c) => (setCoords(c), setDrawing(false)));
  };
  const clear = () => {
    stopDraw.current?.();
    setDrawing(false);
    setCoords([]);
    setResult(null);
    void map?.showDraft([]);
    void map?.showPlan([]);
    void map?.highlight([]);
  };
  const validate = async () => {
    try {
      const v = await post<Validation>('/api/v1/missions/validate', { dockId, pattern: pattern(), priority });
      if (v.ok) {
        void map?.highlight([]);
        void map?.showPlan(v.sorties.map((s) => s.route));
        const total = v.sorties.reduce((a, s) => a + s.lengthM, 0);
        setResult({ ok: true, text: t('planner.ok', { n: v.sorties.length, km: num(total / 1000, 1) }), sorties: v.sorties });
      } else {
        void map?.showPlan([]);
        const legs: Feature[] = (v.violations ?? []).map((x) => ({ type: 'Feature', properties: { kind: x.kind }, geometry: { type: 'LineString', coordinates: [x.from.slice(0, 2), x.to.slice(0, 2)] } }));
        const zoneIds = new Set((v.violations ?? []).map((x) => x.zoneId).filter(Boolean));
        const zones = city.zones.filter((z) => zoneIds.has(String(z.id ?? z.properties?.['id'])));
        void map?.highlight([...zones, ...legs]);
        setResult({ ok: false, text: t('planner.refused', { message: v.message ?? v.violations?.[0]?.message ?? v.reason }) });
      }
    } catch (e) {
      setResult({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };
  const schedule = async () => {
    try {
      const r = await post<{ missions: { id: string }[] }>('/api/v1/missions', { dockId, pattern: pattern(), priority, schedule: {} });
      setResult({ ok: true, text: t('planner.created', { ids: r.missions.map((m) => m.id).join(', ') }) });
    } catch (e) {
      const slot = e instanceof ApiError ? (e.details as { nextFreeSlot?: { iso?: string } } | undefined)?.nextFreeSlot?.iso : undefined;
      setResult({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}${slot ? ` — ${t('planner.nextSlot', { at: slot })}` : ''}` : String(e) });
    }
  };
  const savePatrol = async () => {
    try {
      const r = await post<{ id: string; nextRunAt?: number }>('/api/v1/patrols', { dockId, pattern: pattern(), cron });
      setResult({ ok: true, text: t('patrols.created', { id: r.id }) });
      patrolsChanged.update((n) => n + 1);
    } catch (e) {
      setResult({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };
  const enough = coords.length >= (kind === 'point' ? 1 : kind === 'corridor' ? 2 : 3);
  // The drawing, offered to the patrol list as a patrol's new area.
  useEffect(() => plannerDraft.set(enough && !drawing ? { dockId, pattern: pattern() } : null), [coords, kind, altM, spacingM, widthM, dockId, drawing]);
  return (
    <section class="planner" data-testid="planner">
      <h3>{t('planner.title')}</h3>
      <div class="form-grid">
        <label>
          {t('planner.pattern')}
          <select value={kind} onChange={(e) => (setKind(e.currentTarget.value as Kind), clear())} data-testid="planner-kind">
            {(['coverage', 'corridor', 'point'] as const).map((k) => (
              <option key={k} value={k}>{t(`planner.pattern.${k}`)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('drones.col.dock')}
          <select value={dockId} onChange={(e) => setDockId(e.currentTarget.value)} data-testid="planner-dock">
            {[...city.docks.values()].map((d) => (
              <option key={d.id} value={d.id} data-raw>{d.name ?? d.id}</option>
            ))}
          </select>
        </label>
        <label>
          {t('planner.altitude')}
          <input type="number" min={1} max={120} value={altM} onInput={(e) => setAltM(Number(e.currentTarget.value))} />
        </label>
        {kind !== 'point' ? (
          <label>
            {t('planner.spacing')}
            <input type="number" min={1} value={spacingM} onInput={(e) => setSpacingM(Number(e.currentTarget.value))} />
          </label>
        ) : null}
        {kind === 'corridor' ? (
          <label>
            {t('planner.width')}
            <input type="number" min={0} value={widthM} onInput={(e) => setWidthM(Number(e.currentTarget.value))} />
          </label>
        ) : null}
        <label>
          {t('drones.col.priority')}
          <select value={priority} onChange={(e) => setPriority(e.currentTarget.value as typeof priority)}>
            {(['patrol', 'inspection', 'emergency'] as const).map((p) => (
              <option key={p} value={p}>{t(`priority.${p}`)}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="row">
        <button onClick={draw} data-testid="planner-draw" class={drawing ? 'primary' : ''}>{t('planner.draw')}</button>
        <button onClick={clear}>{t('planner.clear')}</button>
        <button onClick={() => void validate()} disabled={!enough || drawing} data-testid="planner-validate">{t('planner.validate')}</button>
        <button onClick={() => void schedule()} disabled={!enough || drawing} data-testid="planner-schedule">{t('planner.schedule')}</button>
      </div>
      <div class="row">
        <label>
          {t('patrols.cron')}{' '}
          <input value={cron} onInput={(e) => setCron(e.currentTarget.value)} size={14} data-testid="patrol-cron" title={t('patrols.cronHint')} />
        </label>
        <button onClick={() => void savePatrol()} disabled={!enough || drawing} data-testid="patrol-save">{t('patrols.save')}</button>
      </div>
      <p class="muted small">{drawing ? t('planner.drawHint') : t('planner.vertices', { n: coords.length })}</p>
      {result ? (
        <div class={result.ok ? 'notice' : 'error'} data-testid="planner-result" data-ok={String(result.ok)} role="status">
          {result.text}
          {result.sorties ? (
            <ul class="compact">
              {result.sorties.map((s) => (
                <li key={s.sortie}>{t('planner.sortie', { n: s.sortie, km: num(s.lengthM / 1000, 2), time: duration(s.durationS * 1000), battery: num(s.batteryPct) })}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
