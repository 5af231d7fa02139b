import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../../src/core/store/index.js';
import { removeRedisNamespace } from './redis-namespace.js';
import { describeStoreBehaviour, recordingLogger } from './store-behaviour.js';

const redisUrl = process.env.REDIS_URL;
// A unique prefix per run, removed afterwards: the server may be shared with other runs.
const namespace = `imagine-bot-test-${randomUUID()}`;

if (!redisUrl) console.warn('REDIS_URL not set: skipping Redis store tests');

describe.skipIf(!redisUrl)('redis store', () => {
  const url = redisUrl ?? '';
  const open = () => createStore(url, { namespace, logger: recordingLogger() });

  afterAll(() => removeRedisNamespace(url, namespace));

  describeStoreBehaviour(url, {
    open,
    openPair: async () => [await open(), await open()],
  });

  it('keeps values, counters and claims under the namespace, each with its TTL', async () => {
    const store = await open();
    const raw = createClient({ url });
    await raw.connect();
    try {
      await store.set('jobs', 'job-1', { id: 'job-1' }, 60_000);
      await store.set('settings', 'guild-1', { model: 'seedream' });
      await store.reserve('daily:user-1', 5, 60_000);
      await store.claim('event:Ev123', 'instance-a', 60_000);

      const storedJob: unknown = JSON.parse(String(await raw.get(`${namespace}::value:jobs:job-1`)));
      expect(storedJob).toEqual({ value: { id: 'job-1' }, expires: expect.any(Number) });
      expect(await raw.pTTL(`${namespace}::value:jobs:job-1`)).toBeGreaterThan(0);
      expect(await raw.pTTL(`${namespace}::value:settings:guild-1`)).toBe(-1);
      expect(await raw.get(`${namespace}::reserve:daily:user-1`)).toBe('1');
      expect(await raw.pTTL(`${namespace}::reserve:daily:user-1`)).toBeGreaterThan(0);
      expect(await raw.get(`${namespace}::claim:event:Ev123`)).toBe('instance-a');
      expect(await raw.pTTL(`${namespace}::claim:event:Ev123`)).toBeGreaterThan(0);
    } finally {
      await raw.close();
      await store.close();
    }
  });

  it('keeps the quota window when a slot is released', async () => {
    const store = await open();
    const raw = createClient({ url });
    await raw.connect();
    try {
      await store.reserve('window:refund', 3, 60_000);
      await store.release('window:refund');
      expect(await raw.get(`${namespace}::reserve:window:refund`)).toBe('0');
      expect(await raw.pTTL(`${namespace}::reserve:window:refund`)).toBeGreaterThan(0);
    } finally {
      await raw.close();
      await store.close();
    }
  });
});
