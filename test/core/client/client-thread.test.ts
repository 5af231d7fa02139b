import type { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createThreadedImageClient } from '../../../src/core/client/client-thread.js';
import type { ImageClient } from '../../../src/core/client/index.js';
import { DataUri } from '../../../src/core/data-uri.js';
import { isImagineError } from '../../../src/core/errors.js';
import { sniffImageType } from '../../../src/core/images/sniff.js';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  capturingLogger,
  generationRequests,
  gptImageBody,
  planOf,
  rejectionOf,
  sentinelKey,
  settle,
  waitFor,
} from './client-fixtures.js';

let fake: FakeImageApi;
let client: ImageClient;
let logLines: string[];

afterEach(async () => {
  await client.close();
  await fake.close();
});

let threads: Worker[];

async function start(options: { concurrency?: number; maxRetries?: number } = {}): Promise<void> {
  fake = await startFakeImageApi({ apiKey: sentinelKey, maxSide: 64 });
  logLines = [];
  threads = [];
  client = createThreadedImageClient({
    onThreadStart: (thread) => threads.push(thread),
    baseUrl: fake.url,
    apiKey: sentinelKey,
    timeoutMs: 5_000,
    maxRetries: options.maxRetries ?? 0,
    concurrency: options.concurrency ?? 4,
    logger: capturingLogger(logLines),
  });
}

