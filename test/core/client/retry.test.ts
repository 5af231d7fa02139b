import { describe, expect, it } from 'vitest';
import { backoffDelayMs, withRetries } from '../../../src/core/client/retry.js';
import { ImagineError } from '../../../src/core/errors.js';

function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}

function failing(errors: ImagineError[], value = 'done') {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls];
    calls += 1;
    if (error) throw error;
    return value;
  };
  return { fn, calls: () => calls };
}

const upstream = () => new ImagineError('upstream', 'The image API failed (HTTP 503).', { retryable: true });

describe('withRetries', () => {
  it('retries retryable errors and returns the first success', async () => {
    const { delays, sleep } = recordingSleep();
    const { fn, calls } = failing([upstream(), upstream()]);
    await expect(withRetries(fn, { maxRetries: 3, sleep, random: () => 0.5 })).resolves.toBe('done');
    expect(calls()).toBe(3);
    // Full jitter: half of 500 ms, then half of 1000 ms.
    expect(delays).toEqual([250, 500]);
  });

  it('throws a non-retryable error at once', async () => {
    const { delays, sleep } = recordingSleep();
    const denied = new ImagineError('content_policy', 'blocked');
    const { fn, calls } = failing([denied]);
    await expect(withRetries(fn, { maxRetries: 3, sleep })).rejects.toBe(denied);
    expect(calls()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('stops after maxRetries + 1 attempts and throws the last error', async () => {
    const { sleep } = recordingSleep();
    const errors = [upstream(), upstream(), upstream()];
    const { fn, calls } = failing(errors);
    await expect(withRetries(fn, { maxRetries: 2, sleep })).rejects.toBe(errors[2]);
    expect(calls()).toBe(3);
  });

  it('retries an empty result only once', async () => {
    const { sleep } = recordingSleep();
    const empty = () => new ImagineError('empty_result', 'no image', { retryable: true });
    const errors = [empty(), empty(), empty()];
    const { fn, calls } = failing(errors);
    await expect(withRetries(fn, { maxRetries: 5, sleep })).rejects.toBe(errors[1]);
    expect(calls()).toBe(2);
  });

  it('waits at least what the upstream asked for', async () => {
    const { delays, sleep } = recordingSleep();
    const limited = new ImagineError('rate_limit', 'slow down', { retryable: true, retryAfterMs: 7_000 });
    const { fn } = failing([limited]);
    await withRetries(fn, { maxRetries: 1, sleep, random: () => 0.9 });
    expect(delays).toEqual([7_000]);
  });

  it('gives up instead of waiting past maxTotalMs', async () => {
    const { delays, sleep } = recordingSleep();
    const limited = new ImagineError('rate_limit', 'slow down', { retryable: true, retryAfterMs: 60_000 });
    const { fn, calls } = failing([limited]);
    await expect(withRetries(fn, { maxRetries: 3, sleep, maxTotalMs: 30_000 })).rejects.toBe(limited);
    expect(calls()).toBe(1);
    expect(delays).toEqual([]);
  });

  it('caps the exponential delay at maxDelayMs', () => {
    const options = { baseDelayMs: 500, maxDelayMs: 8_000, random: () => 0.999_999 };
    expect([0, 1, 2, 3, 4, 5, 10].map((index) => backoffDelayMs(index, options))).toEqual([
      499, 999, 1999, 3999, 7999, 7999, 7999,
    ]);
  });

  it('throws cancelled when the signal fires during the wait, without another attempt', async () => {
    const controller = new AbortController();
    const { fn, calls } = failing([upstream(), upstream()]);
    const promise = withRetries(fn, {
      maxRetries: 3,
      signal: controller.signal,
      baseDelayMs: 60_000,
      random: () => 1,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(promise).rejects.toMatchObject({ code: 'cancelled', message: 'The request was cancelled.' });
    expect(calls()).toBe(1);
  });

  it('throws cancelled when the signal fired during an attempt, whatever the attempt threw', async () => {
    const controller = new AbortController();
    const fn = async () => {
      controller.abort();
      throw new Error('socket closed');
    };
    await expect(withRetries(fn, { maxRetries: 3, signal: controller.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('does not start when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const { fn, calls } = failing([]);
    await expect(withRetries(fn, { maxRetries: 3, signal: controller.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(calls()).toBe(0);
  });
});
