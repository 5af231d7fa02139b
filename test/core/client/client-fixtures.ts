import {
  type ClientLogger,
  createImageClient,
  type ImageClientOptions,
} from '../../../src/core/client/index.js';
import type { RequestPlan } from '../../../src/core/plan-types.js';
import { type FakeImageApi, startFakeImageApi } from '../../../src/dev/fake-image-api/index.js';

export const sentinelKey = 'sk-SENTINEL-do-not-leak-123';

export interface Harness {
  fake: FakeImageApi;
  client: ReturnType<typeof createImageClient>;
  /** Every log line the client wrote, as JSON text. */
  logLines: string[];
  /** Every wait the client asked for between retries. */
  sleeps: number[];
  close(): Promise<void>;
}

export function capturingLogger(lines: string[]): ClientLogger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...fields }));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A fake on 127.0.0.1 expecting the sentinel key, and a client whose waits return at once. */
export async function startHarness(overrides: Partial<ImageClientOptions> = {}): Promise<Harness> {
  const fake = await startFakeImageApi({ apiKey: sentinelKey, maxSide: 64 });
  const logLines: string[] = [];
  const sleeps: number[] = [];
  const client = createImageClient({
    baseUrl: fake.url,
    apiKey: sentinelKey,
    timeoutMs: 5_000,
    maxRetries: 2,
    concurrency: 4,
    logger: capturingLogger(logLines),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...overrides,
  });
  return {
    fake,
    client,
    logLines,
    sleeps,
    async close() {
      await client.close();
      await fake.close();
    },
  };
}

/** Only the calls to the generation endpoint (the fake also records image downloads). */
export function generationRequests(fake: FakeImageApi) {
  return fake.requests.filter((request) => request.path === '/v1/images/generations');
}

export function gptImageBody(prompt: string, n = 1): Record<string, unknown> {
  return { model: 'gpt-image-1', prompt, size: '1024x1024', quality: 'low', n };
}

export function seedreamBody(prompt: string): Record<string, unknown> {
  return { model: 'doubao-seedream-4-0-250828', prompt, size: '2048x2048', watermark: false };
}

export function planOf(bodies: Record<string, unknown>[], modelId = 'gpt-image-1'): RequestPlan {
  return {
    modelId,
    calls: bodies.map((body) => ({ body, expectedImages: typeof body.n === 'number' ? body.n : 1 })),
    warnings: [{ type: 'unsupported', option: 'seed', message: 'gpt-image-1 has no seed; it was not sent.' }],
    sent: {},
  };
}

export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Lets pending I/O and timers run for a moment, to show that nothing more happens. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
