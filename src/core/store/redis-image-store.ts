import { createClient, defaultReconnectStrategy } from '@keyv/redis';
import { type ImageStore, imageStoreFailure } from './image-store.js';
import { errorText, normaliseTtl } from './keyv-store.js';
import { connectWithin, describeRedisUrl, logConnectionErrors, type RedisClient } from './redis-backend.js';
import type { StoreLogger } from './store.js';

export interface RedisImageStoreOptions {
  /** Key prefix shared by the instances that share images (`<prefix>::image:<sha256>`). */
  namespace: string;
  logger: StoreLogger;
  connectTimeoutMs?: number;
}

// RESP_TYPES.BLOB_STRING ('$'): @keyv/redis does not re-export RESP_TYPES. Mapped to Buffer, GET answers the
// stored bytes as they are instead of decoding them as UTF-8 text.
const blobString = 36;

/** Binary values with a TTL (SET PX): images shared by several instances without a shared disk. */
export async function openRedisImageStore(url: URL, options: RedisImageStoreOptions): Promise<ImageStore> {
  const { logger, namespace } = options;
  const safeUrl = describeRedisUrl(url);
  const secrets = url.password === '' ? [] : [url.password, decodeURIComponent(url.password)];
  const client: RedisClient = createClient({
    url: url.href,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: defaultReconnectStrategy },
  });
  logConnectionErrors(client, { logger, safeUrl, secrets, message: 'redis image store connection error' });
  await connectWithin(client, options.connectTimeoutMs ?? 10_000, safeUrl, secrets, 'Redis image store');
  const binary = client.withTypeMapping({ [blobString]: Buffer });
  const keyOf = (hash: string) => `${namespace}::image:${hash}`;

  const failure = (what: string, error: unknown) =>
    imageStoreFailure('redis', what, errorText(error, secrets), error);
  // Redis drops a key at its expiry, so a key that is there is alive.
  const moveExpiry = async (hash: string, ttlMs: number) =>
    (await client.pExpire(keyOf(hash), normaliseTtl(ttlMs))) === 1;

  return {
    async put(hash, bytes, ttlMs) {
      try {
        // Already there (same hash, same bytes): moving the expiry saves sending the bytes again.
        if (await moveExpiry(hash, ttlMs)) return;
        const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        await client.set(keyOf(hash), value, { expiration: { type: 'PX', value: normaliseTtl(ttlMs) } });
      } catch (error) {
        throw failure('save an image', error);
      }
    },

    async keep(hash, ttlMs) {
      try {
        return await moveExpiry(hash, ttlMs);
      } catch (error) {
        throw failure('keep an image', error);
      }
    },

    async get(hash) {
      try {
        const value = await binary.get(keyOf(hash));
        return value === null ? undefined : value;
      } catch (error) {
        logger.warn('image store read failed', { url: safeUrl, hash, error: errorText(error, secrets) });
        return undefined;
      }
    },

    async close() {
      if (client.isReady) await client.close();
      else client.destroy();
    },
  };
}
