import { setTimeout as delay } from 'node:timers/promises';
import { cancelledError, type ImagineError, isImagineError } from '../errors.js';

export { cancelledError };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  /** Retries after the first attempt: `maxRetries: 2` means at most 3 attempts. */
  maxRetries: number;
  signal?: AbortSignal;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up instead of waiting when the next attempt would start later than this after the first one. */
  maxTotalMs?: number;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (error: ImagineError, attempt: number, delayMs: number) => void;
}

/** Waits `ms`, or rejects with `cancelled` as soon as the signal fires. */
export const abortableSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    throw cancelledError(signal?.reason ?? error);
  }
};

/** Full jitter (a random wait between 0 and the exponential cap) spreads retries of many clients apart. */
export function backoffDelayMs(
  retryIndex: number,
  options: { baseDelayMs: number; maxDelayMs: number; random: () => number },
  retryAfterMs?: number,
): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  const jittered = Math.floor(options.random() * cap);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

/**
 * Runs `fn` until it succeeds, retrying only `retryable` ImagineErrors. `empty_result` is retried at most once
 * (a model that drew nothing twice will not draw on the third try). A fired signal ends everything at once.
 */
export async function withRetries<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const {
    maxRetries,
    signal,
    baseDelayMs = 500,
    maxDelayMs = 8_000,
    maxTotalMs = Number.POSITIVE_INFINITY,
    sleep = abortableSleep,
    random = Math.random,
    now = Date.now,
  } = options;
  const startedAt = now();
  let emptyResultRetried = false;

  for (let attempt = 0; ; attempt += 1) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw isCancelled(error) ? error : cancelledError(signal.reason);
      if (!isImagineError(error) || !error.retryable || attempt >= maxRetries) throw error;
      if (error.code === 'empty_result') {
        if (emptyResultRetried) throw error;
        emptyResultRetried = true;
      }
      const waitMs = backoffDelayMs(attempt, { baseDelayMs, maxDelayMs, random }, error.retryAfterMs);
      if (now() - startedAt + waitMs > maxTotalMs) throw error;
      options.onRetry?.(error, attempt, waitMs);
      await sleepOrCancel(sleep, waitMs, signal);
    }
  }
}

function isCancelled(error: unknown): boolean {
  return isImagineError(error) && error.code === 'cancelled';
}

async function sleepOrCancel(sleep: Sleep, ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, signal);
  } catch (error) {
    if (isCancelled(error) || !signal?.aborted) throw error;
    throw cancelledError(signal.reason);
  }
  // An injected sleep may ignore the signal; never start another attempt after a cancel.
  if (signal?.aborted) throw cancelledError(signal.reason);
}
