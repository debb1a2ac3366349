/**
 * The responder's outbox. Every action (accept, decline, status, report) is written to IndexedDB first,
 * then sent in the order it was taken, each with its own `Idempotency-Key` and the phone's time `at`:
 * a replay after a drop (or after the answer was lost) is answered with the first result by the server
 * and never applied twice. Photos go up first over tus, resuming from the server's offset; the report
 * that cites them follows with their media ids. Nothing is lost to a dead network or a closed tab.
 */
import { ApiError, request, seg } from '../api.js';
import { Observable } from '../store.js';
import type { LonLat } from '../types.js';
import * as db from './db.js';
import { shrinkPhoto } from './resize.js';
import { NetworkError, createUpload, resume } from './tus.js';

export type ActionKind = 'accept' | 'decline' | 'status' | 'report';
/** The route of each action under `/api/v1/tasks/{id}/`. */
const ROUTE: Record<ActionKind, string> = { accept: 'accept', decline: 'decline', status: 'status', report: 'reports' };
export type ActionState = 'queued' | 'sending' | 'sent' | 'failed';

export interface QueuedAction {
  seq: number;
  /** Who queued it: a phone shared between shifts replays only the signed-in person's actions. */
  user: string;
  key: string;
  taskId: string;
  kind: ActionKind;
  body: Record<string, unknown>;
  /** Upload records whose media ids complete `body.mediaIds` before the action is sent. */
  photos: number[];
  state: ActionState;
  error?: string;
  createdAt: number;
  sentAt?: number;
}

export interface PhotoUpload {
  seq: number;
  user: string;
  taskId: string;
  alertId: string;
  blob: Blob;
  filename: string;
  takenAt: string;
  position?: LonLat;
  url?: string;
  mediaId?: string;
}

/** How many sent actions stay listed (with their time) after they went through. */
const KEEP_SENT = 30;
const RETRY_MS = [2_000, 5_000, 10_000, 30_000, 60_000];

