/**
 * A small observable value and the hook that renders from it. State is derived from the API and the
 * event stream (style.md "The console"); views never copy it.
 */
import { useEffect, useState } from 'preact/hooks';

export class Observable<T> {
  private readonly listeners = new Set<(v: T) => void>();
  constructor(private current: T) {}

  get value(): T {
    return this.current;
  }

  set(v: T): void {
    this.current = v;
    for (const fn of [...this.listeners]) fn(v);
  }

  update(fn: (v: T) => T): void {
    this.set(fn(this.current));
  }

  subscribe(fn: (v: T) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** Re-renders the component whenever `o` changes. */
export function useObservable<T>(o: Observable<T>): T {
  const [v, setV] = useState(o.value);
  useEffect(() => {
    setV(o.value);
    return o.subscribe(setV);
  }, [o]);
  return v;
}
