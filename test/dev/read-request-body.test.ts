import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readRequestBody } from '../../src/dev/read-request-body.js';

/** A server that reads each body with `read` and answers 200 with its length, or 413 when it got undefined. */
async function serve(read: (request: IncomingMessage) => Promise<Buffer | undefined>) {
  const bodies: (Buffer | undefined)[] = [];
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      bodies.push(body);
      response.writeHead(body === undefined ? 413 : 200, { 'content-type': 'text/plain' });
      response.end(body === undefined ? 'too large' : String(body.length));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { server, url, bodies };
}

/** A body sent in pieces without a length (chunked transfer encoding). */
function inPieces(bytes: Buffer, pieces: number): ReadableStream<Uint8Array> {
  const size = Math.ceil(bytes.length / pieces);
  return new ReadableStream({
    start(controller) {
      for (let start = 0; start < bytes.length; start += size)
        controller.enqueue(bytes.subarray(start, start + size));
      controller.close();
    },
  });
}

const post = (url: string, body: Buffer | ReadableStream<Uint8Array>) =>
  fetch(url, { method: 'POST', body, duplex: 'half' } as RequestInit);

describe("the fakes' request body reader", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('reads a body with a length whole, however the socket splits it', async () => {
    const served = await serve((request) => readRequestBody(request));
    server = served.server;
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const answer = await post(served.url, bytes);
    expect(await answer.text()).toBe(String(bytes.length));
    expect(served.bodies[0]?.equals(bytes)).toBe(true);
  });

  it('reads a body sent in chunks without a length whole', async () => {
    const served = await serve((request) => readRequestBody(request));
    server = served.server;
    const bytes = randomBytes(200_003);
    const answer = await post(served.url, inPieces(bytes, 7));
    expect(answer.status).toBe(200);
    expect(served.bodies[0]?.equals(bytes)).toBe(true);
  });

  it('reads an empty body as empty', async () => {
    const served = await serve((request) => readRequestBody(request));
    server = served.server;
    const answer = await post(served.url, Buffer.alloc(0));
    expect(await answer.text()).toBe('0');
    expect(served.bodies[0]?.length).toBe(0);
  });

  it('gives undefined for a body over the cap, declared or not, and the server still answers', async () => {
    const served = await serve((request) => readRequestBody(request, 1000));
    server = served.server;
    const declared = await post(served.url, randomBytes(1001));
    expect(declared.status).toBe(413);
    expect(await declared.text()).toBe('too large');
    const chunked = await post(served.url, inPieces(randomBytes(5000), 5));
    expect(chunked.status).toBe(413);
    const atTheCap = await post(served.url, inPieces(randomBytes(1000), 4));
    expect(await atTheCap.text()).toBe('1000');
    expect(served.bodies.map((body) => body?.length)).toEqual([undefined, undefined, 1000]);
  });
});
