import { afterEach, describe, expect, it } from 'vitest';
import {
  generationRequests,
  gptImageBody,
  type Harness,
  planOf,
  rejectionOf,
  seedreamBody,
  sentinelKey,
  startHarness,
} from './client-fixtures.js';

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

describe('image client: success', () => {
  it('sends the exact body with the bearer key and JSON headers to /v1/images/generations', async () => {
    harness = await startHarness();
    const body = gptImageBody('a red fox in snow');
    await harness.client.execute(planOf([body]));
    const [request] = generationRequests(harness.fake);
    expect(request?.method).toBe('POST');
    expect(request?.body).toEqual(body);
    expect(request?.headers.authorization).toBe(`Bearer ${sentinelKey}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
  });

  it.each(['wrapped', 'plain'] as const)(
    'reads the %s shape with b64_json bytes equal to what the fake made',
    async (shape) => {
      harness = await startHarness();
      harness.fake.setResponseShape(shape);
      harness.fake.setDelivery('b64_json');
      const plan = planOf([gptImageBody('a lighthouse at dusk')]);
      const result = await harness.client.execute(plan);
      expect(harness.fake.images).toHaveLength(1);
      expect(result.images).toHaveLength(1);
      expect(result.images[0]?.bytes.equals(harness.fake.images[0] ?? Buffer.alloc(0))).toBe(true);
      expect(result.images[0]?.mediaType).toBe('image/png');
      expect(result.images[0]?.sourceUrl).toBeUndefined();
      expect(result.model).toBe('gpt-image-1');
      expect(result.warnings).toEqual(plan.warnings);
      expect(result.failures).toEqual([]);
      expect(result.requestIds).toHaveLength(1);
      expect(result.images[0]?.requestId).toBe(result.requestIds[0]);
    },
  );

  it('downloads url results at once and sniffs the media type from the bytes', async () => {
    harness = await startHarness();
    harness.fake.setResponseShape('plain');
    const result = await harness.client.execute(planOf([seedreamBody('an oil painting of a harbour')]));
    const image = result.images[0];
    expect(image?.bytes.equals(harness.fake.images[0] ?? Buffer.alloc(0))).toBe(true);
    expect(image?.mediaType).toBe('image/jpeg');
    expect(image?.sourceUrl?.startsWith(`${harness.fake.url}/files/`)).toBe(true);
    // The presigned link is fetched without our key.
    const download = harness.fake.requests.find((request) => request.path.startsWith('/files/'));
    expect(download?.headers.authorization).toBeUndefined();
  });

  it('returns every image of an n=3 call, in order', async () => {
    harness = await startHarness();
    const result = await harness.client.execute(planOf([gptImageBody('three cats', 3)]));
    expect(result.images.map((image) => image.bytes)).toEqual(harness.fake.images);
    expect(result.images).toHaveLength(3);
  });

  it('keeps a non-empty revised prompt (Qwen prompt_extend)', async () => {
    harness = await startHarness();
    const body = {
      model: 'qwen-image-plus',
      input: { messages: [{ role: 'user', content: [{ text: 'a tea house' }] }] },
    };
    const result = await harness.client.execute(planOf([body], 'qwen-image-plus'));
    expect(result.images[0]?.revisedPrompt).toBe(
      'a tea house. Rich detail, balanced composition, soft natural light, sharp focus.',
    );
  });

  it('answers alternate shapes across calls the same way', async () => {
    harness = await startHarness();
    harness.fake.setResponseShape('alternate');
    const result = await harness.client.execute(planOf([gptImageBody('one'), gptImageBody('two')]));
    expect(result.images).toHaveLength(2);
    expect(new Set(result.images.map((image) => image.bytes.toString('hex')))).toEqual(
      new Set(harness.fake.images.map((bytes) => bytes.toString('hex'))),
    );
  });

  it('returns what succeeded plus the failures when 2 of 4 calls fail', async () => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'content_policy', style: 'openai', times: 2 });
    const plan = planOf(['a', 'b', 'c', 'd'].map((prompt) => gptImageBody(`picture ${prompt}`)));
    const result = await harness.client.execute(plan);
    expect(result.images).toHaveLength(2);
    expect(result.failures.map((failure) => failure.code)).toEqual(['content_policy', 'content_policy']);
    expect(generationRequests(harness.fake)).toHaveLength(4);
    expect(result.requestIds).toHaveLength(4);
    const made = new Set(harness.fake.images.map((bytes) => bytes.toString('hex')));
    for (const image of result.images) expect(made.has(image.bytes.toString('hex'))).toBe(true);
  });

  it('throws the most informative failure when every call fails', async () => {
    harness = await startHarness({ maxRetries: 0 });
    harness.fake.fault({ kind: 'status', status: 500 });
    harness.fake.fault({ kind: 'content_policy', style: 'qwen' });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x'), gptImageBody('y')])));
    expect(error).toMatchObject({ code: 'content_policy', providerCode: 'DataInspectionFailed' });
  });

  it('fails a call whose url has expired with download_failed, without generating again', async () => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'expired_url' });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('gone')])));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      status: 403,
      message: 'The generated image link has expired or is gone (HTTP 403); generate the image again.',
    });
    expect(generationRequests(harness.fake)).toHaveLength(1);
  });

  it('fails a url that serves HTML with download_failed, whatever its content type', async () => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'not_image_url' });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('html')])));
    expect(error).toMatchObject({
      code: 'download_failed',
      message: 'The generated image link did not lead to an image.',
    });
  });

  it('refuses a download larger than maxDownloadBytes', async () => {
    harness = await startHarness({ maxDownloadBytes: 100 });
    harness.fake.setDelivery('url');
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('big')])));
    expect(error).toMatchObject({
      code: 'download_failed',
      message: 'The generated image is larger than the 100 bytes limit.',
    });
  });
});

describe('image client: connections', () => {
  it('keeps one connection per slot: a slot’s next call reuses the connection its last answer came on', async () => {
    harness = await startHarness({ concurrency: 4 });
    harness.fake.fault({ kind: 'latency', ms: 20, times: 40 });
    const plans = Array.from({ length: 40 }, (_, index) => planOf([gptImageBody(`fox ${index}`)]));
    const results = await Promise.all(plans.map((plan) => harness.client.execute(plan)));
    expect(results.flatMap((result) => result.images)).toHaveLength(40);
    const ports = new Set(generationRequests(harness.fake).map((request) => request.remotePort));
    expect(ports.has(undefined)).toBe(false);
    // Before: a call that found its slot's connection not yet marked free opened another (26–32 for 16 slots).
    expect(ports.size).toBe(4);
  });

  it('fetches result links on connections of their own, so a download never waits behind the slots’ calls', async () => {
    harness = await startHarness({ concurrency: 1 });
    harness.fake.setDelivery('url');
    harness.fake.fault({ kind: 'latency', ms: 300, times: 2 });
    let firstDoneAt = 0;
    const first = harness.client.execute(planOf([gptImageBody('fox 1')])).then((result) => {
      firstDoneAt = Date.now();
      return result;
    });
    const second = harness.client.execute(planOf([gptImageBody('fox 2')]));
    const results = await Promise.all([first, second]);
    expect(results.map((result) => result.images.length)).toStrictEqual([1, 1]);
    const [, secondCall] = generationRequests(harness.fake);
    // The first call's link was fetched while the second call held the one slot (and its connection).
    expect(firstDoneAt).toBeLessThan(secondCall?.endedAt ?? 0);
    expect(new Set(generationRequests(harness.fake).map((request) => request.remotePort)).size).toBe(1);
  });
});
