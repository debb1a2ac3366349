/**
 * A resumable upload over the tus 1.0.0 protocol (tus.io: core + creation), against
 * `/api/v1/uploads`. The file goes up in chunks; after a drop the client asks the server's offset
 * (`HEAD`) and sends only what is missing, so a photo on a bad connection never starts over.
 */
import { API, ApiError, csrfHeaders, sessionLost } from '../api.js';

const TUS = { 'tus-resumable': '1.0.0' };
/** Small enough that a chunk gets through a weak link, large enough to keep requests few. */
export const CHUNK_BYTES = 256 * 1024;

/** The network did not answer (offline, dropped): try again later from the server's offset. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'NetworkError';
  }
}

async function call(method: string, url: string, headers: Record<string, string>, body?: Blob): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method, credentials: 'same-origin', headers: { ...TUS, ...csrfHeaders(), ...headers }, ...(body ? { body } : {}) });
  } catch (e) {
    throw new NetworkError(e);
  }
  if (res.ok) return res;
  if (res.status === 401) sessionLost();
  const text = method === 'HEAD' ? '' : await res.text().catch(() => '');
  let err: { code?: string; message?: string } | undefined;
  try {
    err = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    err = undefined;
  }
  throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText);
}

/** `Upload-Metadata`: comma-separated `key base64(value)` pairs (tus 1.0.0 creation extension). */
export function metadataHeader(meta: Record<string, string | undefined>): string {
  const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));
  return Object.entries(meta)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k} ${b64(v)}`)
    .join(',');
}

/** Creates the upload; answers its URL. */
export async function createUpload(size: number, meta: Record<string, string | undefined>): Promise<string> {
  const res = await call('POST', `${API}/uploads`, { 'upload-length': String(size), 'upload-metadata': metadataHeader(meta) });
  const location = res.headers.get('location');
  if (!location) throw new ApiError(res.status, 'UPLOAD_NO_LOCATION', 'The server created the upload without a Location');
  return new URL(location, globalThis.location.href).pathname;
}

/** The server's offset: how many bytes it already holds. */
export async function uploadOffset(url: string): Promise<number> {
  const res = await call('HEAD', url, {});
  return Number(res.headers.get('upload-offset') ?? '0');
}

export interface PatchResult {
  offset: number;
  mediaId: string | null;
}

/** Sends one chunk starting at `offset`. */
export async function patchChunk(url: string, file: Blob, offset: number): Promise<PatchResult> {
  const res = await call('PATCH', url, { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) }, file.slice(offset, offset + CHUNK_BYTES));
  return { offset: Number(res.headers.get('upload-offset') ?? offset), mediaId: res.headers.get('media-id') };
}

/** The finished upload's media id (when the last PATCH's answer was lost). */
export async function uploadMediaId(url: string): Promise<string | null> {
  const res = await call('GET', url, { accept: 'application/json' });
  return ((await res.json()) as { mediaId?: string | null }).mediaId ?? null;
}

/**
 * Sends `file` to the upload at `url` from the server's offset on, reporting progress; answers the media
 * id. A `NetworkError` leaves the upload where the server has it, for the next attempt.
 */
export async function resume(url: string, file: Blob, onProgress: (offset: number) => void): Promise<string> {
  let offset = await uploadOffset(url);
  onProgress(offset);
  let mediaId: string | null = null;
  while (offset < file.size) {
    try {
      ({ offset, mediaId } = await patchChunk(url, file, offset));
    } catch (e) {
      // Another attempt (an earlier tab, a retried request) moved the offset: ask again.
      if (e instanceof ApiError && e.code === 'UPLOAD_OFFSET_MISMATCH') offset = await uploadOffset(url);
      else throw e;
    }
    onProgress(offset);
  }
  return mediaId ?? (await uploadMediaId(url)) ?? Promise.reject(new ApiError(409, 'UPLOAD_INCOMPLETE', 'The upload has all its bytes but no media id'));
}
