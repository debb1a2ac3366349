/**
 * QGroundControl `.plan` files (QGC "Plan File Format"): import reads a file through
 * `POST /missions/qgc-plan` — the platform checks it and answers a waypoints plan, its validation and a
 * warning for every part it does not keep — draws it, and can create and schedule it. Export is a link
 * per mission (`GET /missions/{id}/qgc-plan`).
 */
import type { Feature } from 'geojson';
import { useState } from 'preact/hooks';
import { errorText, post, seg } from '../api.js';
import { NoticeLine, type Notice } from '../components.js';
import { t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';

interface Imported {
  plan: { dockId: string; pattern: { kind: 'waypoints'; path: { type: 'LineString'; coordinates: number[][] }; holdS?: number } };
  validation: { ok: boolean; message?: string; reason?: string; sorties?: { route: Feature }[] };
  warnings: { item?: number; command?: number; message: string }[];
}

export const qgcExportUrl = (missionId: string): string => `/api/v1/missions/${seg(missionId)}/qgc-plan`;

export function QgcImport({ map }: { map: CityMap | undefined }) {
  const [imported, setImported] = useState<Imported | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const read = async (file: File | undefined) => {
    if (!file) return;
    setImported(null);
    try {
      const body: unknown = JSON.parse(await file.text());
      const r = await post<Imported>('/api/v1/missions/qgc-plan', body);
      setImported(r);
      const path: Feature = { type: 'Feature', properties: {}, geometry: r.plan.pattern.path };
      void map?.showPlan(r.validation.ok && r.validation.sorties ? r.validation.sorties.map((s) => s.route) : [path]);
      setNotice(r.validation.ok ? { ok: true, text: t('qgc.valid', { n: r.plan.pattern.path.coordinates.length, dock: r.plan.dockId }) } : { ok: false, text: t('planner.refused', { message: r.validation.message ?? r.validation.reason ?? '' }) });
    } catch (e) {
      setNotice({ ok: false, text: e instanceof SyntaxError ? t('qgc.notJson') : errorText(e) });
    }
  };
  const schedule = async () => {
    if (!imported) return;
    try {
      const r = await post<{ missions: { id: string }[] }>('/api/v1/missions', { ...imported.plan, schedule: {} });
      setNotice({ ok: true, text: t('planner.created', { ids: r.missions.map((m) => m.id).join(', ') }) });
    } catch (e) {
      setNotice({ ok: false, text: errorText(e) });
    }
  };
  return (
    <section class="panel-box" data-testid="qgc-import">
      <h3>{t('qgc.title')}</h3>
      {/* The browser's own file button speaks the browser's language ("Choose File"): ours is the label. */}
      <label class="file-button">
        {t('qgc.import')}
        <input type="file" accept=".plan,application/json" onChange={(e) => void read(e.currentTarget.files?.[0])} data-testid="qgc-file" />
      </label>
      <NoticeLine notice={notice} testid="qgc-result" />
      {imported && imported.warnings.length > 0 ? (
        <ul class="compact warnings" data-testid="qgc-warnings">
          {imported.warnings.map((w, i) => <li key={i}>{w.item === undefined ? '' : `#${w.item}: `}{w.message}</li>)}
        </ul>
      ) : null}
      {imported?.validation.ok ? <button class="primary" onClick={() => void schedule()} data-testid="qgc-schedule">{t('planner.schedule')}</button> : null}
    </section>
  );
}
