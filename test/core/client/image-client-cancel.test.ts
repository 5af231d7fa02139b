import { Agent, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { isImagineError } from '../../../src/core/errors.js';
import {
  generationRequests,
  gptImageBody,
  type Harness,
  planOf,
  rejectionOf,
  sentinelKey,
  settle,
  startHarness,
  waitFor,
} from './client-fixtures.js';

let harness: Harness;

afterEach(async () => {
  await harness.close();
});

const terminalMethods = new Set<PropertyKey>(['onComplete', 'onError', 'onResponseEnd', 'onResponseError']);

/** An agent that counts requests between dispatch and their end, as the server sees them. */
function countingAgent() {
  const agent = new Agent();
  let inFlight = 0;
  let maximum = 0;
  const dispatcher = agent.compose(
    (dispatch) => (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) => {
      inFlight += 1;
      maximum = Math.max(maximum, inFlight);
      let ended = false;
      const counted = new Proxy(handler, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (terminalMethods.has(property) && !ended) {
              ended = true;
              inFlight -= 1;
            }
            return Reflect.apply(value, target, args);
          };
        },
      });
      return dispatch(options, counted);
    },
  );
  return { dispatcher, maximum: () => maximum, close: () => agent.close() };
}

describe('image client: concurrency and cancellation', () => {
  it('never has more calls in flight than the cap', async () => {
    const counting = countingAgent();
    harness = await startHarness({ concurrency: 2, dispatcher: counting.dispatcher });
    harness.fake.fault({ kind: 'latency', ms: 60, times: 6 });
    try {
      const plan = planOf(['a', 'b', 'c', 'd', 'e', 'f'].map((prompt) => gptImageBody(prompt)));
      const result = await harness.client.execute(plan);
      expect(result.images).toHaveLength(6);
      expect(counting.maximum()).toBe(2);
    } finally {
      await counting.close();
    }
  });

  it('shares one cap between executes, and sends nothing queued once cancelled', async () => {
    harness = await startHarness({ concurrency: 2 });
    harness.fake.fault({ kind: 'hang', times: 10 });
    const controller = new AbortController();
    const first = harness.client.execute(planOf([gptImageBody('a'), gptImageBody('b')]), {
      signal: controller.signal,
    });
    const second = harness.client.execute(planOf([gptImageBody('c'), gptImageBody('d')]), {
      signal: controller.signal,
    });
    await waitFor(() => generationRequests(harness.fake).length === 2, 'two requests');
    await settle();
    expect(generationRequests(harness.fake)).toHaveLength(2);
    controller.abort();
    expect(await rejectionOf(first)).toMatchObject({ code: 'cancelled' });
    expect(await rejectionOf(second)).toMatchObject({ code: 'cancelled' });
    await settle();
    expect(generationRequests(harness.fake)).toHaveLength(2);
  });

  it('cancels a call waiting in the semaphore without touching the call in flight', async () => {
    harness = await startHarness({ concurrency: 1 });
    harness.fake.fault({ kind: 'latency', ms: 300 });
    const running = harness.client.execute(planOf([gptImageBody('first')]));
    await waitFor(() => generationRequests(harness.fake).length === 1, 'the first request');
    const controller = new AbortController();
    const queued = harness.client.execute(planOf([gptImageBody('second')]), { signal: controller.signal });
    controller.abort();
    expect(await rejectionOf(queued)).toMatchObject({
      code: 'cancelled',
      message: 'The request was cancelled.',
    });
    expect((await running).images).toHaveLength(1);
    await settle();
    expect(generationRequests(harness.fake).map((request) => request.body)).toEqual([gptImageBody('first')]);
  });

  it('cancels a call in flight and does not retry it', async () => {
    harness = await startHarness();
    harness.fake.fault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = harness.client.execute(planOf([gptImageBody('x')]), { signal: controller.signal });
    await waitFor(() => generationRequests(harness.fake).length === 1, 'the request');
    controller.abort();
    expect(await rejectionOf(pending)).toMatchObject({ code: 'cancelled' });
    await settle();
    expect(generationRequests(harness.fake)).toHaveLength(1);
  });

  it('cancels during the backoff wait (the real sleep) and sends no further request', async () => {
    harness = await startHarness({ sleep: undefined });
    harness.fake.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 });
    const controller = new AbortController();
    const pending = harness.client.execute(planOf([gptImageBody('x')]), { signal: controller.signal });
    await waitFor(() => harness.logLines.some((line) => line.includes('image api retry')), 'the backoff');
    expect(harness.logLines.find((line) => line.includes('image api retry'))).toContain('"delayMs":60000');
    controller.abort();
    expect(await rejectionOf(pending)).toMatchObject({ code: 'cancelled' });
    await settle();
    expect(generationRequests(harness.fake)).toHaveLength(1);
  });

  it('rejects at once when the signal has already fired', async () => {
    harness = await startHarness();
    const error = await rejectionOf(
      harness.client.execute(planOf([gptImageBody('x')]), { signal: AbortSignal.abort() }),
    );
    expect(error).toMatchObject({ code: 'cancelled' });
    expect(generationRequests(harness.fake)).toHaveLength(0);
  });
});

describe('image client: the API key stays secret', () => {
  it('appears in no log line and no error, even when the upstream echoes it', async () => {
    harness = await startHarness({ maxRetries: 1, timeoutMs: 200 });
    const errors: unknown[] = [];
    const scenarios: (() => void)[] = [
      () =>
        harness.fake.fault({
          kind: 'status',
          status: 401,
          body: {
            error: {
              message: `Incorrect API key provided: ${sentinelKey}`,
              type: 'x',
              code: 'invalid_api_key',
            },
          },
        }),
      () =>
        harness.fake.fault({
          kind: 'status',
          status: 500,
          body: `proxy saw Authorization: Bearer ${sentinelKey}`,
          times: 2,
        }),
      () =>
        harness.fake.fault({
          kind: 'status',
          status: 400,
          body: { code: 400, msg: `bad key ${sentinelKey}` },
        }),
      () => harness.fake.fault({ kind: 'status', status: 429, body: `slow down ${sentinelKey}`, times: 2 }),
      () => harness.fake.fault({ kind: 'content_policy', style: 'openai' }),
      () => harness.fake.fault({ kind: 'hang', times: 2 }),
      () => harness.fake.fault({ kind: 'malformed_json', times: 2 }),
      () => undefined,
    ];
    for (const arrange of scenarios) {
      arrange();
      try {
        const result = await harness.client.execute(planOf([gptImageBody('secret test')]));
        errors.push(...result.failures);
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors.map((error) => (isImagineError(error) ? error.code : 'not an ImagineError'))).toEqual([
      'auth',
      'upstream',
      'invalid_request',
      'rate_limit',
      'content_policy',
      'timeout',
      'malformed_response',
    ]);
    const texts = [
      ...harness.logLines,
      ...errors.flatMap((error) =>
        error instanceof Error
          ? [error.message, String(error), error.stack ?? '', JSON.stringify(error), String(error.cause)]
          : [String(error)],
      ),
    ];
    expect(harness.logLines.length).toBeGreaterThan(10);
    for (const text of texts) {
      expect(text).not.toContain(sentinelKey);
      expect(text).not.toContain('SENTINEL');
    }
    // The key did go where it belongs.
    expect(
      generationRequests(harness.fake).every(
        (request) => request.headers.authorization === `Bearer ${sentinelKey}`,
      ),
    ).toBe(true);
  });
});
