import { type Dispatcher, errors, interceptors, request } from 'undici';
import { ImagineError } from '../errors.js';
import { sniffImageType } from '../images/sniff.js';
import { findRefusal } from '../net/guarded-dispatcher.js';
import { createAttemptSignal } from './attempt-signal.js';
import { cancelledError } from './retry.js';

export const defaultMaxDownloadBytes = 50 * 1024 * 1024;
const maxRedirections = 3;

export interface DownloadOptions {
  /** A guarded dispatcher (`createGuardedDispatcher`): it decides which addresses may be fetched from. */
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface DownloadedImage {
  bytes: Buffer;
  /** From the magic bytes, never from the Content-Type header. */
  mediaType: string;
}

/**
 * Fetches a result URL (valid ~24 h upstream, so it is fetched at once). Never sends our API key: the URL is a
 * presigned link on another host. Expired links and non-images are `download_failed` and not retried;
 * network trouble, timeouts and 5xx are `download_failed` and retryable. A link the guard refuses (a private
 * address, a redirect to one, a redirect off http(s)) is `download_failed`, not retried, its rule in `cause`.
 */
export async function downloadImage(url: string, options: DownloadOptions): Promise<DownloadedImage> {
  const { signal, timeoutMs, maxBytes = defaultMaxDownloadBytes } = options;
  const target = parseHttpUrl(url);
  if (signal?.aborted) throw cancelledError(signal.reason);

  const attempt = createAttemptSignal(timeoutMs, signal);
  let tooLarge = false;

  try {
    const response = await request(target, {
      method: 'GET',
      dispatcher: options.dispatcher.compose(interceptors.redirect({ maxRedirections })),
      signal: attempt.signal,
      headers: { accept: 'image/*' },
    });
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump().catch(() => undefined);
      throw statusError(response.statusCode);
    }
    const declaredLength = Number(response.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      tooLarge = true;
      attempt.abort();
      throw tooLargeError(maxBytes);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      total += buffer.length;
      if (total > maxBytes) {
        tooLarge = true;
        attempt.abort();
        throw tooLargeError(maxBytes);
      }
      chunks.push(buffer);
    }
    const bytes = Buffer.concat(chunks, total);
    const mediaType = sniffImageType(bytes);
    if (mediaType === undefined) {
      throw new ImagineError('download_failed', 'The generated image link did not lead to an image.', {
        status: response.statusCode,
      });
    }
    return { bytes, mediaType };
  } catch (error) {
    if (signal?.aborted) throw cancelledError(signal.reason);
    if (tooLarge) throw tooLargeError(maxBytes);
    if (attempt.timedOut()) {
      throw new ImagineError(
        'download_failed',
        `Downloading the generated image timed out after ${timeoutMs} ms.`,
        {
          retryable: true,
        },
      );
    }
    if (error instanceof ImagineError) throw error;
    const refusal = findRefusal(error);
    if (refusal) {
      throw new ImagineError(
        'download_failed',
        'The generated image link leads to an address the bot does not download from.',
        { cause: refusal },
      );
    }
    // A redirect to a file: or other non-http(s) link: asking again will not help.
    if (error instanceof errors.InvalidArgumentError) {
      throw new ImagineError(
        'download_failed',
        'The generated image link redirected to a link that is not http(s).',
        { cause: error },
      );
    }
    throw new ImagineError(
      'download_failed',
      `Downloading the generated image failed: ${networkReason(error)}.`,
      {
        retryable: true,
        cause: error,
      },
    );
  } finally {
    attempt.dispose();
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImagineError(
      'download_failed',
      'The image API returned an image link that is not a valid URL.',
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ImagineError(
      'download_failed',
      `The image API returned a ${parsed.protocol} link, not http(s).`,
    );
  }
  return parsed;
}

function statusError(status: number): ImagineError {
  if (status === 403 || status === 404 || status === 410) {
    return new ImagineError(
      'download_failed',
      `The generated image link has expired or is gone (HTTP ${status}); generate the image again.`,
      { status },
    );
  }
  return new ImagineError('download_failed', `Downloading the generated image failed (HTTP ${status}).`, {
    status,
    retryable: status >= 500 || status === 429,
  });
}

function tooLargeError(maxBytes: number): ImagineError {
  const megabyte = 1024 * 1024;
  const limit =
    maxBytes >= megabyte ? `${Math.round((maxBytes / megabyte) * 10) / 10} MB` : `${maxBytes} bytes`;
  return new ImagineError('download_failed', `The generated image is larger than the ${limit} limit.`);
}

/** A short reason without URLs (a presigned link is a credential for the image). */
function networkReason(error: unknown): string {
  if (error instanceof errors.UndiciError) return error.code;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return 'network error';
}
