import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonRequestBody } from '../../../src/core/client/json-request-body.js';
import { DataUri } from '../../../src/core/data-uri.js';

/** The body as it was sent before streaming: every image a whole data-URI string inside JSON.stringify. */
function oldJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item instanceof DataUri
      ? `data:${item.mediaType};base64,${Buffer.from(item.bytes).toString('base64')}`
      : item,
  );
}

async function chunksOf(body: string | Readable): Promise<Buffer[]> {
  if (typeof body === 'string') throw new Error('expected a stream, got a string');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks;
}

const png = (size: number) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(size)]);

describe('JSON request body', () => {
  it('sends a body without images as the same string JSON.stringify makes', () => {
    const value = {
      model: 'gpt-image-1',
      prompt: 'un renard « roux » 🦊\n"quoted"',
      n: 2,
      skipped: undefined,
    };
    const body = jsonRequestBody(value);
    expect(body.open()).toBe(JSON.stringify(value));
    expect(body.contentLength).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  // Sizes around the 3-byte groups and the 48 KiB slices: padding and slice joins are where base64 breaks.
  it.each([0, 1, 2, 3, 4, 5, 49_151, 49_152, 49_153, 98_305, 300_001])(
    'streams exactly the old bytes for a %i-byte image among text, arrays and nested objects',
    async (size) => {
      const image = new DataUri('image/png', new Uint8Array(png(size)));
      const other = new DataUri('image/jpeg', new Uint8Array(randomBytes(1000)).subarray(7, 901));
      const value = {
        model: 'doubao-seedream-4-0-250828',
        prompt: '一隻可愛的橙色小貓 "quoted" \\ back',
        contents: [{ role: 'user', parts: [{ image }, { image: other }, { text: 'make it blue' }] }],
        image: [image, other],
        seed: 5,
        nothing: null,
      };
      const body = jsonRequestBody(value);
      const sent = Buffer.concat(await chunksOf(body.open()));
      expect(sent.toString('utf8')).toBe(oldJson(value));
      expect(sent.byteLength).toBe(body.contentLength);
    },
  );

  // The stream buffers one 64 KiB chunk ahead, so a read may join two.
  it('delivers a big image in many chunks of at most 128 KiB, never its base64 whole', async () => {
    const bytes = png(3 * 1024 * 1024);
    const body = jsonRequestBody({
      model: 'gpt-image-1',
      prompt: 'edit',
      image: new DataUri('image/png', bytes),
    });
    const chunks = await chunksOf(body.open());
    const base64Length = 4 * Math.ceil(bytes.byteLength / 3);
    expect(chunks.length).toBeGreaterThanOrEqual(Math.floor(base64Length / (128 * 1024)));
    expect(Math.max(...chunks.map((chunk) => chunk.byteLength))).toBeLessThanOrEqual(128 * 1024);
  });

  it('opens a new stream of the same bytes each time, for retries', async () => {
    const image = new DataUri('image/webp', new Uint8Array(randomBytes(200_000)));
    const body = jsonRequestBody({ prompt: 'again', image });
    const first = Buffer.concat(await chunksOf(body.open()));
    const second = Buffer.concat(await chunksOf(body.open()));
    expect(second.equals(first)).toBe(true);
    expect(first.toString()).toBe(oldJson({ prompt: 'again', image }));
  });

  it('gives JSON.stringify the same data URI, for tests and tools', () => {
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(JSON.stringify({ image: new DataUri('image/png', bytes) })).toBe(
      '{"image":"data:image/png;base64,AQIDBA=="}',
    );
  });
});
