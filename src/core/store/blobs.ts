import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ImageStore, sha256HexInChunks, sha256Pattern } from './image-store.js';
import type { Store } from './store.js';

/** Where images were kept before the image store: base64 in JSON. Still read, never written. */
export const imageBlobNamespace = 'image-blobs';
/** What the key-value store keeps per image: small metadata; the bytes live in the image store. */
export const imageMetadataNamespace = 'image-metadata';
export const defaultImageTtlMs = 7 * 24 * 60 * 60 * 1000;

const legacyImageSchema = z.object({ mediaType: z.string().min(1), base64: z.string() });
const imageMetadataSchema = z.object({ mediaType: z.string().min(1), byteLength: z.number().int().min(0) });

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

/**
 * Images by content hash, so a button or a thread can point at an image that outlives the process. The bytes
 * go to the image store (IMAGE_STORE_URL); the key-value store keeps the media type and length.
 */
export function createImageBlobs(store: Store, images: ImageStore): ImageBlobs {
  async function readCurrent(hash: string): Promise<StoredImage | undefined> {
    const metadata = await store.getParsed(imageMetadataNamespace, hash, imageMetadataSchema);
    if (metadata === undefined) return undefined;
    const bytes = await images.get(hash);
    if (bytes === undefined || bytes.byteLength !== metadata.byteLength) return undefined;
    // A damaged file or value is a miss, not a wrong image.
    if ((await sha256HexInChunks(bytes)) !== hash) return undefined;
    return { bytes, mediaType: metadata.mediaType };
  }

  async function readLegacy(hash: string): Promise<StoredImage | undefined> {
    const stored = await store.getParsed(imageBlobNamespace, hash, legacyImageSchema);
    if (stored === undefined) return undefined;
    const bytes = Buffer.from(stored.base64, 'base64');
    // Buffer.from skips bad base64 silently; the hash check catches a damaged blob.
    if ((await sha256HexInChunks(bytes)) !== hash) return undefined;
    return { bytes, mediaType: stored.mediaType };
  }

  return {
    async putImage(bytes: Uint8Array, mediaType: string, ttlMs = defaultImageTtlMs): Promise<string> {
      const hash = await sha256HexInChunks(bytes);
      // Bytes first: metadata never points at an image that was not saved.
      await images.put(hash, bytes, ttlMs);
      await store.set(imageMetadataNamespace, hash, { mediaType, byteLength: bytes.byteLength }, ttlMs);
      return hash;
    },

    async getImage(hash: string): Promise<StoredImage | undefined> {
      if (!sha256Pattern.test(hash)) return undefined;
      return (await readCurrent(hash)) ?? (await readLegacy(hash));
    },
  };
}
