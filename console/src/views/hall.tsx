/**
 * Hall mode (console.md: the big screen, read from across the room): dark, large type, no interaction
 * needed; the map cycles through the districts, the city first.
 */
import { useEffect, useState } from 'preact/hooks';
import type { City } from '../city.js';
import { lang, t } from '../i18n/index.js';
import type { CityMap } from '../map/city-map.js';
import { Overview } from './overview.js';

const CYCLE_MS = 15_000;

export function Hall({ city, version }: { city: City; version: number }) {
  const [index, setIndex] = useState(-1);
  const [map, setMap] = useState<CityMap | undefined>(undefined);
  useEffect(() => {
    document.body.classList.add('hall-mode');
    const timer = setInterval(() => setIndex((i) => (i + 1 >= city.districts.features.length ? -1 : i + 1)), CYCLE_MS);
    return () => {
      clearInterval(timer);
      document.body.classList.remove('hall-mode');
    };
  }, [city]);
  const current = index >= 0 ? city.districts.features[index] : undefined;
  useEffect(() => {
    map?.fit(current ? { type: 'FeatureCollection', features: [current] } : city.districts, 30);
  }, [index, map]);
  const name = current ? city.districtName(String(current.id ?? current.properties?.['id']), lang()) : t('hall.city');
  return (
    <div class="hall-view" data-testid="hall">
      <h1>
        {t('hall.title')} · <span data-testid="hall-district">{t('hall.cycle', { district: name })}</span>
      </h1>
      <Overview city={city} version={version} hall onMap={setMap} />
    </div>
  );
}
