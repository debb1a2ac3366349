/**
 * Drone operations: docks (state, weather), drones live (phase, battery, altitude) and recent missions. A
 * drone landed away from its dock says so, and a dispatcher flies it home (`POST /drones/{id}/ferry`).
 */
import { useState } from 'preact/hooks';
import type { City } from '../city.js';
import { post, seg } from '../api.js';
import { LiveMap, NoticeLine, useNotice } from '../components.js';
import { metres, metresPerSecond, num } from '../format.js';
import type { Dock, Drone, Mission } from '../types.js';
import { lang, t, tValue } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import { MissionReplay } from './mission-replay.js';
import { Patrols } from './patrols.js';
import { Planner } from './planner.js';
import { QgcImport, qgcExportUrl } from './qgc-plan.js';
import { Table, type Column } from './table.js';
import { ZoneEditor } from './zones.js';

export function DroneOps({ city, version }: { city: City; version: number }) {
  const me = useObservable(session);
  const [map, setMap] = useState<CityMap | undefined>(undefined);
  const [replay, setReplay] = useState<Mission | null>(null);
  const missions = [...city.missions.values()].slice(0, 50);
  const ferry = useNotice();
  return (
    <div class="page drones" data-testid="drone-ops">
      <h2>{t('drones.title')}</h2>
      <div class="detail-grid">
        <section>
          {can(me, 'drones:write') ? <Planner city={city} map={map} /> : null}
          {can(me, 'drones:write') ? <QgcImport map={map} /> : null}
          <h3>{t('drones.docks')}</h3>
          <Table testid="dock-table" rows={[...city.docks.values()]} rowKey={(d) => d.id} columns={dockColumns(city)} />
          <h3>{t('drones.drones')}</h3>
          <Table testid="drone-table" rows={[...city.drones.values()]} rowKey={(d) => d.id} rowProps={(d) => ({ 'data-drone-id': d.id, 'data-phase': d.phase ?? '' })} columns={can(me, 'drones:write') ? [...DRONE_COLUMNS, flyHome(ferry.run)] : DRONE_COLUMNS} />
          <NoticeLine notice={ferry.notice} testid="fly-home-notice" />
          <h3>{t('drones.missions')}</h3>
          <Table testid="mission-table" rows={missions} rowKey={(m) => m.id} rowProps={(m) => ({ 'data-mission-id': m.id, 'data-status': m.status })} columns={[...MISSION_COLUMNS, missionActions(setReplay)]} />
          {replay ? <MissionReplay key={replay.id} mission={replay} map={map} onClose={() => setReplay(null)} /> : null}
          <Patrols write={can(me, 'drones:write')} />
          {can(me, 'drones:write') ? <ZoneEditor city={city} map={map} /> : null}
        </section>
        <section class="detail-map tall">
          <LiveMap city={city} version={version} onMap={setMap} />
        </section>
      </div>
    </div>
  );
}

const dockColumns = (city: City): Column<Dock>[] => [
  { head: 'drones.col.id', cell: (d) => <span data-raw>{d.name ?? d.id}</span> },
  { head: 'overview.district', cell: (d) => city.districtName(d.district, lang()) },
  { head: 'drones.col.status', cell: (d) => (d.status ? tValue('dock.status', d.status) : t('common.unknown')) },
  { head: 'drones.col.wind', cell: (d) => (d.windMps === null || d.windMps === undefined ? t('common.none') : metresPerSecond(d.windMps)) },
];

const DRONE_COLUMNS: Column<Drone>[] = [
  { head: 'drones.col.id', cell: (d) => d.id },
  { head: 'drones.col.dock', cell: (d) => d.dockId },
  { head: 'drones.col.phase', cell: (d) => (d.phase === 'landed' ? t('drones.landedAway') : d.phase ? tValue('drone.phase', d.phase) : t('common.unknown')) },
  { head: 'drones.col.battery', cell: (d) => (d.batteryPct === undefined ? t('common.none') : `${num(d.batteryPct)} %`) },
  { head: 'drones.col.altitude', cell: (d) => (d.position ? metres(d.position.altM) : t('common.none')) },
];

/** A drone landed away from its dock: fly it home (a checked ferry mission; a refusal shows the API's reason). */
const flyHome = (run: ReturnType<typeof useNotice>['run']): Column<Drone> => ({
  head: 'admin.actions',
  cell: (d) =>
    d.phase === 'landed' ? (
      <button class="link" data-testid="drone-fly-home" onClick={() => void run(() => post(`/api/v1/drones/${seg(d.id)}/ferry`), t('drones.flyHomeSent', { drone: d.id, dock: d.dockId }))}>
        {t('drones.flyHome')}
      </button>
    ) : null,
});

const MISSION_COLUMNS: Column<Mission>[] = [
  { head: 'drones.col.id', cell: (m) => m.id },
  { head: 'drones.col.kind', cell: (m) => (m.kind ? tValue('planner.pattern', m.kind) : '') },
  { head: 'drones.col.dock', cell: (m) => m.dockId },
  { head: 'drones.col.status', cell: (m) => tValue('mission.status', m.status) },
];

const DONE = new Set(['completed', 'aborted', 'failed']);

/** Replay a finished mission's flown track; export any mission as a QGroundControl `.plan`. */
const missionActions = (replay: (m: Mission) => void): Column<Mission> => ({
  head: 'admin.actions',
  cell: (m) => (
    <>
      {DONE.has(m.status) ? <button class="link" onClick={() => replay(m)} data-testid="mission-replay-open">{t('replay.open')}</button> : null}
      <a href={qgcExportUrl(m.id)} download={`mission-${m.id}.plan`} data-testid="mission-export">{t('qgc.export')}</a>
    </>
  ),
});
