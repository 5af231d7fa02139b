import { afterEach, describe, expect, it } from 'vitest';
import { createImageClient } from '../../../src/core/client/index.js';
import { renderFor, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';
import {
  generationRequests,
  gptImageBody,
  type Harness,
  planOf,
  rejectionOf,
  sentinelKey,
  startHarness,
} from './client-fixtures.js';

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

describe('image client: errors and retries', () => {
  it('reports a refused key as auth, without retrying', async () => {
    harness = await startHarness();
    const fake = await startFakeImageApi({ apiKey: 'sk-the-right-key-0000' });
    const client = createImageClient({
      baseUrl: fake.url,
      apiKey: sentinelKey,
      timeoutMs: 5_000,
      maxRetries: 3,
      concurrency: 1,
    });
    try {
      const error = await rejectionOf(client.execute(planOf([gptImageBody('x')])));
      expect(error).toMatchObject({
        code: 'auth',
        retryable: false,
        status: 401,
        providerCode: 'invalid_api_key',
      });
      expect(error).toHaveProperty(
        'message',
        'The image API refused the API key (HTTP 401): Invalid API key',
      );
      expect(generationRequests(fake)).toHaveLength(1);
    } finally {
      await client.close();
      await fake.close();
    }
  });

  it.each([
    [403, undefined, 'insufficient_user_quota'],
    [402, 'Payment Required', undefined],
  ])('reports HTTP %i as quota, without retrying', async (status, body, providerCode) => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'status', status, ...(body === undefined ? {} : { body }) });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
    expect(error).toMatchObject({ code: 'quota', retryable: false, providerCode });
    expect(generationRequests(harness.fake)).toHaveLength(1);
  });

  it('keeps the upstream message of a 400 (the user fix) and its request id apart', async () => {
    harness = await startHarness();
    const message = 'image_size 5K is not supported; use 1K, 2K or 4K';
    harness.fake.fault({
      kind: 'status',
      status: 400,
      body: {
        error: {
          message: `${message} (request id: 2026-req-7)`,
          type: 'invalid_request_error',
          param: '',
          code: 'invalid_value',
        },
      },
    });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
    expect(error).toMatchObject({
      code: 'invalid_request',
      retryable: false,
      message: `The image API rejected the request: ${message}`,
      providerCode: 'invalid_value',
    });
    // The x-request-id header (the fake's random hex) wins over the id in the text.
    expect(error).toHaveProperty('requestId', expect.stringMatching(/^[0-9a-f]{24}$/));
    expect(generationRequests(harness.fake)).toHaveLength(1);
  });

  it('keeps the Gemini thought-signature 400 as invalid_request with Google message', async () => {
    harness = await startHarness();
    const image = `data:image/png;base64,${(await renderFor('earlier', { width: 8, height: 8 })).toString('base64')}`;
    const body = {
      model: 'gemini-3-pro-image-preview',
      contents: [
        { role: 'user', parts: [{ text: 'draw a tower' }] },
        { role: 'model', parts: [{ image }] },
        { role: 'user', parts: [{ text: 'make it taller' }] },
      ],
    };
    const error = await rejectionOf(harness.client.execute(planOf([body], 'gemini-3-pro-image-preview')));
    expect(error).toMatchObject({
      code: 'invalid_request',
      providerCode: 'INVALID_ARGUMENT',
      message:
        'The image API rejected the request: Image part is missing a thought_signature in content position 2, part position 1.',
    });
  });

  it('reports an unknown model as invalid_request', async () => {
    harness = await startHarness();
    const error = await rejectionOf(
      harness.client.execute(planOf([{ model: 'no-such-model', prompt: 'x' }])),
    );
    expect(error).toMatchObject({
      code: 'invalid_request',
      providerCode: 'model_not_found',
      message: 'The image API rejected the request: model no-such-model not found',
    });
  });

  it.each([
    ['openai', 'moderation_blocked'],
    ['seedream', 'OutputImageSensitiveContentDetected'],
    ['qwen', 'DataInspectionFailed'],
    ['gemini_block', 'prompt_blocked'],
    ['wrapped', '400'],
  ] as const)(
    'reports the %s refusal as content_policy and never retries it',
    async (style, providerCode) => {
      harness = await startHarness({ maxRetries: 3 });
      harness.fake.fault({ kind: 'content_policy', style, times: 4 });
      const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
      expect(error).toMatchObject({ code: 'content_policy', retryable: false, providerCode });
      expect(generationRequests(harness.fake)).toHaveLength(1);
    },
  );

  it('waits at least Retry-After before retrying a 429', async () => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'status', status: 429, retryAfterSeconds: 3 });
    const result = await harness.client.execute(planOf([gptImageBody('x')]));
    expect(result.images).toHaveLength(1);
    expect(harness.sleeps).toEqual([3_000]);
    expect(generationRequests(harness.fake)).toHaveLength(2);
  });

  it.each([500, 503])('retries HTTP %i and returns the image of the second attempt', async (status) => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'status', status });
    const result = await harness.client.execute(planOf([gptImageBody('x')]));
    expect(generationRequests(harness.fake)).toHaveLength(2);
    expect(result.images[0]?.bytes).toEqual(harness.fake.images[0]);
    expect(result.requestIds).toHaveLength(2);
  });

  it('gives up after maxRetries + 1 attempts with the last upstream error', async () => {
    harness = await startHarness({ maxRetries: 2 });
    harness.fake.fault({
      kind: 'status',
      status: 502,
      body: '<html><title>502 Bad Gateway</title></html>',
      times: 5,
    });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
    expect(error).toMatchObject({
      code: 'upstream',
      retryable: true,
      status: 502,
      message: 'The image API failed (HTTP 502): 502 Bad Gateway',
    });
    expect(generationRequests(harness.fake)).toHaveLength(3);
    // Full jitter with random() = 0 waits nothing; the waits still happen between attempts.
    expect(harness.sleeps).toEqual([0, 0]);
  });

  it('retries a cut-off JSON answer, and reports malformed_response when it persists', async () => {
    harness = await startHarness({ maxRetries: 1 });
    harness.fake.fault({ kind: 'malformed_json' });
    expect((await harness.client.execute(planOf([gptImageBody('x')]))).images).toHaveLength(1);
    harness.fake.fault({ kind: 'malformed_json', times: 2 });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('y')])));
    expect(error).toMatchObject({
      code: 'malformed_response',
      message: 'The image API sent a malformed answer.',
    });
    expect(generationRequests(harness.fake)).toHaveLength(4);
  });

  it('turns a hung answer into a retryable timeout', async () => {
    harness = await startHarness({ timeoutMs: 200, maxRetries: 1 });
    harness.fake.fault({ kind: 'hang', times: 2 });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
    expect(error).toMatchObject({
      code: 'timeout',
      retryable: true,
      message: 'The image API did not answer within 200 ms.',
    });
    expect(generationRequests(harness.fake)).toHaveLength(2);
  });

  it.each([false, true])('retries an empty answer once only (blank item: %s)', async (blank) => {
    harness = await startHarness({ maxRetries: 3 });
    harness.fake.fault({ kind: 'empty', blank, times: 3 });
    const error = await rejectionOf(harness.client.execute(planOf([gptImageBody('x')])));
    expect(error).toMatchObject({
      code: 'empty_result',
      retryable: true,
      message: 'The model returned no image.',
    });
    expect(generationRequests(harness.fake)).toHaveLength(2);
  });

  it('reports an unreachable API as a retryable network error', async () => {
    harness = await startHarness({ maxRetries: 1 });
    const fake = await startFakeImageApi({ maxSide: 256 });
    const url = fake.url;
    await fake.close();
    const client = createImageClient({
      baseUrl: url,
      apiKey: sentinelKey,
      timeoutMs: 2_000,
      maxRetries: 1,
      concurrency: 1,
      sleep: async () => {},
    });
    const error = await rejectionOf(client.execute(planOf([gptImageBody('x')])));
    await client.close();
    expect(error).toMatchObject({
      code: 'network',
      retryable: true,
      message: 'Could not reach the image API (ECONNREFUSED).',
    });
  });
});
