import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/commands/reply.js';
import { createStore } from '../../src/core/store/index.js';
import type { Store } from '../../src/core/store/store.js';
import { type Harness, onlyReply, startHarness } from '../support/bot-harness.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL not set: skipping the two-instance quota race on Redis');

const quotaEnv = { USER_DAILY_QUOTA: '3', USER_RATE_LIMIT_PER_MINUTE: '0', USER_CONCURRENCY: '4' };
const refusal = /^You've used your 3 images for today; the quota resets in \d+ (s|min|h)( \d+ min)?\.$/;

/** 20 imagines from one user, at once, spread over the given apps. */
async function race(harnesses: Harness[]): Promise<Reply[]> {
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, index) => {
      const harness = harnesses[index % harnesses.length] as Harness;
      return harness.app.brain.text(`a red fox number ${index}`, [], harness.context());
    }),
  );
  return replies.map((list) => {
    expect(list).toHaveLength(1);
    return list[0] as Reply;
  });
}

function expectThreeResults(replies: Reply[], harnesses: Harness[]) {
  const results = replies.filter((reply) => reply.kind === 'result');
  const refused = replies.filter((reply) => reply.kind === 'error');
  expect(results).toHaveLength(3);
  expect(refused).toHaveLength(17);
  for (const reply of refused) {
    expect(reply.text).toMatch(refusal);
    expect(reply.buttons).toStrictEqual([]);
  }
  const sent = harnesses.flatMap((harness) => harness.bodies());
  expect(sent).toHaveLength(3);
  const images = harnesses.flatMap((harness) => harness.fake.images);
  const made = results.flatMap((reply) => reply.images.map((image) => image.bytes));
  expect(made.sort(Buffer.compare)).toStrictEqual([...images].sort(Buffer.compare));
}

describe('a burst against the daily quota', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  });

  it('gives exactly the quota on one app (memory store), and clear refusals to the rest', async () => {
    harnesses.push(await startHarness({ env: quotaEnv }));
    const replies = await race(harnesses);
    expectThreeResults(replies, harnesses);
    const [harness] = harnesses as [Harness];
    const usage = onlyReply(await harness.app.brain.text('usage', [], harness.context()), 'info');
    expect(usage.text).toBe('Today: you 3 of 3 (0 left); this channel 3 (no limit).');
  });

  describe.skipIf(!redisUrl)('two apps sharing one Redis', () => {
    const namespace = `imagine-bot-test-${randomUUID()}`;
    const stores: Store[] = [];
    afterAll(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      const client = createClient({ url: redisUrl });
      await client.connect();
      for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 })) {
        if (keys.length > 0) await client.del(keys);
      }
      await client.close();
    });

    it('gives exactly the quota across both, and clear refusals to the rest', async () => {
      for (let index = 0; index < 2; index += 1) {
        const store = await createStore(redisUrl ?? '', { namespace });
        stores.push(store);
        harnesses.push(await startHarness({ env: quotaEnv, store }));
      }
      const replies = await race(harnesses);
      expectThreeResults(replies, harnesses);
      const [first, second] = harnesses as [Harness, Harness];
      const fromSecond = onlyReply(await second.app.brain.text('usage', [], second.context()), 'info');
      expect(fromSecond.text).toBe('Today: you 3 of 3 (0 left); this channel 3 (no limit).');
      const refused = onlyReply(await first.app.brain.text('one more', [], first.context()), 'error');
      expect(refused.text).toMatch(refusal);
    });
  });
});