/** A random UUID v4 without `crypto.randomUUID` (that one needs HTTPS; a phone on the LAN may use HTTP). */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class Outbox {
  /** This person's actions, oldest first (queued, sending, failed and the recently sent). */
  readonly actions = new Observable<QueuedAction[]>([]);
  /** Bytes the server holds per upload record, for the progress shown under each photo. */
  readonly progress = new Observable<Record<number, { offset: number; size: number }>>({});
  readonly online = new Observable<boolean>(navigator.onLine);
  private running = false;
  private again = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onOnline = () => (this.setOnline(true), this.kick());
  private readonly onOffline = () => this.setOnline(false);

  constructor(
    private readonly user: string,
    /** Called with the server's answer after each action went through (the task as it is now). */
    private readonly onSent: (action: QueuedAction, answer: unknown) => void,
  ) {}

  async start(): Promise<void> {
    addEventListener('online', this.onOnline);
    addEventListener('offline', this.onOffline);
    // A send interrupted by a closed tab is sent again: the idempotency key makes that safe.
    for (const a of await this.mine()) if (a.state === 'sending') await db.put('actions', { ...a, state: 'queued' });
    await this.refresh();
    this.kick();
  }

  stop(): void {
    removeEventListener('online', this.onOnline);
    removeEventListener('offline', this.onOffline);
    clearTimeout(this.timer);
  }

  /** Records an action (and its photos) on the phone, then tries to send it. */
  async enqueue(taskId: string, kind: ActionKind, body: Record<string, unknown>, photos: { file: File; alertId: string; position?: LonLat }[] = []): Promise<void> {
    const photoSeqs: number[] = [];
    for (const p of photos) {
      const blob = await shrinkPhoto(p.file);
      const rec = await db.add<Omit<PhotoUpload, 'seq'> & { seq?: number }>('uploads', {
        user: this.user,
        taskId,
        alertId: p.alertId,
        blob,
        filename: p.file.name || 'photo.jpg',
        takenAt: new Date(p.file.lastModified || Date.now()).toISOString(),
        ...(p.position ? { position: p.position } : {}),
      });
      photoSeqs.push(rec.seq);
    }
    await db.add<Omit<QueuedAction, 'seq'> & { seq?: number }>('actions', {
      user: this.user,
      key: uuid(),
      taskId,
      kind,
      body: { ...body, at: new Date().toISOString() },
      photos: photoSeqs,
      state: 'queued',
      createdAt: Date.now(),
    });
    await this.refresh();
    this.kick();
  }

  /** Forgets a failed action (the person read why). */
  async dismiss(seq: number): Promise<void> {
    await db.remove('actions', seq);
    await this.refresh();
  }

  /** Sends what is queued now (coalesced: one run at a time, another right after if asked meanwhile). */
  kick(): void {
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  private async drain(): Promise<void> {
    for (const action of await this.mine()) {
      if (action.state !== 'queued') continue;
      const outcome = await this.send(action);
      if (outcome === 'retry') {
        // Offline, server busy or restarting: keep the order, try again later (sooner when back online).
        const wait = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)]!;
        this.timer = setTimeout(() => this.kick(), wait);
        return;
      }
      this.failures = 0;
    }
    await this.prune();
  }

  private async send(action: QueuedAction): Promise<'ok' | 'failed' | 'retry'> {
    await this.save({ ...action, state: 'sending' });
    try {
      const mediaIds = await this.uploadPhotos(action);
      const body = mediaIds.length > 0 ? { ...action.body, mediaIds: [...((action.body['mediaIds'] as string[] | undefined) ?? []), ...mediaIds] } : action.body;
      const answer = await request<unknown>('POST', `/api/v1/tasks/${seg(action.taskId)}/${ROUTE[action.kind]}`, body, { headers: { 'idempotency-key': action.key } });
      const sent: QueuedAction = { ...action, state: 'sent', sentAt: Date.now() };
      await this.save(sent);
      for (const seq of action.photos) await db.remove('uploads', seq);
      this.setOnline(true);
      this.onSent(sent, answer);
      return 'ok';
    } catch (e) {
      if (retryable(e)) {
        if (e instanceof NetworkError || !(e instanceof ApiError)) this.setOnline(false);
        await this.save({ ...action, state: 'queued' });
        return 'retry';
      }
      const err = e as ApiError;
      await this.save({ ...action, state: 'failed', error: `${err.code}: ${err.message}` });
      return 'failed';
    }
  }

  /** Uploads (or resumes) every photo of the action; answers their media ids in order. */
  private async uploadPhotos(action: QueuedAction): Promise<string[]> {
    const ids: string[] = [];
    for (const seq of action.photos) {
      const rec = await db.getOne<PhotoUpload>('uploads', seq);
      if (!rec) continue;
      if (!rec.mediaId) {
        if (!rec.url) {
          rec.url = await createUpload(rec.blob.size, { filename: rec.filename, taskId: rec.taskId, alertId: rec.alertId, takenAt: rec.takenAt, lon: rec.position ? String(rec.position.lon) : undefined, lat: rec.position ? String(rec.position.lat) : undefined });
          await db.put('uploads', rec);
        }
        rec.mediaId = await resume(rec.url, rec.blob, (offset) => this.progress.update((p) => ({ ...p, [seq]: { offset, size: rec.blob.size } })));
        await db.put('uploads', rec);
      }
      ids.push(rec.mediaId);
    }
    return ids;
  }

  private setOnline(on: boolean): void {
    if (this.online.value !== on) this.online.set(on);
  }

  private async mine(): Promise<QueuedAction[]> {
    return (await db.all<QueuedAction>('actions')).filter((a) => a.user === this.user);
  }

  private async save(a: QueuedAction): Promise<void> {
    await db.put('actions', a);
    this.actions.update((xs) => xs.map((x) => (x.seq === a.seq ? a : x)));
  }

  private async refresh(): Promise<void> {
    this.actions.set(await this.mine());
  }

  private async prune(): Promise<void> {
    const sent = (await this.mine()).filter((a) => a.state === 'sent');
    for (const a of sent.slice(0, Math.max(0, sent.length - KEEP_SENT))) await db.remove('actions', a.seq);
    await this.refresh();
  }
}

/** Worth another try later: no answer at all, or the server says "not now" (408, 429, 5xx), or the session lapsed. */
function retryable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.status === 401 || e.status === 408 || e.status === 429 || e.status >= 500;
}
