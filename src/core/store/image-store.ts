import { createHash } from 'node:crypto';

/**
 * Image bytes by content hash, kept apart from the key-value store so no image is ever base64 inside JSON.
 * Backends: file:// (default), redis://, s3:// (any S3-compatible store), memory:// (tests).
 */
export interface ImageStore {
  /** Keeps `bytes` under `hash` until `ttlMs` from now; the same hash again only moves the expiry. */
  put(hash: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  /** A miss, an expired entry or a backend error (logged) → undefined; never throws. */
  get(hash: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export const sha256Pattern = /^[0-9a-f]{64}$/;

const hashChunkBytes = 4 * 1024 * 1024;

/** sha256 (hex) in 4 MiB slices with a turn of the event loop between them: a 50 MB image never stalls it. */
export async function sha256HexInChunks(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += hashChunkBytes) {
    if (offset > 0) await new Promise((resolve) => setImmediate(resolve));
    hash.update(bytes.subarray(offset, offset + hashChunkBytes));
  }
  return hash.digest('hex');
}
