import { createHash } from 'node:crypto';
import { ImagineError } from '../errors.js';

/**
 * Image bytes by content hash, kept apart from the key-value store so no image is ever base64 inside JSON.
 * Backends: file:// (default), redis://, s3:// (any S3-compatible store), memory:// (tests).
 */
export interface ImageStore {
  /** Keeps `bytes` under `hash` until `ttlMs` from now; the same hash again only moves the expiry. */
  put(hash: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  /**
   * Moves the expiry of an image already stored to `ttlMs` from now, without its bytes; false when the store does
   * not hold it (never stored, or swept). Throws only when the store cannot be reached.
   */
  keep(hash: string, ttlMs: number): Promise<boolean>;
  /** A miss, an expired entry or a backend error (logged) → undefined; never throws. */
  get(hash: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

export const sha256Pattern = /^[0-9a-f]{64}$/;

/** What a backend's `put` or `keep` throws when its storage fails: retryable; `detail` is already free of secrets. */
export function imageStoreFailure(store: string, what: string, detail: string, cause: unknown): ImagineError {
  return new ImagineError('upstream', `The ${store} image store could not ${what}: ${detail}`, {
    retryable: true,
    cause,
  });
}

/** About 3 ms of hashing: the longest the event loop waits on one. */
export const hashSliceBytes = 1024 * 1024;

/**
 * Hashers waiting for their next slice. One slice runs per turn of the event loop, whoever it belongs to: with a
 * `setImmediate` each, the slices of 20 images arriving together would all run in the same turn.
 */
const waitingSlices: (() => void)[] = [];
let sliceTurnScheduled = false;

function runOneSlice(): void {
  waitingSlices.shift()?.();
  sliceTurnScheduled = waitingSlices.length > 0;
  if (sliceTurnScheduled) setImmediate(runOneSlice);
}

function nextSliceTurn(): Promise<void> {
  return new Promise((resolve) => {
    waitingSlices.push(resolve);
    if (sliceTurnScheduled) return;
    sliceTurnScheduled = true;
    setImmediate(runOneSlice);
  });
}

/** sha256 (hex) in 1 MiB slices, one slice per turn of the event loop: a 50 MB image never stalls it. */
export async function sha256HexInChunks(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += hashSliceBytes) {
    await nextSliceTurn();
    hash.update(bytes.subarray(offset, offset + hashSliceBytes));
  }
  return hash.digest('hex');
}
