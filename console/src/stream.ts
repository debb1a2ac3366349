/**
 * The live connection (console.md "Live, not polled"): one EventSource on `/api/v1/stream`, which the
 * browser reconnects with Last-Event-ID by itself; a `reset` (the server no longer holds what we
 * missed) reloads state over REST. Its state is shown on screen, never hidden.
 */
import { Observable } from './store.js';

export type StreamState = 'connecting' | 'live' | 'lost';
export type StreamHandler = (type: string, data: unknown) => void;

export const streamState = new Observable<StreamState>('connecting');

// Task events name the work orders of the response loop (`task`, or `task.created` / `task.updated`).
const TYPES = ['alert', 'presence', 'violation', 'mission', 'drone', 'task', 'task.created', 'task.updated'] as const;

export function openStream(onEvent: StreamHandler, onReset: () => void): () => void {
  const es = new EventSource('/api/v1/stream', { withCredentials: true });
  streamState.set('connecting');
  es.onopen = () => streamState.set('live');
  es.onerror = () => streamState.set(es.readyState === EventSource.CLOSED ? 'lost' : 'connecting');
  for (const type of TYPES) {
    es.addEventListener(type, (ev) => {
      streamState.set('live');
      onEvent(type, JSON.parse((ev as MessageEvent<string>).data));
    });
  }
  es.addEventListener('reset', () => onReset());
  return () => es.close();
}
