/**
 * The responder's tasks, as the server has them: loaded over REST (`GET /api/v1/tasks`, own unit only),
 * then patched by the stream's task events. Where the stream is refused or lost, the list is re-read
 * every `POLL_S` seconds instead — a phone on a weak link still sees new work, and says how.
 */
import { get } from '../api.js';
import { Observable } from '../store.js';
import type { Task } from '../types.js';

export const POLL_S = 15;
export type Liveness = 'connecting' | 'live' | 'polling';

export class MyTasks {
  readonly tasks = new Observable<Task[]>([]);
  readonly liveness = new Observable<Liveness>('connecting');
  readonly error = new Observable<string | null>(null);
  /** A task whose server state changed (the detail view re-reads its history). */
  readonly changed = new Observable<string | null>(null);
  /** Pictures attached to an alert of the unit's tasks (a drone's, an operator's): how many so far, per alert. */
  readonly pictures = new Observable<Record<string, number>>({});
  private es: EventSource | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;

  async start(): Promise<void> {
    await this.reload();
    this.follow();
  }

  stop(): void {
    this.es?.close();
    clearInterval(this.poll);
  }

  async reload(): Promise<void> {
    try {
      const page = await get<{ items: Task[] }>('/api/v1/tasks?limit=200');
      this.tasks.set(page.items);
      this.error.set(null);
    } catch (e) {
      this.error.set((e as Error).message);
    }
  }

  /** Puts the server's answer to an action (or a stream event) in the list. */
  merge(task: Task): void {
    const known = this.tasks.value.some((x) => x.id === task.id);
    this.tasks.set(known ? this.tasks.value.map((x) => (x.id === task.id ? { ...x, ...task } : x)) : [task, ...this.tasks.value]);
    this.changed.set(task.id);
  }

  private follow(): void {
    // The unit stream: its tasks, and the alerts they are about (a new picture is `media.attached` there).
    const es = new EventSource('/api/v1/stream?types=task,alert', { withCredentials: true });
    this.es = es;
    es.onopen = () => {
      this.liveness.set('live');
      this.stopPolling();
      // What happened while the stream was down (the server may not hold it any more).
      void this.reload();
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) this.startPolling();
      else if (this.liveness.value !== 'polling') this.liveness.set('connecting');
    };
    const onTask = (ev: Event) => {
      const data = JSON.parse((ev as MessageEvent<string>).data) as Task | { task: Task };
      this.merge('task' in data ? data.task : data);
    };
    for (const type of ['task', 'task.created', 'task.updated']) es.addEventListener(type, onTask);
    es.addEventListener('alert', (ev: Event) => {
      const n = JSON.parse((ev as MessageEvent<string>).data) as { alert: { id: string }; action: string };
      if (n.action === 'media.attached') this.pictures.set({ ...this.pictures.value, [n.alert.id]: (this.pictures.value[n.alert.id] ?? 0) + 1 });
    });
    es.addEventListener('reset', () => void this.reload());
  }

  private startPolling(): void {
    this.liveness.set('polling');
    this.poll ??= setInterval(() => void this.reload(), POLL_S * 1000);
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }
}
