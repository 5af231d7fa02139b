import type { z } from 'zod';
import { ImagineError } from './errors.js';

/**
 * Why a request never got an answer (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_CONNECT_TIMEOUT`…), found in the chain
 * of causes: fetch only says "fetch failed" and puts the socket's code in `cause`; @slack/web-api wraps that again
 * in `original`. Undefined when the error is not a network failure.
 */
export function networkCause(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  let fetchFailed = false;
  let innermost: string | undefined;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    const name: unknown = Reflect.get(current, 'name');
    if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
    const message: unknown = Reflect.get(current, 'message');
    if (message === 'fetch failed') fetchFailed = true;
    else if (typeof message === 'string') innermost = message;
    const next: unknown = Reflect.get(current, 'cause') ?? Reflect.get(current, 'original');
    // An AggregateError (IPv4 and IPv6 both refused) carries the code itself or in its first error.
    current = next ?? (current instanceof AggregateError ? current.errors[0] : undefined);
  }
  // fetch refuses some requests before any socket opens, with only a message ("bad port" for port 1).
  return fetchFailed ? (innermost ?? 'fetch failed') : undefined;
}

/** "could not reach URL (ECONNREFUSED); check VARIABLE." when `error` is a network failure. */
export function unreachable(url: string, error: unknown, variable: string): ImagineError | undefined {
  const cause = networkCause(error);
  if (cause === undefined) return undefined;
  return new ImagineError('network', `could not reach ${url} (${cause}); check ${variable}.`, {
    retryable: true,
    cause: error,
  });
}

/** One line for an answer that did not have the expected shape, instead of zod's list of issues. */
export function unexpectedAnswer(url: string, error: z.ZodError, variable: string): ImagineError {
  const fields = [...new Set(error.issues.map((issue) => issue.path.join('.') || 'body'))];
  return new ImagineError(
    'malformed_response',
    `unexpected answer from ${url} (missing or invalid: ${fields.join(', ')}); check ${variable}.`,
    { cause: error },
  );
}
