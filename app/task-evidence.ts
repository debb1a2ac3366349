/**
 * A drone's pictures of an alert are evidence for every unit working on it (architecture.md: "inspection
 * evidence … attached to the alert and its tasks"): each stored drone picture is attached to the alert's
 * live tasks, and a task created later (a second wave, a reassignment) gets the pictures already taken.
 * The attachment keeps where and when the picture was taken (the media store copies them from the first
 * attachment) and is made without the alert id, so the alert's timeline gets one `media.attached` per
 * picture, not one per task.
 */
import type { EventBus } from '../kernel/bus.js';
import type { Logger } from '../kernel/logger.js';
import { ENDED_WITHOUT_RESULT, type MediaMeta, type MediaStore, type TaskState } from '../response/index.js';

export interface TaskEvidenceOptions {
  bus: EventBus;
  media: MediaStore;
  /** The alert's tasks (any state). */
  tasksOf(alertId: string): Promise<Array<{ id: string; state: TaskState }>>;
  log: Logger;
}

export interface TaskEvidence {
  /** A drone picture was stored for an alert: attach it to the alert's live tasks. */
  pictureStored(m: MediaMeta): void;
  /** Resolves when every attachment started so far is done (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function wireTaskEvidence(o: TaskEvidenceOptions): TaskEvidence {
  const log = o.log.child({ module: 'task-evidence' });
  // One chain per alert: a picture and a new task arriving together attach once, not twice.
  const chains = new Map<string, Promise<void>>();
  const serial = (alertId: string, work: () => Promise<void>): void => {
    const next = (chains.get(alertId) ?? Promise.resolve()).then(work).catch((err: unknown) => log.warn({ err, alertId }, 'drone picture not attached to the alert\'s tasks'));
    chains.set(alertId, next);
    void next.finally(() => {
      if (chains.get(alertId) === next) chains.delete(alertId);
    });
  };
  const attach = async (picture: MediaMeta, taskId: string): Promise<void> => {
    const already = await o.media.list({ taskId, mediaId: picture.id });
    if (already.length > 0) return;
    await o.media.attach(picture.id, { taskId, uploadedBy: picture.uploadedBy, ...(picture.missionId ? { missionId: picture.missionId } : {}) });
    log.info({ mediaId: picture.id, taskId, alertId: picture.alertId }, 'drone picture attached to task');
  };

  const off = o.bus.on('taskChanged', (n) => {
    if (n.action !== 'created') return;
    serial(n.task.alertId, async () => {
      const pictures = (await o.media.list({ alertId: n.task.alertId })).filter((m) => m.source === 'drone');
      for (const m of pictures) await attach(m, n.task.id);
    });
  });
  return {
    pictureStored: (m) => {
      const alertId = m.alertId;
      if (m.source !== 'drone' || alertId === undefined) return;
      // A task whose unit no longer works on the alert gets no new evidence.
      serial(alertId, async () => {
        for (const t of await o.tasksOf(alertId)) if (!ENDED_WITHOUT_RESULT.has(t.state)) await attach(m, t.id);
      });
    },
    idle: async () => {
      await Promise.all([...chains.values()]);
    },
    stop: off,
  };
}
