/**
 * City overview (console.md "A city command hall"): the map beside the numbers — open alerts by level,
 * devices online, drones airborne, missions today, response times — and a per-district table. Live.
 */
import type { City } from '../city.js';
import { LiveMap, SeverityBadge } from '../components.js';
import { alertText, duration, num } from '../format.js';
import { lang, t } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { CityMap } from '../map/city-map.js';
import { SEVERITIES, SEVERITY_COLOUR } from '../types.js';
import { STATE_COLOUR } from '../map/layers.js';
import { figures } from './figures.js';

export function Overview({ city, version, hall = false, onMap }: { city: City; version: number; hall?: boolean; onMap?: (m: CityMap) => void }) {
  // Drones as markers over the map: a drone report then repaints a few pixels, not the WebGL map (fleet-markers.ts).
  const map = <LiveMap city={city} version={version} options={{ dark: true, interactive: !hall, fleet: 'markers' }} {...(onMap ? { onMap } : {})} />;
  // The map is made while the city loads (main.tsx); the numbers wait for the data (else they read as zero).
  if (!city.loaded) {
    return (
      <div class={hall ? 'overview hall' : 'overview'} data-testid="overview">
        {map}
        <aside class="panel">
          <p class="muted">{t('common.loading')}</p>
        </aside>
      </div>
    );
  }
  const f = figures(city);
  const latest = city.activeAlerts().sort((a, b) => (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0)).slice(0, 8);
  return (
    <div class={hall ? 'overview hall' : 'overview'} data-testid="overview">
      {map}
      <aside class="panel">
        <section class="tiles" data-testid="open-by-level">
          {SEVERITIES.map((s) => (
            <div class="tile" key={s} style={{ borderTopColor: SEVERITY_COLOUR[s] }} data-severity={s}>
              <b data-testid={`open-${s}`}>{num(f.openBySeverity[s])}</b>
              <span>{t(`severity.${s}`)}</span>
            </div>
          ))}
        </section>
        <section class="tiles">
          <div class="tile">
            <b data-testid="devices-online">
              {num(f.online)} / {num(f.devices)}
            </b>
            <span>{t('overview.devicesOnline')}</span>
          </div>
          <div class="tile">
            <b data-testid="drones-airborne">{num(f.airborne)}</b>
            <span>{t('overview.dronesAirborne')}</span>
          </div>
          <div class="tile">
            <b data-testid="missions-today">{num(f.missionsToday)}</b>
            <span>{t('overview.missionsToday')}</span>
          </div>
          <div class="tile">
            <b>{num(f.docks)}</b>
            <span>{t('overview.docks')}</span>
          </div>
        </section>
        <section>
          <h3>{t('overview.responseTimes')}</h3>
          <dl class="kpis">
            <dt>{t('overview.tta')}</dt>
            <dd>{duration(f.tta)}</dd>
            <dt>{t('overview.ttd')}</dt>
            <dd>{duration(f.ttd)}</dd>
            <dt>{t('overview.ttr')}</dt>
            <dd>{duration(f.ttr)}</dd>
          </dl>
        </section>
        <section>
          <h3>{t('overview.byDistrict')}</h3>
          <table class="districts" data-testid="district-table">
            <thead>
              <tr>
                <th>{t('overview.district')}</th>
                <th>{t('overview.alerts')}</th>
                <th>{t('overview.online')}</th>
              </tr>
            </thead>
            <tbody>
              {f.districts.map((r) => (
                <tr key={r.code} data-district={r.code}>
                  <td>{r.code === '' ? t('overview.outside') : city.districtName(r.code, lang())}</td>
                  <td>{r.worst ? <SeverityBadge severity={r.worst} /> : null} {num(r.alerts)}</td>
                  <td>
                    {num(r.online)} / {num(r.devices)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        {hall ? null : (
          <section>
            <h3>{t('nav.alerts')}</h3>
            <ul class="latest">
              {latest.map((a) => (
                <li key={a.id}>
                  <a href={`#/alerts/${encodeURIComponent(a.id)}`} onClick={(e) => (e.preventDefault(), navigate('alerts', a.id))}>
                    <SeverityBadge severity={a.severity} /> {alertText(a)}
                  </a>
                </li>
              ))}
            </ul>
            {latest.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
          </section>
        )}
        <section class="legend">
          <span><i style={{ background: STATE_COLOUR.ok }} />{t('overview.legend.ok')}</span>
          <span><i style={{ background: STATE_COLOUR.alert }} />{t('overview.legend.alert')}</span>
          <span><i style={{ background: STATE_COLOUR.offline }} />{t('overview.legend.offline')}</span>
          <span><i class="zone" />{t('overview.legend.zone')}</span>
          <span><i class="dock" />{t('overview.legend.dock')}</span>
          <span><i class="drone" />{t('overview.legend.drone')}</span>
        </section>
      </aside>
    </div>
  );
}
