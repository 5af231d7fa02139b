import { Agent, type Dispatcher, request } from 'undici';
import { ImagineError } from '../errors.js';
import { sniffImageType } from '../images/sniff.js';
import type { Logger } from '../logger.js';
import { createAttemptSignal } from '../net/attempt-signal.js';
import type { LookupAddresses } from '../net/guarded-dispatcher.js';
import { createSemaphore } from '../net/semaphore.js';
import type { RequestPlan, WireCall } from '../plan-types.js';
import type { GeneratedImage, ImageResult } from '../result.js';
import { attemptError, readCappedText, toImagineError } from './attempt-errors.js';
import { classifyHttpError, requestIdFromHeaders } from './classify-error.js';
import { defaultMaxDownloadBytes } from './download.js';
import { type JsonRequestBody, jsonRequestBody } from './json-request-body.js';
import { mostInformative } from './most-informative.js';
import { decodeJsonStream } from './response-decoder.js';
import { type ParsedImageResponse, parseImageResponse, type ReturnedImage } from './response-schema.js';
import { createResultDownloads } from './result-downloads.js';
import { abortableSleep, cancelledError, type Sleep, withRetries } from './retry.js';
import type { UpstreamObserver } from './upstream-observer.js';

/** The part of the project's Logger the client uses, so any structural logger fits. */
export type ClientLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface ImageClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per attempt, covering the response headers and the whole body. */
  timeoutMs: number;
  maxRetries: number;
  /** Calls in flight at once, shared by every `execute` of this client. */
  concurrency: number;
  /**
   * Injected for tests or proxies, for the calls and the result links alike; the client closes only the
   * dispatchers it created itself.
   */
  dispatcher?: Dispatcher;
  /** Resolves the host names of result URLs (default: the system's); tests map names to loopback. */
  lookup?: LookupAddresses;
  logger?: ClientLogger;
  maxDownloadBytes?: number;
  sleep?: Sleep;
  random?: () => number;
  now?: () => number;
  maxTotalRetryMs?: number;
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Told of each attempt, retry and image received (a job's log lines and metrics). */
  observer?: UpstreamObserver;
}

export interface ImageClient {
  execute(plan: RequestPlan, options?: ExecuteOptions): Promise<ImageResult>;
  close(): Promise<void>;
}

const maxErrorBodyBytes = 64 * 1024;
const defaultMaxTotalRetryMs = 5 * 60 * 1000;
const silentLogger: ClientLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface CallOutcome {
  images: GeneratedImage[];
  failures: ImagineError[];
}

interface CallContext {
  signal: AbortSignal | undefined;
  observer: UpstreamObserver;
  /** Every request id the calls of one `execute` saw. */
  requestIds: Set<string>;
}

