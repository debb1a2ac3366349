/**
 * Who may attach and see pictures (response contract "Media"): operators (`alerts:write`) attach to alerts
 * in their districts; responders (`tasks:self`) to their own unit's tasks (another unit's task is a 404);
 * a picture is visible to its uploader, to readers of an alert or task it is attached to, and to city-wide
 * alert readers. Anything else answers MEDIA_NOT_FOUND: a 403 would confirm the picture exists.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import type { HttpDeps } from '../deps.js';
import { alertsIn, scopeOf } from '../scope.js';
import type { MediaPort, MediaView, TaskFacts } from './media.port.js';

export type MediaDeps = Pick<HttpDeps, 'access' | 'alerts'> & { media: MediaPort };

export function holds(req: FastifyRequest, deps: Pick<HttpDeps, 'access'>, permission: string): boolean {
  const p = req.principal;
  if (!p) return false;
  return deps.access ? deps.access.decide(p, permission) === 'ok' : p.via === 'bootstrap';
}

/** The id histories and upload ownership use: the person's id, or the bootstrap token's name. */
export function personOf(req: FastifyRequest): string {
  return req.principal?.userId ?? req.principal?.username ?? 'anonymous';
}

async function visibleTask(req: FastifyRequest, deps: MediaDeps, taskId: string, asOperator: boolean): Promise<TaskFacts> {
  const tasks = deps.media.tasks;
  if (!tasks) {
    if (asOperator) return { id: taskId, alertId: '', unitId: '' };
    throw new AppError('SCOPE_EXCEEDED', { message: 'Tasks are not available on this platform yet: a responder cannot attach to a task', details: { taskId } });
  }
  return tasks.visible(taskId, { unit: req.principal?.unit ?? null, ownUnitOnly: !asOperator, scope: scopeOf(req) });
}

/**
 * Checks the attachment a caller asks for and completes it: a task's picture also goes to the task's alert.
 * @throws SCOPE_EXCEEDED, ALERT_NOT_FOUND, the task service's TASK_NOT_FOUND
 */
export async function attachmentTarget(req: FastifyRequest, deps: MediaDeps, asked: { alertId?: string; taskId?: string }): Promise<{ alertId?: string; taskId?: string }> {
  const operator = holds(req, deps, 'alerts:write');
  const out: { alertId?: string; taskId?: string } = {};
  let task: TaskFacts | undefined;
  if (asked.taskId !== undefined) {
    task = await visibleTask(req, deps, asked.taskId, operator);
    out.taskId = task.id;
    if (task.alertId) out.alertId = task.alertId;
  }
  if (asked.alertId !== undefined && asked.alertId !== out.alertId) {
    if (!operator) throw new AppError('SCOPE_EXCEEDED', { message: 'A responder attaches pictures to a task of their unit (taskId), not to an alert directly', details: { alertId: asked.alertId } });
    if (deps.alerts) await alertsIn(deps.alerts, scopeOf(req)).get(asked.alertId);
    out.alertId = asked.alertId;
  }
  return out;
}

async function alertVisible(req: FastifyRequest, deps: MediaDeps, alertId: string): Promise<boolean> {
  if (!holds(req, deps, 'alerts:read')) return false;
  if (scopeOf(req).city || !deps.alerts) return true;
  return alertsIn(deps.alerts, scopeOf(req)).get(alertId).then(() => true, () => false);
}

async function taskVisible(req: FastifyRequest, deps: MediaDeps, taskId: string): Promise<boolean> {
  if (!deps.media.tasks) return false;
  const operator = holds(req, deps, 'alerts:read');
  if (!operator && !holds(req, deps, 'tasks:self')) return false;
  return deps.media.tasks.visible(taskId, { unit: req.principal?.unit ?? null, ownUnitOnly: !operator, scope: scopeOf(req) }).then(() => true, () => false);
}

async function attachmentVisible(req: FastifyRequest, deps: MediaDeps, m: MediaView): Promise<boolean> {
  if (m.uploadedBy === personOf(req)) return true;
  if (holds(req, deps, 'alerts:read') && scopeOf(req).city) return true;
  if (m.alertId !== undefined && (await alertVisible(req, deps, m.alertId))) return true;
  return m.taskId !== undefined && taskVisible(req, deps, m.taskId);
}

/** The attachments of a picture the caller may see (the first is what `meta` shows). @throws MEDIA_NOT_FOUND */
export async function visibleMedia(req: FastifyRequest, deps: MediaDeps, id: string): Promise<MediaView[]> {
  const all = await deps.media.list({ mediaId: id });
  const seen: MediaView[] = [];
  for (const m of all) if (await attachmentVisible(req, deps, m)) seen.push(m);
  if (seen.length === 0) throw new AppError('MEDIA_NOT_FOUND', { details: { id } });
  return seen;
}

/** A task's pictures for whoever may see the task. @throws the task service's TASK_NOT_FOUND */
export async function taskMedia(req: FastifyRequest, deps: MediaDeps, taskId: string): Promise<MediaView[]> {
  const items = await deps.media.list({ taskId });
  if (deps.media.tasks) {
    const operator = holds(req, deps, 'alerts:read');
    await deps.media.tasks.visible(taskId, { unit: req.principal?.unit ?? null, ownUnitOnly: !operator, scope: scopeOf(req) });
    return items;
  }
  // Without the task service only what the caller may see picture by picture.
  const out: MediaView[] = [];
  for (const m of items) if (await attachmentVisible(req, deps, m)) out.push(m);
  return out;
}
