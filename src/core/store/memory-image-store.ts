import type { ImageStore } from './image-store.js';

export interface MemoryImageStoreOptions {
  now?: () => number;
}

/** One process only (tests, the chat): a map of copies with their expiry. */
export function createMemoryImageStore(options: MemoryImageStoreOptions = {}): ImageStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { bytes: Buffer; expiresAt: number }>();
  return {
    async put(hash, bytes, ttlMs) {
      const expiresAt = now() + ttlMs;
      const existing = entries.get(hash);
      // A copy: the caller may reuse its buffer.
      const kept = existing?.bytes ?? Buffer.from(bytes);
      entries.set(hash, { bytes: kept, expiresAt });
    },
    async get(hash) {
      const entry = entries.get(hash);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(hash);
        return undefined;
      }
      return Buffer.from(entry.bytes);
    },
    async close() {
      entries.clear();
    },
  };
}
