/**
 * The phone's own storage (IndexedDB, W3C Indexed Database API 3.0): queued actions and photo uploads
 * survive a dead network, a closed tab and a restarted phone. Two object stores keyed by an
 * auto-increment sequence, so reading them back gives the order the person acted in.
 */
const DB_NAME = 'citybrain-responder';
const VERSION = 1;
export type StoreName = 'actions' | 'uploads';

let opening: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      for (const name of ['actions', 'uploads'] satisfies StoreName[]) {
        if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name, { keyPath: 'seq', autoIncrement: true });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB open failed'));
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await open()).transaction(name, mode).objectStore(name);
}

/** Adds a record and returns it with its sequence number. */
export async function add<T extends { seq?: number }>(name: StoreName, value: T): Promise<T & { seq: number }> {
  const { seq: _drop, ...rest } = value;
  const seq = await done((await store(name, 'readwrite')).add(rest));
  return { ...value, seq: Number(seq) };
}

/** Replaces a record (same `seq`). */
export async function put<T extends { seq: number }>(name: StoreName, value: T): Promise<void> {
  await done((await store(name, 'readwrite')).put(value));
}

export async function remove(name: StoreName, seq: number): Promise<void> {
  await done((await store(name, 'readwrite')).delete(seq));
}

/** Every record, oldest first. */
export async function all<T>(name: StoreName): Promise<T[]> {
  return (await done((await store(name, 'readonly')).getAll())) as T[];
}

export async function getOne<T>(name: StoreName, seq: number): Promise<T | undefined> {
  return (await done((await store(name, 'readonly')).get(seq))) as T | undefined;
}
