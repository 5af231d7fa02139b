export { createSemaphore, type Release, type Semaphore } from '../net/semaphore.js';
export {
  classifyErrorPayload,
  classifyHttpError,
  cleanExcerpt,
  type ErrorContext,
  requestIdFromHeaders,
  retryAfterMsFromHeaders,
} from './classify-error.js';
export {
  type DownloadedImage,
  type DownloadOptions,
  defaultMaxDownloadBytes,
  downloadImage,
} from './download.js';
export {
  type ClientLogger,
  createImageClient,
  type ExecuteOptions,
  type ImageClient,
  type ImageClientOptions,
} from './image-client.js';
export { decodeJsonStream } from './response-decoder.js';
export { type ParsedImageResponse, parseImageResponse, type ReturnedImage } from './response-schema.js';
export {
  abortableSleep,
  backoffDelayMs,
  cancelledError,
  type RetryOptions,
  type Sleep,
  withRetries,
} from './retry.js';
export type { UpstreamObserver } from './upstream-observer.js';
