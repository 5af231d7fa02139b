import { errors } from 'undici';
import { cancelledError, ImagineError, isImagineError } from '../errors.js';
import { redactSecrets } from '../redact-secrets.js';

/** The error an attempt ends with: a cancel, a timeout, the classified answer, or a network failure. */
export function attemptError(
  error: unknown,
  attempt: {
    signal: AbortSignal | undefined;
    timedOut: boolean;
    timeoutMs: number;
    secrets: readonly string[];
  },
): ImagineError {
  const { signal, timeoutMs, secrets } = attempt;
  if (signal?.aborted) return cancelledError(signal.reason);
  if (attempt.timedOut) {
    return new ImagineError('timeout', `The image API did not answer within ${formatSeconds(timeoutMs)}.`, {
      retryable: true,
    });
  }
  if (isImagineError(error)) return redactedError(error, secrets);
  const reason = error instanceof errors.UndiciError ? error.code : errorCodeOf(error);
  return new ImagineError('network', `Could not reach the image API (${reason}).`, {
    retryable: true,
    cause: error,
  });
}

/** The same error with any secret cut out of its message. */
export function redactedError(error: ImagineError, secrets: readonly string[]): ImagineError {
  const message = redactSecrets(error.message, secrets);
  if (message === error.message) return error;
  return new ImagineError(error.code, message, {
    retryable: error.retryable,
    status: error.status,
    providerCode: error.providerCode,
    requestId: error.requestId,
    retryAfterMs: error.retryAfterMs,
  });
}

export function toImagineError(reason: unknown, secrets: readonly string[]): ImagineError {
  if (isImagineError(reason)) return redactedError(reason, secrets);
  return new ImagineError('network', 'The image request failed unexpectedly.', { cause: reason });
}

/** Error bodies are read as text up to a cap: they are for a message, not for parsing megabytes. */
export async function readCappedText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    chunks.push(buffer.subarray(0, Math.max(0, maxBytes - total)));
    total += buffer.length;
    if (total >= maxBytes) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorCodeOf(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return 'network error';
}

function formatSeconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${milliseconds} ms` : `${Math.round(milliseconds / 100) / 10} s`;
}
