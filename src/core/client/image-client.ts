import { Agent, type Dispatcher, errors, request } from 'undici';
import { ImagineError, isImagineError } from '../errors.js';
import { sniffImageType } from '../images/sniff.js';
import type { Logger } from '../logger.js';
import { createAttemptSignal } from '../net/attempt-signal.js';
import type { LookupAddresses } from '../net/guarded-dispatcher.js';
import { createSemaphore } from '../net/semaphore.js';
import type { RequestPlan, WireCall } from '../plan-types.js';
import { redactSecrets } from '../redact-secrets.js';
import type { GeneratedImage, ImageResult } from '../result.js';
import { classifyHttpError, requestIdFromHeaders } from './classify-error.js';
import { defaultMaxDownloadBytes } from './download.js';
import { type JsonRequestBody, jsonRequestBody } from './json-request-body.js';
import { mostInformative } from './most-informative.js';
import { decodeJsonStream } from './response-decoder.js';
import { type ParsedImageResponse, parseImageResponse, type ReturnedImage } from './response-schema.js';
import { createResultDownloads } from './result-downloads.js';
import { abortableSleep, cancelledError, type Sleep, withRetries } from './retry.js';

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
  /** Injected for tests or proxies; the client closes only a dispatcher it created itself. */
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

export interface ImageClient {
  execute(plan: RequestPlan, options?: { signal?: AbortSignal }): Promise<ImageResult>;
  close(): Promise<void>;
}

const maxErrorBodyBytes = 64 * 1024;
const defaultMaxTotalRetryMs = 5 * 60 * 1000;
const silentLogger: ClientLogger = { debug() {}, info() {}, warn() {}, error() {} };

interface CallOutcome {
  images: GeneratedImage[];
  failures: ImagineError[];
}

export function createImageClient(options: ImageClientOptions): ImageClient {
  const { apiKey, timeoutMs, maxRetries, logger = silentLogger, now = Date.now } = options;
  const secrets = [apiKey];
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000 });
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
    dispatcher,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    timeoutMs,
    maxBytes: maxDownloadBytes,
    retry: retryOptions,
    logger,
  });
  let closed = false;

  async function execute(
    plan: RequestPlan,
    executeOptions: { signal?: AbortSignal } = {},
  ): Promise<ImageResult> {
    const { signal } = executeOptions;
    if (closed) throw new ImagineError('cancelled', 'The image client is closed.');
    if (signal?.aborted) throw cancelledError(signal.reason);
    if (plan.calls.length === 0) throw new ImagineError('invalid_request', 'There is nothing to send.');
    const requestIds = new Set<string>();
    const settled = await Promise.allSettled(
      plan.calls.map((call) => runCall(plan.modelId, call, signal, requestIds)),
    );
    if (signal?.aborted) throw cancelledError(signal.reason);

    const images: GeneratedImage[] = [];
    const failures: ImagineError[] = [];
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') {
        images.push(...outcome.value.images);
        failures.push(...outcome.value.failures);
      } else {
        failures.push(toImagineError(outcome.reason));
      }
    }
    if (images.length === 0) throw mostInformative(failures);
    return { model: plan.modelId, images, warnings: plan.warnings, failures, requestIds: [...requestIds] };
  }

  async function runCall(
    model: string,
    call: WireCall,
    signal: AbortSignal | undefined,
    requestIds: Set<string>,
  ): Promise<CallOutcome> {
    const body = jsonRequestBody(call.body);
    const response = await withRetries(
      (attempt) => attemptCall(model, call, body, attempt, signal, requestIds),
      {
        ...retryOptions,
        signal,
        onRetry: (error, attempt, delayMs) =>
          logger.debug('image api retry', { model, attempt: attempt + 1, delayMs, code: error.code }),
      },
    );
    const settled = await Promise.allSettled(
      response.images.map((image) => materialize(model, image, response.requestId, signal)),
    );
    const outcome: CallOutcome = { images: [], failures: [...response.failures] };
    const seed = call.seed === undefined ? {} : { seed: call.seed };
    for (const result of settled) {
      if (result.status === 'fulfilled') outcome.images.push({ ...result.value, ...seed });
      else outcome.failures.push(toImagineError(result.reason));
    }
    return outcome;
  }

  async function attemptCall(
    model: string,
    call: WireCall,
    requestBody: JsonRequestBody,
    attempt: number,
    signal: AbortSignal | undefined,
    requestIds: Set<string>,
  ): Promise<ParsedImageResponse & { requestId: string | undefined }> {
    const release = await semaphore.acquire(signal);
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
      });
      const parsed = parseImageResponse(payload, context);
      logger.info('image api call', { model, attempt, status, durationMs: now() - startedAt, requestId });
      return { ...parsed, requestId };
    } catch (error) {
      body?.destroy();
      const failure = attemptError(error, signal, attemptSignal.timedOut());
      requestId ??= failure.requestId;
      // A user's cancel is not a fault worth a warning.
      logger[failure.code === 'cancelled' ? 'info' : 'warn']('image api call failed', {
        model,
        attempt,
        status: status ?? failure.status,
        durationMs: now() - startedAt,
        requestId,
        code: failure.code,
        retryable: failure.retryable,
      });
      throw failure;
    } finally {
      if (requestId) requestIds.add(requestId);
      attemptSignal.dispose();
      release();
    }
  }

  function attemptError(error: unknown, signal: AbortSignal | undefined, timedOut: boolean): ImagineError {
    if (signal?.aborted) return cancelledError(signal.reason);
    if (timedOut) {
      return new ImagineError('timeout', `The image API did not answer within ${formatSeconds(timeoutMs)}.`, {
        retryable: true,
      });
    }
    if (isImagineError(error)) return redacted(error);
    const reason = error instanceof errors.UndiciError ? error.code : errorCodeOf(error);
    return new ImagineError('network', `Could not reach the image API (${reason}).`, {
      retryable: true,
      cause: error,
    });
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

  function redacted(error: ImagineError): ImagineError {
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

  function toImagineError(reason: unknown): ImagineError {
    if (isImagineError(reason)) return redacted(reason);
    return new ImagineError('network', 'The image request failed unexpectedly.', { cause: reason });
  }

  return {
    execute,
    async close() {
      closed = true;
      await downloads.close();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

/** Error bodies are read as text up to a cap: they are for a message, not for parsing megabytes. */
async function readCappedText(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
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
