/**
 * What crosses between the bot's thread and the image client's thread (client-thread.ts, client-thread-worker.ts).
 * Structured clone keeps plain data only: a DataUri input image, an ImagineError and a Buffer lose their class on
 * the way, so each is sent as plain fields and rebuilt on the other side. Image bytes are moved, not copied.
 */
import { DataUri } from '../data-uri.js';
import { type ErrorCode, ImagineError, type ImagineErrorDetails } from '../errors.js';
import type { LogLevel } from '../logger.js';
import type { RequestPlan, WireCall } from '../plan-types.js';
import type { GeneratedImage, ImageResult } from '../result.js';
import { mapPlainValues } from './plain-values.js';
import type { UpstreamObserver } from './upstream-observer.js';

/** The options a client thread is started with: plain values only (no dispatcher, clock or lookup). */
export interface ClientThreadOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxRetries: number;
  concurrency: number;
  maxDownloadBytes?: number;
  maxTotalRetryMs?: number;
}

interface WireDataUri {
  dataUri: { mediaType: string; bytes: Uint8Array };
}

/** An ImagineError's fields (`code` undefined: another error, of which only the message crosses). */
export type WireError = { code: ErrorCode | undefined; message: string } & Omit<ImagineErrorDetails, 'cause'>;

type WireImage = Omit<GeneratedImage, 'bytes'> & { bytes: Uint8Array };

export interface WireResult extends Omit<ImageResult, 'images' | 'failures'> {
  images: WireImage[];
  failures: WireError[];
}

type ObserverEvent = {
  [Kind in keyof Required<UpstreamObserver>]: {
    kind: Kind;
    event: Parameters<Required<UpstreamObserver>[Kind]>[0];
  };
}[keyof UpstreamObserver];

/** Bot thread → client thread. */
export type ToClientThread =
  | { type: 'execute'; id: number; plan: RequestPlan }
  | { type: 'abort'; id: number }
  | { type: 'close' };

/** Client thread → bot thread. */
export type FromClientThread =
  | { type: 'result'; id: number; result: WireResult }
  | { type: 'error'; id: number; error: WireError }
  | ({ type: 'observer'; id: number } & ObserverEvent)
  | { type: 'log'; level: Exclude<LogLevel, 'silent'>; message: string; fields?: Record<string, unknown> }
  | { type: 'closed' };

function isWireDataUri(value: unknown): value is WireDataUri {
  return typeof value === 'object' && value !== null && 'dataUri' in value && Object.keys(value).length === 1;
}

const mapCalls = (plan: RequestPlan, replace: (value: unknown) => unknown): RequestPlan => ({
  ...plan,
  calls: plan.calls.map(
    (call): WireCall => ({ ...call, body: mapPlainValues(call.body, replace) as WireCall['body'] }),
  ),
});

/** The plan with its input images as plain fields (their bytes are copied: the bot keeps its own). */
export const planToWire = (plan: RequestPlan): RequestPlan =>
  mapCalls(plan, (value) =>
    value instanceof DataUri ? { dataUri: { mediaType: value.mediaType, bytes: value.bytes } } : value,
  );

export const planFromWire = (plan: RequestPlan): RequestPlan =>
  mapCalls(plan, (value) =>
    isWireDataUri(value) ? new DataUri(value.dataUri.mediaType, value.dataUri.bytes) : value,
  );

export function errorToWire(error: unknown): WireError {
  if (error instanceof ImagineError) {
    const { code, message, retryable, status, providerCode, requestId, choices, option, retryAfterMs } =
      error;
    return { code, message, retryable, status, providerCode, requestId, choices, option, retryAfterMs };
  }
  return { code: undefined, message: error instanceof Error ? error.message : String(error) };
}

function imagineErrorFromWire({ code, message, ...details }: WireError): ImagineError {
  // A failure beside a result is always an ImagineError on the thread; `upstream` only guards the type.
  return new ImagineError(code ?? 'upstream', message, details);
}

export function errorFromWire(wire: WireError): Error {
  return wire.code === undefined ? new Error(wire.message) : imagineErrorFromWire(wire);
}

/** The bytes' own memory when they fill it (moved), else a copy that does (a slice of a pooled buffer). */
function movable(bytes: Uint8Array): Uint8Array {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes;
  }
  return new Uint8Array(bytes);
}

export function resultToWire(result: ImageResult): { result: WireResult; transfer: ArrayBuffer[] } {
  const images = result.images.map((image) => ({ ...image, bytes: movable(image.bytes) }));
  return {
    result: { ...result, images, failures: result.failures.map(errorToWire) },
    // Each memory once: the same image twice would list its buffer twice, which postMessage refuses.
    transfer: [...new Set(images.map((image) => image.bytes.buffer as ArrayBuffer))],
  };
}

export function resultFromWire(wire: WireResult): ImageResult {
  return {
    ...wire,
    images: wire.images.map((image) => ({
      ...image,
      bytes: Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength),
    })),
    failures: wire.failures.map(imagineErrorFromWire),
  };
}
