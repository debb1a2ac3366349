/**
 * Devices: a searchable table that stays smooth at 10,000+ rows — only the rows in view are in the DOM
 * (fixed row height, a spacer for the rest).
 */
import { useMemo, useState } from 'preact/hooks';
import type { City } from '../city.js';
import { ago, num } from '../format.js';
import { lang, t, tValue } from '../i18n/index.js';
import { navigate } from '../router.js';
import type { Device } from '../types.js';

const ROW_PX = 32;
const OVERSCAN = 10;

export function DeviceTable({ city, version }: { city: City; version: number }) {
  const [query, setQuery] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const inAlert = useMemo(() => city.devicesInAlert(), [version]);
  const rows = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = [...city.devices.values()];
    const hit = (d: Device) => q === '' || d.id.toLowerCase().includes(q) || (d.name ?? '').toLowerCase().includes(q) || d.kind.includes(q) || (d.district ?? '').includes(q) || city.districtName(d.district, lang()).toLowerCase().includes(q);
    return all.filter(hit).sort((a, b) => a.id.localeCompare(b.id));
  }, [version, query]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_PX) + OVERSCAN);
  const state = (d: Device) => (d.revokedAt !== null ? 'revoked' : !d.online ? 'offline' : inAlert.has(d.id) ? 'alert' : 'ok');
  return (
    <div class="page devices" data-testid="device-table">
      <h2>{t('devices.title')}</h2>
      <div class="filters">
        <input type="search" placeholder={t('devices.search')} value={query} onInput={(e) => setQuery(e.currentTarget.value)} data-testid="device-search" />
        <span class="muted" data-testid="device-count">{t('devices.count', { shown: num(rows.length), total: num(city.devices.size) })}</span>
      </div>
      <div class="vhead row-grid">
        <span>{t('devices.col.id')}</span>
        <span>{t('devices.col.kind')}</span>
        <span>{t('devices.col.district')}</span>
        <span>{t('devices.col.state')}</span>
        <span>{t('devices.col.lastSeen')}</span>
      </div>
      <div
        class="vscroll"
        ref={(el) => {
          if (el && el.clientHeight !== height && el.clientHeight > 0) setHeight(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: `${rows.length * ROW_PX}px`, position: 'relative' }}>
          {rows.slice(first, last).map((d, i) => (
            <div class="vrow row-grid clickable" key={d.id} data-device-id={d.id} onClick={() => navigate('devices', d.id)} style={{ top: `${(first + i) * ROW_PX}px` }}>
              <span>{d.id}{d.name ? <span data-raw> · {d.name}</span> : null}</span>
              <span>{tValue('kind', d.kind)}</span>
              <span>{city.districtName(d.district, lang())}</span>
              <span class={`state state-${state(d)}`}>{t(`state.${state(d)}`)}</span>
              <span>{ago(d.lastSeenAt)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
