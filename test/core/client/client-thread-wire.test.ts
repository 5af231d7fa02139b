import { describe, expect, it } from 'vitest';
import {
  errorFromWire,
  errorToWire,
  planFromWire,
  planToWire,
  resultFromWire,
  resultToWire,
} from '../../../src/core/client/client-thread-wire.js';
import { DataUri } from '../../../src/core/data-uri.js';
import { ImagineError } from '../../../src/core/errors.js';
import type { ImageResult } from '../../../src/core/result.js';
import { gptImageBody, planOf } from './client-fixtures.js';

/** What the other thread receives: a structured clone, as postMessage makes it. */
const cloned = <T>(value: T, transfer: ArrayBuffer[] = []): T => structuredClone(value, { transfer });

describe('what crosses to the image client thread', () => {
  it('rebuilds the input images of a plan as DataUri values, bytes and media type intact', () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const plan = planOf([
      { ...gptImageBody('edit'), image: [new DataUri('image/png', bytes)], meta: { n: [1] } },
    ]);
    const arrived = planFromWire(cloned(planToWire(plan)));
    const [image] = (arrived.calls[0]?.body.image ?? []) as unknown[];
    expect(image).toBeInstanceOf(DataUri);
    expect(image).toMatchObject({ mediaType: 'image/png', bytes });
    expect(JSON.stringify(arrived.calls[0]?.body)).toBe(JSON.stringify(plan.calls[0]?.body));
  });

  it('keeps an ImagineError typed, with its fields, and another error as its message', () => {
    const error = new ImagineError('rate_limit', 'Slow down.', {
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
    const arrived = errorFromWire(cloned(errorToWire(error)));
    expect(arrived).toBeInstanceOf(ImagineError);
    expect(arrived).toMatchObject({
      code: 'rate_limit',
      message: 'Slow down.',
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
    const other = errorFromWire(cloned(errorToWire(new TypeError('boom'))));
    expect(other).not.toBeInstanceOf(ImagineError);
    expect(other.message).toBe('boom');
  });

  it('moves images that fill their memory, copies slices of a shared one, and lists each memory once', () => {
    const whole = Buffer.from(new Uint8Array([1, 2, 3, 4]).buffer);
    const pooled = Buffer.from('a slice of a larger pool');
    const result: ImageResult = {
      model: 'gpt-image-1',
      images: [
        { bytes: whole, mediaType: 'image/png' },
        { bytes: whole, mediaType: 'image/png' },
        { bytes: pooled.subarray(2, 7), mediaType: 'image/webp' },
      ],
      warnings: [],
      failures: [new ImagineError('content_policy', 'Blocked.')],
      requestIds: ['req-1'],
    };
    const { result: wire, transfer } = resultToWire(result);
    // The whole image's own memory once, and the slice's copy; never the pool the slice lives in.
    expect(transfer).toHaveLength(2);
    expect(transfer[0]).toBe(whole.buffer);
    expect(transfer).not.toContain(pooled.buffer);
    const arrived = resultFromWire(cloned(wire, transfer));
    expect(whole.buffer.byteLength).toBe(0);
    expect(arrived.images.map((image) => [...image.bytes])).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 4],
      [...Buffer.from('slice')],
    ]);
    expect(arrived.images.every((image) => Buffer.isBuffer(image.bytes))).toBe(true);
    expect(arrived.failures[0]).toBeInstanceOf(ImagineError);
    expect(arrived.failures[0]).toMatchObject({ code: 'content_policy', message: 'Blocked.' });
    expect(pooled.toString()).toBe('a slice of a larger pool');
  });
});
