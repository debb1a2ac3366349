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
    const on = () => setRoute(currentRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
