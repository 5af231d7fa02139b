import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImageStore, createStore, type ImageStore } from '../../src/core/store/index.js';
import type { Store } from '../../src/core/store/store.js';
import { type FakeImageApi, startFakeImageApi } from '../../src/dev/fake-image-api/index.js';
import { dataUri, onlyReply, sentinelKey, startHarness } from '../support/bot-harness.js';
import { inNewProcess } from '../support/restart-process.js';
import { type LocalS3, s3Credentials, startLocalS3 } from '../support/s3-server.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('REDIS_URL not set: skipping the Redis restart tests');

const generationBodies = (fake: FakeImageApi) =>
  fake.requests.filter((request) => request.path === '/v1/images/generations').map((request) => request.body);

interface Backend {
  storeUrl: string;
  imageStoreUrl: string;
  namespace?: string;
  /** What the new process needs besides the URLs (credentials). */
  env?: Record<string, string>;
  openStore(): Promise<Store>;
  openImageStore(): Promise<ImageStore>;
}

/** A job made by one app still works from a new process after that app closed: buttons and threads. */
function describeRestart(name: string, backend: () => Promise<Backend>, cleanUp: () => Promise<void>) {
  describe(`after a restart (${name})`, () => {
    let fake: FakeImageApi;
    let store: Backend;
    beforeEach(async () => {
      fake = await startFakeImageApi({ apiKey: sentinelKey, maxSide: 256 });
      store = await backend();
    });
    afterEach(async () => {
      await fake.close();
    });
    afterAll(cleanUp);

    /** The first app: makes a result, maybe links a thread, and closes. */
    async function firstApp(prompt: string, threadKey?: string): Promise<string> {
      const opened = await store.openStore();
      const images = await store.openImageStore();
      const harness = await startHarness({ fake, store: opened, imageStore: images });
      try {
        const result = onlyReply(await harness.app.brain.text(prompt, [], harness.context()), 'result');
        if (threadKey) await harness.app.brain.linkResult(result.jobId ?? '', { threadKey });
        return result.jobId ?? '';
      } finally {
        await harness.close();
        await images.close();
        await opened.close();
      }
    }
    const environment = () => ({
      fakeUrl: fake.url,
      storeUrl: store.storeUrl,
      imageStoreUrl: store.imageStoreUrl,
      ...(store.namespace && { namespace: store.namespace }),
      ...(store.env && { env: store.env }),
    });

    it('re-rolls a job made before the restart', async () => {
      const jobId = await firstApp('a red fox --model seedream-4 --seed 5');
      const replies = await inNewProcess(
        { kind: 'button', action: 'reroll', jobId, userId: 'console:bob' },
        environment(),
      );
      expect(replies).toHaveLength(1);
      const [reply] = replies;
      expect(reply?.kind, reply?.text).toBe('result');
      expect(reply?.text).toBe('“a red fox”');
      expect(reply?.images).toStrictEqual([fake.images[1]]);
      const bodies = generationBodies(fake);
      expect(bodies).toHaveLength(2);
      expect(bodies[1]).toMatchObject({ model: 'doubao-seedream-4-0-250828', prompt: 'a red fox' });
      expect(bodies[1]).not.toMatchObject({ seed: 5 });
    });

    it('makes variations of a result made before the restart', async () => {
      const jobId = await firstApp('a lighthouse --model gpt-image');
      const replies = await inNewProcess(
        { kind: 'button', action: 'variations', jobId, userId: 'console:alice' },
        environment(),
      );
      expect(replies[0]?.kind, replies[0]?.text).toBe('result');
      expect(replies[0]?.images).toStrictEqual([fake.images[1]]);
      expect(generationBodies(fake)[1]).toMatchObject({ image: dataUri(fake.images[0]) });
    });

    it('continues a thread linked before the restart, with its history', async () => {
      await firstApp('a red fox in the snow', 'console:thread-restart');
      const replies = await inNewProcess(
        {
          kind: 'thread',
          threadKey: 'console:thread-restart',
          text: 'give it a hat',
          userId: 'console:alice',
        },
        environment(),
      );
      expect(replies[0]?.kind, replies[0]?.text).toBe('result');
      expect(replies[0]?.images).toStrictEqual([fake.images[1]]);
      expect(generationBodies(fake)[1]).toMatchObject({
        contents: [
          { role: 'user', parts: [{ text: 'a red fox in the snow' }] },
          { role: 'model', parts: [{ image: dataUri(fake.images[0]) }] },
          { role: 'user', parts: [{ text: 'give it a hat' }] },
        ],
      });
    });

    it('still answers an unknown job clearly', async () => {
      const replies = await inNewProcess(
        { kind: 'button', action: 'reroll', jobId: 'never-made', userId: 'console:alice' },
        environment(),
      );
      expect(replies).toStrictEqual([
        {
          kind: 'error',
          text: 'That image is no longer available (results are kept for 7 days).',
          images: [],
        },
      ]);
    });
  });
}

const directories: string[] = [];
describeRestart(
  'SQLite file',
  async () => {
    const directory = await mkdtemp(join(tmpdir(), 'imagine-bot-restart-'));
    directories.push(directory);
    const storeUrl = `sqlite://${join(directory, 'bot.sqlite')}`;
    const imageStoreUrl = `file://${join(directory, 'images')}`;
    return {
      storeUrl,
      imageStoreUrl,
      openStore: () => createStore(storeUrl),
      openImageStore: () => createImageStore(imageStoreUrl),
    };
  },
  async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  },
);

// The images in a local S3-compatible server; the new process finds its credentials where the AWS SDK looks.
let localS3: LocalS3 | undefined;
describeRestart(
  'SQLite file, images in S3',
  async () => {
    localS3 ??= await startLocalS3();
    const directory = await mkdtemp(join(tmpdir(), 'imagine-bot-restart-'));
    directories.push(directory);
    const storeUrl = `sqlite://${join(directory, 'bot.sqlite')}`;
    const imageStoreUrl = localS3.url(randomUUID());
    return {
      storeUrl,
      imageStoreUrl,
      env: {
        AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      openStore: () => createStore(storeUrl),
      openImageStore: () => createImageStore(imageStoreUrl, { credentials: s3Credentials }),
    };
  },
  async () => {
    await localS3?.close();
  },
);

const namespace = `imagine-bot-test-${randomUUID()}`;
if (redisUrl) {
  describeRestart(
    'Redis',
    async () => ({
      storeUrl: redisUrl,
      imageStoreUrl: redisUrl,
      namespace,
      openStore: () => createStore(redisUrl, { namespace }),
      openImageStore: () => createImageStore(redisUrl, { namespace }),
    }),
    async () => {
      const client = createClient({ url: redisUrl });
      await client.connect();
      for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 })) {
        if (keys.length > 0) await client.del(keys);
      }
      await client.close();
    },
  );
} else {
  describe.skip('after a restart (Redis): REDIS_URL not set', () => {
    it('skipped', () => {});
  });
}
