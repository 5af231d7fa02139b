import { createClient } from '@keyv/redis';

/** Deletes every key under a test run's namespace: the Redis server may be shared with other runs. */
export async function removeRedisNamespace(url: string, namespace: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
  await client.close();
}