export function createImageClient(options: ImageClientOptions): ImageClient {
  const { apiKey, timeoutMs, maxRetries, logger = silentLogger, now = Date.now } = options;
  const secrets = [apiKey];
  const ownsDispatcher = options.dispatcher === undefined;
  // One connection per slot: unbounded, undici opens another whenever a slot's next call comes before its last
  // connection is marked free (16 slots kept 26–32 open, each one idle for a whole call between uses).
  const dispatcher: Dispatcher =
    options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: options.concurrency });
  // Result links on connections of their own: they must not wait for a slot's connection.
  const downloadDispatcher: Dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000 });
  const endpoint = new URL(`${options.baseUrl.replace(/\/+$/, '')}/v1/images/generations`);
  const semaphore = createSemaphore(options.concurrency);
  const maxDownloadBytes = options.maxDownloadBytes ?? defaultMaxDownloadBytes;
  const retryOptions = {
    maxRetries,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
    now,
    maxTotalMs: options.maxTotalRetryMs ?? defaultMaxTotalRetryMs,
  };
  const downloads = createResultDownloads({
    apiOrigin: endpoint.origin,
    dispatcher: downloadDispatcher,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    timeoutMs,
    maxBytes: maxDownloadBytes,
    retry: retryOptions,
    logger,
  });
  let closed = false;

  async function execute(plan: RequestPlan, executeOptions: ExecuteOptions = {}): Promise<ImageResult> {
    const { signal, observer = {} } = executeOptions;
    if (closed) throw new ImagineError('cancelled', 'The image client is closed.');
    if (signal?.aborted) throw cancelledError(signal.reason);
    if (plan.calls.length === 0) throw new ImagineError('invalid_request', 'There is nothing to send.');
    const requestIds = new Set<string>();
    const settled = await Promise.allSettled(
      plan.calls.map((call) => runCall(plan.modelId, call, { signal, observer, requestIds })),
    );
    if (signal?.aborted) throw cancelledError(signal.reason);

    const images: GeneratedImage[] = [];
    const failures: ImagineError[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') {
        images.push(...outcome.value.images);
        failures.push(...outcome.value.failures);
      } else {
        failures.push(toImagineError(outcome.reason, secrets));
      }
    }
    if (images.length === 0) throw mostInformative(failures);
    return { model: plan.modelId, images, warnings: plan.warnings, failures, requestIds: [...requestIds] };
  }

  async function runCall(model: string, call: WireCall, context: CallContext): Promise<CallOutcome> {
    const { signal, observer } = context;
    const body = jsonRequestBody(call.body);
    const response = await withRetries((attempt) => attemptCall(model, call, body, attempt, context), {
      ...retryOptions,
      signal,
      onRetry: (error, attempt, delayMs) => {
        logger.debug('image api retry', { model, attempt: attempt + 1, delayMs, code: error.code });
        observer.retry?.({
          model,
          attempt: attempt + 1,
          delayMs,
          code: error.code,
          ...(error.requestId !== undefined && { requestId: error.requestId }),
        });
      },
    });
    const settled = await Promise.allSettled(
      response.images.map(async (image) => {
        const generated = await materialize(model, image, response.requestId, signal);
        observer.imageBytes?.({ model, bytes: generated.bytes.byteLength });
        return generated;
      }),
    );
    const outcome: CallOutcome = { images: [], failures: [...response.failures] };
    const seed = call.seed === undefined ? {} : { seed: call.seed };
    for (const result of settled) {
      if (result.status === 'fulfilled') outcome.images.push({ ...result.value, ...seed });
      else outcome.failures.push(toImagineError(result.reason, secrets));
    }
    return outcome;
  }

  async function attemptCall(
    model: string,
    call: WireCall,
    requestBody: JsonRequestBody,
    attempt: number,
    { signal, observer, requestIds }: CallContext,
  ): Promise<ParsedImageResponse & { requestId: string | undefined }> {
    const release = await semaphore.acquire(signal);
    observer.started?.({ model, attempt });
    const startedAt = now();
    const attemptSignal = createAttemptSignal(timeoutMs, signal);
    let status: number | undefined;
    let requestId: string | undefined;
    let body: Dispatcher.ResponseData['body'] | undefined;

    try {
      const response = await request(endpoint, {
        method: 'POST',
        dispatcher,
        signal: attemptSignal.signal,
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'content-length': String(requestBody.contentLength),
        },
        // Opened per attempt: a retry sends a new stream of the same bytes.
        body: requestBody.open(),
      });
      status = response.statusCode;
      body = response.body;
      requestId = requestIdFromHeaders(response.headers);
      const context = { status, headers: response.headers, now, secrets };
      if (status < 200 || status >= 300) {
        throw classifyHttpError({ ...context, body: await readCappedText(response.body, maxErrorBodyBytes) });
      }
      const contentLength = Number(response.headers['content-length']);
      const payload = await decodeJsonStream(response.body, {
        ...(Number.isFinite(contentLength) ? { contentLength } : {}),
        maxBytes: maxResponseBytes(call.expectedImages),
        binaryKeys: ['b64_json'],
        releaseChunks: true,
      });
      const parsed = parseImageResponse(payload, context);
      const durationMs = now() - startedAt;
      logger.info('image api call', { model, attempt, status, durationMs, requestId });
      observer.call?.({
        model,
        code: 'ok',
        status,
        durationMs,
        ...(requestId !== undefined && { requestId }),
      });
      return { ...parsed, requestId };
    } catch (error) {
      body?.destroy();
      const failure = attemptError(error, { signal, timedOut: attemptSignal.timedOut(), timeoutMs, secrets });
      requestId ??= failure.requestId;
      const durationMs = now() - startedAt;
      const failedStatus = status ?? failure.status;
      // A user's cancel is not a fault worth a warning.
      logger[failure.code === 'cancelled' ? 'info' : 'warn']('image api call failed', {
        model,
        attempt,
        status: failedStatus,
        durationMs,
        requestId,
        code: failure.code,
        retryable: failure.retryable,
      });
      observer.call?.({
        model,
        code: failure.code,
        durationMs,
        ...(failedStatus !== undefined && { status: failedStatus }),
        ...(requestId !== undefined && { requestId }),
      });
      throw failure;
    } finally {
      if (requestId) requestIds.add(requestId);
      attemptSignal.dispose();
      release();
    }
  }

  async function materialize(
    model: string,
    image: ReturnedImage,
    requestId: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<GeneratedImage> {
    const extra = {
      ...(image.revisedPrompt === undefined ? {} : { revisedPrompt: image.revisedPrompt }),
      ...(requestId === undefined ? {} : { requestId }),
    };
    if (image.bytes !== undefined) {
      const mediaType = sniffImageType(image.bytes);
      if (mediaType === undefined) {
        throw new ImagineError('malformed_response', 'The image API returned data that is not an image.', {
          ...(requestId === undefined ? {} : { requestId }),
        });
      }
      return { bytes: image.bytes, mediaType, ...extra };
    }
    const url = image.url;
    const downloaded = await downloads.fetch(url, {
      model,
      ...(requestId === undefined ? {} : { requestId }),
      ...(signal === undefined ? {} : { signal }),
    });
    return { bytes: downloaded.bytes, mediaType: downloaded.mediaType, sourceUrl: url, ...extra };
  }

  function maxResponseBytes(expectedImages: number): number {
    // Base64 is 4/3 of the bytes; one megabyte of room for the JSON around the images.
    return Math.ceil((maxDownloadBytes * 4) / 3) * Math.max(1, expectedImages) + 1024 * 1024;
  }

  return {
    execute,
    async close() {
      closed = true;
      await downloads.close();
      if (ownsDispatcher) await Promise.all([dispatcher.close(), downloadDispatcher.close()]);
    },
  };
}
