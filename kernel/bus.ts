import type { BusEvents } from './events.js';

type Handler<T> = (payload: T) => void;

/**
 * Typed in-process event bus. Handlers run synchronously in registration order; a throwing
 * handler is reported through `onError` and never stops the others (nor the emitter).
 */
export class EventBus<E extends object = BusEvents> {
  private readonly handlers = new Map<keyof E, Set<Handler<never>>>();

  constructor(private readonly onError: (err: unknown, event: keyof E) => void = () => {}) {}

  on<K extends keyof E>(event: K, fn: Handler<E[K]>): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(fn as Handler<never>);
    return () => this.off(event, fn);
  }

  off<K extends keyof E>(event: K, fn: Handler<E[K]>): void {
    this.handlers.get(event)?.delete(fn as Handler<never>);
  }

  emit<K extends keyof E>(event: K, payload: E[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as Handler<E[K]>)(payload);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  /** Resolves with the next payload of `event` (tests await events instead of sleeping). */
  once<K extends keyof E>(event: K, filter: (p: E[K]) => boolean = () => true): Promise<E[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (p) => {
        if (!filter(p)) return;
        off();
        resolve(p);
      });
    });
  }

  listenerCount(event: keyof E): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}
