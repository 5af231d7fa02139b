import type { ImageStore } from './image-store.js';

export interface MemoryImageStoreOptions {
  now?: () => number;
}

/** One process only (tests, the chat): a map of copies with their expiry. */
export function createMemoryImageStore(options: MemoryImageStoreOptions = {}): ImageStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { bytes: Buffer; expiresAt: number }>();
  const live = (hash: string) => {
    const entry = entries.get(hash);
    if (entry === undefined || entry.expiresAt > now()) return entry;
    entries.delete(hash);
    return undefined;
  };
  return {
    async put(hash, bytes, ttlMs) {
      // A copy: the caller may reuse its buffer.
      const kept = live(hash)?.bytes ?? Buffer.from(bytes);
      entries.set(hash, { bytes: kept, expiresAt: now() + ttlMs });
    },
    async keep(hash, ttlMs) {
      const entry = live(hash);
      if (entry !== undefined) entry.expiresAt = now() + ttlMs;
      return entry !== undefined;
    },
    async get(hash) {
      const entry = live(hash);
      return entry === undefined ? undefined : Buffer.from(entry.bytes);
    },
    async close() {
      entries.clear();
    },
  };
}
