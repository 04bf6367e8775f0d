/**
 * The phone's IndexedDB database: one object store per kind of record written offline (assistance entries,
 * attendance), each keyed by the client id the record got when it was written.
 */
const DB_NAME = 'cdtg-offline';
export type StoreName = 'assists' | 'attendance';
const STORES: StoreName[] = ['assists', 'attendance'];
// Version 2 added the attendance store; an upgrade creates the stores a phone does not have yet and keeps the others.
const VERSION = 2;
let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      for (const store of STORES) if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, { keyPath: 'clientId' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

/** One transaction on one store; resolves with the request's result once the transaction has committed. */
export async function tx<T>(store: StoreName, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error);
  });
}

/** Listeners told when a store changes (the screens re-read it). */
export function changeSignal() {
  const listeners = new Set<() => void>();
  return {
    on(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: () => listeners.forEach((l) => l()),
  };
}
