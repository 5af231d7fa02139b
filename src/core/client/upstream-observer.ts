import type { ErrorCode } from '../errors.js';

/**
 * Told about one `execute`'s traffic with the image API, so the caller (a job) can log and count it with its own
 * context. Every method is optional; none may throw.
 */
export interface UpstreamObserver {
  /**
   * An attempt has one of the client's slots (IMAGE_API_CONCURRENCY) and goes out now: a call that waited for
   * a slot is no longer waiting. `attempt` counts from 0.
   */
  started?(attempt: { model: string; attempt: number }): void;
  /** One attempt ended: `code` is 'ok' or the error's code. */
  call?(attempt: {
    model: string;
    code: 'ok' | ErrorCode;
    status?: number;
    requestId?: string;
    durationMs: number;
  }): void;
  /** A retryable error: the call is tried again after `delayMs`. `attempt` is the attempt about to start (1…). */
  retry?(retry: {
    model: string;
    attempt: number;
    delayMs: number;
    code: ErrorCode;
    requestId?: string;
  }): void;
  /** An image's bytes arrived (decoded from base64 or downloaded from its URL). */
  imageBytes?(image: { model: string; bytes: number }): void;
}
