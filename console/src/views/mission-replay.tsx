/**
 * Mission history replayed on the map: the drone's recorded telemetry (`GET /drones/{id}/telemetry`,
 * 1 Hz) between the mission's launch and its end, with a time slider and play, the track drawn up to
 * the slider's time and the drone's icon where it was then.
 */
import type { Feature } from 'geojson';
import { useEffect, useState } from 'preact/hooks';
import { errorText, get, seg } from '../api.js';
import { clock, metres, num } from '../format.js';
import { t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import type { Mission } from '../types.js';

interface Point {
  ts: number;
  lon: number;
  lat: number;
  altM?: number;
  batteryPct?: number;
}

const FLYING = new Set(['preflight', 'uploading', 'in_flight', 'returning']);
const SPEEDS = [1, 5, 20];

/** The mission's flight window from its history: first flying state to its last state change. */
export function flightWindow(history: { at: number; to: string }[]): { from: number; to: number } | undefined {
  const start = history.find((h) => FLYING.has(h.to))?.at;
  const end = history[history.length - 1]?.at;
  return start === undefined || end === undefined || end <= start ? undefined : { from: start, to: end };
}

/** Track to time `at` and the drone's position and heading at `at`. */
export function replayFeatures(points: Point[], at: number): Feature[] {
  const flown = points.filter((p) => p.ts <= at);
  const last = flown[flown.length - 1];
  if (!last) return [];
  const prev = flown[flown.length - 2] ?? last;
  const heading = (Math.atan2(last.lon - prev.lon, last.lat - prev.lat) * 180) / Math.PI;
  const out: Feature[] = [{ type: 'Feature', properties: { heading }, geometry: { type: 'Point', coordinates: [last.lon, last.lat] } }];
  if (flown.length > 1) out.unshift({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: flown.map((p) => [p.lon, p.lat]) } });
  return out;
}

export function MissionReplay({ mission, map, onClose }: { mission: Mission; map: CityMap | undefined; onClose: () => void }) {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(5);
  useEffect(() => {
    void (async () => {
      try {
        const m = await get<Mission & { history?: { at: number; to: string }[] }>(`/api/v1/missions/${seg(mission.id)}`);
        const w = flightWindow(m.history ?? []);
        if (!w) return setError(t('replay.notFlown'));
        const r = await get<{ points: Point[] }>(`/api/v1/drones/${seg(m.droneId)}/telemetry?from=${w.from - 2000}&to=${w.to + 2000}`);
        const pts = r.points.filter((p) => typeof p.lon === 'number' && typeof p.lat === 'number');
        setPoints(pts);
        setAt(pts[0]?.ts ?? w.from);
      } catch (e) {
        setError(errorText(e));
      }
    })();
    return () => void map?.showReplay([]);
  }, [mission.id]);
  useEffect(() => {
    if (points) void map?.showReplay(replayFeatures(points, at));
  }, [points, at, map]);
  const first = points?.[0]?.ts ?? 0;
  const last = points?.[points.length - 1]?.ts ?? 0;
  useEffect(() => {
    if (!playing || !points) return;
    const timer = setInterval(() => setAt((x) => (x + speed * 250 >= last ? (setPlaying(false), last) : x + speed * 250)), 250);
    return () => clearInterval(timer);
  }, [playing, speed, points]);
  const here = points?.filter((p) => p.ts <= at).pop();
  return (
    <section class="replay panel-box" data-testid="mission-replay" data-mission-id={mission.id} data-points={points?.length ?? ''} data-at={at}>
      <h3>{t('replay.title', { id: mission.id })} <button class="link" onClick={onClose}>{t('action.cancel')}</button></h3>
      {error ? <p class="error">{error}</p> : null}
      {points && points.length === 0 ? <p class="muted">{t('replay.noTrack')}</p> : null}
      {points && points.length > 0 ? (
        <>
          <div class="row">
            <button onClick={() => (at >= last ? setAt(first) : null, setPlaying(!playing))} data-testid="replay-play">{t(playing ? 'replay.pause' : 'replay.play')}</button>
            <input type="range" min={first} max={last} step={1000} value={at} onInput={(e) => setAt(Number(e.currentTarget.value))} data-testid="replay-slider" aria-label={t('replay.time')} />
            <select value={speed} onChange={(e) => setSpeed(Number(e.currentTarget.value))}>
              {SPEEDS.map((s) => <option key={s} value={s}>×{s}</option>)}
            </select>
          </div>
          <p class="muted small" data-testid="replay-status">
            {clock(at)} · {t('replay.point', { i: points.filter((p) => p.ts <= at).length, n: points.length })}
            {here?.altM === undefined ? '' : ` · ${metres(here.altM)}`}
            {here?.batteryPct === undefined ? '' : ` · ${num(here.batteryPct)} %`}
          </p>
        </>
      ) : null}
    </section>
  );
}
