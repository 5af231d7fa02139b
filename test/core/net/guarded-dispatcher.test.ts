import { createServer, type Server } from 'node:http';
import { type Dispatcher, interceptors, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGuardedDispatcher,
  findRefusal,
  type LookupAddresses,
  type RefusedAddressError,
} from '../../../src/core/net/guarded-dispatcher.js';
import { type Recorder, startRecorder } from '../../support/recorder.js';

// Only loopback addresses are ever handed to the guard, so a broken guard still sends nothing off 127.0.0.1.
// The "allowed" server plays the image API's origin; the recorder is any other origin and must see nothing.
let allowed: Server;
let allowedUrl: string;
let recorder: Recorder;
const allowedPaths: string[] = [];

beforeAll(async () => {
  recorder = await startRecorder();
  allowed = createServer((incoming, response) => {
    allowedPaths.push(incoming.url ?? '');
    if (incoming.url?.startsWith('/to?')) {
      const location = new URL(incoming.url, 'http://x').searchParams.get('location') ?? '/';
      response.writeHead(302, { location }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('allowed');
  });
  await new Promise<void>((resolve) => allowed.listen(0, '127.0.0.1', resolve));
  const address = allowed.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  allowedUrl = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await recorder.close();
  await new Promise<void>((resolve) => allowed.close(() => resolve()));
});

const lookup: LookupAddresses = async (hostname) => {
  const table: Record<string, string[]> = {
    'images.example.test': ['127.0.0.1'],
    'v6.example.test': ['::1'],
    'both.example.test': ['::ffff:127.0.0.1', '127.0.0.1'],
  };
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error(`unknown ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

async function get(dispatcher: Dispatcher, url: string): Promise<{ status: number; text: string }> {
  const response = await request(url, {
    dispatcher: dispatcher.compose(interceptors.redirect({ maxRedirections: 3 })),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

async function refusalOf(promise: Promise<unknown>): Promise<RefusedAddressError> {
  try {
    await promise;
  } catch (error) {
    const refusal = findRefusal(error);
    if (refusal) return refusal;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('createGuardedDispatcher', () => {
  it('connects to an allowed origin even on loopback', async () => {
    const guard = createGuardedDispatcher({ allowedOrigins: [`${allowedUrl}/v1`], lookup });
    try {
      expect(await get(guard.dispatcher, `${allowedUrl}/image.png`)).toEqual({
        status: 200,
        text: 'allowed',
      });
    } finally {
      await guard.close();
    }
  });

  it.each([
    ['an IPv4 literal', () => `${recorder.url}/x.png`, '127.0.0.1 is a loopback address (127.0.0.0/8)'],
    ['an IPv6 literal', () => `http://[::1]:${recorder.port}/x.png`, '::1 is a loopback address (::1/128)'],
    [
      'an IPv4-mapped literal',
      () => `http://[::ffff:127.0.0.1]:${recorder.port}/x.png`,
      '::ffff:7f00:1 is a loopback address (127.0.0.0/8, IPv4-mapped)',
    ],
    [
      'a decimal IPv4 literal',
      () => `http://2130706433:${recorder.port}/x.png`,
      '127.0.0.1 is a loopback address (127.0.0.0/8)',
    ],
    [
      'a name resolving to loopback',
      () => `http://images.example.test:${recorder.port}/x.png`,
      '127.0.0.1 is a loopback address (127.0.0.0/8)',
    ],
    [
      'a name resolving to IPv6 loopback',
      () => `http://v6.example.test:${recorder.port}/x.png`,
      '::1 is a loopback address (::1/128)',
    ],
    [
      'a name with several refused addresses',
      () => `http://both.example.test:${recorder.port}/x.png`,
      '::ffff:127.0.0.1 is a loopback address (127.0.0.0/8, IPv4-mapped)',
    ],
  ])('refuses %s before connecting', async (_name, url, text) => {
    const guard = createGuardedDispatcher({ allowedOrigins: [allowedUrl], lookup });
    try {
      const refusal = await refusalOf(get(guard.dispatcher, url()));
      expect(refusal.message).toBe(`refused: ${text}`);
      expect(refusal.code).toBe('ERR_REFUSED_ADDRESS');
      expect(recorder.requests).toEqual([]);
    } finally {
      await guard.close();
    }
  });

  it('refuses a redirect from the allowed origin to another origin on loopback', async () => {
    const guard = createGuardedDispatcher({ allowedOrigins: [allowedUrl], lookup });
    const before = allowedPaths.length;
    try {
      const location = encodeURIComponent(`${recorder.url}/stolen`);
      const refusal = await refusalOf(get(guard.dispatcher, `${allowedUrl}/to?location=${location}`));
      expect(refusal.refusal).toEqual({ address: '127.0.0.1', rule: 'loopback', range: '127.0.0.0/8' });
      expect(allowedPaths.length - before).toBe(1);
      expect(recorder.requests).toEqual([]);
    } finally {
      await guard.close();
    }
  });

  it('sends allowed origins through the trusted dispatcher and the rest through the guard', async () => {
    const guard = createGuardedDispatcher({ allowedOrigins: [allowedUrl], lookup });
    const seen: string[] = [];
    const trusted = guard.dispatcher.compose((dispatch) => (options, handler) => {
      seen.push(String(options.origin));
      return dispatch(options, handler);
    });
    const routed = createGuardedDispatcher({ allowedOrigins: [allowedUrl], lookup, trusted });
    try {
      expect(await get(routed.dispatcher, `${allowedUrl}/a.png`)).toEqual({ status: 200, text: 'allowed' });
      await refusalOf(get(routed.dispatcher, `${recorder.url}/b.png`));
      // A redirect hop is routed again: the allowed origin's hop goes through `trusted`, the next through the guard.
      const location = encodeURIComponent(`${recorder.url}/c.png`);
      await refusalOf(get(routed.dispatcher, `${allowedUrl}/to?location=${location}`));
      expect(seen).toEqual([allowedUrl, allowedUrl]);
      expect(recorder.requests).toEqual([]);
    } finally {
      await routed.close();
      await guard.close();
    }
  });
});
