import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ImageStore, sha256HexInChunks, sha256Pattern } from './image-store.js';
import type { Store } from './store.js';

/** Where images were kept before the image store: base64 in JSON. Still read, never written. */
export const imageBlobNamespace = 'image-blobs';
/** What the key-value store keeps per image: small metadata; the bytes live in the image store. */
export const imageMetadataNamespace = 'image-metadata';
export const defaultImageTtlMs = 7 * 24 * 60 * 60 * 1000;
/** How long a stored image waits in memory for its first read (see `createImageBlobs`). */
export const defaultHandOffMs = 30_000;

const legacyImageSchema = z.object({ mediaType: z.string().min(1), base64: z.string() });
const imageMetadataSchema = z.object({ mediaType: z.string().min(1), byteLength: z.number().int().min(0) });

export interface StoredImage {
  bytes: Buffer;
  mediaType: string;
}

export interface ImageBlobsOptions {
  /** How long a stored image is held for its first read. Default 30 s; 0 = never held. */
  handOffMs?: number;
  now?: () => number;
}

export interface ImageBlobs {
  /**
   * Stores the bytes under their sha256 (hex) and returns it; the same bytes again refresh the TTL. The bytes
   * are held (not copied) until their first read: the caller must not change them afterwards.
   */
  putImage(bytes: Uint8Array, mediaType: string, ttlMs?: number): Promise<string>;
  /** undefined for a miss, an expired blob, a malformed hash or bytes that no longer match their hash. */
  getImage(hash: string): Promise<StoredImage | undefined>;
  /**
   * Keeps a stored image until `ttlMs` from now without reading its bytes (a favourite on the team board); false
   * when it is gone. An image from before the image store is moved into it, as a put would.
   */
  keepImage(hash: string, ttlMs: number): Promise<boolean>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

interface HeldImage {
  image: StoredImage;
  expiresAt: number;
  timer: NodeJS.Timeout;
  /** Reads still to hand over: one per put since the entry was made. */
  reads: number;
}

/**
 * Images by content hash, so a button or a thread can point at an image that outlives the process. The bytes
 * go to the image store (IMAGE_STORE_URL); the key-value store keeps the media type and length.
 *
 * A stored image is handed to its first reader from memory: a job stores its results and its reply reads them
 * back at once to post them. Reading them again would cost, per 45 MB picture, a whole second copy (a file
 * read, or a Redis reply joined into one Buffer on the event loop) and 45 slices of hashing to verify bytes
 * this process hashed a moment ago. Held until that first read (per put) or `handOffMs`, whichever comes first; later
 * reads (another instance, a button next week) go to the stores. Content-addressed, so nothing can go stale.
 */
export function createImageBlobs(
  store: Store,
  images: ImageStore,
  options: ImageBlobsOptions = {},
): ImageBlobs {
  const handOffMs = options.handOffMs ?? defaultHandOffMs;
  const now = options.now ?? Date.now;
  const held = new Map<string, HeldImage>();

  // One read per put: the same picture stored by several jobs (same hash) is handed to each job's reader.
  function hold(hash: string, image: StoredImage, ttlMs: number): void {
    if (handOffMs <= 0) return;
    const previous = held.get(hash);
    if (previous !== undefined) clearTimeout(previous.timer);
    const timer = setTimeout(() => held.delete(hash), Math.min(handOffMs, ttlMs));
    timer.unref();
    const reads = (previous?.reads ?? 0) + 1;
    held.set(hash, { image, expiresAt: now() + Math.min(handOffMs, ttlMs), timer, reads });
  }

  function takeHeld(hash: string): StoredImage | undefined {
    const entry = held.get(hash);
    if (entry === undefined) return undefined;
    entry.reads -= 1;
    if (entry.reads <= 0) {
      held.delete(hash);
      clearTimeout(entry.timer);
    }
    return entry.expiresAt > now() ? entry.image : undefined;
  }

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

  async function save(bytes: Uint8Array, mediaType: string, ttlMs: number): Promise<string> {
    const hash = await sha256HexInChunks(bytes);
    // Bytes first: metadata never points at an image that was not saved.
    await images.put(hash, bytes, ttlMs);
    await store.set(imageMetadataNamespace, hash, { mediaType, byteLength: bytes.byteLength }, ttlMs);
    return hash;
  }

  return {
    async putImage(bytes: Uint8Array, mediaType: string, ttlMs = defaultImageTtlMs): Promise<string> {
      const hash = await save(bytes, mediaType, ttlMs);
      hold(hash, { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), mediaType }, ttlMs);
      return hash;
    },

    async keepImage(hash: string, ttlMs: number): Promise<boolean> {
      if (!sha256Pattern.test(hash)) return false;
      const metadata = await store.getParsed(imageMetadataNamespace, hash, imageMetadataSchema);
      if (metadata === undefined) {
        const legacy = await readLegacy(hash);
        if (legacy !== undefined) await save(legacy.bytes, legacy.mediaType, ttlMs);
        return legacy !== undefined;
      }
      // Bytes first, as in a put: metadata never outlives the image it describes.
      if (!(await images.keep(hash, ttlMs))) return false;
      await store.set(imageMetadataNamespace, hash, metadata, ttlMs);
      return true;
    },

    async getImage(hash: string): Promise<StoredImage | undefined> {
      if (!sha256Pattern.test(hash)) return undefined;
      return takeHeld(hash) ?? (await readCurrent(hash)) ?? (await readLegacy(hash));
    },
  };
}
