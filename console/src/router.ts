/** Hash routes (`#/alerts/<id>`): the console is one page served at `/`, deep links survive a reload. */
import { useEffect, useState } from 'preact/hooks';

export function currentRoute(): string[] {
  const path = location.hash.replace(/^#\/?/, '');
  return path === '' ? [] : path.split('/').map((s) => decodeURIComponent(s));
}

export function navigate(...segments: string[]): void {
  location.hash = '#/' + segments.map((s) => encodeURIComponent(s)).join('/');
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const on = () => setRoute((prev) => {
      const next = currentRoute();
      return next.join('/') === prev.join('/') ? prev : next;
    });
    addEventListener('hashchange', on);
    // Effects run after the first paint: a hash changed in between (a link followed as soon as the page
    // showed) fired no event we heard, so read it once now.
    on();
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