describe('image client on its own thread', () => {
  it('sends the plan as the in-process client does and brings the images back as Buffers', async () => {
    await start();
    const result = await client.execute(planOf([gptImageBody('a red fox', 2)]));
    const [request] = generationRequests(fake);
    expect(request?.body).toEqual(gptImageBody('a red fox', 2));
    expect(request?.headers.authorization).toBe(`Bearer ${sentinelKey}`);
    expect(result.model).toBe('gpt-image-1');
    expect(result.images).toHaveLength(2);
    for (const image of result.images) {
      expect(Buffer.isBuffer(image.bytes)).toBe(true);
      expect(image.mediaType).toBe('image/png');
      expect(sniffImageType(image.bytes)).toBe('image/png');
    }
    expect(result.warnings).toEqual(planOf([]).warnings);
    expect(result.failures).toEqual([]);
    expect(result.requestIds).toHaveLength(1);
  });

  it('streams an input image across the thread byte for byte', async () => {
    await start();
    const bytes = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer(),
    );
    const body = { ...gptImageBody('edit it'), image: [new DataUri('image/png', bytes)] };
    await client.execute(planOf([body]));
    const [request] = generationRequests(fake);
    expect(request?.body).toEqual({
      ...gptImageBody('edit it'),
      image: [`data:image/png;base64,${Buffer.from(bytes).toString('base64')}`],
    });
  });

  it('rejects with the typed error the call met, as the in-process client does', async () => {
    await start();
    fake.fault({ kind: 'status', status: 401 });
    const error = await rejectionOf(client.execute(planOf([gptImageBody('x')])));
    expect(isImagineError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'auth', retryable: false, status: 401 });
    expect((error as Error).message).toMatch(/refused the API key/);
  });

  it('keeps a failed call of a split request as a typed failure beside the images that came', async () => {
    await start();
    fake.fault({ kind: 'content_policy', style: 'openai', times: 1 });
    const result = await client.execute(planOf([gptImageBody('a'), gptImageBody('b')]));
    expect(result.images).toHaveLength(1);
    expect(result.failures).toHaveLength(1);
    expect(isImagineError(result.failures[0])).toBe(true);
    expect(result.failures[0]).toMatchObject({ code: 'content_policy' });
  });

  it("tells the bot's observer and logger of each call, and never logs the key", async () => {
    await start();
    const events: string[] = [];
    await client.execute(planOf([gptImageBody('x')]), {
      observer: {
        call: (attempt) => events.push(`call ${attempt.code} ${attempt.status}`),
        imageBytes: (image) => events.push(`image ${image.bytes > 0}`),
      },
    });
    expect(events.sort()).toEqual(['call ok 200', 'image true']);
    expect(logLines.some((line) => JSON.parse(line).message === 'image api call')).toBe(true);
    expect(logLines.join('\n')).not.toContain(sentinelKey);
  });

  it('holds the concurrency cap in the thread, and a cancelled call waiting there is never sent', async () => {
    await start({ concurrency: 2 });
    fake.fault({ kind: 'hang', times: 10 });
    const controller = new AbortController();
    const running = client.execute(planOf([gptImageBody('a'), gptImageBody('b')]));
    const waiting = client.execute(planOf([gptImageBody('c')]), { signal: controller.signal });
    await waitFor(() => generationRequests(fake).length === 2, 'two requests');
    controller.abort();
    expect(await rejectionOf(waiting)).toMatchObject({ code: 'cancelled' });
    const closing = rejectionOf(running);
    await client.close();
    expect(await closing).toMatchObject({ code: 'cancelled' });
    await settle();
    expect(generationRequests(fake).map((request) => (request.body as { prompt: string }).prompt)).toEqual([
      'a',
      'b',
    ]);
  });

  it('tells the observer when a call that waited for a slot goes out, after the call before it ended', async () => {
    await start({ concurrency: 1 });
    fake.fault({ kind: 'latency', ms: 300, times: 1 });
    const events: string[] = [];
    const observing = (name: string) => ({
      observer: {
        started: (attempt: { model: string; attempt: number }) =>
          events.push(`${name} started ${attempt.model} ${attempt.attempt}`),
        call: (attempt: { code: string }) => events.push(`${name} call ${attempt.code}`),
      },
    });
    const first = client.execute(planOf([gptImageBody('first')]), observing('first'));
    const second = client.execute(planOf([gptImageBody('second')]), observing('second'));
    await waitFor(
      () => generationRequests(fake).length === 1 && events.length > 0,
      'the first call to arrive and its start to be told',
    );
    // The first call is held 300 ms by the fake: the second waits for its slot, unsent and not started.
    expect(events).toEqual(['first started gpt-image-1 0']);
    await Promise.all([first, second]);
    expect(events).toEqual([
      'first started gpt-image-1 0',
      'first call ok',
      'second started gpt-image-1 0',
      'second call ok',
    ]);
  });

  it('fails the calls in flight clearly when its thread dies, and the next call starts a new thread', async () => {
    await start({ concurrency: 2 });
    fake.fault({ kind: 'hang', times: 2 });
    const first = rejectionOf(client.execute(planOf([gptImageBody('a')])));
    const second = rejectionOf(client.execute(planOf([gptImageBody('b')])));
    await waitFor(() => generationRequests(fake).length === 2, 'both calls to arrive');
    expect(threads).toHaveLength(1);
    await threads[0]?.terminate();
    for (const error of [await first, await second]) {
      expect(isImagineError(error)).toBe(true);
      expect(error).toMatchObject({
        code: 'network',
        message: 'The image service connection was lost. Please try again.',
      });
    }
    const stopped = logLines.map((line) => JSON.parse(line)).find((line) => line.level === 'error');
    expect(stopped).toMatchObject({ message: 'image client thread stopped with calls in flight', calls: 2 });
    const after = await client.execute(planOf([gptImageBody('c')]));
    expect(after.images).toHaveLength(1);
    expect(threads).toHaveLength(2);
    expect(generationRequests(fake).map((request) => (request.body as { prompt: string }).prompt)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('cancels a call in flight at once, and says it is closed once closed', async () => {
    await start();
    fake.fault({ kind: 'hang', times: 1 });
    const controller = new AbortController();
    const call = client.execute(planOf([gptImageBody('a')]), { signal: controller.signal });
    await waitFor(() => generationRequests(fake).length === 1, 'the request');
    controller.abort(new Error('user cancelled'));
    expect(await rejectionOf(call)).toMatchObject({ code: 'cancelled' });
    await client.close();
    expect(await rejectionOf(client.execute(planOf([gptImageBody('b')])))).toMatchObject({
      code: 'cancelled',
      message: 'The image client is closed.',
    });
  });
});
