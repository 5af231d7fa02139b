import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ImagineError } from '../errors.js';
import { type ImageStore, imageStoreFailure, sha256Pattern } from './image-store.js';
import { periodicSweep } from './periodic-sweep.js';
import type { StoreLogger } from './store.js';

export interface FileImageStoreOptions {
  /** Relative paths are from the working directory. */
  directory: string;
  logger: StoreLogger;
  now?: () => number;
  /** How often expired files are removed. Default one hour; 0 = never on a timer (tests call sweep()). */
  sweepIntervalMs?: number;
}

export interface FileImageStore extends ImageStore {
  /** Removes expired images and abandoned temporary files; returns how many files it removed. */
  sweep(): Promise<number>;
}

const defaultSweepIntervalMs = 60 * 60 * 1000;
// A temporary file older than this belongs to a write that died with its process.
const abandonedTemporaryMs = 60 * 60 * 1000;
const fanOutPattern = /^[0-9a-f]{2}$/;
const temporarySuffix = '.tmp';

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * One file per image, named by its sha256 under a two-letter folder (`ab/abcd…`). A file's mtime is its
 * expiry time: a put sets it to now + TTL, a read past it is a miss, and the sweep deletes what has passed it.
 * So each image keeps its own TTL without a sidecar. Writes go to a temporary file renamed into place, so a
 * reader never sees half an image. All I/O is async (libuv's threads), none of it on the event loop.
 */
export function openFileImageStore(options: FileImageStoreOptions): FileImageStore {
  const { directory, logger } = options;
  const now = options.now ?? Date.now;
  const pathOf = (hash: string) => join(directory, hash.slice(0, 2), hash);

  async function write(path: string, bytes: Uint8Array, expiresAt: Date): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}${temporarySuffix}`;
    try {
      await writeFile(temporary, bytes);
      await utimes(temporary, new Date(now()), expiresAt);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async function sweepOnce(): Promise<number> {
    let removed = 0;
    const folders = await readdir(directory).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    for (const folder of folders.filter((name) => fanOutPattern.test(name))) {
      const names = await readdir(join(directory, folder)).catch(() => []);
      for (const name of names) {
        const path = join(directory, folder, name);
        const info = await stat(path).catch(() => undefined);
        if (info === undefined) continue;
        const expired = sha256Pattern.test(name) && info.mtimeMs <= now();
        const abandoned = name.endsWith(temporarySuffix) && info.ctimeMs < now() - abandonedTemporaryMs;
        if (!expired && !abandoned) continue;
        await rm(path, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  const sweeper = periodicSweep(
    sweepOnce,
    options.sweepIntervalMs ?? defaultSweepIntervalMs,
    (error: unknown) => {
      logger.warn('image store sweep failed', { directory, error: String(error) });
    },
  );

  /** The file's mtime moved to the new expiry; false when there is no file (an expired one not swept yet counts). */
  async function moveExpiry(path: string, expiresAt: Date): Promise<boolean> {
    try {
      await utimes(path, new Date(now()), expiresAt);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  const failure = (what: string, error: unknown) => imageStoreFailure('file', what, String(error), error);

  return {
    async put(hash, bytes, ttlMs) {
      if (!sha256Pattern.test(hash))
        throw new ImagineError('invalid_request', 'An image hash must be sha256 hex.');
      const path = pathOf(hash);
      const expiresAt = new Date(now() + ttlMs);
      try {
        // Same hash, same bytes: moving the expiry is enough.
        if (await moveExpiry(path, expiresAt)) return;
        await write(path, bytes, expiresAt);
      } catch (error) {
        throw failure('save an image', error);
      }
    },

    async keep(hash, ttlMs) {
      if (!sha256Pattern.test(hash)) return false;
      const path = pathOf(hash);
      try {
        const info = await stat(path);
        // Expired: gone for readers already, so not brought back.
        if (info.mtimeMs <= now()) return false;
        return await moveExpiry(path, new Date(now() + ttlMs));
      } catch (error) {
        if (isMissing(error)) return false;
        throw failure('keep an image', error);
      }
    },

    async get(hash) {
      if (!sha256Pattern.test(hash)) return undefined;
      const path = pathOf(hash);
      try {
        const info = await stat(path);
        if (info.mtimeMs <= now()) return undefined;
        return await readFile(path);
      } catch (error) {
        if (!isMissing(error)) logger.warn('image store read failed', { hash, error: String(error) });
        return undefined;
      }
    },

    sweep: sweeper.sweep,

    async close() {
      await sweeper.stop();
    },
  };
}
