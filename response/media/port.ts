/**
 * The media store port (architecture.md "response/"): evidence photos from responders and images captured
 * by drones. Content-addressed: a blob's id is the SHA-256 of its bytes (hex), so the same photo uploaded
 * twice is stored once; each attachment to an alert, task or mission is its own record. Blobs live in the
 * data directory by default; metadata lives in the relational store (SQLite embedded, PostgreSQL real).
 */

/** Where a picture came from. */
export type MediaSource = 'responder' | 'drone' | 'operator';

/** WGS84 position where a picture was taken. */
export interface MediaPosition {
  lon: number;
  lat: number;
  /** Metres above the launch point, when known (drone images). */
  altM?: number;
}

/** What the uploader says about a picture; the store checks the bytes itself. */
export interface MediaInput {
  source: MediaSource;
  /** Person id of the uploader, or `drone:<droneId>` for captures. */
  uploadedBy: string;
  filename?: string;
  /** When the picture was taken (ISO 8601); defaults to the time of upload. */
  takenAt?: string;
  position?: MediaPosition;
  alertId?: string;
  taskId?: string;
  missionId?: string;
  note?: string;
}

/** One stored picture and what it is attached to. */
export interface MediaMeta {
  /** SHA-256 of the bytes, lower-case hex. */
  id: string;
  /** Detected from the bytes (never trusted from the client): image/jpeg, image/png or image/webp. */
  contentType: string;
  size: number;
  width?: number;
  height?: number;
  source: MediaSource;
  uploadedBy: string;
  filename?: string;
  takenAt: string;
  position?: MediaPosition;
  alertId?: string;
  taskId?: string;
  missionId?: string;
  note?: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Which attachments to list. */
export interface MediaFilter {
  /** Every attachment of one blob (who may see a picture depends on all of them). */
  mediaId?: string;
  alertId?: string;
  taskId?: string;
  missionId?: string;
}

export interface MediaStore {
  /**
   * Stores a picture: checks its type by content (`MEDIA_TYPE_REFUSED`) and its size (`MEDIA_TOO_LARGE`),
   * keeps one blob per content and records one attachment per call.
   */
  put(bytes: Buffer, input: MediaInput): Promise<MediaMeta>;
  /** One attachment's metadata by blob id (the earliest when there are several), or null. */
  get(id: string): Promise<MediaMeta | null>;
  /** The bytes of a blob, or null when unknown. */
  read(id: string): Promise<Buffer | null>;
  /** Attaches an already stored blob to an alert, task or mission (a report that cites an upload). */
  attach(id: string, to: Omit<MediaFilter, 'mediaId'> & { uploadedBy: string; note?: string }): Promise<MediaMeta>;
  /** Attachments matching the filter, oldest first. */
  list(filter: MediaFilter): Promise<MediaMeta[]>;
  close(): Promise<void>;
}
