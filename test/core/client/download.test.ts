import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadImage } from '../../../src/core/client/download.js';
import { createGuardedDispatcher, type GuardedDispatcher } from '../../../src/core/net/guarded-dispatcher.js';
import { renderFor } from '../../../src/dev/fake-image-api/index.js';
import { rejectionOf, waitFor } from './client-fixtures.js';

let server: Server;
let baseUrl: string;
let png: Buffer;
let guard: GuardedDispatcher;
const hung: ServerResponse[] = [];
let hits = 0;

beforeAll(async () => {
  png = await renderFor('download test', { width: 16, height: 16 });
  server = createServer((request, response) => {
    hits += 1;
    switch (request.url) {
      case '/image.bin':
        // The header lies; the bytes decide.
        response.writeHead(200, { 'content-type': 'text/plain' });
        return response.end(png);
      case '/to-file':
        response.writeHead(302, { location: 'file:///etc/passwd' });
        return response.end();
      case '/redirect':
        response.writeHead(302, { location: '/image.bin' });
        return response.end();
      case '/html.png':
        response.writeHead(200, { 'content-type': 'image/png' });
        return response.end('<html><body>Link expired</body></html>');
      case '/chunked':
        // No content-length: the cap must hold while streaming.
        response.writeHead(200, { 'content-type': 'image/png' });
        response.write(png);
        response.write(Buffer.alloc(4096));
        return response.end(Buffer.alloc(4096));
      case '/hang':
        response.writeHead(200, { 'content-type': 'image/png' });
        response.write(png.subarray(0, 8));
        hung.push(response);
        return;
      case '/fail':
        response.writeHead(503);
        return response.end('busy');
      default:
        response.writeHead(404, { 'content-type': 'application/xml' });
        return response.end('<Error><Code>NoSuchKey</Code></Error>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  // The test server plays the image API's origin; every other origin must be public.
  guard = createGuardedDispatcher({ allowedOrigins: [baseUrl] });
});

afterAll(async () => {
  for (const response of hung) response.destroy();
  await guard.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const options = () => ({ dispatcher: guard.dispatcher, timeoutMs: 2_000 });

describe('downloadImage', () => {
  it('returns the bytes and the media type from magic bytes, not from the header', async () => {
    const image = await downloadImage(`${baseUrl}/image.bin`, options());
    expect(image.bytes.equals(png)).toBe(true);
    expect(image.mediaType).toBe('image/png');
  });

  it('follows a redirect', async () => {
    expect((await downloadImage(`${baseUrl}/redirect`, options())).bytes.equals(png)).toBe(true);
  });

  it('rejects HTML served as image/png', async () => {
    expect(await rejectionOf(downloadImage(`${baseUrl}/html.png`, options()))).toMatchObject({
      code: 'download_failed',
      retryable: false,
      message: 'The generated image link did not lead to an image.',
    });
  });

  it('reports 404 as an expired link, not retryable', async () => {
    expect(await rejectionOf(downloadImage(`${baseUrl}/missing.png`, options()))).toMatchObject({
      code: 'download_failed',
      retryable: false,
      status: 404,
    });
  });

  it('reports 503 as retryable', async () => {
    expect(await rejectionOf(downloadImage(`${baseUrl}/fail`, options()))).toMatchObject({
      code: 'download_failed',
      retryable: true,
      message: 'Downloading the generated image failed (HTTP 503).',
    });
  });

  it('stops reading past the size cap when no length was announced', async () => {
    const error = await rejectionOf(
      downloadImage(`${baseUrl}/chunked`, { ...options(), maxBytes: png.length + 100 }),
    );
    expect(error).toMatchObject({
      code: 'download_failed',
      message: `The generated image is larger than the ${png.length + 100} bytes limit.`,
    });
  });

  it('times out a stalled body', async () => {
    const error = await rejectionOf(
      downloadImage(`${baseUrl}/hang`, { dispatcher: guard.dispatcher, timeoutMs: 150 }),
    );
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: true,
      message: 'Downloading the generated image timed out after 150 ms.',
    });
  });

  it('ends with cancelled when the caller aborts mid-download', async () => {
    const controller = new AbortController();
    const before = hung.length;
    const pending = downloadImage(`${baseUrl}/hang`, { ...options(), signal: controller.signal });
    await waitFor(() => hung.length > before, 'the download to start');
    controller.abort();
    expect(await rejectionOf(pending)).toMatchObject({ code: 'cancelled' });
  });

  it('refuses a link to a loopback address on another origin, not retryable, the rule in its cause', async () => {
    const before = hits;
    const error = await rejectionOf(downloadImage('http://127.0.0.2:9/image.png', options()));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      message: 'The generated image link leads to an address the bot does not download from.',
      cause: { message: 'refused: 127.0.0.2 is a loopback address (127.0.0.0/8)' },
    });
    expect(hits).toBe(before);
  });

  it('refuses a redirect to a file: link, not retryable', async () => {
    const error = await rejectionOf(downloadImage(`${baseUrl}/to-file`, options()));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      message: 'The generated image link redirected to a link that is not http(s).',
    });
  });

  it('refuses links that are not http(s) without any request', async () => {
    const before = hits;
    expect(await rejectionOf(downloadImage('file:///etc/passwd', options()))).toMatchObject({
      code: 'download_failed',
      retryable: false,
      message: 'The image API returned a file: link, not http(s).',
    });
    expect(await rejectionOf(downloadImage('ftp://127.0.0.1/image.png', options()))).toMatchObject({
      code: 'download_failed',
      retryable: false,
      message: 'The image API returned a ftp: link, not http(s).',
    });
    expect(hits).toBe(before);
  });
});
