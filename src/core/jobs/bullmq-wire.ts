import { isImagineError } from '../errors.js';
import type { ProgressEvent } from './job.js';

/** What the BullMQ runner puts in Redis besides jobs: how to connect, and failures every instance can read. */
export const cancelMarker = 'imagine:cancelled';
export { handedBackMarker } from './runner.js';

export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.pathname.length > 1 && { db: Number(parsed.pathname.slice(1)) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
    maxRetriesPerRequest: null,
  };
}

/** Failure reasons travel through Redis as JSON so every instance shows the same code and safe message. */
export function encodeFailure(error: unknown): string {
  if (isImagineError(error)) return JSON.stringify({ code: error.code, message: error.message });
  return JSON.stringify({ code: 'internal', message: 'Something went wrong.' });
}

export function decodeFailure(jobId: string, reason: string): ProgressEvent {
  if (reason === cancelMarker) return { jobId, type: 'cancelled' };
  try {
    const { code, message } = JSON.parse(reason) as { code: string; message: string };
    return { jobId, type: 'failed', code, message };
  } catch {
    // BullMQ's own reasons (a job whose workers died more than `maxStalledCount` times) are not JSON.
    const message = /stalled/i.test(reason)
      ? 'The workers running this request stopped unexpectedly. Please send it again.'
      : 'Something went wrong.';
    return { jobId, type: 'failed', code: 'internal', message };
  }
}
