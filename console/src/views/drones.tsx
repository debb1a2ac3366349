/** Drone operations: docks (state, weather), drones live (phase, battery, altitude) and recent missions. */
import { useState } from 'preact/hooks';
import type { City } from '../city.js';
import { LiveMap } from '../components.js';
import { num } from '../format.js';
import { lang, t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import { can, session } from '../session.js';
import { useObservable } from '../store.js';
import { Planner } from './planner.js';
import { ZoneEditor } from './zones.js';

export function DroneOps({ city, version }: { city: City; version: number }) {
  const me = useObservable(session);
  const [map, setMap] = useState<CityMap | undefined>(undefined);
  const missions = [...city.missions.values()].slice(0, 50);
  return (
    <div class="page drones" data-testid="drone-ops">
      <h2>{t('drones.title')}</h2>
      <div class="detail-grid">
        <section>
          {can(me, 'drones:write') ? <Planner city={city} map={map} /> : null}
          <h3>{t('drones.docks')}</h3>
          <table class="list" data-testid="dock-table">
            <thead>
              <tr>
                <th>{t('drones.col.id')}</th>
                <th>{t('overview.district')}</th>
                <th>{t('drones.col.status')}</th>
                <th>{t('drones.col.wind')}</th>
              </tr>
            </thead>
            <tbody>
              {[...city.docks.values()].map((d) => (
                <tr key={d.id}>
                  <td>{d.name ?? d.id}</td>
                  <td>{city.districtName(d.district, lang())}</td>
                  <td>{d.status ?? t('common.unknown')}</td>
                  <td>{d.windMps === null || d.windMps === undefined ? t('common.none') : `${num(d.windMps, 1)} m/s`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('drones.drones')}</h3>
          <table class="list" data-testid="drone-table">
            <thead>
              <tr>
                <th>{t('drones.col.id')}</th>
                <th>{t('drones.col.dock')}</th>
                <th>{t('drones.col.phase')}</th>
                <th>{t('drones.col.battery')}</th>
                <th>{t('drones.col.altitude')}</th>
              </tr>
            </thead>
            <tbody>
              {[...city.drones.values()].map((d) => (
                <tr key={d.id} data-drone-id={d.id} data-phase={d.phase ?? ''}>
                  <td>{d.id}</td>
                  <td>{d.dockId}</td>
                  <td>{d.phase ?? t('common.unknown')}</td>
                  <td>{d.batteryPct === undefined ? t('common.none') : `${num(d.batteryPct)} %`}</td>
                  <td>{d.position ? `${num(d.position.altM)} m` : t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('drones.missions')}</h3>
          <table class="list" data-testid="mission-table">
            <thead>
              <tr>
                <th>{t('drones.col.id')}</th>
                <th>{t('drones.col.kind')}</th>
                <th>{t('drones.col.dock')}</th>
                <th>{t('drones.col.status')}</th>
              </tr>
            </thead>
            <tbody>
              {missions.map((m) => (
                <tr key={m.id} data-mission-id={m.id} data-status={m.status}>
                  <td>{m.id}</td>
                  <td>{m.kind ?? ''}</td>
                  <td>{m.dockId}</td>
                  <td>{m.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {can(me, 'drones:write') ? <ZoneEditor city={city} map={map} /> : null}
        </section>
        <section class="detail-map tall">
          <LiveMap city={city} version={version} onMap={setMap} />
        </section>
      </div>
    </div>
  );
}
