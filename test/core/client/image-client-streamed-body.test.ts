import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createImageClient, type ImageClient } from '../../../src/core/client/index.js';
import { DataUri } from '../../../src/core/data-uri.js';
import { planRequest } from '../../../src/core/plan.js';

const pngHeader = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const png = (size: number) => Buffer.concat([pngHeader, randomBytes(size)]);

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** An image API on 127.0.0.1 that keeps each request body's raw bytes and answers with `statuses` in turn. */
async function startRecordingApi(statuses: number[]) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, raw: Buffer.concat(chunks) });
      const status = statuses[received.length - 1] ?? 200;
      const answer =
        status === 200
          ? { created: 1, data: [{ b64_json: pngHeader.toString('base64') }] }
          : { error: { message: 'busy', type: 'server_error' } };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body as it was sent before streaming: each image a whole data-URI string inside JSON.stringify. */
function oldJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item instanceof DataUri
      ? `data:${item.mediaType};base64,${Buffer.from(item.bytes).toString('base64')}`
      : item,
  );
}

let client: ImageClient | undefined;
let api: Awaited<ReturnType<typeof startRecordingApi>> | undefined;
afterEach(async () => {
  await client?.close();
  await api?.close();
});

describe('image client: request bodies with input images', () => {
  it('sends the same bytes as the whole JSON used to, with their exact content-length, for each family', async () => {
    api = await startRecordingApi([]);
    client = createImageClient({
      baseUrl: api.url,
      apiKey: 'sk-test',
      timeoutMs: 20_000,
      maxRetries: 0,
      concurrency: 4,
    });
    const big = { bytes: png(4 * 1024 * 1024 + 1), mediaType: 'image/png' };
    const small = { bytes: png(1000), mediaType: 'image/png' };
    const bigBase64 = big.bytes.toString('base64');
    const plans = await Promise.all([
      planRequest({ model: 'gpt-image-1', prompt: 'fuse « these » 🦊', images: [big, small] }),
      planRequest({ model: 'seedream-4', prompt: 'make it blue', images: [big] }),
      planRequest({ model: 'qwen-image', prompt: '加一隻貓', images: [small, big] }),
      planRequest({ model: 'nano-banana', prompt: 'night', history: [{ role: 'model', images: [big] }] }),
    ]);
    for (const plan of plans) await client.execute(plan);

    expect(api.received).toHaveLength(plans.length);
    plans.forEach((plan, index) => {
      const request = api?.received[index];
      const expected = oldJson(plan.calls[0]?.body);
      expect(request?.raw.toString('utf8')).toBe(expected);
      expect(request?.headers['content-length']).toBe(String(Buffer.byteLength(expected)));
      expect(request?.headers['transfer-encoding']).toBeUndefined();
      expect(request?.raw.includes(bigBase64)).toBe(true);
    });
  });

  it('sends the whole body again on a retry: the stream is opened anew', async () => {
    api = await startRecordingApi([503, 200]);
    client = createImageClient({
      baseUrl: api.url,
      apiKey: 'sk-test',
      timeoutMs: 20_000,
      maxRetries: 1,
      concurrency: 1,
      sleep: async () => {},
    });
    const plan = await planRequest({
      model: 'gpt-image-1',
      prompt: 'edit',
      images: [{ bytes: png(1024 * 1024), mediaType: 'image/png' }],
    });
    const result = await client.execute(plan);
    expect(result.images).toHaveLength(1);
    const expected = oldJson(plan.calls[0]?.body);
    expect(api.received.map((request) => request.raw.toString('utf8'))).toEqual([expected, expected]);
  });
});
