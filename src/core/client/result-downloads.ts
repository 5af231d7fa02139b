import type { Dispatcher } from 'undici';
import { isImagineError } from '../errors.js';
import type { Logger } from '../logger.js';
import { describeRefusal } from '../net/address-rules.js';
import { createGuardedDispatcher, findRefusal, type LookupAddresses } from '../net/guarded-dispatcher.js';
import { type DownloadedImage, downloadImage } from './download.js';
import { type RetryOptions, withRetries } from './retry.js';

export interface ResultDownloadsOptions {
  /** The image API's origin: its links are fetched through `dispatcher` whatever its address. */
  apiOrigin: string;
  dispatcher: Dispatcher;
  lookup?: LookupAddresses;
  timeoutMs: number;
  maxBytes: number;
  retry: Omit<RetryOptions, 'signal' | 'onRetry'>;
  logger: Pick<Logger, 'warn'>;
}

export interface ResultDownloads {
  fetch(
    url: string,
    context: { model: string; requestId?: string; signal?: AbortSignal },
  ): Promise<DownloadedImage>;
  close(): Promise<void>;
}

/** Result URLs (`data[].url`): fetched from the API's own origin or from public addresses only, with retries. */
export function createResultDownloads(options: ResultDownloadsOptions): ResultDownloads {
  const { timeoutMs, maxBytes, logger } = options;
  const guard = createGuardedDispatcher({
    allowedOrigins: [options.apiOrigin],
    trusted: options.dispatcher,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });

  return {
    async fetch(url, { model, requestId, signal }) {
      try {
        return await withRetries(
          () => downloadImage(url, { dispatcher: guard.dispatcher, timeoutMs, maxBytes, signal }),
          { ...options.retry, signal },
        );
      } catch (error) {
        if (isImagineError(error) && error.code !== 'cancelled') {
          const refusal = findRefusal(error);
          logger.warn('image download failed', {
            model,
            requestId,
            origin: originForLog(url),
            code: error.code,
            retryable: error.retryable,
            reason: error.message,
            ...(refusal && { rule: refusal.refusal.rule, refused: describeRefusal(refusal.refusal) }),
          });
        }
        throw error;
      }
    },
    close: () => guard.close(),
  };
}

/** The origin only: a presigned link's path and query are a credential for the image. */
function originForLog(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : parsed.protocol;
  } catch {
    return 'not a URL';
  }
}
