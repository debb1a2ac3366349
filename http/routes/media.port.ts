/**
 * What the media and upload routes need (the composition root adapts response/media to it, app/media.ts).
 * Refusals cross this boundary as AppErrors: MEDIA_TOO_LARGE (413), MEDIA_TYPE_REFUSED (415),
 * UPLOAD_OFFSET_MISMATCH (409), MEDIA_NOT_FOUND and UPLOAD_NOT_FOUND (404).
 */
import type { Readable } from 'node:stream';
import type { DistrictScope } from '../../kernel/scope.js';

export interface MediaPositionView {
  lon: number;
  lat: number;
  altM?: number;
}

/** One stored picture and what this attachment ties it to (response/media/port.ts MediaMeta). */
export interface MediaView {
  id: string;
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  source: 'responder' | 'drone' | 'operator';
  uploadedBy: string;
  filename?: string;
  takenAt: string;
  position?: MediaPositionView;
  alertId?: string;
  taskId?: string;
  missionId?: string;
  note?: string;
  createdAt: string;
}

export type MediaUploadInput = Pick<MediaView, 'source' | 'uploadedBy' | 'filename' | 'position' | 'alertId' | 'taskId' | 'note'> & { takenAt?: string };

export interface UploadView {
  id: string;
  length: number;
  offset: number;
  /** Epoch ms after which an unfinished upload is removed. */
  expiresAt: number;
  mediaId: string | null;
}

/** What the media routes must know of a task to decide who may attach to it. */
export interface TaskFacts {
  id: string;
  alertId: string;
  unitId: string;
}

/** Who asks about a task: a responder sees only their own unit's tasks, others their districts'. */
export interface TaskViewer {
  unit: string | null;
  ownUnitOnly: boolean;
  scope: DistrictScope;
}

export interface MediaPort {
  readonly maxBytes: number;
  readonly uploadExpiryMs: number;
  /** Stores a picture and records the attachment. Throws MEDIA_TOO_LARGE, MEDIA_TYPE_REFUSED. */
  put(bytes: Buffer, input: MediaUploadInput): Promise<MediaView>;
  /** Attachments matching the filter, oldest first (`mediaId`: every attachment of one picture). */
  list(filter: { mediaId?: string; alertId?: string; taskId?: string; missionId?: string }): Promise<MediaView[]>;
  /** The bytes of a picture, or null. */
  read(id: string): Promise<Buffer | null>;
  uploads: {
    /** Throws MEDIA_TOO_LARGE, MEDIA_TYPE_REFUSED (empty). */
    create(length: number, input: MediaUploadInput, owner: string): Promise<UploadView>;
    /** Throws UPLOAD_NOT_FOUND (unknown, expired, someone else's). */
    status(id: string, owner: string): Promise<UploadView>;
    /** Appends at `offset`; `media` once the last byte landed. Throws UPLOAD_NOT_FOUND, UPLOAD_OFFSET_MISMATCH, MEDIA_TOO_LARGE, MEDIA_TYPE_REFUSED. */
    append(id: string, owner: string, offset: number, body: Readable): Promise<{ upload: UploadView; media: MediaView | null }>;
  };
  /** The task service (response/); absent until it is wired: then only operators name a task. */
  tasks?: {
    /** The task if the viewer may see it. Throws the response module's TASK_NOT_FOUND otherwise. */
    visible(id: string, viewer: TaskViewer): Promise<TaskFacts>;
  };
}
