import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Store } from './store.js';

export const imageBlobNamespace = 'image-blobs';
export const defaultImageTtlMs = 7 * 24 * 60 * 60 * 1000;

// Base64 in a JSON object: every backend stores it as text and it round-trips byte for byte.
const storedImageSchema = z.object({ mediaType: z.string().min(1), base64: z.string() });
const sha256Pattern = /^[0-9a-f]{64}$/;

export interface StoredImage {
  bytes: Buffer;
  mediaType: string;
}

export interface ImageBlobs {
  /** Stores the bytes under their sha256 (hex) and returns it; the same bytes again refresh the TTL. */
  putImage(bytes: Uint8Array, mediaType: string, ttlMs?: number): Promise<string>;
  /** undefined for a miss, an expired blob, a malformed hash or bytes that no longer match their hash. */
  getImage(hash: string): Promise<StoredImage | undefined>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Images by content hash, so a button or a thread can point at an image that outlives the process. */
export function createImageBlobs(store: Store): ImageBlobs {
  return {
    async putImage(bytes: Uint8Array, mediaType: string, ttlMs = defaultImageTtlMs): Promise<string> {
      const hash = sha256Hex(bytes);
      const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
      await store.set(imageBlobNamespace, hash, { mediaType, base64 }, ttlMs);
      return hash;
    },

    async getImage(hash: string): Promise<StoredImage | undefined> {
      if (!sha256Pattern.test(hash)) return undefined;
      const stored = await store.getParsed(imageBlobNamespace, hash, storedImageSchema);
      if (stored === undefined) return undefined;
      const bytes = Buffer.from(stored.base64, 'base64');
      // Buffer.from skips bad base64 silently; the hash check catches a damaged blob.
      if (sha256Hex(bytes) !== hash) return undefined;
      return { bytes, mediaType: stored.mediaType };
    },
  };
}
