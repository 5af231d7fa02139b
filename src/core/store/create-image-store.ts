import { ImagineError } from '../errors.js';
import { createLogger } from '../logger.js';
import { openFileImageStore } from './file-image-store.js';
import type { ImageStore } from './image-store.js';
import { createMemoryImageStore } from './memory-image-store.js';
import { openRedisImageStore } from './redis-image-store.js';
import { openS3ImageStore, parseS3Url, type S3ImageStoreOptions } from './s3-image-store.js';
import { defaultStoreNamespace, type StoreLogger } from './store.js';

export const defaultImageStoreUrl = 'file://data/images';

export interface ImageStoreOptions {
  /** Redis only: key prefix, as the key-value store's namespace. */
  namespace?: string;
  logger?: StoreLogger;
  now?: () => number;
  /** Redis and S3: how long opening waits for the server. Default 10 s. */
  connectTimeoutMs?: number;
  /** file:// and s3://: how often expired images are removed. */
  sweepIntervalMs?: number;
  /** S3 only: a key pair instead of the AWS SDK's chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY…). */
  credentials?: S3ImageStoreOptions['credentials'];
}

const schemes = 'file://, memory://, redis://, rediss:// or s3://';

/**
 * Opens the image store named by `IMAGE_STORE_URL`: `file://data/images` (relative to the working directory;
 * `file:///abs/path` too), `memory://` (one process, tests), `redis://[user:password@]host:port[/db]` or
 * `rediss://`, `s3://bucket[/prefix]?endpoint=…&region=…` (credentials from the AWS SDK's chain: AWS_ACCESS_KEY_ID
 * and AWS_SECRET_ACCESS_KEY). Messages never echo a password.
 */
export async function createImageStore(url: string, options: ImageStoreOptions = {}): Promise<ImageStore> {
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const trimmed = url.trim();
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(trimmed)?.[0].toLowerCase();
  switch (scheme) {
    case 'memory:':
      return createMemoryImageStore({ ...(options.now && { now: options.now }) });
    case 'file:':
      return openFileImageStore({
        directory: fileLocation(trimmed),
        logger,
        ...(options.now && { now: options.now }),
        ...(options.sweepIntervalMs !== undefined && { sweepIntervalMs: options.sweepIntervalMs }),
      });
    case 'redis:':
    case 'rediss:':
      return openRedisImageStore(redisUrl(trimmed), {
        namespace: options.namespace ?? defaultStoreNamespace,
        logger,
        ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
      });
    case 's3:':
      return openS3ImageStore(parseS3Url(trimmed), {
        logger,
        ...(options.now && { now: options.now }),
        ...(options.credentials && { credentials: options.credentials }),
        ...(options.connectTimeoutMs !== undefined && { connectTimeoutMs: options.connectTimeoutMs }),
        ...(options.sweepIntervalMs !== undefined && { sweepIntervalMs: options.sweepIntervalMs }),
      });
    default:
      throw new ImagineError(
        'config',
        `IMAGE_STORE_URL must start with ${schemes} (got ${scheme === undefined ? 'no scheme' : `"${scheme}"`}).`,
        { option: 'IMAGE_STORE_URL' },
      );
  }
}

function fileLocation(url: string): string {
  const location = url.slice('file://'.length);
  if (!url.toLowerCase().startsWith('file://') || location === '') {
    throw new ImagineError(
      'config',
      'IMAGE_STORE_URL file:// needs a folder, e.g. file://data/images or file:///var/lib/imagine-bot/images.',
      { option: 'IMAGE_STORE_URL' },
    );
  }
  return location;
}

function redisUrl(url: string): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.hostname === '') {
    throw new ImagineError(
      'config',
      'IMAGE_STORE_URL is not a valid Redis URL: expected redis://host:port[/db].',
      { option: 'IMAGE_STORE_URL' },
    );
  }
  return parsed;
}
