import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Recorder, startRecorder } from '../../support/recorder.js';
import { type Harness, planOf, rejectionOf, seedreamBody, startHarness } from './client-fixtures.js';

// Result URLs (`data[].url`) are fetched only from the image API's own origin or from a public address.
// The recorder is "another origin" on 127.0.0.1: if the guard lets anything through, it sees it.

let harness: Harness;
let recorder: Recorder;

beforeAll(async () => {
  recorder = await startRecorder();
});
afterAll(async () => {
  await recorder.close();
});
afterEach(async () => {
  await harness.close();
});

/** A resolver for the test: names it knows map to loopback, nothing goes to real DNS. */
const testLookup = (table: Record<string, string>) => async (hostname: string) => {
  const address = table[hostname];
  if (address === undefined)
    throw Object.assign(new Error(`no test address for ${hostname}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

const lookup = testLookup({
  'images.example.test': '127.0.0.1',
  'mapped.example.test': '::ffff:127.0.0.1',
});

function downloadFailures(lines: string[]): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === 'image download failed');
}

async function refusal(url: string) {
  harness = await startHarness({ lookup });
  harness.fake.fault({ kind: 'foreign_url', url });
  return rejectionOf(harness.client.execute(planOf([seedreamBody('a harbour at night')])));
}

describe('image client: where result URLs may lead', () => {
  it('refuses a loopback address on another origin than the API, and the recorder sees nothing', async () => {
    const error = await refusal(`${recorder.url}/result.png?X-Amz-Signature=presigned-secret`);
    expect(error).toMatchObject({ code: 'download_failed', retryable: false });
    expect(recorder.requests).toEqual([]);
    expect(harness.sleeps).toEqual([]);
    const [logged, ...more] = downloadFailures(harness.logLines);
    expect(more).toEqual([]);
    expect(logged).toMatchObject({
      level: 'warn',
      origin: recorder.url,
      code: 'download_failed',
      rule: 'loopback',
      refused: '127.0.0.1 is a loopback address (127.0.0.0/8)',
    });
    expect(harness.logLines.join('\n')).not.toContain('presigned-secret');
  });

  it.each([
    ['images.example.test', '127.0.0.1 is a loopback address (127.0.0.0/8)'],
    ['mapped.example.test', '::ffff:127.0.0.1 is a loopback address (127.0.0.0/8, IPv4-mapped)'],
  ])('refuses %s, a name that resolves to loopback, before connecting', async (name, refused) => {
    const error = await refusal(`http://${name}:${recorder.port}/result.png`);
    expect(error).toMatchObject({ code: 'download_failed', retryable: false });
    expect(recorder.requests).toEqual([]);
    expect(downloadFailures(harness.logLines)).toMatchObject([{ rule: 'loopback', refused }]);
  });

  it('refuses a redirect from the API origin to another origin on loopback', async () => {
    harness = await startHarness({ lookup });
    harness.fake.fault({ kind: 'redirect_url', location: `${recorder.url}/stolen.png` });
    const error = await rejectionOf(harness.client.execute(planOf([seedreamBody('a harbour at dawn')])));
    expect(error).toMatchObject({ code: 'download_failed', retryable: false });
    expect(recorder.requests).toEqual([]);
    // The first hop, on the API origin, was fetched once and not retried.
    expect(harness.fake.requests.filter((request) => request.path.startsWith('/files/'))).toHaveLength(1);
    expect(downloadFailures(harness.logLines)).toMatchObject([
      { rule: 'loopback', refused: '127.0.0.1 is a loopback address (127.0.0.0/8)' },
    ]);
  });

  it('refuses a redirect to a name that resolves to loopback', async () => {
    harness = await startHarness({ lookup });
    harness.fake.fault({
      kind: 'redirect_url',
      location: `http://images.example.test:${recorder.port}/stolen.png`,
    });
    const error = await rejectionOf(harness.client.execute(planOf([seedreamBody('a harbour at noon')])));
    expect(error).toMatchObject({ code: 'download_failed', retryable: false });
    expect(recorder.requests).toEqual([]);
    expect(downloadFailures(harness.logLines)).toMatchObject([{ rule: 'loopback' }]);
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/result.png'])(
    'refuses %s without a request',
    async (url) => {
      const error = await refusal(url);
      expect(error).toMatchObject({ code: 'download_failed', retryable: false });
      expect(harness.sleeps).toEqual([]);
      expect(downloadFailures(harness.logLines)).toHaveLength(1);
    },
  );

  it('refuses a redirect to a file: URL and does not retry it', async () => {
    harness = await startHarness({ lookup });
    harness.fake.fault({ kind: 'redirect_url', location: 'file:///etc/passwd' });
    const error = await rejectionOf(harness.client.execute(planOf([seedreamBody('a harbour in fog')])));
    expect(error).toMatchObject({ code: 'download_failed', retryable: false });
    expect(harness.fake.requests.filter((request) => request.path.startsWith('/files/'))).toHaveLength(1);
  });

  it('still downloads from the API origin, though it is on loopback', async () => {
    harness = await startHarness({ lookup });
    harness.fake.setDelivery('url');
    const result = await harness.client.execute(planOf([seedreamBody('a harbour in spring')]));
    expect(result.images[0]?.bytes.equals(harness.fake.images[0] ?? Buffer.alloc(0))).toBe(true);
    expect(downloadFailures(harness.logLines)).toEqual([]);
  });
});
