import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createImageStore, type ImageStore, sha256Hex } from '../../../src/core/store/index.js';
import { describeImageStoreBehaviour, imageBytes } from './image-store-behaviour.js';
import { removeRedisNamespace } from './redis-namespace.js';
import { eventually, recordingLogger } from './store-behaviour.js';

const redisUrl = process.env.REDIS_URL;
// A unique prefix per run, removed afterwards: the server may be shared with other runs.
const namespace = `imagine-bot-test-${randomUUID()}`;

/** What the tests read straight from Redis. */
interface RawClient {
  strLen(key: string): Promise<number>;
  pTTL(key: string): Promise<number>;
}

if (!redisUrl) console.warn('REDIS_URL not set: skipping Redis image store tests');

describe.skipIf(!redisUrl)('redis image store', () => {
  const url = redisUrl ?? '';
  const open = () => createImageStore(url, { namespace, logger: recordingLogger() });

  afterAll(() => removeRedisNamespace(url, namespace));

  /** The store and a raw client on the same server, both closed after `run`. */
  const withRaw = async (run: (store: ImageStore, raw: RawClient) => Promise<void>) => {
    const store = await open();
    const raw = createClient({ url });
    await raw.connect();
    try {
      await run(store, raw);
    } finally {
      await raw.close();
      await store.close();
    }
  };

  describeImageStoreBehaviour('redis', { open });

  it('stores the raw bytes (not base64) under the namespace, with the TTL on the key', async () => {
    await withRaw(async (store, raw) => {
      const bytes = imageBytes(100_000);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes, 60_000);
      const key = `${namespace}::image:${hash}`;
      expect(await raw.strLen(key)).toBe(bytes.byteLength);
      const ttl = await raw.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });
  });

  it('moves the expiry when the same image is stored again, without sending it again', async () => {
    await withRaw(async (store, raw) => {
      const bytes = imageBytes(1000);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes, 60_000);
      await store.put(hash, Buffer.from('not the image'), 600_000);
      expect(await raw.pTTL(`${namespace}::image:${hash}`)).toBeGreaterThan(60_000);
      expect((await store.get(hash))?.equals(bytes)).toBe(true);
    });
  });

  it('keeps an image by moving the TTL of its key, without its bytes', async () => {
    await withRaw(async (store, raw) => {
      const bytes = imageBytes(1000);
      const hash = sha256Hex(bytes);
      await store.put(hash, bytes, 60_000);
      expect(await store.keep(hash, 600_000)).toBe(true);
      expect(await raw.pTTL(`${namespace}::image:${hash}`)).toBeGreaterThan(60_000);
      expect((await store.get(hash))?.equals(bytes)).toBe(true);
    });
  });

  it('forgets an image once its TTL has passed', async () => {
    const store = await open();
    const bytes = imageBytes(1000);
    const hash = sha256Hex(bytes);
    await store.put(hash, bytes, 100);
    await eventually(
      () => store.get(hash),
      (image) => image === undefined,
    );
    await store.close();
  });

  it('answers undefined after close instead of throwing', async () => {
    const store = await open();
    const bytes = imageBytes(100);
    await store.put(sha256Hex(bytes), bytes, 60_000);
    await store.close();
    expect(await store.get(sha256Hex(bytes))).toBeUndefined();
  });
});
