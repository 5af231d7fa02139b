import { type Dispatcher, errors } from 'undici';
import { ImagineError } from '../errors.js';
import { type FetchedImage, type FetchFailure, fetchImage } from '../net/fetch-image.js';
import { cancelledError } from './retry.js';

export const defaultMaxDownloadBytes = 50 * 1024 * 1024;
const maxRedirects = 3;
const acceptImages = { accept: 'image/*' } as const;

export interface DownloadOptions {
  /** A guarded dispatcher (`createGuardedDispatcher`): it decides which addresses may be fetched from. */
  dispatcher: Dispatcher;
  timeoutMs: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export type DownloadedImage = FetchedImage;

/**
 * Fetches a result URL (valid ~24 h upstream, so it is fetched at once). Never sends our API key: the URL is a
 * presigned link on another host. Expired links and non-images are `download_failed` and not retried;
 * network trouble, timeouts and 5xx are `download_failed` and retryable. A link the guard refuses (a private
 * address or a redirect to one) is `download_failed`, not retried, its rule in `cause`; so is a redirect off
 * http(s).
 */
export function downloadImage(url: string, options: DownloadOptions): Promise<DownloadedImage> {
  const { maxBytes = defaultMaxDownloadBytes, timeoutMs } = options;
  return fetchImage(url, {
    dispatcher: options.dispatcher,
    headersFor: () => acceptImages,
    maxBytes,
    timeoutMs,
    maxRedirects,
    ...(options.signal && { signal: options.signal }),
    fail: (failure) => resultDownloadError(failure, { maxBytes, timeoutMs }),
  });
}

function resultDownloadError(
  failure: FetchFailure,
  limits: { maxBytes: number; timeoutMs: number },
): ImagineError {
  switch (failure.kind) {
    case 'not-http':
      return new ImagineError(
        'download_failed',
        failure.protocol === undefined
          ? 'The image API returned an image link that is not a valid URL.'
          : `The image API returned a ${failure.protocol} link, not http(s).`,
      );
    case 'cancelled':
      return cancelledError(failure.reason);
    case 'status':
    case 'too-many-redirects':
      return statusError(failure.status);
    case 'too-large':
      return tooLargeError(limits.maxBytes);
    case 'timeout':
      return new ImagineError(
        'download_failed',
        `Downloading the generated image timed out after ${limits.timeoutMs} ms.`,
        { retryable: true },
      );
    case 'not-image':
      return new ImagineError('download_failed', 'The generated image link did not lead to an image.', {
        status: failure.status,
      });
    case 'refused':
    case 'refused-address':
      return new ImagineError(
        'download_failed',
        'The generated image link leads to an address the bot does not download from.',
        failure.kind === 'refused-address' ? { cause: failure.refusal } : {},
      );
    // A redirect to a file: or other non-http(s) link: asking again will not help.
    case 'bad-redirect':
      return new ImagineError(
        'download_failed',
        'The generated image link redirected to a link that is not http(s).',
      );
    case 'network':
      return new ImagineError(
        'download_failed',
        `Downloading the generated image failed: ${networkReason(failure.error)}.`,
        { retryable: true, cause: failure.error },
      );
  }
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
