import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FetchFailure, type FetchImagePolicy, fetchImage } from '../../../src/core/net/fetch-image.js';
import { renderFor } from '../../../src/dev/fake-image-api/index.js';

// Two origins on 127.0.0.1: `/to?location=…` redirects, `/image` answers a PNG, anything else plain text.
interface Seen {
  origin: string;
  path: string;
  authorization: string | undefined;
}
const seen: Seen[] = [];
const servers: Server[] = [];
let png: Buffer;
let first: string;
let second: string;

async function startOrigin(): Promise<string> {
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    seen.push({ origin: origin(server), path, authorization: request.headers.authorization });
    if (path.startsWith('/to?')) {
      const location = new URL(path, 'http://x').searchParams.get('location') ?? '/';
      response.writeHead(302, { location }).end();
    } else if (path === '/image') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(png);
    } else if (path === '/chunked') {
      // No content-length: the body's length is known only at its end.
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(png.subarray(0, 10));
      response.end(png.subarray(10));
    } else if (path === '/short') {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length + 1000 });
      response.write(png, () => response.socket?.destroy());
    } else {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<html>a sign-in page</html>');
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return origin(server);
}

function origin(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

const to = (location: string) => `/to?location=${encodeURIComponent(location)}`;

class Refused extends Error {
  constructor(readonly failure: FetchFailure) {
    super(failure.kind);
  }
}

function policy(overrides: Partial<FetchImagePolicy> = {}): FetchImagePolicy {
  return {
    headersFor: () => ({}),
    maxBytes: 1024 * 1024,
    timeoutMs: 5_000,
    maxRedirects: 3,
    fail: (failure) => new Refused(failure),
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<FetchFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Refused) return error.failure;
    throw error;
  }
  throw new Error('expected the download to fail');
}

beforeAll(async () => {
  png = await renderFor('fetch image test', { width: 8, height: 8 });
  first = await startOrigin();
  second = await startOrigin();
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('fetchImage', () => {
  it('sends the first origin its headers only until a redirect leaves it, not when a later one comes back', async () => {
    seen.length = 0;
    const token: Record<string, string> = { authorization: 'Bearer token' };
    const tokenOnFirst = policy({ headersFor: (hop) => (hop.onFirstOrigin ? token : {}) });
    const back = `${first}/image`;
    const away = `${second}${to(back)}`;
    const image = await fetchImage(`${first}${to(`${first}${to(away)}`)}`, tokenOnFirst);

    expect(image).toEqual({ bytes: png, mediaType: 'image/png' });
    expect(seen).toEqual([
      { origin: first, path: to(`${first}${to(away)}`), authorization: 'Bearer token' },
      { origin: first, path: to(away), authorization: 'Bearer token' },
      { origin: second, path: to(back), authorization: undefined },
      { origin: first, path: '/image', authorization: undefined },
    ]);
  });

  it('makes no request for a link or a redirect the hop policy refuses', async () => {
    seen.length = 0;
    const firstOnly = policy({
      headersFor: (hop) => (hop.url.origin === first ? {} : undefined),
    });
    expect(await failureOf(fetchImage(`${second}/image`, firstOnly))).toEqual({ kind: 'refused' });
    expect(await failureOf(fetchImage(`${first}${to(`${second}/image`)}`, firstOnly))).toEqual({
      kind: 'bad-redirect',
      status: 302,
    });
    expect(seen.map((request) => request.origin)).toEqual([first]);
  });

  it('follows at most maxRedirects redirects', async () => {
    seen.length = 0;
    const link = `${first}${to(to(to('/image')))}`;
    expect(await failureOf(fetchImage(link, policy({ maxRedirects: 2 })))).toEqual({
      kind: 'too-many-redirects',
      status: 302,
    });
    expect(seen).toHaveLength(3);
    expect((await fetchImage(link, policy({ maxRedirects: 3 }))).bytes).toEqual(png);
  });

  it('reads an image of a known length and one of an unknown length (chunked) to the same bytes', async () => {
    const known = await fetchImage(`${first}/image`, policy());
    const chunked = await fetchImage(`${first}/chunked`, policy());
    expect(known.bytes.equals(png)).toBe(true);
    expect(chunked.bytes.equals(png)).toBe(true);
    expect(known.mediaType).toBe('image/png');
  });

  it('fails a body that ends before its content-length as a network failure, not a shorter image', async () => {
    const failure = await failureOf(fetchImage(`${first}/short`, policy()));
    expect(failure.kind).toBe('network');
  });

  it('hands back the bytes and content type of an answer that is not an image', async () => {
    const failure = await failureOf(fetchImage(`${first}/page`, policy()));
    expect(failure).toMatchObject({ kind: 'not-image', contentType: 'text/html', status: 200 });
    expect(failure.kind === 'not-image' && failure.bytes.toString()).toBe('<html>a sign-in page</html>');
  });

  it('refuses a link that is not http(s) before any request, naming its scheme', async () => {
    seen.length = 0;
    expect(await failureOf(fetchImage('file:///etc/passwd', policy()))).toEqual({
      kind: 'not-http',
      protocol: 'file:',
    });
    expect(await failureOf(fetchImage('not a link', policy()))).toEqual({ kind: 'not-http' });
    expect(seen).toEqual([]);
  });
});
